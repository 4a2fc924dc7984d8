/**
 * Margin's memory: what each reviewer did on each page (the blocks it reviewed, with a fingerprint of
 * their text; every comment it posted; its summary), the runs it made (their plan and which actions are
 * posted, so a retried run posts nothing twice), the deliveries it took, the blocks known to carry
 * discussions (so re-reviews list comments only where they can be), and the replies it gave (for the
 * per-thread cap). DynamoDB in AWS, a local file for the command line and `margin serve`.
 */
import type { PublishItem } from "../publish/publishReview.ts";

export interface LedgerComment {
  /** The action's key: unique for the page and reviewer. */
  key: string;
  kind: "comment" | "reply" | "summary";
  blockId?: string;
  quote?: string;
  severity?: string;
  discussionId: string;
  commentIds: string[];
  text: string;
  postedAt: string;
  runId: string;
}

/** One reviewer's memory of one page. */
export interface PageMemory {
  pageId: string;
  promptId: string;
  /** When it last reviewed the page (ISO). */
  lastReviewedAt?: string;
  /** Fingerprints of the blocks as it last reviewed them, by block id. */
  blocks: Record<string, string>;
  /** Its summary comment, to edit in place. */
  summary?: { commentId: string; discussionId: string };
  /** Everything it posted on the page, oldest first. */
  comments: LedgerComment[];
}

export interface DiscussionIndex {
  /** Blocks of the page known to carry discussions. */
  blockIds: string[];
  /** When every block's discussions were last listed (ISO); undefined if never. */
  scannedAt?: string;
}

export type ItemState =
  | { state: "attempted"; at: string }
  | { state: "posted"; at: string; commentIds: string[]; discussionId: string };

/** A planned action of a run: what to post, under its deterministic key. */
export interface RunItem {
  key: string;
  item: PublishItem;
  /** For comments: what the ledger keeps about them. */
  quote?: string;
  severity?: string;
}

export interface RunRecord {
  runId: string;
  pageId: string;
  promptId: string;
  createdAt: string;
  /** A review of the page, or a reply in one discussion. */
  mode: "review" | "reply";
  status: "planned" | "done";
  items: RunItem[];
  states: Record<string, ItemState>;
  /** The block fingerprints the run reviewed, recorded as the page's memory when it is done. */
  fingerprints: Record<string, string>;
}

export interface Ledger {
  memory(pageId: string, promptId: string): Promise<PageMemory | undefined>;
  /** Every reviewer's memory of a page. */
  memoriesOf(pageId: string): Promise<PageMemory[]>;
  /** Records a review: fingerprints, time, summary (comments are added one by one). */
  saveReview(
    pageId: string,
    promptId: string,
    review: { lastReviewedAt: string; blocks: Record<string, string>; summary?: PageMemory["summary"] },
  ): Promise<void>;
  /** Adds a posted comment; adding the same key again changes nothing. */
  addComment(pageId: string, promptId: string, comment: LedgerComment): Promise<void>;

  discussionIndex(pageId: string): Promise<DiscussionIndex>;
  /** Adds blocks known to carry discussions; with `scannedAt`, records a full scan (replacing the list). */
  indexDiscussions(pageId: string, blockIds: string[], scannedAt?: string): Promise<void>;

  run(runId: string): Promise<RunRecord | undefined>;
  /** Creates the run unless it exists; returns the one stored (an earlier attempt's, if any). */
  startRun(run: RunRecord): Promise<RunRecord>;
  setItemState(runId: string, key: string, state: ItemState): Promise<void>;
  finishRun(runId: string): Promise<void>;

  /** True the first time a delivery id is claimed (until it expires), false for a repeat. */
  claimDelivery(deliveryId: string, expiresAt: Date): Promise<boolean>;
  /** Gives a claim back (the delivery could not be queued: Notion's retry should be taken). */
  releaseDelivery(deliveryId: string): Promise<void>;

  recordReply(discussionId: string, at: string, runId: string): Promise<void>;
  countReplies(discussionId: string, since: string): Promise<number>;
}
