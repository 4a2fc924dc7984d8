/**
 * Block contents as Notion answers them: each block type's object with its defaults filled in (colours,
 * captions, `checked`, `is_toggleable`...), rich text filled, and request-only keys (`children`) removed.
 */
import { NotionApiError } from "../NotionApiError.ts";
import type { Json } from "./Json.ts";
import { checkRichTextLimits, fillRichText, type MentionLookup } from "./richText.ts";

const TEXT_TYPES = new Set([
  "paragraph",
  "heading_1",
  "heading_2",
  "heading_3",
  "heading_4",
  "bulleted_list_item",
  "numbered_list_item",
  "to_do",
  "toggle",
  "quote",
  "callout",
]);

const MEDIA_TYPES = new Set(["image", "video", "pdf", "file", "audio"]);

/** Every block type the emulator stores. */
export const BLOCK_TYPES = new Set([
  ...TEXT_TYPES,
  ...MEDIA_TYPES,
  "code",
  "equation",
  "divider",
  "table",
  "table_row",
  "column_list",
  "column",
  "synced_block",
  "child_page",
  "child_database",
  "link_to_page",
  "bookmark",
  "embed",
  "link_preview",
  "table_of_contents",
  "breadcrumb",
  "template",
  "tab",
  "meeting_notes",
  "transcription",
  "unsupported",
]);

/** Types that may carry children. */
export const PARENT_TYPES = new Set([
  ...TEXT_TYPES,
  "table",
  "column_list",
  "column",
  "synced_block",
  "template",
  "tab",
  "meeting_notes",
  "transcription",
]);

/** Types that cannot be created through the API (they come from Notion itself). */
export const READ_ONLY_TYPES = new Set([
  "child_page",
  "child_database",
  "unsupported",
  "meeting_notes",
  "transcription",
  "link_preview",
]);

/** Which block type a request describes: `type`, or the one known type key present. */
export function blockTypeOf(block: Json): string | undefined {
  if (typeof block.type === "string") return block.type;
  return Object.keys(block).find((key) => BLOCK_TYPES.has(key));
}

/** Fills one block type's object; validates what Notion validates on writes. */
export function fillBlockContent(
  type: string,
  raw: Json | undefined,
  lookup: MentionLookup,
  path: string,
): Json {
  const content: Json = { ...(raw ?? {}) };
  delete content.children;
  const richText = (key: string) => {
    if (content[key] !== undefined && typeof content[key] !== "string")
      checkRichTextLimits(content[key], `${path}.${key}`);
    return fillRichText(content[key], lookup);
  };
  if (TEXT_TYPES.has(type)) {
    const filled: Json = { rich_text: richText("rich_text") };
    if (type === "to_do") filled.checked = Boolean(content.checked);
    if (type.startsWith("heading_")) filled.is_toggleable = Boolean(content.is_toggleable);
    if (type === "callout") {
      filled.icon = content.icon ?? { type: "emoji", emoji: "💡" };
      filled.color = content.color ?? "gray_background";
      return filled;
    }
    if (type === "paragraph") filled.icon = content.icon ?? null;
    filled.color = content.color ?? "default";
    return filled;
  }
  if (MEDIA_TYPES.has(type) || type === "bookmark" || type === "embed") {
    const filled: Json = { caption: richText("caption") };
    if (type === "bookmark" || type === "embed") {
      if (typeof content.url !== "string") {
        throw NotionApiError.validation(
          `body failed validation: ${path}.url should be defined, instead was \`undefined\`.`,
        );
      }
      filled.url = content.url;
      return filled;
    }
    const source = content.type ?? (content.file ? "file" : content.file_upload ? "file_upload" : "external");
    filled.type = source === "file_upload" ? "file" : source;
    filled[filled.type] = content[source] ?? { url: "" };
    if (type === "file" || type === "pdf") filled.name = content.name ?? "";
    return filled;
  }
  switch (type) {
    case "code":
      return {
        caption: richText("caption"),
        rich_text: richText("rich_text"),
        language: content.language ?? "plain text",
      };
    case "equation":
      return { expression: String(content.expression ?? "") };
    case "divider":
    case "breadcrumb":
    case "column_list":
      return {};
    case "column":
      return content.width_ratio === undefined ? {} : { width_ratio: content.width_ratio };
    case "table":
      return {
        table_width: Number(content.table_width ?? 1),
        has_column_header: Boolean(content.has_column_header),
        has_row_header: Boolean(content.has_row_header),
      };
    case "table_row": {
      const cells = Array.isArray(content.cells) ? content.cells : [];
      return {
        cells: cells.map((cell: unknown, index: number) => {
          if (typeof cell !== "string") checkRichTextLimits(cell, `${path}.cells[${index}]`);
          return fillRichText(cell, lookup);
        }),
      };
    }
    case "synced_block":
      return { synced_from: content.synced_from ?? null };
    case "child_page":
    case "child_database":
      return { title: String(content.title ?? "") };
    case "link_to_page":
      return content;
    case "link_preview":
      return { url: String(content.url ?? "") };
    case "table_of_contents":
      return { color: content.color ?? "default" };
    case "template":
    case "tab":
      return { rich_text: richText("rich_text") };
    case "meeting_notes":
    case "transcription":
      return { ...content, title: richText("title") };
    default:
      return content;
  }
}

/** Plain text of a block's own content (no children), for search and titles. */
export function blockRichText(block: Json): Json[] {
  const content = block[block.type];
  return Array.isArray(content?.rich_text) ? content.rich_text : [];
}
