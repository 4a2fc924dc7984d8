/**
 * The webhook function's logic: `POST /` takes a Notion automation delivery, authenticates it by the
 * shared secret in `Authorization: Bearer <secret>` (compared in constant time), works out which reviewers
 * run (the `prompt` query parameter, else the page's Reviewers relation, else the default reviewer), and
 * answers 202 once every review is on the queue. A rejected request queues nothing.
 */

import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { Secrets } from "../config/secrets.ts";
import type { VerificationCandidates } from "../config/VerificationCandidates.ts";
import { closestTo } from "../didYouMean.ts";
import type { PromptDirectory } from "../library/PromptDirectory.ts";
import type { Log } from "../observability/Log.ts";
import {
  type ReviewJob,
  type SettingOverrides,
  sameReviewKeyOf,
  settingOverridesSchema,
} from "../queue/ReviewJob.ts";
import type { ReviewQueue } from "../queue/ReviewQueue.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { Ledger } from "../review/ports/Ledger.ts";
import type { PromptSummary } from "../review/ports/PromptSource.ts";
import {
  type AutomationDelivery,
  automationDeliverySchema,
  isTrashed,
  relationIds,
} from "./automationDelivery.ts";
import { answer, type HttpRequest, type HttpResponse, refuse } from "./HttpExchange.ts";
import { handleNotionEvent } from "./handleNotionEvent.ts";
import { MAX_BODY_BYTES } from "./limits.ts";
import { queueOnce } from "./queueOnce.ts";

/** More reviewers than this on one delivery is a mistake, not a workflow. */
export const MAX_REVIEWERS = 10;

const QUERY_PARAMETERS = ["prompt", "provider", "model", "summary"] as const;

export interface WebhookDependencies {
  secrets: Secrets;
  /** Where verification tokens that arrive at `/events` wait for the operator. */
  candidates: VerificationCandidates;
  /** Log a verification token as it arrives (`margin serve` only). */
  revealCandidates?: boolean;
  queue: ReviewQueue;
  prompts: PromptDirectory;
  /** The page relation that names reviewers (default `Reviewers`). */
  reviewersProperty: string;
  /** The reviewer when the delivery names none. */
  defaultPrompt?: string;
  log: Log;
  /** This delivery's correlation id, carried to the worker. */
  correlationId?: string;
  now?: () => Date;
  /** Remembers deliveries taken, so one Notion sends again is queued once. */
  ledger?: Ledger;
  /** Integration webhook events older than this are dropped (minutes). */
  maxEventAgeMinutes?: number;
}

/** How long a taken automation delivery is remembered. */
const DELIVERY_MEMORY_MS = 7 * 86_400_000;

export async function handleWebhookRequest(
  request: HttpRequest,
  deps: WebhookDependencies,
): Promise<HttpResponse> {
  const route =
    request.path === "/" || request.path === ""
      ? "automation"
      : request.path === "/events"
        ? "events"
        : undefined;
  if (!route)
    return refuse(
      404,
      `Nothing at ${request.path}: Notion automations post to /, integration webhooks to /events.`,
    );
  if (request.method !== "POST")
    return refuse(405, "Use POST: Notion sends webhooks with POST.", { allow: "POST" });
  if (Buffer.byteLength(request.body) > MAX_BODY_BYTES)
    return refuse(413, `The body is over ${MAX_BODY_BYTES / 1024} KB; a Notion webhook sends far less.`);
  if (route === "events")
    return handleNotionEvent(request, { ...deps, maxEventAgeMinutes: deps.maxEventAgeMinutes ?? 60 });
  return handleAutomationDelivery(request, deps);
}

async function handleAutomationDelivery(
  request: HttpRequest,
  deps: WebhookDependencies,
): Promise<HttpResponse> {
  if (!(await authentic(request, deps.secrets))) {
    deps.log.warn("Refused a delivery without the right secret");
    return refuse(
      401,
      "Missing or wrong secret: the automation must send the header Authorization: Bearer <secret>.",
    );
  }
  const read = readDelivery(request);
  if ("refusal" in read) return read.refusal;
  const { delivery, pageId, query } = read;
  const log = { pageId, eventId: delivery.source.event_id, attempt: delivery.source.attempt };
  if (isTrashed(delivery)) {
    deps.log.info("Skipped a page in the trash", log);
    return answer(202, "skipped", { queued: [], skipped: "The page is in the trash." });
  }
  const reviewers = await chooseReviewers(delivery, query.prompts, deps);
  if ("error" in reviewers) return refuse(400, reviewers.error);

  const now = (deps.now ?? (() => new Date()))();
  const correlationId = deps.correlationId ?? randomUUID();
  const jobs: ReviewJob[] = reviewers.prompts.map((prompt) => ({
    version: 1,
    kind: "review",
    pageId,
    promptId: prompt.id,
    promptTitle: prompt.title,
    ...(Object.keys(query.overrides).length > 0 ? { overrides: query.overrides } : {}),
    eventId: delivery.source.event_id,
    correlationId,
    queuedAt: now.toISOString(),
  }));
  return queueReviews(jobs, log, reviewers.chosenBy, now, deps);
}

