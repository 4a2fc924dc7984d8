/**
 * Margin's references (`b12`, `t3`) in words a reader understands, for text that is posted: a block's
 * opening words, or whose discussion it is.
 */
import type { RenderedDocument } from "./renderDocument.ts";

export function describeReference(rendered: RenderedDocument, ref: string): string | undefined {
  const block = rendered.blocks.get(ref);
  if (block) return `“${blockExcerpt(rendered, block.id)}”`;
  const thread = rendered.threads.get(ref);
  if (thread) return `the discussion started by ${thread.comments[0]?.authorName ?? "someone"}`;
  return undefined;
}

/** A block's opening words (60 characters at most). */
export function blockExcerpt(rendered: RenderedDocument, blockId: string): string {
  const ref = rendered.blockRefs.get(blockId);
  const text = (ref ? rendered.blocks.get(ref)?.plainText : undefined) ?? "";
  return text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text || "(a block without text)";
}
