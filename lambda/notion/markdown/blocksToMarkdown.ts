/**
 * Notion blocks -> markdown, the inverse of `markdownToBlocks` for the types it writes, and a readable line
 * for the rest. Used for a prompt page's body (the reviewer's instructions) and `margin prompts pull`.
 */
import type { BlockObjectResponse } from "@notionhq/client";
import { richTextToMarkdown } from "./richTextToMarkdown.ts";

/** A block with its children, as read from the blocks API. */
export interface BlockNode {
  block: BlockObjectResponse;
  children: BlockNode[];
}

const CALLOUT_KINDS: Record<string, string> = {
  "💡": "NOTE",
  ℹ️: "INFO",
  "❗": "IMPORTANT",
  "⚠️": "WARNING",
  "🛑": "CAUTION",
};

const LIST_TYPES = new Set(["bulleted_list_item", "numbered_list_item", "to_do"]);

export function blocksToMarkdown(nodes: BlockNode[]): string {
  const parts: string[] = [];
  let previous: string | undefined;
  let number = 0;
  for (const node of nodes) {
    const type = node.block.type;
    number = type === "numbered_list_item" ? (previous === type ? number + 1 : 1) : 0;
    const text = nodeToMarkdown(node, number);
    if (text === undefined) continue;
    const tight = previous !== undefined && LIST_TYPES.has(type) && LIST_TYPES.has(previous);
    if (parts.length > 0) parts.push(tight ? "\n" : "\n\n");
    parts.push(text);
    previous = type;
  }
  return parts.join("");
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((line) => (line ? by + line : line))
    .join("\n");
}

function withChildren(head: string, node: BlockNode, by: string): string {
  if (node.children.length === 0) return head;
  return `${head}\n${indent(blocksToMarkdown(node.children), by)}`;
}

function inline(text: string): string {
  // A hard line break inside a paragraph is a trailing backslash in markdown.
  return text.replace(/\n/g, "\\\n");
}

/**
 * One case per Notion block type, each a line or two of markdown: long because Notion has many block types,
 * kept as one switch so a type's markdown is found by its name.
 */
function nodeToMarkdown(node: BlockNode, number: number): string | undefined {
  const block = node.block;
  switch (block.type) {
    case "paragraph":
      return withChildren(inline(richTextToMarkdown(block.paragraph.rich_text)), node, "  ");
    case "heading_1":
    case "heading_2":
    case "heading_3":
    case "heading_4": {
      const level = Number(block.type.slice(-1));
      const content = (
        block as unknown as Record<string, { rich_text: Parameters<typeof richTextToMarkdown>[0] }>
      )[block.type]!;
      return withChildren(`${"#".repeat(level)} ${richTextToMarkdown(content.rich_text)}`, node, "  ");
    }
    case "bulleted_list_item":
      return withChildren(`- ${inline(richTextToMarkdown(block.bulleted_list_item.rich_text))}`, node, "  ");
    case "numbered_list_item":
      return withChildren(
        `${number}. ${inline(richTextToMarkdown(block.numbered_list_item.rich_text))}`,
        node,
        " ".repeat(`${number}. `.length),
      );
    case "to_do":
      return withChildren(
        `- [${block.to_do.checked ? "x" : " "}] ${inline(richTextToMarkdown(block.to_do.rich_text))}`,
        node,
        "  ",
      );
    case "toggle": {
      const body = node.children.length ? `\n${indent(blocksToMarkdown(node.children), "  ")}` : "";
      return `<details><summary>${richTextToMarkdown(block.toggle.rich_text)}</summary>${body}\n</details>`;
    }
    case "quote":
      return quoted(richTextToMarkdown(block.quote.rich_text), node);
    case "callout": {
      const icon = block.callout.icon;
      const emoji = icon?.type === "emoji" ? icon.emoji : "💡";
      const kind = CALLOUT_KINDS[emoji] ?? emoji;
      return quoted(`[!${kind}] ${richTextToMarkdown(block.callout.rich_text)}`, node);
    }
    case "code": {
      const code = block.code.rich_text.map((item) => item.plain_text).join("");
      const fence = code.includes("```") ? "~~~~" : "```";
      const language = block.code.language === "plain text" ? "" : block.code.language;
      return `${fence}${language}\n${code}\n${fence}`;
    }
    case "equation":
      return `$$\n${block.equation.expression}\n$$`;
    case "divider":
      return "---";
    case "table": {
      const rows = node.children
        .map((child) => child.block)
        .filter((row) => row.type === "table_row")
        .map(
          (row) =>
            `| ${row.table_row.cells.map((cell) => richTextToMarkdown(cell).replace(/\|/g, "\\|")).join(" | ")} |`,
        );
      if (rows.length === 0) return undefined;
      if (block.table.has_column_header) {
        rows.splice(1, 0, `|${" --- |".repeat(block.table.table_width)}`);
      }
      return rows.join("\n");
    }
    case "image": {
      const url = block.image.type === "external" ? block.image.external.url : block.image.file.url;
      return `![${richTextToMarkdown(block.image.caption)}](${url})`;
    }
    case "video":
    case "pdf":
    case "file":
    case "audio": {
      const media = (
        block as unknown as Record<
          string,
          {
            type: string;
            external?: { url: string };
            file?: { url: string };
            caption: Parameters<typeof richTextToMarkdown>[0];
            name?: string;
          }
        >
      )[block.type]!;
      const url = media.external?.url ?? media.file?.url ?? "";
      const label = richTextToMarkdown(media.caption) || media.name || block.type;
      return `[${label}](${url})`;
    }
    case "bookmark":
    case "embed": {
      const target = block.type === "bookmark" ? block.bookmark : block.embed;
      const caption = richTextToMarkdown(target.caption);
      return caption ? `[${caption}](${target.url})` : `<${target.url}>`;
    }
    case "link_preview":
      return `<${block.link_preview.url}>`;
    case "child_page":
      return `📄 ${block.child_page.title}`;
    case "child_database":
      return `🗃️ ${block.child_database.title}`;
    case "column_list":
    case "column":
    case "synced_block":
    case "template":
    case "tab":
      return node.children.length ? blocksToMarkdown(node.children) : undefined;
    case "table_of_contents":
    case "breadcrumb":
      return undefined;
    default:
      return `<!-- ${block.type} block not shown -->`;
  }
}

function quoted(head: string, node: BlockNode): string {
  const lines = head.split("\n");
  if (node.children.length > 0) lines.push("", ...blocksToMarkdown(node.children).split("\n"));
  return lines.map((line) => (line ? `> ${line}` : ">")).join("\n");
}
