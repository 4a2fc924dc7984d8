/**
 * `POST /events`: Notion integration webhooks. A verification request's token is kept only as a candidate
 * (anyone can send one); events are verified with the key the operator confirmed (`margin events confirm`):
 * each must carry `X-Notion-Signature`, the HMAC of the raw body under that key, or is refused with 401.
 *
 * `comment.created` by a person queues a reply job for the worker, which decides whether a reviewer was
 * addressed. Events by bots and agents (Margin's own comments included), events older than the configured
 * age, and repeats of an event are acknowledged and dropped. Every comment also tells the ledger which block
 * carries a discussion, so re-reviews list comments only where they can be.
 */
import { randomUUID } from "node:crypto";
import { verifyWebhookSignature } from "@notionhq/client";
import type { Secrets } from "../config/secrets.ts";
import type { VerificationCandidates } from "../config/VerificationCandidates.ts";
import type { Log } from "../observability/Log.ts";
import type { ReplyJob } from "../queue/ReviewJob.ts";
import type { ReviewQueue } from "../queue/ReviewQueue.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { Ledger } from "../review/ports/Ledger.ts";
import { EVENT_SILENCE_HOURS } from "../review/read/readWithMemory.ts";
import * as z from "../schema.ts";
import { answer, type HttpRequest, type HttpResponse, refuse } from "./HttpExchange.ts";
import { MAX_CLOCK_SKEW_MS, MAX_ID_CHARACTERS } from "./limits.ts";
import { queueOnce } from "./queueOnce.ts";

/** How long a taken event is remembered: Notion retries for about a day. */
const EVENT_MEMORY_MS = 3 * 86_400_000;

export interface NotionEventDependencies {
  /** The key events are verified with (`notionWebhookToken`), which only the operator sets. */
  secrets: Secrets;
  /** Where verification tokens that arrive wait for the operator to confirm one. */
  candidates: VerificationCandidates;
  /** Log a verification token as it arrives (`margin serve`, whose log is the operator's terminal). */
  revealCandidates?: boolean;
  queue: ReviewQueue;
  ledger?: Ledger;
  /** Events older than this are dropped (minutes). */
  maxEventAgeMinutes: number;
  log: Log;
  correlationId?: string;
  now?: () => Date;
}

const verificationSchema = z.object({
  verification_token: z.string().check(z.minLength(1), z.maxLength(1_000)),
});

const id = z.string().check(z.minLength(1), z.maxLength(MAX_ID_CHARACTERS));

const eventSchema = z.looseObject({
  id,
  timestamp: z.iso.datetime({ offset: true }),
  type: z.string(),
  authors: z._default(z.array(z.looseObject({ id, type: z.string() })), []),
  entity: z.looseObject({ id, type: z.string() }),
  data: z.optional(z.looseObject({})),
});

const commentDataSchema = z.looseObject({
  page_id: id,
  parent: z.looseObject({ id, type: z.enum(["page", "block"]) }),
});

type NotionEvent = z.infer<typeof eventSchema>;

export async function handleNotionEvent(
  request: HttpRequest,
  deps: NotionEventDependencies,
): Promise<HttpResponse> {
  let raw: unknown;
  try {
    raw = JSON.parse(request.body);
  } catch {
    return refuse(400, "The body is not JSON: Notion webhooks send JSON.");
  }
  const verification = verificationSchema.safeParse(raw);
  if (verification.success && !(raw as Record<string, unknown>).type)
    return takeVerificationToken(verification.data.verification_token, deps);
  const unsigned = await checkSignature(request, deps);
  if (unsigned) return unsigned;
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) {
    return refuse(400, `The body is not a Notion event: ${z.firstProblem(parsed.error, "body")}.`);
  }
  const event = parsed.data;
  const now = (deps.now ?? (() => new Date()))();
  if (Date.parse(event.timestamp) - now.getTime() > MAX_CLOCK_SKEW_MS)
    return refuse(400, `The event is dated ${event.timestamp}, in the future: Notion does not send those.`);
  if (event.type !== "comment.created")
    return ignore(event, `Margin does not act on ${event.type} events.`, deps);
  return takeComment(event, now, deps);
}

