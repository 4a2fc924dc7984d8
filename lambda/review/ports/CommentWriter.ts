/**
 * How the review core writes to a page: comments under a reviewer's name, edits of its own comments, and
 * the look on the page that tells a retried run whether an earlier attempt's comment went through.
 */

/** Where a new comment goes: a page (page-level discussion), a block (new discussion), or a reply. */
export type CommentTarget =
  | { kind: "page"; pageId: string }
  | { kind: "block"; blockId: string }
  | { kind: "reply"; discussionId: string; anchorId: string };

/** A comment as Notion holds it. */
export interface WrittenComment {
  id: string;
  discussionId: string;
}

/**
 * The ids of the comments the caller already knows are on the page under this name (posted before, by this
 * run or an earlier one): never taken for the one being written. Asked only after an unknown outcome.
 */
export type KnownComments = () => Promise<ReadonlySet<string>>;

export interface CommentWriter {
  /**
   * Posts a comment as `displayName`. A write whose outcome is unknown (a 5xx, a timeout) is checked
   * against the page before it is tried again, so nothing is posted twice. Throws NotionWriteError when
   * Notion keeps refusing.
   */
  postComment(
    target: CommentTarget,
    markdown: string,
    displayName: string,
    known: KnownComments,
  ): Promise<WrittenComment>;

  /** Replaces the text of one of the integration's own comments. */
  updateComment(commentId: string, markdown: string): Promise<WrittenComment>;

  /**
   * The comment an attempt that cannot be accounted for left at `target`, if it went through: posted by the
   * integration as `displayName`, since `since` (to the minute, as Notion stamps comments), starting a
   * discussion (or in the discussion replied to), not one of the `known` comments, and opening with the
   * words of `markdown` (compared letters and digits only: Notion renders markdown its own way). The words
   * tell it from another comment Margin posted there under the same name, such as a note that a review
   * could not run.
   */
  findComment(
    target: CommentTarget,
    displayName: string,
    since: Date,
    known: ReadonlySet<string>,
    markdown: string,
  ): Promise<WrittenComment | undefined>;
}
