/**
 * The document under review, as the review core sees it: plain data read from Notion by a PageReader, with
 * no SDK types. Text is inline markdown (bold, italic, code, strikethrough, links, mentions kept).
 */

export interface ReviewDocument {
  page: DocumentPage;
  /** Top-level blocks in order, each with its children. */
  blocks: DocumentBlock[];
  /** Unresolved discussions of the page and of every block, in document order. */
  threads: DocumentThread[];
}

export interface DocumentPage {
  id: string;
  title: string;
  url: string;
  /** Properties other than the title, rendered readably ("Approvers: (empty)"). */
  properties: DocumentProperty[];
}

export interface DocumentProperty {
  name: string;
  type: string;
  /** Readable value; empty string when the property has no value. */
  value: string;
}

export interface DocumentBlock {
  id: string;
  type: string;
  /** The block's own text as inline markdown (empty for blocks without text). */
  text: string;
  /** The same text without formatting, for checking quotes. */
  plainText: string;
  /** Type-specific facts the rendering shows: checked, language, icon, url, cells, title... */
  attributes: BlockAttributes;
  children: DocumentBlock[];
}

export interface BlockAttributes {
  checked?: boolean;
  language?: string;
  icon?: string;
  url?: string;
  caption?: string;
  title?: string;
  /** Table rows: each cell as inline markdown. */
  cells?: string[];
  hasColumnHeader?: boolean;
  /** Heading that folds its children. */
  toggleable?: boolean;
  /** Synced block whose original could not be read. */
  unavailable?: boolean;
}

export interface DocumentThread {
  discussionId: string;
  /** The block the discussion is on; undefined for a page-level discussion. */
  blockId?: string;
  comments: DocumentComment[];
}

export interface DocumentComment {
  id: string;
  authorId: string;
  authorName: string;
  /** Written by this reviewer: the integration's bot user under the reviewer's display name. */
  byReviewer: boolean;
  /** Written by a bot or another integration (including other reviewers). */
  byBot: boolean;
  /** ISO timestamp. */
  createdTime: string;
  text: string;
}

/** Every block of the document in order, depth first. */
export function flattenBlocks(blocks: DocumentBlock[]): DocumentBlock[] {
  return blocks.flatMap((block) => [block, ...flattenBlocks(block.children)]);
}
