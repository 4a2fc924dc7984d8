/**
 * What goes on the review queue: one review of one page by one reviewer. The body has a versioned zod
 * schema so the webhook and the worker can be deployed apart; the group is the page (reviews of a page
 * never run at once) and the deduplication id comes from the delivery and the prompt.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { PROVIDERS, SUMMARY_MODES } from "../prompt/promptProperties.ts";

export const settingOverridesSchema = z.strictObject({
  provider: z.enum(PROVIDERS).optional(),
  model: z.string().trim().min(1).max(200).optional(),
  summary: z.enum(SUMMARY_MODES).optional(),
});

export const reviewJobSchema = z.strictObject({
  version: z.literal(1),
  kind: z.literal("review"),
  pageId: z.guid(),
  promptId: z.guid(),
  promptTitle: z.string(),
  overrides: settingOverridesSchema.optional(),
  /** The delivery's event id (`source.event_id`): retried deliveries share it. */
  eventId: z.string().min(1),
  /** Follows the review through the logs of both functions. */
  correlationId: z.string().min(1),
  queuedAt: z.iso.datetime(),
});

export type ReviewJob = z.infer<typeof reviewJobSchema>;
export type SettingOverrides = z.infer<typeof settingOverridesSchema>;

export function messageGroupOf(job: ReviewJob): string {
  return job.pageId;
}

/** The same delivery and prompt always give the same id, so a retried delivery queues nothing new. */
export function deduplicationIdOf(job: ReviewJob): string {
  return createHash("sha256").update(`${job.eventId}:${job.promptId}`).digest("hex");
}

/** Parses a queue message body; throws with the problem when it is not a review job. */
export function parseReviewJob(body: string): ReviewJob {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new Error("The queue message is not JSON.");
  }
  const parsed = reviewJobSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `The queue message is not a review job: ${issue.path.join(".") || "body"}: ${issue.message}.`,
    );
  }
  return parsed.data;
}
