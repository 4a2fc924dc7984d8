/**
 * What the reviewer did on this page before, as a re-review needs it: which blocks changed or are new
 * since its last review (by fingerprint), and its earlier comments, open or resolved. Notion hides resolved
 * comments; the ledger remembers them.
 */
import { createHash } from "node:crypto";
import type { PostedComment } from "../model/ReviewComment.ts";
import { type DocumentBlock, flattenBlocks, type ReviewDocument } from "../model/ReviewDocument.ts";
import type { PageMemory } from "../model/RunRecord.ts";

/** A comment the reviewer posted before, and whether its discussion is still open (false once resolved). */
export type EarlierComment = PostedComment & { open: boolean };

export interface ReviewHistory {
  lastReviewedAt: string;
  changed: Set<string>;
  added: Set<string>;
  /** The reviewer's earlier comments on blocks, by block id. */
  earlier: Map<string, EarlierComment[]>;
  /** Earlier comments people resolved, in the order they were posted. */
  resolved: EarlierComment[];
}

/** A fingerprint of what a reader sees of one block (its own text and marks, not its children). */
export function fingerprintBlock(block: DocumentBlock): string {
  const { text, attributes, type } = block;
  return createHash("sha256")
    .update(
      JSON.stringify([
        type,
        text,
        attributes.checked ?? null,
        attributes.cells ?? null,
        attributes.language ?? null,
        attributes.title ?? null,
        attributes.url ?? null,
      ]),
    )
    .digest("hex")
    .slice(0, 16);
}

export function fingerprints(document: ReviewDocument): Record<string, string> {
  return Object.fromEntries(
    flattenBlocks(document.blocks).map((block) => [block.id, fingerprintBlock(block)]),
  );
}

/** The history of a page for a re-review; undefined before the first review. */
export function reviewHistory(
  document: ReviewDocument,
  memory: PageMemory | undefined,
): ReviewHistory | undefined {
  if (!memory?.lastReviewedAt) return undefined;
  const changed = new Set<string>();
  const added = new Set<string>();
  for (const [id, fingerprint] of Object.entries(fingerprints(document))) {
    const before = memory.blocks[id];
    if (before === undefined) added.add(id);
    else if (before !== fingerprint) changed.add(id);
  }
  const open = new Set(document.threads.map((thread) => thread.discussionId));
  const earlier = new Map<string, EarlierComment[]>();
  const resolved: EarlierComment[] = [];
  for (const comment of memory.comments) {
    if (comment.kind === "summary") continue;
    const entry: EarlierComment = { ...comment, open: open.has(comment.posted.discussionId) };
    if (!entry.open) resolved.push(entry);
    if (comment.blockId) earlier.set(comment.blockId, [...(earlier.get(comment.blockId) ?? []), entry]);
  }
  return { lastReviewedAt: memory.lastReviewedAt, changed, added, earlier, resolved };
}

/** Changed or new since the last review (every block is, on a first review). */
export function isFresh(history: ReviewHistory | undefined, blockId: string): boolean {
  return !history || history.changed.has(blockId) || history.added.has(blockId);
}
