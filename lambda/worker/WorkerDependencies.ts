/**
 * What the worker's jobs need: the review core's dependencies, the page's Review status, the prompts by
 * name, the queue's limits, a log and where the job's figures go; and how a job ends.
 */
import { MarginError } from "../errors.ts";
import type { CheckpointStore } from "../ledger/CheckpointStore.ts";
import type { PromptDirectory } from "../library/PromptDirectory.ts";
import type { Log } from "../observability/Log.ts";
import type { JobMetrics } from "../observability/Metrics.ts";
import type { ReviewQueue } from "../queue/ReviewQueue.ts";
import type { ReviewDependencies } from "../review/ReviewDependencies.ts";
import type { ReviewResult } from "../review/ReviewResult.ts";
import type { ClassifiedFailure } from "./classifyFailure.ts";
import type { JobTally } from "./JobTally.ts";
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
  /** Where each job's figures go when it ends: CloudWatch metrics in Lambda, a log line in `margin serve`. */
  metrics: JobMetrics;
  /** What this job's Notion client and review report while it runs, for its figures. */
  tally: JobTally;
  now?: () => Date;
  /** Reading across invocations; without it a review reads in one go, however long that takes. */
  reading?: ReadingAcrossInvocations;
}

/**
 * What lets a review outlive one invocation: the job's Notion client answers earlier reads from the journal
 * and stops reading at the deadline; the journal is kept in the checkpoint store, and the review goes on in
 * a job put back on the queue.
 */
export interface ReadingAcrossInvocations {
  journal: ReadingJournal;
  checkpoints: CheckpointStore;
  queue: ReviewQueue;
}

/** What the worker needs of the job's reading journal (the Notion adapter's ReadJournal). */
export interface ReadingJournal {
  /** Takes in what earlier invocations read; false when the bytes cannot be read. */
  load(saved: Uint8Array): boolean;
  save(): Uint8Array;
  /** Resolves when no request is in flight. */
  idle(): Promise<void>;
  /** False once a comment was posted: what was read then may not be kept. */
  readonly usable: boolean;
  /** Reads held, answered from the journal in this invocation, and made in it. */
  readonly size: number;
  readonly replayed: number;
  readonly recorded: number;
}

/** Thrown for a transient failure with attempts left: the queue delivers the job again later. */
export class RetryLater extends MarginError {}

export type JobOutcome =
  | { kind: "reviewed"; result?: ReviewResult; resumed?: boolean }
  | { kind: "skipped"; reason: string }
  /** Reading paused at the invocation's deadline; the review goes on in this continuation. */
  | { kind: "continued"; continuation: number }
  | { kind: "failed"; failure: ClassifiedFailure };