/** A refusal unless the body carries the signature of the stored verification token. */
async function checkSignature(
  request: HttpRequest,
  deps: NotionEventDependencies,
): Promise<HttpResponse | undefined> {
  const token = await deps.secrets.get("notionWebhookToken");
  if (!token)
    return refuse(
      401,
      "No events key is confirmed: create the webhook subscription on the connection's Webhooks tab (https://www.notion.so/developers/connections), then confirm its verification token with margin events confirm.",
    );
  const signed = await verifyWebhookSignature({
    body: request.body,
    signature: request.headers["x-notion-signature"],
    verificationToken: token,
  });
  if (signed) return undefined;
  deps.log.warn("Refused an event with a bad signature");
  return refuse(401, "The X-Notion-Signature header does not match the body.");
}

/** A person's new comment: its discussion is indexed, and a reply job queued once per event. */
async function takeComment(
  event: NotionEvent,
  now: Date,
  deps: NotionEventDependencies,
): Promise<HttpResponse> {
  const data = commentDataSchema.safeParse(event.data);
  const pageId = data.success ? parseNotionId(data.data.page_id) : undefined;
  const anchorId = data.success ? parseNotionId(data.data.parent.id) : undefined;
  const commentId = parseNotionId(event.entity.id);
  if (!data.success || !pageId || !anchorId || !commentId)
    return refuse(400, "The comment.created event has no page, parent or comment id.");
  if (data.data.parent.type === "block") await deps.ledger?.indexDiscussions(pageId, [anchorId]);
  // Events arriving keep every page's index complete, which spares re-reviews the periodic full listing.
  await deps.ledger?.noteCommentEvent(
    now.toISOString(),
    new Date(now.getTime() - EVENT_SILENCE_HOURS * 3_600_000).toISOString(),
  );
  if (now.getTime() - Date.parse(event.timestamp) > deps.maxEventAgeMinutes * 60_000)
    return ignore(event, "The event is too old to answer.", deps);
  if (event.authors.length === 0 || event.authors.some((author) => author.type !== "person"))
    return ignore(event, "The comment was written by a bot or an agent.", deps);
  const job: ReplyJob = {
    version: 1,
    kind: "reply",
    pageId,
    anchorId,
    commentId,
    eventId: event.id,
    correlationId: deps.correlationId ?? randomUUID(),
    queuedAt: now.toISOString(),
  };
  const queued = await queueOnce(
    [{ job, claimId: `event:${event.id}` }],
    new Date(now.getTime() + EVENT_MEMORY_MS),
    deps,
  );
  if (queued.queued.length === 0) return ignore(event, "This event was already taken.", deps, "duplicate");
  deps.log.info("Queued a reply job", { eventId: event.id, type: event.type, pageId, commentId });
  return answer(200, "queued", { queued: [{ page: pageId, comment: commentId }] });
}

/** Acknowledged and dropped, with the reason logged and answered. */
function ignore(
  event: NotionEvent,
  reason: string,
  deps: NotionEventDependencies,
  outcome: "ignored" | "duplicate" = "ignored",
): HttpResponse {
  deps.log.info("Ignored an event", { eventId: event.id, type: event.type, reason });
  return answer(200, outcome, { ignored: reason });
}

/**
 * A verification request: its token is kept as a candidate, never as the key events are verified with,
 * since anyone may send one. The answer says nothing of where candidates are kept.
 */
async function takeVerificationToken(token: string, deps: NotionEventDependencies): Promise<HttpResponse> {
  await deps.candidates.add(token, (deps.now ?? (() => new Date()))());
  const next = "Confirm it with: margin events confirm <token> (margin events candidates lists them).";
  if (deps.revealCandidates) {
    // Locally the operator is the one reading this terminal; the token is shown this once.
    deps.log.info(`Notion sent a verification token: ${token}. ${next}`);
  } else {
    deps.log.info("Notion, or someone, sent a verification token; it is kept as a candidate", {
      where: deps.candidates.where(),
      next,
    });
  }
  return answer(200, "verification", { received: "verification token" });
}
