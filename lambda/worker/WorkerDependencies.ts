/**
 * What the worker's jobs need: the review core's dependencies, the page's Review status, the prompts by
 * name, the queue's limits and a log; and how a job ends.
 */
import { MarginError } from "../errors.ts";
import type { PromptDirectory } from "../library/PromptDirectory.ts";
import type { Log } from "../observability/Log.ts";
import type { ReviewDependencies } from "../review/ReviewDependencies.ts";
import type { ReviewResult } from "../review/ReviewResult.ts";
import type { ClassifiedFailure } from "./classifyFailure.ts";
import type { ReviewStatusBoard } from "./ReviewStatusBoard.ts";

export interface WorkerDependencies {
  review: ReviewDependencies;
  /** The page's Review status, kept current while a job runs. */
  status: ReviewStatusBoard;
  promptsDatabase: string;
  /** Prompts by title, to tell which reviewer a comment is for. */
  prompts: PromptDirectory;
  /** Deliveries of one message before Margin gives up (the queue's maxReceiveCount). */
  maxAttempts: number;
  /** Replies a reviewer gives in one discussion in a day, at most. */
  maxRepliesPerThread: number;
  log: Log;
  now?: () => Date;
}

/** Thrown for a transient failure with attempts left: the queue delivers the job again later. */
export class RetryLater extends MarginError {}

export type JobOutcome =
  | { kind: "reviewed"; result?: ReviewResult; resumed?: boolean }
  | { kind: "skipped"; reason: string }
  | { kind: "failed"; failure: ClassifiedFailure };
