/**
 * The document as the model reads it: compact, deterministic text. A header with the title and the
 * properties; then the blocks in order, indented by nesting, each with a short reference (`b1`, `b2`...);
 * each discussion as a reference (`t1`...) under its block (page-level ones under the header), with
 * author, date and text of every comment, the reviewer's own marked "(you)". References map back to
 * Notion ids only inside Margin. The same document always renders to the same bytes.
 */
import {
  type DocumentBlock,
  type DocumentComment,
  type DocumentThread,
  flattenBlocks,
  type ReviewDocument,
} from "../model/ReviewDocument.ts";
import type { EarlierComment, ReviewHistory } from "../read/ReviewHistory.ts";

export interface RenderedDocument {
  text: string;
  /** `b3` -> the block it names. */
  blocks: Map<string, DocumentBlock>;
  /** `t2` -> the discussion it names. */
  threads: Map<string, DocumentThread>;
  /** Notion block id -> its reference. */
  blockRefs: Map<string, string>;
  /** Notion discussion id -> its reference. */
  threadRefs: Map<string, string>;
  /** The start of `text` before the first block: the title, the properties and the page-level discussions. */
  head: string;
  /** The rest of `text`, one top-level block at a time, so a long page can be reviewed in parts. */
  topLevel: TopLevelText[];
}

/** One top-level block's lines in the rendering: its children, discussions and resolved comments with it. */
export interface TopLevelText {
  block: DocumentBlock;
  text: string;
}

export const INDENT = "  ";

/** Layout-only blocks: no reference of their own, their children shown in place. */
const TRANSPARENT = new Set(["column_list", "synced_block"]);

/**
 * With a history (a re-review), blocks changed or added since the last review are marked `(changed)` and
 * `(new)`, and the reviewer's earlier comments that people resolved appear under their blocks, marked
 * `(resolved)`, without a reference: nobody can reply to them.
 */
export function renderDocument(
  document: ReviewDocument,
  history?: ReviewHistory,
  reviewerName = "Reviewer",
): RenderedDocument {
  const rendered: RenderedDocument = {
    text: "",
    blocks: new Map(),
    threads: new Map(),
    blockRefs: new Map(),
    threadRefs: new Map(),
    head: "",
    topLevel: [],
  };
  const shownBlocks = new Set<string>();
  collectIds(document.blocks, shownBlocks);
  const { byBlock, onPage } = threadsByBlock(document.threads, shownBlocks);
  const lines = headerLines(document, history);
  if (onPage.length > 0) {
    lines.push("", "Comments on the page:");
    for (const thread of onPage) renderThread(thread, "", rendered, lines);
  }
  lines.push("");
  const bodyStart = lines.length;
  const topLevel = topLevelTracker(document.blocks);
  const resolved = resolvedByBlock(history, shownBlocks);
  let blockCount = 0;
  walkBlocks(document.blocks, {
    layout(block, depth, column) {
      topLevel.enter(block, lines.length);
      return layoutLines(block, depth, column, rendered, lines);
    },
    block(block, depth, number) {
      topLevel.enter(block, lines.length);
      const indent = INDENT.repeat(depth);
      blockCount += 1;
      const ref = `b${blockCount}`;
      rendered.blocks.set(ref, block);
      rendered.blockRefs.set(block.id, ref);
      const mark = history?.changed.has(block.id)
        ? "(changed) "
        : history?.added.has(block.id)
          ? "(new) "
          : "";
      lines.push(...blockLines(block, number, `${indent}${ref} ${mark}`));
      for (const thread of byBlock.get(block.id) ?? [])
        renderThread(thread, indent + INDENT, rendered, lines);
      for (const comment of resolved.get(block.id) ?? []) {
        lines.push(
          `${indent}${INDENT}(resolved) ${reviewerName} (you) ${shortDate(comment.posted.at)}: ${oneLine(comment.text)}`,
        );
      }
    },
  });
  rendered.text = `${lines.join("\n").replace(/\n+$/, "")}\n`;
  rendered.head = `${lines.slice(0, bodyStart).join("\n")}\n`;
  rendered.topLevel = topLevel.texts(lines);
  return rendered;
}

/**
 * Where each top-level block's lines start, noted as the walk enters any block under it (a column list or
 * synced block at the top shows its content through layout-only blocks).
 */
