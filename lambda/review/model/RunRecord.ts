/**
 * A reviewer's run on a page, and its memory of the page: what the ledger keeps so a retried run posts
 * nothing twice and a re-review knows what it said before.
 */
import type { PostedComment, ReviewComment } from "./ReviewComment.ts";

export type CommentState =
  | { state: "attempted"; at: string }
  | { state: "posted"; at: string; commentIds: string[]; discussionId: string };

export interface RunRecord {
  runId: string;
  pageId: string;
  promptId: string;
  /** The reviewer's name, which its comments carry (a resumed run posts under it). */
  reviewerName?: string;
  createdAt: string;
  /** A review of the page, or a reply in one discussion. */
  mode: "review" | "reply";
  status: "planned" | "done";
  /** What the run will post, in order, each under its key. */
  comments: ReviewComment[];
  /** How far each comment got, by key. */
  states: Record<string, CommentState>;
  /** The block fingerprints the run reviewed, recorded as the page's memory when it is done. */
  fingerprints: Record<string, string>;
}

/** One reviewer's memory of one page. */
export interface PageMemory {
  pageId: string;
  promptId: string;
  /** The reviewer's name as its last re-review of the page knew it (for `margin stats`). */
  reviewerName?: string;
  /** When it last reviewed the page (ISO). */
  lastReviewedAt?: string;
  /** Fingerprints of the blocks as it last reviewed them, by block id. */
  blocks: Record<string, string>;
  /** Its summary comment, to edit in place. */
  summary?: { commentId: string; discussionId: string };
  /**
   * A review run being posted: its comments are part of this memory as each is posted, and it is to be
   * completed (from its plan, without the model) before anything else is reviewed by this reviewer here.
   */
  unfinishedRunId?: string;
  /** Everything it posted on the page, oldest first. */
  comments: PostedComment[];
}

/**
 * The workspace's `comment.created` events as Margin has received them: since when without a long silence,
 * and the latest. While they flow, every new discussion is added to its page's index as it is created.
 */
export interface CommentEventFlow {
  flowingSince: string;
  lastSeenAt: string;
}

export interface DiscussionIndex {
  /** Blocks of the page known to carry discussions. */
  blockIds: string[];
  /** When every block's discussions were last listed (ISO); undefined if never. */
  scannedAt?: string;
}
