/**
 * Rich text (as the API answers it) -> Notion's inline markdown, as the markdown endpoints write it:
 * `**bold**`, `*italic*`, `~~strikethrough~~`, `` `code` ``, `[text](url)`, `$equation$`, `<span>` for
 * underline and colours, `<br>` for line breaks, mention tags, and a backslash before each character Notion
 * escapes outside code (`\ * ~ ` $ [ ] < > { } | ^`).
 */
import type { Json } from "../model/Json.ts";

const ESCAPED = /[\\*~`$[\]<>{}|^]/g;

export function richTextToMarkdown(items: Json[] | undefined): string {
  return (items ?? []).map(itemToMarkdown).join("");
}

function itemToMarkdown(item: Json): string {
  const annotations: Json = item.annotations ?? {};
  let text: string;
  if (item.type === "equation") text = `$${String(item.equation?.expression ?? "").replace(/\$/g, "\\$")}$`;
  else if (item.type === "mention") text = mentionToMarkdown(item);
  else if (annotations.code) text = codeSpan(String(item.text?.content ?? item.plain_text ?? ""));
  else text = escapeText(String(item.text?.content ?? item.plain_text ?? ""));
  if (item.type === "text" && !annotations.code && !text.trim()) return text;
  if (annotations.strikethrough) text = `~~${text}~~`;
  if (annotations.italic) text = `*${text}*`;
  if (annotations.bold) text = `**${text}**`;
  const link = item.type === "text" ? item.text?.link?.url : undefined;
  if (link) text = `[${text}](${link})`;
  const spanAttributes = [
    annotations.underline ? 'underline="true"' : "",
    annotations.color && annotations.color !== "default" ? `color="${markdownColor(annotations.color)}"` : "",
  ].filter(Boolean);
  if (spanAttributes.length > 0) text = `<span ${spanAttributes.join(" ")}>${text}</span>`;
  return text;
}

function mentionToMarkdown(item: Json): string {
  const mention: Json = item.mention ?? {};
  const label = escapeText(String(item.plain_text ?? ""));
  switch (mention.type) {
    case "user":
      return `<mention-user url="user://${mention.user?.id}">${label.replace(/^@/, "")}</mention-user>`;
    case "page":
      return `<mention-page url="${item.href ?? ""}">${label}</mention-page>`;
    case "database":
      return `<mention-database url="${item.href ?? ""}">${label}</mention-database>`;
    case "date": {
      const end = mention.date?.end ? ` end="${mention.date.end}"` : "";
      return `<mention-date start="${mention.date?.start}"${end}/>`;
    }
    default:
      return item.href ? `[${label}](${item.href})` : label;
  }
}

function escapeText(text: string): string {
  return text.replace(ESCAPED, (char) => `\\${char}`).replace(/\n/g, "<br>");
}

/** A code span long enough in backticks to hold the backticks inside it. */
function codeSpan(code: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = code.startsWith("`") || code.endsWith("`") ? " " : "";
  return `${fence}${pad}${code}${pad}${fence}`;
}

/** Annotation colours (`blue`, `blue_background`) as Notion's markdown names them (`blue`, `blue_bg`). */
export function markdownColor(color: string): string {
  return color.endsWith("_background") ? `${color.slice(0, -"_background".length)}_bg` : color;
}