function topLevelTracker(blocks: DocumentBlock[]) {
  const topOf = new Map<string, number>();
  blocks.forEach((block, index) => {
    // A synced copy repeats its original's blocks: the first, the one the walk shows, places them.
    for (const inner of [block, ...flattenBlocks(block.children)])
      if (!topOf.has(inner.id)) topOf.set(inner.id, index);
  });
  const starts: Array<{ index: number; line: number }> = [];
  return {
    enter(block: DocumentBlock, line: number): void {
      const index = topOf.get(block.id);
      if (index !== undefined && index > (starts.at(-1)?.index ?? -1)) starts.push({ index, line });
    },
    texts(lines: string[]): TopLevelText[] {
      return starts.map((start, at) => ({
        block: blocks[start.index]!,
        text: `${lines.slice(start.line, starts[at + 1]?.line ?? lines.length).join("\n")}\n`,
      }));
    },
  };
}

/** The page's title, its properties and, on a re-review, when the reviewer last looked. */
function headerLines(document: ReviewDocument, history: ReviewHistory | undefined): string[] {
  const lines = [`# ${document.page.title || "Untitled"}`];
  for (const property of document.page.properties) {
    lines.push(`${property.name}: ${oneLine(property.value) || "(empty)"}`);
  }
  if (history) {
    lines.push(
      `Your last review: ${shortDate(history.lastReviewedAt)}; ${history.changed.size} block${history.changed.size === 1 ? "" : "s"} changed and ${history.added.size} new since.`,
    );
  }
  return lines;
}

/** Discussions under the blocks they are on; those on the page or on blocks not shown, on the page. */
function threadsByBlock(
  threads: DocumentThread[],
  shownBlocks: Set<string>,
): { byBlock: Map<string, DocumentThread[]>; onPage: DocumentThread[] } {
  const byBlock = new Map<string, DocumentThread[]>();
  const onPage: DocumentThread[] = [];
  for (const thread of threads) {
    if (thread.blockId && shownBlocks.has(thread.blockId))
      byBlock.set(thread.blockId, [...(byBlock.get(thread.blockId) ?? []), thread]);
    else onPage.push(thread);
  }
  return { byBlock, onPage };
}

function resolvedByBlock(
  history: ReviewHistory | undefined,
  shownBlocks: Set<string>,
): Map<string, EarlierComment[]> {
  const resolved = new Map<string, EarlierComment[]>();
  for (const comment of history?.resolved ?? []) {
    if (comment.blockId && shownBlocks.has(comment.blockId))
      resolved.set(comment.blockId, [...(resolved.get(comment.blockId) ?? []), comment]);
  }
  return resolved;
}

/** A column, an unreadable synced block, or a synced copy of content shown earlier; whether to walk its children. */
function layoutLines(
  block: DocumentBlock,
  depth: number,
  column: number | undefined,
  rendered: RenderedDocument,
  lines: string[],
): boolean {
  const indent = INDENT.repeat(depth);
  if (column !== undefined) {
    lines.push(`${indent}(column ${column})`);
    return true;
  }
  if (block.attributes.unavailable) lines.push(`${indent}(synced content not shared with Margin)`);
  // A synced copy of content already shown on this page is pointed to, not repeated.
  const shownAt = block.children[0] && rendered.blockRefs.get(block.children[0].id);
  if (shownAt) lines.push(`${indent}(synced copy of the content at ${shownAt})`);
  return !shownAt;
}

export interface BlockVisitor {
  /** A block with content, its list number (0 outside numbered lists), at a nesting depth. */
  block(block: DocumentBlock, depth: number, number: number): void;
  /**
   * A layout-only block: a column (with its number) or a column list or synced block (without). Returns
   * whether to walk its children; a column's go one level deeper, the others' in its place.
   */
  layout(block: DocumentBlock, depth: number, column: number | undefined): boolean;
}

/** Visits blocks in reading order, numbering numbered lists and seeing through layout-only blocks. */
export function walkBlocks(blocks: DocumentBlock[], visitor: BlockVisitor, depth = 0): void {
  let number = 0;
  let column = 0;
  for (const block of blocks) {
    number = block.type === "numbered_list_item" ? number + 1 : 0;
    if (TRANSPARENT.has(block.type)) {
      if (visitor.layout(block, depth, undefined)) walkBlocks(block.children, visitor, depth);
      continue;
    }
    if (block.type === "column") {
      column += 1;
      if (visitor.layout(block, depth, column)) walkBlocks(block.children, visitor, depth + 1);
      continue;
    }
    visitor.block(block, depth, number);
    walkBlocks(block.children, visitor, depth + 1);
  }
}

