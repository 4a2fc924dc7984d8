/**
 * What goes on the review queue: a review of one page by one reviewer, or a reply to one comment. The body
 * has a versioned zod schema so the webhook and the worker can be deployed apart; the group is the page (a
 * page's jobs never run at once) and the deduplication id comes from the delivery, so a retried delivery
 * queues nothing new. The same id names the job's run in the ledger.
 */
import { createHash } from "node:crypto";
import { InvalidInputError } from "../errors.ts";
import { PROVIDERS, SUMMARY_MODES } from "../review/prompt/promptProperties.ts";
import * as z from "../schema.ts";

/** Invocations a review may continue into after its first: 20 x 15 minutes of reading is plenty. */
export const MAX_CONTINUATIONS = 20;

export const settingOverridesSchema = z.strictObject({
  provider: z.optional(z.enum(PROVIDERS)),
  model: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  summary: z.optional(z.enum(SUMMARY_MODES)),
});

const common = {
  version: z.literal(1),
  pageId: z.guid(),
  /** The delivery's event id: retried deliveries share it. */
  eventId: z.string().check(z.minLength(1)),
  /** Follows the job through the logs of both functions. */
  correlationId: z.string().check(z.minLength(1)),
  queuedAt: z.iso.datetime(),
};

export const reviewJobSchema = z.strictObject({
  ...common,
  kind: z.literal("review"),
  promptId: z.guid(),
  promptTitle: z.string(),
  overrides: z.optional(settingOverridesSchema),
  /**
   * The review's next invocation: reading outlived the last one, which kept what it read (under the run's
   * id) and queued this. Counted, so a review that makes no progress cannot go on for ever.
   */
  continuation: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MAX_CONTINUATIONS))),
});

/** Someone wrote a comment that may be addressed to a reviewer: the worker decides and answers. */
export const replyJobSchema = z.strictObject({
  ...common,
  kind: z.literal("reply"),
  /** The page or block the comment's discussion is on. */
  anchorId: z.guid(),
  commentId: z.guid(),
});

export const queueMessageSchema = z.discriminatedUnion("kind", [reviewJobSchema, replyJobSchema]);

export type ReviewJob = z.infer<typeof reviewJobSchema>;
export type ReplyJob = z.infer<typeof replyJobSchema>;
export type QueueMessage = z.infer<typeof queueMessageSchema>;
export type SettingOverrides = z.infer<typeof settingOverridesSchema>;

export function messageGroupOf(message: QueueMessage): string {
  return message.pageId;
}

/** The same delivery and job always give the same id: the queue's deduplication id and the run's id. */
export function deduplicationIdOf(message: QueueMessage): string {
  const subject = message.kind === "review" ? message.promptId : `reply:${message.commentId}`;
  return createHash("sha256").update(`${message.eventId}:${subject}`).digest("hex");
}

/** The queue's deduplication id: the run's, and for a continuation, which one it is. */
export function queueDeduplicationIdOf(message: QueueMessage): string {
  const runId = deduplicationIdOf(message);
  if (message.kind !== "review" || !message.continuation) return runId;
  return createHash("sha256").update(`${runId}:continuation:${message.continuation}`).digest("hex");
}

/**
 * What makes two review jobs the same review: the page, the reviewer and what is asked of it. While one is
 * waiting on the queue, a delivery asking for the same joins it instead of queueing another.
 */
export function sameReviewKeyOf(job: ReviewJob): string {
  const asked = JSON.stringify(Object.entries(job.overrides ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return `waiting:${job.pageId}:${job.promptId}:${createHash("sha256").update(asked).digest("hex").slice(0, 16)}`;
}

/** Parses a queue message body; throws with the problem when it is not a job Margin knows. */
export function parseQueueMessage(body: string): QueueMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new InvalidInputError("The queue message is not JSON.");
  }
  const parsed = queueMessageSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError(
      `The queue message is not a job Margin knows: ${z.firstProblem(parsed.error, "body")}.`,
    );
  }
  return parsed.data;
}
