/**
 * Everything the review core needs from Notion, behind one small interface. The implementation
 * (`NotionClientGateway`) talks to the API through `@notionhq/client`; tests run it against the emulator.
 */
import type { PromptPage } from "../model/PromptPage.ts";
import type { DocumentBlock, DocumentThread, ReviewDocument } from "../model/ReviewDocument.ts";

export interface ReadOptions {
  /**
   * Which blocks to list discussions for, given the document's blocks (the page's own are always listed).
   * Without it, every block's are: Notion has no call that lists a page's discussions.
   */
  discussionsOn?: (blocks: DocumentBlock[]) => Set<string>;
}

export interface BotUser {
  id: string;
  name: string;
}

/** Where a new comment goes: a page (page-level discussion), a block (new discussion), or a reply. */
export type CommentTarget =
  | { kind: "page"; pageId: string }
  | { kind: "block"; blockId: string }
  | { kind: "reply"; discussionId: string; anchorId: string };

/** The states a page's `Review status` select goes through. */
export type ReviewStatus = "Queued" | "Reviewing" | "Reviewed" | "Failed";

export const REVIEW_STATUS_PROPERTY = "Review status";
export const LAST_REVIEWED_PROPERTY = "Last reviewed";

export interface PromptSummary {
  id: string;
  title: string;
}

export interface PostedComment {
  id: string;
  discussionId: string;
}

export interface NotionGateway {
  /** The integration's own bot user: the author of everything Margin posts. */
  botUser(): Promise<BotUser>;

  /**
   * Reads a page for review: properties, the whole block tree, and the unresolved discussions of the page
   * and every block. `reviewerName` tells the reviewer's own comments from others by the same bot.
   */
  readDocument(pageId: string, reviewerName: string, options?: ReadOptions): Promise<ReviewDocument>;

  /**
   * Finds a prompt in the Prompts database by title (case-insensitive) or by page id or URL, with its
   * reference pages read unless `references` is false.
   */
  loadPrompt(database: string, nameOrId: string, options?: { references?: boolean }): Promise<PromptPage>;

  /**
   * The open discussion a comment belongs to, read from the page or block it is on; undefined once the
   * comment is resolved or deleted.
   */
  readDiscussion(anchorId: string, commentId: string): Promise<DocumentThread | undefined>;

  /** Every prompt in the Prompts database, by id and title. */
  listPrompts(database: string): Promise<PromptSummary[]>;

  /**
   * Keeps the page's `Review status` select (and, once reviewed, its `Last reviewed` date) current. Pages
   * without those properties are left alone. Returns whether anything was written.
   */
  setReviewStatus(pageId: string, status: ReviewStatus, reviewedOn?: string): Promise<boolean>;

  /**
   * Posts a comment as `displayName`. A write whose outcome is unknown (a 5xx, a timeout) is checked
   * against the page before it is tried again, so nothing is posted twice.
   */
  postComment(target: CommentTarget, markdown: string, displayName: string): Promise<PostedComment>;

  /** Replaces the text of one of the integration's own comments. */
  updateComment(commentId: string, markdown: string): Promise<PostedComment>;

  /**
   * A comment with this text posted as `displayName` at `target` since `since` (to the minute, as Notion
   * stamps comments): how a retried run learns whether an attempt it cannot account for went through.
   */
  findComment(
    target: CommentTarget,
    markdown: string,
    displayName: string,
    since: Date,
  ): Promise<PostedComment | undefined>;
}
