/**
 * Notion rich text -> inline markdown, the inverse of `parseInlineMarkdown`: what it writes parses back to
 * the same text and formatting. Plain text is escaped only where it would otherwise read as formatting.
 */
import type { RichTextItemResponse } from "@notionhq/client";
import { parseInlineSpans } from "./parseInlineMarkdown.ts";

export interface RichTextOptions {
  /** Keep the address of page and database mentions as a link (default). Off, a mention is just its title. */
  mentionLinks?: boolean;
}

export function richTextToMarkdown(items: RichTextItemResponse[], options: RichTextOptions = {}): string {
  return items.map((item) => itemToMarkdown(item, options.mentionLinks ?? true)).join("");
}

function itemToMarkdown(item: RichTextItemResponse, mentionLinks: boolean): string {
  const { bold, italic, strikethrough, code } = item.annotations;
  let text: string;
  if (item.type === "equation") {
    return `$${item.equation.expression}$`;
  }
  if (item.type === "mention") {
    text = escapeText(item.plain_text);
  } else if (code) {
    const ticks = item.plain_text.includes("`") ? "``" : "`";
    text = ticks === "``" ? `${ticks} ${item.plain_text} ${ticks}` : `\`${item.plain_text}\``;
  } else {
    text = escapeText(item.plain_text);
  }
  if (!text.trim()) return text;
  // Markdown delimiters must hug the text: keep surrounding spaces outside them.
  const lead = /^\s*/.exec(text)![0];
  const trail = /\s*$/.exec(text)![0];
  let core = text.slice(lead.length, text.length - trail.length);
  if (strikethrough) core = `~~${core}~~`;
  if (italic) core = `*${core}*`;
  if (bold) core = `**${core}**`;
  if (item.href && (mentionLinks || item.type !== "mention")) core = `[${core}](${item.href})`;
  return `${lead}${core}${trail}`;
}

const SPECIAL = /[\\`*_~[\]$<]/g;

function escapeText(text: string): string {
  const spans = parseInlineSpans(text);
  const literal =
    spans.length === 0 ||
    (spans.length === 1 &&
      spans[0]!.kind === "text" &&
      spans[0]!.text === text &&
      !spans[0]!.link &&
      !hasFormat(spans[0]!));
  return literal ? text : text.replace(SPECIAL, (ch) => `\\${ch}`);
}

function hasFormat(span: ReturnType<typeof parseInlineSpans>[number]): boolean {
  const a = span.annotations;
  return a.bold || a.italic || a.strikethrough || a.code;
}
