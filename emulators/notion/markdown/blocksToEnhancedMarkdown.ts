/**
 * A page's blocks -> Notion's enhanced markdown, as `GET /v1/pages/{id}/markdown` answers it. Written from
 * Notion's "Enhanced markdown format" and "Working with markdown content" guides and the recorded answers:
 * blocks are joined by a single newline (the recording answers "## New Section\nHello from markdown." for a
 * heading and a paragraph), children are indented by one tab, and blocks the format does not cover
 * (bookmark, embed, link preview, breadcrumb, template, unsupported) are written as
 * `<unknown url="..." alt="type"/>`. Child pages the integration cannot see are `<unknown>` too, and their
 * ids are listed in `unknown_block_ids` with `truncated: true`, as the guide describes.
 */
import type { Json } from "../model/Json.ts";
import { compactId } from "../model/notionIds.ts";
import { markdownColor, richTextToMarkdown } from "./richTextToMarkdown.ts";

/** A block (as the API answers it) with its children, or a child page the integration cannot see. */
export interface BlockTree {
  block: Json;
  children: BlockTree[];
  /** Not shared with the integration: written as `<unknown>`. */
  hidden?: boolean;
  /** The address of a child page or database. */
  url?: string;
}

export interface RenderedMarkdown {
  /** The markdown of each top-level block, in order; the page's markdown is them joined by "\n". */
  chunks: string[];
  unknownBlockIds: string[];
}

/** Writes blocks as enhanced markdown; `pageUrl` is the address `<unknown>` tags point into. */
export function blocksToEnhancedMarkdown(nodes: BlockTree[], pageUrl: string): RenderedMarkdown {
  const unknownBlockIds: string[] = [];
  const chunks = renderSiblings(nodes, { pageUrl, unknownBlockIds }).map((lines) => lines.join("\n"));
  return { chunks, unknownBlockIds };
}

interface RenderContext {
  pageUrl: string;
  unknownBlockIds: string[];
}

/** Each sibling's lines; numbered list items count up within a run of them. */
function renderSiblings(nodes: BlockTree[], context: RenderContext): string[][] {
  let number = 0;
  return nodes.map((node) => {
    number = node.block.type === "numbered_list_item" ? number + 1 : 0;
    return renderBlock(node, number, context);
  });
}