/** A block's lines: `head` and its text, further lines aligned under the text. */
export function blockLines(block: DocumentBlock, number: number, head: string): string[] {
  const body = blockBody(block, number).split("\n");
  const continuation = " ".repeat(head.length);
  return [head + body[0], ...body.slice(1).map((line) => (line ? continuation + line : ""))];
}

function renderThread(
  thread: DocumentThread,
  indent: string,
  rendered: RenderedDocument,
  lines: string[],
): void {
  const ref = `t${rendered.threads.size + 1}`;
  rendered.threads.set(ref, thread);
  rendered.threadRefs.set(thread.discussionId, ref);
  const head = `${indent}${ref} `;
  const follow = " ".repeat(head.length);
  thread.comments.forEach((comment, index) => {
    const text = comment.text.split("\n");
    const prefix = index === 0 ? head : follow;
    lines.push(`${prefix}${author(comment)} ${shortDate(comment.createdTime)}: ${text[0]}`);
    for (const line of text.slice(1)) lines.push(`${follow}  ${line}`);
  });
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Nov 22": enough for the reviewer to tell old from new, at a third of the tokens of an ISO date. */
function shortDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
}

function author(comment: DocumentComment): string {
  if (comment.byReviewer) return `${comment.authorName} (you)`;
  return comment.byBot ? `${comment.authorName} (bot)` : comment.authorName;
}

/**
 * The block's line: a marker for its type, then its text. One case per block type, kept as one switch so a
 * type's marker is found by its name.
 */
function blockBody(block: DocumentBlock, number: number): string {
  const { text, attributes } = block;
  switch (block.type) {
    case "heading_1":
      return `# ${text}`;
    case "heading_2":
      return `## ${text}`;
    case "heading_3":
      return `### ${text}`;
    case "heading_4":
      return `#### ${text}`;
    case "bulleted_list_item":
      return `- ${text}`;
    case "numbered_list_item":
      return `${number}. ${text}`;
    case "to_do":
      return `[${attributes.checked ? "x" : " "}] ${text}`;
    case "toggle":
      return `▸ ${text}`;
    case "quote":
      return `> ${text}`;
    case "callout":
      return `> ${attributes.icon ? `${attributes.icon} ` : ""}${text}`;
    case "code":
      return `\`\`\`${attributes.language && attributes.language !== "plain text" ? attributes.language : ""}\n${text}\n\`\`\``;
    case "equation":
      return `$$ ${text} $$`;
    case "divider":
      return "---";
    case "table":
      return attributes.hasColumnHeader ? "table (first row is the header):" : "table:";
    case "table_row":
      return `| ${(attributes.cells ?? []).map(oneLine).join(" | ")} |`;
    case "child_page":
      return `[sub-page: ${attributes.title || "Untitled"}]`;
    case "child_database":
      return `[database: ${attributes.title || "Untitled"}]`;
    case "link_to_page":
      return "[link to another page]";
    case "image":
    case "video":
    case "pdf":
    case "file":
    case "audio":
      return `[${block.type}${describeMedia(attributes.caption, attributes.url)}]`;
    case "bookmark":
    case "embed":
    case "link_preview":
      return `[${block.type.replace("_", " ")}${describeMedia(attributes.caption, attributes.url)}]`;
    case "meeting_notes":
    case "transcription":
      return `[meeting notes${attributes.title ? `: ${attributes.title}` : ""}]`;
    case "unsupported":
      return "[a block type the Notion API does not show]";
    case "paragraph":
    case "template":
      return text;
    default:
      return text || `[${block.type}]`;
  }
}

function describeMedia(caption: string | undefined, url: string | undefined): string {
  const parts = [caption, url].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join(" ")}` : "";
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " / ");
}

function collectIds(blocks: DocumentBlock[], ids: Set<string>): void {
  for (const block of blocks) {
    if (!TRANSPARENT.has(block.type) && block.type !== "column") ids.add(block.id);
    collectIds(block.children, ids);
  }
}
