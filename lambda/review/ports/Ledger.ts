/**
 * Margin's memory, as the review core needs it: what each reviewer did on each page (the blocks it reviewed,
 * with a fingerprint of their text; every comment it posted; its summary), the runs it made (their plan and
 * which comments are posted, so a retried run posts nothing twice), the deliveries it took, the blocks known
 * to carry discussions (so re-reviews list comments only where they can be), and the replies it gave (for
 * the per-thread cap). DynamoDB in AWS, a local file for the command line and `margin serve`.
 */
import type { CommentFate, PostedComment } from "../model/ReviewComment.ts";
import type {
  CommentEventFlow,
  CommentState,
  DiscussionIndex,
  PageMemory,
  RunRecord,
} from "../model/RunRecord.ts";

export type { CommentEventFlow, CommentState, DiscussionIndex, PageMemory, RunRecord };

/** A posted comment's fate, named by the run that posted it and its key in that run. */
export interface RecordedFate {
  runId: string;
  key: string;
  fate: CommentFate;
}

export interface Ledger {
  memory(pageId: string, promptId: string): Promise<PageMemory | undefined>;
  /** Every reviewer's memory of a page. */
  memoriesOf(pageId: string): Promise<PageMemory[]>;
  /**
   * Records a review: fingerprints, time, summary (kept when not given; comments are added one by one), and
   * the run still being posted, if any (cleared when not given).
   */
  saveReview(
    pageId: string,
    promptId: string,
    review: {
      lastReviewedAt: string;
      blocks: Record<string, string>;
      summary?: PageMemory["summary"];
      unfinishedRunId?: string;
    },
  ): Promise<void>;
  /** Adds a posted comment; adding the same one again (same run and key) changes nothing. */
  addComment(pageId: string, promptId: string, comment: PostedComment): Promise<void>;
  /**
   * Records what became of posted comments, as a later read of the page saw it (a comment the memory does
   * not hold is left out), and the reviewer's name, which `margin stats` lists them under.
   */
  recordFates(
    pageId: string,
    promptId: string,
    observed: { reviewerName: string; fates: RecordedFate[] },
  ): Promise<void>;
  /** Every reviewer's memory of every page (`margin stats`; a scan of the table in DynamoDB). */
  allMemories(): Promise<PageMemory[]>;

  discussionIndex(pageId: string): Promise<DiscussionIndex>;
  /** Adds blocks known to carry discussions; with `scannedAt`, records a full scan (replacing the list). */
  indexDiscussions(pageId: string, blockIds: string[], scannedAt?: string): Promise<void>;

  /** How comment events have been arriving; undefined if none ever did. */
  commentEvents(): Promise<CommentEventFlow | undefined>;
  /**
   * Notes a comment event received at `at`; when the one before came before `silentSince` (or none did),
   * a new flow starts at `at`.
   */
  noteCommentEvent(at: string, silentSince: string): Promise<void>;

  run(runId: string): Promise<RunRecord | undefined>;
  /** Creates the run unless it exists; returns the one stored (an earlier attempt's, if any). */
  startRun(run: RunRecord): Promise<RunRecord>;
  setCommentState(runId: string, key: string, state: CommentState): Promise<void>;
  finishRun(runId: string): Promise<void>;

  /** True the first time a delivery id is claimed (until it expires), false for a repeat. */
  claimDelivery(deliveryId: string, expiresAt: Date): Promise<boolean>;
  /** Gives a claim back (the delivery could not be queued: Notion's retry should be taken). */
  releaseDelivery(deliveryId: string): Promise<void>;

  recordReply(discussionId: string, at: string, runId: string): Promise<void>;
  countReplies(discussionId: string, since: string): Promise<number>;
}
