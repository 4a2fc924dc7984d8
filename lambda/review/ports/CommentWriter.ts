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

export interface CommentWriter {
  /**
   * Posts a comment as `displayName`. A write whose outcome is unknown (a 5xx, a timeout) is checked
   * against the page before it is tried again, so nothing is posted twice. Throws NotionWriteError when
   * Notion keeps refusing.
   */
  postComment(target: CommentTarget, markdown: string, displayName: string): Promise<WrittenComment>;

  /** Replaces the text of one of the integration's own comments. */
  updateComment(commentId: string, markdown: string): Promise<WrittenComment>;

  /**
   * A comment with this text posted as `displayName` at `target` since `since` (to the minute, as Notion
   * stamps comments): how a retried run learns whether an attempt it cannot account for went through.
   */
  findComment(
    target: CommentTarget,
    markdown: string,
    displayName: string,
    since: Date,
  ): Promise<WrittenComment | undefined>;
}
