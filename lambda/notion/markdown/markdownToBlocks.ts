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

    const fence = /^(`{3,}|~{3,})\s*([^`\s]*)\s*$/.exec(text);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i]!.trim().startsWith(marker)) {
        body.push(stripIndent(lines[i]!, indent));
        i += 1;
      }
      i += 1;
      blocks.push(codeBlock(body.join("\n"), fence[2] ?? ""));
      continue;
    }

    if (
      text.trim() === "$$" ||
      (text.startsWith("$$") && text.trimEnd().endsWith("$$") && text.trim().length > 4)
    ) {
      const single = text.trim();
      if (single !== "$$") {
        blocks.push(leaf("equation", { expression: single.slice(2, -2).trim() }));
        i += 1;
        continue;
      }
      const body: string[] = [];
      i += 1;
      while (i < lines.length && lines[i]!.trim() !== "$$") {
        body.push(lines[i]!.trim());
        i += 1;
      }
      i += 1;
      blocks.push(leaf("equation", { expression: body.join("\n") }));
      continue;
    }

    const heading = /^(#{1,6})\s+(.*)$/.exec(text);
    if (heading) {
      const level = Math.min(heading[1]!.length, 4);
      const { children, next } = indentedChildren(lines, i + 1, indent + 2);
      blocks.push({
        type: `heading_${level}`,
        content: { rich_text: parseInlineMarkdown(heading[2]!.trim()), is_toggleable: children.length > 0 },
        children,
      });
      i = next;
      continue;
    }

    if (/^(-{3,}|\*{3,}|_{3,})\s*$/.test(text)) {
      blocks.push(leaf("divider", {}));
      i += 1;
      continue;
    }

    if (text.startsWith("|")) {
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.trim().startsWith("|")) {
        rows.push(lines[i]!.trim());
        i += 1;
      }
      blocks.push(tableBlock(rows));
      continue;
    }

    if (text.startsWith(">")) {
      const quoted: string[] = [];
      while (i < lines.length && lines[i]!.slice(indent).startsWith(">")) {
        quoted.push(lines[i]!.slice(indent).replace(/^> ?/, ""));
        i += 1;
      }
      blocks.push(quoteBlock(quoted));
      continue;
    }

    if (/^<details>/i.test(text)) {
      const summary = /<summary>(.*?)<\/summary>/i.exec(text)?.[1] ?? "";
      const body: string[] = [];
      i += 1;
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
      i += 1;
      const headingSummary = /^(#{1,4})\s+(.*)$/.exec(summary.trim());
      const children = parseLines(dedent(body));
      if (headingSummary) {
        blocks.push({
          type: `heading_${headingSummary[1]!.length}`,
          content: { rich_text: parseInlineMarkdown(headingSummary[2]!), is_toggleable: true },
          children,
        });
      } else {
        blocks.push({
          type: "toggle",
          content: { rich_text: parseInlineMarkdown(summary.trim()) },
          children,
        });
      }
      continue;
    }

    const item = /^([-*+]|\d+[.)])\s+(\[( |x|X)\]\s+)?(.*)$/.exec(text);
    if (item) {
      // Children sit under the item's text: two columns for `- `, three for `1. `.
      const { children, next } = indentedChildren(lines, i + 1, indent + item[1]!.length + 1);
      const rich_text = parseInlineMarkdown(item[4]!);
      if (item[3] !== undefined) {
        blocks.push({
          type: "to_do",
          content: { rich_text, checked: item[3].toLowerCase() === "x" },
          children,
        });
      } else if (/\d/.test(item[1]!)) {
        blocks.push({ type: "numbered_list_item", content: { rich_text }, children });
      } else {
        blocks.push({ type: "bulleted_list_item", content: { rich_text }, children });
      }
      i = next;
      continue;
    }

    const image = /^!\[([^\]]*)\]\((\S+)\)\s*$/.exec(text);
    if (image) {
      blocks.push(
        leaf("image", {
          type: "external",
          external: { url: image[2]! },
          caption: image[1] ? parseInlineMarkdown(image[1]) : [],
        }),
      );
      i += 1;
      continue;
    }

    // A paragraph runs until a blank line, a line that starts another block, or a change of indentation.
    const parts: string[] = [text];
    i += 1;
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
    i = next;
    blocks.push({
      type: "paragraph",
      content: { rich_text: parseInlineMarkdown(joinParagraph(parts)) },
      children,
    });
  }
  return blocks;
}

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
