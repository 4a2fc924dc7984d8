/**
 * Markdown -> Notion block drafts. Covers what people write in prompts and test documents: headings,
 * paragraphs, nested bulleted / numbered / to-do lists, quotes, callouts (`> [!NOTE]`), toggles
 * (`<details><summary>`), fenced code, `$$` equations, tables, dividers and images.
 */
import type { BlockDraft } from "./BlockDraft.ts";
import { parseInlineMarkdown, splitForNotion } from "./parseInlineMarkdown.ts";

const CALLOUT_ICONS: Record<string, string> = {
  NOTE: "💡",
  TIP: "💡",
  INFO: "ℹ️",
  IMPORTANT: "❗",
  WARNING: "⚠️",
  CAUTION: "🛑",
};

const CODE_LANGUAGES: Record<string, string> = {
  "": "plain text",
  text: "plain text",
  txt: "plain text",
  ts: "typescript",
  js: "javascript",
  py: "python",
  sh: "shell",
  bash: "bash",
  yml: "yaml",
  md: "markdown",
  rb: "ruby",
  rs: "rust",
  kt: "kotlin",
  cs: "c#",
  cpp: "c++",
  "c++": "c++",
  golang: "go",
};

/** Converts markdown to block drafts. Unknown syntax stays text: nothing the author wrote is dropped. */
export function markdownToBlocks(markdown: string): BlockDraft[] {
  const lines = markdown.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n");
  return parseLines(lines);
}

/** A block read from the lines, and the index of the first line after it. */
interface ReadBlock {
  block: BlockDraft;
  next: number;
}

/**
 * Reads one kind of block starting at `lines[start]`, whose text without its `indent` is `text`;
 * undefined when that line does not start this kind of block.
 */
type BlockReader = (lines: string[], start: number, indent: number, text: string) => ReadBlock | undefined;

function parseLines(lines: string[]): BlockDraft[] {
  const blocks: BlockDraft[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i += 1;
      continue;
    }
    const indent = indentOf(line);
    const text = line.slice(indent);
    const read = readBlock(lines, i, indent, text);
    blocks.push(read.block);
    i = read.next;
  }
  return blocks;
}

/** The first reader that recognises the line decides; anything else is a paragraph. */
function readBlock(lines: string[], start: number, indent: number, text: string): ReadBlock {
  for (const reader of READERS) {
    const read = reader(lines, start, indent, text);
    if (read) return read;
  }
  return readParagraph(lines, start, indent, text);
}

const readFence: BlockReader = (lines, start, indent, text) => {
  const fence = /^(`{3,}|~{3,})\s*([^`\s]*)\s*$/.exec(text);
  if (!fence) return undefined;
  const marker = fence[1]!;
  const body: string[] = [];
  let i = start + 1;
  while (i < lines.length && !lines[i]!.trim().startsWith(marker)) {
    body.push(stripIndent(lines[i]!, indent));
    i += 1;
  }
  return { block: codeBlock(body.join("\n"), fence[2] ?? ""), next: i + 1 };
};

const readEquation: BlockReader = (lines, start, _indent, text) => {
  const single = text.trim();
  if (single !== "$$" && !(text.startsWith("$$") && text.trimEnd().endsWith("$$") && single.length > 4))
    return undefined;
  if (single !== "$$")
    return { block: leaf("equation", { expression: single.slice(2, -2).trim() }), next: start + 1 };
  const body: string[] = [];
  let i = start + 1;
  while (i < lines.length && lines[i]!.trim() !== "$$") {
    body.push(lines[i]!.trim());
    i += 1;
  }
  return { block: leaf("equation", { expression: body.join("\n") }), next: i + 1 };
};

