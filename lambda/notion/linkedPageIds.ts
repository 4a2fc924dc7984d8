/**
 * The Notion pages a block tree points to: page mentions, links to Notion pages (absolute app.notion.com,
 * notion.so and notion.site addresses and the relative `/<id>` links Notion writes for internal links), and "link to
 * page" blocks, in document order, each once. A reviewer's body uses these to name its reference pages.
 */
import type { RichTextItemResponse } from "@notionhq/client";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { BlockNode } from "./markdown/blocksToMarkdown.ts";

export function linkedPageIds(nodes: BlockNode[]): string[] {
  const ids = new Set<string>();
  const visit = (node: BlockNode) => {
    const block = node.block as unknown as { type: string } & Record<string, Record<string, unknown>>;
    const content = block[block.type] ?? {};
    if (block.type === "link_to_page" && content.type === "page_id") ids.add(String(content.page_id));
    const texts = [content.rich_text, content.caption, ...((content.cells as unknown[]) ?? [])];
    for (const items of texts) {
      if (!Array.isArray(items)) continue;
      for (const item of items as RichTextItemResponse[]) {
        const id = pageIdOf(item);
        if (id) ids.add(id);
      }
    }
    for (const child of node.children) visit(child);
  };
  for (const node of nodes) visit(node);
  return [...ids];
}

function pageIdOf(item: RichTextItemResponse): string | undefined {
  if (item.type === "mention") return item.mention.type === "page" ? item.mention.page.id : undefined;
  return item.href && isNotionAddress(item.href) ? parseNotionId(item.href) : undefined;
}

function isNotionAddress(href: string): boolean {
  if (href.startsWith("/")) return true;
  try {
    const host = new URL(href).hostname;
    return /(^|\.)notion\.(so|site|com)$/.test(host);
  } catch {
    return false;
  }
}
