/**
 * What the review core reads of a Notion page: the page itself (properties, every block, its open
 * discussions), one discussion, and the integration's own user (the author of everything Margin posts).
 */
import type { DocumentBlock, DocumentThread, ReviewDocument } from "../model/ReviewDocument.ts";

export interface ReadOptions {
  /**
   * Which blocks to list discussions for, given the document's blocks (the page's own are always listed).
   * Without it, every block's are: Notion has no call that lists a page's discussions.
   */
  discussionsOn?: (blocks: DocumentBlock[]) => Set<string>;
  /** Told as the reading goes: a long page takes minutes at Notion's rate limit. */
  onProgress?: (progress: ReadingProgress) => void;
}

/** How far a page's reading has come. */
export interface ReadingProgress {
  /** Blocks read so far, at every level. */
  blocks: number;
  /** Blocks read whose own children are still to be listed: more blocks are coming while this is above 0. */
  blocksToOpen: number;
  /** Blocks (and the page) whose discussions have been listed, of those to list; 0 of 0 until the tree is read. */
  discussionsListed: number;
  discussionsToList: number;
}

export interface BotUser {
  id: string;
  name: string;
}

export interface PageReader {
  /** The integration's own bot user: the author of everything Margin posts. */
  botUser(): Promise<BotUser>;

  /**
   * Reads a page for review: properties, the whole block tree, and the unresolved discussions of the page
   * and every block. `reviewerName` tells the reviewer's own comments from others by the same bot.
   */
  readDocument(pageId: string, reviewerName: string, options?: ReadOptions): Promise<ReviewDocument>;

  /**
   * The open discussion a comment belongs to, read from the page or block it is on; undefined once the
   * comment is resolved or deleted.
   */
  readDiscussion(anchorId: string, commentId: string): Promise<DocumentThread | undefined>;
}