const readHeading: BlockReader = (lines, start, indent, text) => {
  const heading = /^(#{1,6})\s+(.*)$/.exec(text);
  if (!heading) return undefined;
  const level = Math.min(heading[1]!.length, 4);
  const { children, next } = indentedChildren(lines, start + 1, indent + 2);
  return {
    block: {
      type: `heading_${level}`,
      content: { rich_text: parseInlineMarkdown(heading[2]!.trim()), is_toggleable: children.length > 0 },
      children,
    },
    next,
  };
};

const readDivider: BlockReader = (_lines, start, _indent, text) =>
  /^(-{3,}|\*{3,}|_{3,})\s*$/.test(text) ? { block: leaf("divider", {}), next: start + 1 } : undefined;

const readTable: BlockReader = (lines, start, _indent, text) => {
  if (!text.startsWith("|")) return undefined;
  const rows: string[] = [];
  let i = start;
  while (i < lines.length && lines[i]!.trim().startsWith("|")) {
    rows.push(lines[i]!.trim());
    i += 1;
  }
  return { block: tableBlock(rows), next: i };
};

const readQuote: BlockReader = (lines, start, indent, text) => {
  if (!text.startsWith(">")) return undefined;
  const quoted: string[] = [];
  let i = start;
  while (i < lines.length && lines[i]!.slice(indent).startsWith(">")) {
    quoted.push(lines[i]!.slice(indent).replace(/^> ?/, ""));
    i += 1;
  }
  return { block: quoteBlock(quoted), next: i };
};

/** `<details><summary>…</summary>` … `</details>`: a toggle, or a toggle heading when the summary is one. */
const readDetails: BlockReader = (lines, start, indent, text) => {
  if (!/^<details>/i.test(text)) return undefined;
  const summary = /<summary>(.*?)<\/summary>/i.exec(text)?.[1] ?? "";
  const body: string[] = [];
  let i = start + 1;
  let depth = 1;
  while (i < lines.length) {
    const inner = lines[i]!.trim();
    if (/^<details>/i.test(inner)) depth += 1;
    if (/^<\/details>/i.test(inner)) {
      depth -= 1;
      if (depth === 0) break;
    }
    body.push(stripIndent(lines[i]!, indent));
    i += 1;
  }
  const headingSummary = /^(#{1,4})\s+(.*)$/.exec(summary.trim());
  const children = parseLines(dedent(body));
  const block: BlockDraft = headingSummary
    ? {
        type: `heading_${headingSummary[1]!.length}`,
        content: { rich_text: parseInlineMarkdown(headingSummary[2]!), is_toggleable: true },
        children,
      }
    : { type: "toggle", content: { rich_text: parseInlineMarkdown(summary.trim()) }, children };
  return { block, next: i + 1 };
};

const readListItem: BlockReader = (lines, start, indent, text) => {
  const item = /^([-*+]|\d+[.)])\s+(\[( |x|X)\]\s+)?(.*)$/.exec(text);
  if (!item) return undefined;
  // Children sit under the item's text: two columns for `- `, three for `1. `.
  const { children, next } = indentedChildren(lines, start + 1, indent + item[1]!.length + 1);
  const rich_text = parseInlineMarkdown(item[4]!);
  const block: BlockDraft =
    item[3] !== undefined
      ? { type: "to_do", content: { rich_text, checked: item[3].toLowerCase() === "x" }, children }
      : {
          type: /\d/.test(item[1]!) ? "numbered_list_item" : "bulleted_list_item",
          content: { rich_text },
          children,
        };
  return { block, next };
};

const readImage: BlockReader = (_lines, start, _indent, text) => {
  const image = /^!\[([^\]]*)\]\((\S+)\)\s*$/.exec(text);
  if (!image) return undefined;
  const caption = image[1] ? parseInlineMarkdown(image[1]) : [];
  return {
    block: leaf("image", { type: "external", external: { url: image[2]! }, caption }),
    next: start + 1,
  };
};

/** A paragraph runs until a blank line, a line that starts another block, or a change of indentation. */
function readParagraph(lines: string[], start: number, indent: number, text: string): ReadBlock {
  const parts: string[] = [text];
  let i = start + 1;
  while (
    i < lines.length &&
    lines[i]!.trim() &&
    indentOf(lines[i]!) === indent &&
    !startsBlock(lines[i]!.slice(indent))
  ) {
    parts.push(lines[i]!.slice(indent));
    i += 1;
  }
  const { children, next } = indentedChildren(lines, i, indent + 2);
  return {
    block: { type: "paragraph", content: { rich_text: parseInlineMarkdown(joinParagraph(parts)) }, children },
    next,
  };
}

/** In the order they are tried: a divider (`***`) before a list item (`* `), for one. */
const READERS: BlockReader[] = [
  readFence,
  readEquation,
  readHeading,
  readDivider,
  readTable,
  readQuote,
  readDetails,
  readListItem,
  readImage,
];

