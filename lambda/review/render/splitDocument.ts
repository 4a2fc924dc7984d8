/**
 * A page too long for one pass of the model, cut into parts at its top-level headings. The text before the
 * first heading is a section of its own, and so is each top-level heading with the blocks up to the next;
 * consecutive sections are packed into one part while they fit, and a section too long on its own is cut
 * between its top-level blocks. Every part is a slice of the whole page's rendering under the page's
 * header, so block and discussion references (`b12`, `t3`) are the same in every part as in the whole:
 * a comment lands on the block it names whichever part it came from.
 */
import { type DocumentBlock, flattenBlocks } from "../model/ReviewDocument.ts";
import type { RenderedDocument, TopLevelText } from "./renderDocument.ts";

/**
 * The default for MARGIN_MAX_DOCUMENT_TOKENS. The default models read 400,000 tokens or more, but a review
 * is one answer of at most 16,000 output tokens and a handful of comments: past a few tens of thousands of
 * tokens, a single pass skims, and what sits in the middle of a long input is the first to be missed.
 * 60,000 tokens is a page of about 2,500 blocks (some 45,000 words), so nearly every real document is
 * still reviewed in one round trip, and a part with the instructions, 8,000 tokens of reference pages and
 * the answer fits even a 128,000-token window.
 */
export const DEFAULT_MAX_DOCUMENT_TOKENS = 60_000;

export interface DocumentPart {
  /** 1 for the first part. */
  number: number;
  /** The page's header (title, properties, page-level discussions), then this part's top-level blocks. */
  text: string;
  /** The block references shown in this part, nested blocks included. */
  blockRefs: ReadonlySet<string>;
  /** The discussions shown in this part: those on its blocks, and every page-level one. */
  threadRefs: ReadonlySet<string>;
  /** Where the part is on the page, in words: “Problem” to “Plan”. */
  label: string;
}

/** A heading of the page, with the part that holds it (`ref` undefined: the text before the first heading). */
export interface OutlineEntry {
  ref?: string;
  level: number;
  text: string;
  part: number;
}

export interface DocumentSplit {
  parts: DocumentPart[];
  outline: OutlineEntry[];
}

export interface SplitLimit {
  /** The most tokens of rendering one pass reads (MARGIN_MAX_DOCUMENT_TOKENS). */
  maxTokens: number;
  /** The review's token counter. */
  count: (text: string) => number;
  /** The whole rendering's tokens, when they were counted already. */
  tokens?: number;
}

/** A top-level block's rendering and its size in tokens. */
interface SizedBlock {
  rendered: TopLevelText;
  tokens: number;
}

/** A run of top-level blocks: a section of the page, or a piece of one too long for a part. */
interface Piece {
  heading?: DocumentBlock;
  /** A piece after the first of a section that was cut. */
  continued: boolean;
  blocks: SizedBlock[];
  tokens: number;
}

/**
 * The page in parts of at most `maxTokens` (by `count`), or in one part when it fits. Each part repeats the
 * page's header; the blocks get what the limit leaves after it, but at least half the limit, so that a page
 * with a very long header still comes to a few parts rather than one per block.
 */
export function splitDocument(rendered: RenderedDocument, limit: SplitLimit): DocumentSplit {
  const { maxTokens, count } = limit;
  if (rendered.topLevel.length < 2 || (limit.tokens ?? count(rendered.text)) <= maxTokens) {
    const whole: DocumentPart = {
      number: 1,
      text: rendered.text,
      blockRefs: new Set(rendered.blocks.keys()),
      threadRefs: new Set(rendered.threads.keys()),
      label: "the whole page",
    };
    return { parts: [whole], outline: outlineOf(rendered, [whole]) };
  }
  const sized = rendered.topLevel.map((block) => ({ rendered: block, tokens: count(block.text) }));
  const room = Math.max(maxTokens - count(rendered.head), Math.floor(maxTokens / 2));
  const parts = packPieces(sections(sized), room).map((pieces, index) => partOf(rendered, pieces, index + 1));
  return { parts, outline: outlineOf(rendered, parts) };
}

/** The page's sections: the blocks before the first top-level heading, then one per top-level heading. */
function sections(sized: SizedBlock[]): Piece[] {
  const found: Piece[] = [];
  for (const block of sized) {
    const current = found.at(-1);
    const heading = isHeading(block.rendered.block) ? block.rendered.block : undefined;
    if (current && !heading) {
      current.blocks.push(block);
      current.tokens += block.tokens;
    } else {
      found.push({ heading, continued: false, blocks: [block], tokens: block.tokens });
    }
  }
  return found;
}