/** Queues the reviews once each, joining those of the page still waiting, and answers with what became of each. */
async function queueReviews(
  jobs: ReviewJob[],
  log: Record<string, unknown>,
  chosenBy: string,
  now: Date,
  deps: WebhookDependencies,
): Promise<HttpResponse> {
  const { queued, joined, taken } = await queueOnce(
    jobs.map((job) => ({
      job,
      claimId: `automation:${job.eventId}:${job.promptId}`,
      joinKey: sameReviewKeyOf(job),
    })),
    new Date(now.getTime() + DELIVERY_MEMORY_MS),
    deps,
  );
  const titles = (some: ReviewJob[]) => some.map((job) => job.promptTitle);
  if (taken.length > 0)
    deps.log.info("Skipped reviews this delivery already queued", { ...log, prompts: titles(taken) });
  if (joined.length > 0) {
    deps.log.info(
      "Joined reviews of this page already waiting on the queue: one review covers both deliveries",
      {
        ...log,
        prompts: titles(joined),
      },
    );
  }
  if (queued.length > 0) deps.log.info("Queued reviews", { ...log, prompts: titles(queued), chosenBy });
  const listed = (some: ReviewJob[]) => some.map((job) => ({ page: job.pageId, prompt: job.promptTitle }));
  const outcome = queued.length > 0 ? "queued" : joined.length > 0 ? "joined" : "duplicate";
  return answer(202, outcome, {
    queued: listed(queued),
    ...(joined.length > 0 ? { joined: listed(joined) } : {}),
    ...(taken.length > 0
      ? {
          duplicate: `This delivery was already taken for ${titles(taken).join(", ")}; ${taken.length === 1 ? "its review is" : "their reviews are"} queued or done.`,
        }
      : {}),
  });
}

/** The delivery's body and query, read and checked; a refusal saying what is wrong otherwise. */
function readDelivery(
  request: HttpRequest,
): { delivery: AutomationDelivery; pageId: string; query: DeliveryQuery } | { refusal: HttpResponse } {
  let raw: unknown;
  try {
    raw = JSON.parse(request.body);
  } catch {
    return { refusal: refuse(400, "The body is not JSON: send the automation's page data.") };
  }
  const parsed = automationDeliverySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      refusal: refuse(
        400,
        `The body is not a Notion automation delivery: ${issue.path.join(".") || "body"} ${issue.message}.`,
      ),
    };
  }
  const delivery = parsed.data;
  const pageId = parseNotionId(delivery.data.id);
  if (!pageId) return { refusal: refuse(400, `data.id is not a Notion page id: "${delivery.data.id}".`) };
  const query = readQuery(request.query);
  if ("error" in query) return { refusal: refuse(400, query.error) };
  return { delivery, pageId, query };
}

/** Compares the bearer token with the secret in constant time (hashes first, so lengths do not leak). */
async function authentic(request: HttpRequest, secrets: Secrets): Promise<boolean> {
  const header = request.headers.authorization ?? "";
  const given = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
  const secret = await secrets.get("webhookSecret");
  if (!given || !secret) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/** What the query asks for: reviewers by name or id, and settings instead of theirs. */
interface DeliveryQuery {
  prompts: string[];
  overrides: SettingOverrides;
}

type QueryResult = DeliveryQuery | { error: string };

function readQuery(pairs: Array<[string, string]>): QueryResult {
  const unknown = pairs
    .map(([name]) => name)
    .filter((name) => !(QUERY_PARAMETERS as readonly string[]).includes(name));
  if (unknown.length > 0)
    return { error: `Unknown query parameter "${unknown[0]}"; allowed: ${QUERY_PARAMETERS.join(", ")}.` };
  const single: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (name === "prompt") continue;
    if (name in single) return { error: `The query parameter "${name}" is given twice; give it once.` };
    single[name] = value;
  }
  const overrides = settingOverridesSchema.safeParse(single);
  if (!overrides.success) {
    const issue = overrides.error.issues[0]!;
    return {
      error: `The query parameter "${issue.path.join(".")}" is "${single[String(issue.path[0])]}": ${issue.message}.`,
    };
  }
  const prompts = pairs.filter(([name]) => name === "prompt").map(([, value]) => value.trim());
  if (prompts.some((prompt) => !prompt))
    return { error: 'The query parameter "prompt" is empty; give a prompt\'s name or page id.' };
  return { prompts, overrides: overrides.data };
}

type Reviewers = { prompts: PromptSummary[]; chosenBy: "query" | "relation" | "default" } | { error: string };

async function chooseReviewers(
  delivery: AutomationDelivery,
  fromQuery: string[],
  deps: WebhookDependencies,
): Promise<Reviewers> {
  const related = relationIds(delivery, deps.reviewersProperty) ?? [];
  const [wanted, chosenBy] =
    fromQuery.length > 0
      ? [fromQuery, "query" as const]
      : related.length > 0
        ? [related, "relation" as const]
        : deps.defaultPrompt
          ? [[deps.defaultPrompt], "default" as const]
          : [[], "default" as const];
  if (wanted.length === 0) {
    return {
      error: `No reviewer for this page: add ?prompt=<name> to the webhook URL, fill the page's "${deps.reviewersProperty}" relation, or configure a default reviewer.`,
    };
  }
  const unique = [...new Set(wanted)];
  if (unique.length > MAX_REVIEWERS)
    return { error: `${unique.length} reviewers asked for; at most ${MAX_REVIEWERS} run on one delivery.` };
  const prompts: PromptSummary[] = [];
  for (const name of unique) {
    const prompt = await deps.prompts.resolve(name);
    if (!prompt) {
      const where =
        chosenBy === "relation"
          ? `The "${deps.reviewersProperty}" relation points to a page that is not a prompt (${name})`
          : `Unknown prompt "${name}"`;
      const titles = await deps.prompts.titles();
      const closest = chosenBy === "relation" ? undefined : closestTo(name, titles);
      return {
        error: `${where}${closest ? ` (did you mean "${closest}"?)` : ""}; prompts available: ${titles.map((title) => `"${title}"`).join(", ") || "none"}.`,
      };
    }
    if (!prompts.some((known) => known.id === prompt.id)) prompts.push(prompt);
  }
  return { prompts, chosenBy };
}