/** Joins a paragraph's lines: a trailing backslash or two spaces is a hard line break, otherwise a space. */
function joinParagraph(parts: string[]): string {
  let text = "";
  parts.forEach((part, index) => {
    if (index === 0) {
      text = part;
      return;
    }
    const hard = /(\\| {2,})$/.test(text);
    text = hard ? `${text.replace(/(\\| {2,})$/, "")}\n${part}` : `${text.trimEnd()} ${part}`;
  });
  return text.replace(/(\\| {2,})$/, "");
}

function startsBlock(text: string): boolean {
  return (
    /^(#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\||`{3,}|~{3,}|\$\$|<details>|!\[)/i.test(text) ||
    /^(-{3,}|\*{3,}|_{3,})\s*$/.test(text)
  );
}

/** Lines after `start` indented at least `childIndent` (blank lines inside included) become children. */
function indentedChildren(
  lines: string[],
  start: number,
  childIndent: number,
): { children: BlockDraft[]; next: number } {
  let end = start;
  let lastContent = start;
  while (end < lines.length) {
    const line = lines[end]!;
    if (!line.trim()) {
      end += 1;
      continue;
    }
    if (indentOf(line) < childIndent) break;
    end += 1;
    lastContent = end;
  }
  if (lastContent === start) return { children: [], next: start };
  const body = lines.slice(start, lastContent).map((line) => stripIndent(line, childIndent));
  return { children: parseLines(body), next: lastContent };
}

function quoteBlock(lines: string[]): BlockDraft {
  const alert = /^\[!([^\]\s]+)\]\s*(.*)$/.exec(lines[0] ?? "");
  const body = alert ? [alert[2] ?? "", ...lines.slice(1)] : lines;
  const firstBlank = body.findIndex((line) => !line.trim());
  const head = firstBlank < 0 ? body : body.slice(0, firstBlank);
  const rest = firstBlank < 0 ? [] : body.slice(firstBlank + 1);
  const rich_text = parseInlineMarkdown(joinParagraph(head.map((line) => line.trim()).filter(Boolean)));
  const children = parseLines(rest);
  if (alert) {
    const kind = alert[1]!.toUpperCase();
    const emoji = CALLOUT_ICONS[kind] ?? alert[1]!;
    return {
      type: "callout",
      content: { rich_text, icon: { type: "emoji", emoji }, color: "gray_background" },
      children,
    };
  }
  return { type: "quote", content: { rich_text }, children };
}

function tableBlock(rows: string[]): BlockDraft {
  const cells = rows.map(splitRow);
  const separator = cells.length > 1 && cells[1]!.every((cell) => /^:?-{2,}:?$/.test(cell.trim()));
  const bodyRows = separator ? [cells[0]!, ...cells.slice(2)] : cells;
  const width = Math.max(...bodyRows.map((row) => row.length));
  return {
    type: "table",
    content: { table_width: width, has_column_header: separator, has_row_header: false },
    children: bodyRows.map((row) => ({
      type: "table_row",
      content: {
        cells: Array.from({ length: width }, (_, index) => parseInlineMarkdown((row[index] ?? "").trim())),
      },
      children: [],
    })),
  };
}

function splitRow(row: string): string[] {
  const inner = row.replace(/^\|/, "").replace(/\|\s*$/, "");
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "\\" && inner[i + 1] === "|") {
      current += "\\|";
      i += 1;
    } else if (inner[i] === "|") {
      cells.push(current);
      current = "";
    } else {
      current += inner[i];
    }
  }
  cells.push(current);
  return cells;
}

function codeBlock(code: string, language: string): BlockDraft {
  const lower = language.toLowerCase();
  return leaf("code", {
    rich_text: code ? splitForNotion(code).map((content) => ({ type: "text", text: { content } })) : [],
    language: CODE_LANGUAGES[lower] ?? (lower || "plain text"),
    caption: [],
  });
}

function leaf(type: string, content: Record<string, unknown>): BlockDraft {
  return { type, content, children: [] };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function stripIndent(line: string, count: number): string {
  const remove = Math.min(count, indentOf(line));
  return line.slice(remove);
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((line) => line.trim()).map(indentOf);
  const least = indents.length ? Math.min(...indents) : 0;
  return lines.map((line) => stripIndent(line, least));
}