/**
 * Sections into parts, in order: a section joins the part before it while both fit in `room`, and starts
 * a part when they do not; a section too long for any part is cut between its top-level blocks, its last
 * piece left open for the sections after it. A single block longer than `room` is a part on its own.
 */
function packPieces(all: Piece[], room: number): Piece[][] {
  const parts: Piece[][] = [];
  let current: Piece[] = [];
  let used = 0;
  const add = (piece: Piece) => {
    if (current.length > 0 && used + piece.tokens > room) {
      parts.push(current);
      current = [];
      used = 0;
    }
    current.push(piece);
    used += piece.tokens;
  };
  for (const section of all) {
    for (const piece of section.tokens <= room ? [section] : cutSection(section, room)) add(piece);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** A section too long for a part, as pieces of at most `room` tokens (a longer single block alone). */
function cutSection(section: Piece, room: number): Piece[] {
  const pieces: Piece[] = [];
  for (const block of section.blocks) {
    const last = pieces.at(-1);
    if (last && last.tokens + block.tokens <= room) {
      last.blocks.push(block);
      last.tokens += block.tokens;
    } else {
      pieces.push({
        heading: section.heading,
        continued: last !== undefined,
        blocks: [block],
        tokens: block.tokens,
      });
    }
  }
  return pieces;
}

/**
 * One part: the header and its blocks' lines, the references it shows, and the discussions that concern
 * it. Page-level discussions go with every part: they may be about any of it, and a part's pass that did
 * not see them would raise again a point someone already made there (a reply in one is still made once:
 * the review's actions refuse a second).
 */
function partOf(rendered: RenderedDocument, pieces: Piece[], number: number): DocumentPart {
  const blocks = pieces.flatMap((piece) => piece.blocks.map((block) => block.rendered));
  const ids = new Set(
    blocks.flatMap(({ block }) => [block, ...flattenBlocks(block.children)].map(({ id }) => id)),
  );
  const blockRefs = new Set([...ids].flatMap((id) => rendered.blockRefs.get(id) ?? []));
  const onPage = (blockId: string | undefined) => !blockId || !rendered.blockRefs.has(blockId);
  const threadRefs = new Set(
    [...rendered.threads]
      .filter(([, thread]) => onPage(thread.blockId) || ids.has(thread.blockId ?? ""))
      .map(([ref]) => ref),
  );
  const text = `${rendered.head}${blocks.map((block) => block.text).join("")}`;
  return { number, text, blockRefs, threadRefs, label: labelOf(pieces) };
}

function labelOf(pieces: Piece[]): string {
  // A piece cut from a section is named by its first words as well: "more of" three times says nothing.
  const name = (piece: Piece) => {
    const title = piece.heading ? `“${oneLine(piece.heading.text)}”` : "the start";
    if (!piece.continued) return title;
    const opening = oneLine(piece.blocks[0]?.rendered.block.plainText ?? "", 40);
    return opening ? `${title} from “${opening}”` : `more of ${title}`;
  };
  const first = name(pieces[0]!);
  const last = name(pieces.at(-1)!);
  return first === last ? first : `${first} to ${last}`;
}

/** Every heading of the page, nested ones included, with the part it is in. */
function outlineOf(rendered: RenderedDocument, parts: Array<Pick<DocumentPart, "blockRefs" | "number">>) {
  const partOfRef = new Map(parts.flatMap((part) => [...part.blockRefs].map((ref) => [ref, part.number])));
  const outline: OutlineEntry[] = [];
  const first = rendered.topLevel[0];
  const headings = rendered.topLevel.some(({ block }) => isHeading(block));
  if (first && headings && !isHeading(first.block))
    outline.push({ level: 0, text: "(the opening, before the first heading)", part: 1 });
  for (const [ref, block] of rendered.blocks) {
    if (!isHeading(block)) continue;
    outline.push({
      ref,
      level: headingLevel(block),
      text: oneLine(block.text),
      part: partOfRef.get(ref) ?? 1,
    });
  }
  return outline;
}

function isHeading(block: DocumentBlock): boolean {
  return /^heading_\d$/.test(block.type);
}

function headingLevel(block: DocumentBlock): number {
  return Number(block.type.slice("heading_".length));
}

function oneLine(text: string, limit = 80): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > limit ? `${line.slice(0, limit - 1).trimEnd()}…` : line;
}
