/**
 * The `markdown` body of a comment: inline formatting only (block syntax stays literal text), plus Notion's
 * mention tags `<mention-user url="...">`, `<mention-page ...>`, `<mention-database ...>` and
 * `<mention-date start="..." end="..."/>`.
 */
import { parseInlineMarkdown } from "../../../lambda/notion/markdown/parseInlineMarkdown.ts";
import type { Json } from "../model/Json.ts";
import { canonicalId } from "../model/notionIds.ts";

const MENTION =
  /<mention-(user|page|database)\s+url="([^"]+)"\s*>([^<]*)<\/mention-\1>|<mention-date\s+start="([^"]+)"(?:\s+end="([^"]+)")?\s*\/>/g;

export function commentMarkdownToRichText(markdown: string): Json[] {
  const items: Json[] = [];
  let last = 0;
  for (const match of markdown.matchAll(MENTION)) {
    if (match.index > last) items.push(...parseInlineMarkdown(markdown.slice(last, match.index)));
    if (match[1]) {
      const id =
        canonicalId(match[2]!.split("/").pop()!.split("-").pop() ?? "") ??
        canonicalId(match[2]!) ??
        match[2]!;
      items.push({ type: "mention", mention: { type: match[1], [match[1]]: { id } } });
    } else {
      items.push({
        type: "mention",
        mention: { type: "date", date: { start: match[4], end: match[5] ?? null } },
      });
    }
    last = match.index + match[0].length;
  }
  if (last < markdown.length) items.push(...parseInlineMarkdown(markdown.slice(last)));
  return items;
}