/** One case per block type, each a line or two of Notion's format: longer than most functions, read as a table. */
function renderBlock(node: BlockTree, number: number, context: RenderContext): string[] {
  const { block } = node;
  const type: string = block.type;
  const content: Json = block[type] ?? {};
  const text = richTextToMarkdown(content.rich_text);
  const color = content.color && content.color !== "default" ? `color="${markdownColor(content.color)}"` : "";
  const attributes = (...list: string[]) => {
    const present = list.filter(Boolean);
    return present.length > 0 ? ` {${present.join(" ")}}` : "";
  };
  const children = () => indent(renderSiblings(node.children, context).flat());
  if (node.hidden) return [unknown(block, context, true)];
  switch (type) {
    case "paragraph":
      return [
        text || node.children.length > 0 ? `${text}${attributes(color)}` : "<empty-block/>",
        ...children(),
      ];
    case "heading_1":
    case "heading_2":
    case "heading_3":
    case "heading_4": {
      const toggle = content.is_toggleable ? 'toggle="true"' : "";
      return [`${"#".repeat(Number(type.slice(-1)))} ${text}${attributes(toggle, color)}`, ...children()];
    }
    case "bulleted_list_item":
      return [`- ${text}${attributes(color)}`, ...children()];
    case "numbered_list_item":
      return [`${number}. ${text}${attributes(color)}`, ...children()];
    case "to_do":
      return [`- [${content.checked ? "x" : " "}] ${text}${attributes(color)}`, ...children()];
    case "quote":
      return [`> ${text}${attributes(color)}`, ...children()];
    case "toggle":
      return [
        color ? `<details ${color}>` : "<details>",
        `<summary>${text}</summary>`,
        ...children(),
        "</details>",
      ];
    case "callout": {
      const icon = content.icon?.emoji ?? content.icon?.external?.url ?? content.icon?.file?.url;
      const tagAttributes = [icon ? `icon="${icon}"` : "", color].filter(Boolean).join(" ");
      return [
        tagAttributes ? `<callout ${tagAttributes}>` : "<callout>",
        ...indent(text ? [text] : []),
        ...children(),
        "</callout>",
      ];
    }
    case "code": {
      const code = (content.rich_text ?? []).map((item: Json) => item.plain_text ?? "").join("");
      return [`\`\`\`${content.language ?? "plain text"}`, ...code.split("\n"), "```"];
    }
    case "equation":
      return ["$$", String(content.expression ?? ""), "$$"];
    case "divider":
      return ["---"];
    case "table":
      return renderTable(node);
    case "column_list":
      return [
        "<columns>",
        ...indent(
          node.children.flatMap((column) => [
            "<column>",
            ...indent(renderSiblings(column.children, context).flat()),
            "</column>",
          ]),
        ),
        "</columns>",
      ];
    case "image":
      return [`![${richTextToMarkdown(content.caption)}](${fileUrl(content)})${attributes(color)}`];
    case "video":
    case "audio":
    case "file":
    case "pdf":
      return [`<${type} src="${fileUrl(content)}">${richTextToMarkdown(content.caption)}</${type}>`];
    case "child_page":
      return [`<page url="${node.url ?? pageAddress(block.id)}">${escapeTagText(content.title)}</page>`];
    case "child_database":
      return [
        `<database url="${node.url ?? pageAddress(block.id)}">${escapeTagText(content.title)}</database>`,
      ];
    case "link_to_page": {
      const target = content.page_id ?? content.database_id;
      const tag = content.type === "database_id" ? "database" : "page";
      return [`<${tag} url="${pageAddress(target)}"></${tag}>`];
    }
    case "table_of_contents":
      return [color ? `<table_of_contents ${color}/>` : "<table_of_contents/>"];
    case "synced_block":
      return content.synced_from?.block_id
        ? [
            `<synced_block_reference url="${context.pageUrl}#${compactId(content.synced_from.block_id)}">`,
            ...children(),
            "</synced_block_reference>",
          ]
        : [
            `<synced_block url="${context.pageUrl}#${compactId(block.id)}">`,
            ...children(),
            "</synced_block>",
          ];
    case "meeting_notes":
    case "transcription":
      return [`<meeting-notes>${richTextToMarkdown(content.title)}</meeting-notes>`];
    default:
      return [unknown(block, context, false)];
  }
}

function renderTable(node: BlockTree): string[] {
  const content: Json = node.block.table ?? {};
  const attributes = [
    content.has_column_header ? 'header-row="true"' : "",
    content.has_row_header ? 'header-column="true"' : "",
  ].filter(Boolean);
  const rows = node.children.map((row) => [
    "<tr>",
    ...indent(
      (row.block.table_row?.cells ?? []).map((cell: Json[]) => `<td>${richTextToMarkdown(cell)}</td>`),
    ),
    "</tr>",
  ]);
  return [
    attributes.length > 0 ? `<table ${attributes.join(" ")}>` : "<table>",
    ...indent(rows.flat()),
    "</table>",
  ];
}

function unknown(block: Json, context: RenderContext, hidden: boolean): string {
  if (hidden) context.unknownBlockIds.push(block.id);
  return `<unknown url="${context.pageUrl}#${compactId(block.id)}" alt="${block.type}"/>`;
}

function fileUrl(content: Json): string {
  return content.external?.url ?? content.file?.url ?? "";
}

function pageAddress(id: string): string {
  return `https://app.notion.com/p/${compactId(String(id))}`;
}

function escapeTagText(text: unknown): string {
  return String(text ?? "").replace(/[<>]/g, (char) => `\\${char}`);
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `\t${line}`);
}
