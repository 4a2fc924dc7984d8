/**
 * Notion blocks (as read, with their children) -> the review core's DocumentBlock. Text keeps inline
 * formatting, links and mentions; media become their caption or address; child pages and databases keep
 * only their titles. Blocks with nothing to say (empty paragraphs, tables of contents, breadcrumbs) go.
 */
import type { BlockObjectResponse, RichTextItemResponse } from "@notionhq/client";
import type { BlockAttributes, DocumentBlock } from "../review/model/ReviewDocument.ts";
import type { BlockNode } from "./markdown/blocksToMarkdown.ts";
import { richTextToMarkdown as toMarkdown } from "./markdown/richTextToMarkdown.ts";

/** A mention's address is noise to the reviewer: it reads the name or title. */
function richTextToMarkdown(items: RichTextItemResponse[]): string {
  return toMarkdown(items, { mentionLinks: false });
}

/** A block read from Notion; `unavailable` marks a synced copy whose original could not be read. */
export interface ReadBlock extends BlockNode {
  children: ReadBlock[];
  unavailable?: boolean;
}

const SKIPPED_TYPES = new Set(["table_of_contents", "breadcrumb"]);

export function toDocumentBlocks(nodes: ReadBlock[]): DocumentBlock[] {
  return nodes.flatMap((node) => {
    const block = toDocumentBlock(node);
    return block ? [block] : [];
  });
}

function plain(items: RichTextItemResponse[]): string {
  return items.map((item) => item.plain_text).join("");
}

/**
 * One case per Notion block type, saying what the reviewer sees of it: long because Notion has many block
 * types, kept as one switch so a type's reading is found by its name.
 */
function toDocumentBlock(node: ReadBlock): DocumentBlock | undefined {
  const block = node.block;
  if (SKIPPED_TYPES.has(block.type)) return undefined;
  const children = toDocumentBlocks(node.children);
  const base = { id: block.id, type: block.type, children };
  const withText = (items: RichTextItemResponse[], attributes: BlockAttributes = {}): DocumentBlock => ({
    ...base,
    text: richTextToMarkdown(items),
    plainText: plain(items),
    attributes,
  });
  const bare = (attributes: BlockAttributes = {}, text = ""): DocumentBlock => ({
    ...base,
    text,
    plainText: text,
    attributes,
  });

  switch (block.type) {
    case "paragraph":
      if (block.paragraph.rich_text.length === 0 && children.length === 0) return undefined;
      return withText(block.paragraph.rich_text);
    case "heading_1":
      return withText(block.heading_1.rich_text, { toggleable: block.heading_1.is_toggleable });
    case "heading_2":
      return withText(block.heading_2.rich_text, { toggleable: block.heading_2.is_toggleable });
    case "heading_3":
      return withText(block.heading_3.rich_text, { toggleable: block.heading_3.is_toggleable });
    case "heading_4":
      return withText(block.heading_4.rich_text, { toggleable: block.heading_4.is_toggleable });
    case "bulleted_list_item":
      return withText(block.bulleted_list_item.rich_text);
    case "numbered_list_item":
      return withText(block.numbered_list_item.rich_text);
    case "to_do":
      return withText(block.to_do.rich_text, { checked: block.to_do.checked });
    case "toggle":
      return withText(block.toggle.rich_text);
    case "quote":
      return withText(block.quote.rich_text);
    case "callout": {
      const icon = block.callout.icon;
      return withText(block.callout.rich_text, {
        icon: icon?.type === "emoji" ? icon.emoji : icon ? "◆" : undefined,
      });
    }
    case "code": {
      const code = plain(block.code.rich_text);
      return {
        ...base,
        text: code,
        plainText: code,
        attributes: { language: block.code.language, caption: plain(block.code.caption) || undefined },
      };
    }
    case "equation":
      return bare({}, block.equation.expression);
    case "divider":
      return bare();
    case "table":
      return bare({ hasColumnHeader: block.table.has_column_header });
    case "table_row": {
      const cells = block.table_row.cells.map((cell) => richTextToMarkdown(cell));
      return {
        ...base,
        text: cells.join(" | "),
        plainText: block.table_row.cells.map(plain).join(" | "),
        attributes: { cells },
      };
    }
    case "column_list":
    case "column":
      return bare();
    case "synced_block":
      return bare({ unavailable: node.unavailable || undefined });
    case "child_page":
      return bare({ title: block.child_page.title });
    case "child_database":
      return bare({ title: block.child_database.title });
    case "link_to_page":
      return bare();
    case "image":
    case "video":
    case "pdf":
    case "file":
    case "audio":
      return media(block, base);
    case "bookmark":
      return bare({ url: block.bookmark.url, caption: plain(block.bookmark.caption) || undefined });
    case "embed":
      return bare({ url: block.embed.url, caption: plain(block.embed.caption) || undefined });
    case "link_preview":
      return bare({ url: block.link_preview.url });
    case "meeting_notes":
      return bare({ title: plain(block.meeting_notes.title ?? []) || undefined });
    case "transcription":
      return bare({ title: plain(block.transcription.title ?? []) || undefined });
    case "template":
      return withText(block.template.rich_text);
    default:
      return bare();
  }
}

type MediaBlock = Extract<BlockObjectResponse, { type: "image" | "video" | "pdf" | "file" | "audio" }>;

function media(block: MediaBlock, base: Pick<DocumentBlock, "id" | "type" | "children">): DocumentBlock {
  const content = (
    block as unknown as Record<
      string,
      { type: string; external?: { url: string }; caption: RichTextItemResponse[]; name?: string }
    >
  )[block.type]!;
  const caption = plain(content.caption) || content.name || undefined;
  // Files Notion hosts have signed, expiring addresses: worthless to a reader and long. External ones are kept.
  const url = content.type === "external" ? content.external?.url : undefined;
  return { ...base, text: "", plainText: caption ?? "", attributes: { caption, url } };
}
