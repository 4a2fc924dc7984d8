/**
 * What a reviewer says on a page. The model raises findings (on blocks) and drafts replies (in
 * discussions) through its tools; planning turns them, with the summary, into ReviewComments, and a
 * ReviewComment is then the one type a comment has: planned in a run, posted by the publisher, and
 * remembered by the ledger, gaining where Notion put it on the way.
 */
import type { Severity } from "./severity.ts";

/** A point the model raised on one block with `comment_on_block`: posted there, or listed in the summary. */
export interface Finding {
  /** The block's reference in the rendering (`b7`). */
  ref: string;
  blockId: string;
  quote: string;
  severity: Severity;
  /** The point, as the model wrote it (made safe). */
  point: string;
  /** Position of the block in the document, for posting in reading order. */
  order: number;
}

/** A reply the model drafted in an existing discussion with `reply_in_thread`. */
export interface ReplyDraft {
  /** The discussion's reference in the rendering (`t3`). */
  ref: string;
  discussionId: string;
  /** The block (or page, for page-level discussions) the discussion is on. */
  anchorId: string;
  text: string;
}

export type CommentKind = "comment" | "reply" | "summary";

export interface ReviewComment {
  /** Its key within its run, the same in every attempt: `comment:<block id>:<n>`, `reply:<discussion id>`, `summary`. */
  key: string;
  kind: CommentKind;
  /** The markdown posted. */
  text: string;
  /** The block or discussion reference in the rendering (`b7`, `t3`); none for the summary. */
  ref?: string;
  /** comment: the block it is on (a new discussion there), with the finding it posts. */
  blockId?: string;
  quote?: string;
  severity?: Severity;
  point?: string;
  /** reply: the discussion it answers in, and the block or page that discussion is on. */
  discussionId?: string;
  anchorId?: string;
  /** summary: the reviewer's earlier summary comment, edited in place instead of posting a new one. */
  replaces?: string;
  /** Once posted: where Notion put it. */
  posted?: Posting;
}

export interface Posting {
  /** The comments it went out as (long text goes out in pieces, the rest as replies in its discussion). */
  commentIds: string[];
  discussionId: string;
  /** When it was posted (ISO). */
  at: string;
  /** The run that posted it. */
  runId: string;
  /** The summary replaced an earlier one in place. */
  updated?: boolean;
}

/**
 * What became of a comment on a block, as the reviewer saw its page on a later read: `addressed` (its block
 * changed since it was posted, then its discussion was resolved or went away), `dismissed` (resolved or
 * gone, its block unchanged), `answered` (a person replied, the discussion still open), `open` (neither).
 */
export const FATES = ["addressed", "dismissed", "answered", "open"] as const;

export type FateName = (typeof FATES)[number];

export interface CommentFate {
  fate: FateName;
  /** When a read of the page first showed it so (ISO). */
  observedAt: string;
  /** A read showed its block changed since it was posted (kept: a later resolve then addresses it). */
  blockChanged?: boolean;
}

/** A comment that is on the page; `fate` once a later read of the page saw what became of it. */
export type PostedComment = ReviewComment & { posted: Posting; fate?: CommentFate };
