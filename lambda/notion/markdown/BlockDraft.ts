/**
 * A block as Margin builds it before it becomes a Notion request: its type, the type's content, and its
 * children. The Notion API accepts only two levels of nesting per request, so writers append drafts level
 * by level; the emulator's seed loader takes them whole.
 */

export interface BlockDraft {
  type: string;
  content: Record<string, unknown>;
  children: BlockDraft[];
}

/** The draft as one Notion block request, children nested inside the type's object. */
export function toBlockRequest(draft: BlockDraft, depth = Number.POSITIVE_INFINITY): Record<string, unknown> {
  const content: Record<string, unknown> = { ...draft.content };
  if (draft.children.length > 0 && depth > 0) {
    content.children = draft.children.map((child) => toBlockRequest(child, depth - 1));
  }
  return { object: "block", type: draft.type, [draft.type]: content };
}
