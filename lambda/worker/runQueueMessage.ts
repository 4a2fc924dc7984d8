/**
 * The worker's entry: a queue message is a review or a reply job.
 */
import type { QueueMessage } from "../queue/ReviewJob.ts";
import { runReplyJob } from "./runReplyJob.ts";
import { runReviewJob } from "./runReviewJob.ts";
import type { JobOutcome, WorkerDependencies } from "./WorkerDependencies.ts";

export function runQueueMessage(
  message: QueueMessage,
  attempt: number,
  deps: WorkerDependencies,
): Promise<JobOutcome> {
  return message.kind === "review"
    ? runReviewJob(message, attempt, deps)
    : runReplyJob(message, attempt, deps);
}
