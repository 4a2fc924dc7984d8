/**
 * Rich text as Notion answers it: every item with `type`, its content, full `annotations`, `plain_text`
 * and `href`. Accepts request items (or a plain string, as seed shorthand) and fills what is missing.
 */
import { NotionApiError } from "../NotionApiError.ts";
import type { Json } from "./Json.ts";

export const MAX_TEXT_CONTENT = 2000;
export const MAX_ARRAY_ITEMS = 100;

/** What a rich text item needs to know about the workspace: names for user mentions, titles for pages. */
export interface MentionLookup {
  userName(id: string): string | undefined;
  pageTitle(id: string): string | undefined;
  pageUrl(id: string): string | undefined;
}

const DEFAULT_ANNOTATIONS = {
  bold: false,
  italic: false,
  strikethrough: false,
  underline: false,
  code: false,
  color: "default",
};

/** Validates the limits Notion enforces on a rich text array in a request. */
export function checkRichTextLimits(items: unknown, path: string): void {
  if (!Array.isArray(items)) {
    throw NotionApiError.validation(
      `body failed validation: ${path} should be an array, instead was \`${JSON.stringify(items)}\`.`,
    );
  }
  if (items.length > MAX_ARRAY_ITEMS) {
    throw NotionApiError.validation(
      `body failed validation: ${path}.length should be ≤ \`${MAX_ARRAY_ITEMS}\`, instead was \`${items.length}\`.`,
    );
  }
  items.forEach((item: Json, index) => {
    const content = item?.text?.content;
    if (typeof content === "string" && content.length > MAX_TEXT_CONTENT) {
      throw NotionApiError.validation(
        `body failed validation: ${path}[${index}].text.content.length should be ≤ \`${MAX_TEXT_CONTENT}\`, instead was \`${content.length}\`.`,
      );
    }
    const url = item?.text?.link?.url;
    if (typeof url === "string" && url.length > MAX_TEXT_CONTENT) {
      throw NotionApiError.validation(
        `body failed validation: ${path}[${index}].text.link.url.length should be ≤ \`${MAX_TEXT_CONTENT}\`, instead was \`${url.length}\`.`,
      );
    }
    if (
      item &&
      typeof item === "object" &&
      !("text" in item) &&
      !("mention" in item) &&
      !("equation" in item)
    ) {
      throw NotionApiError.validation(
        `body failed validation. Fix one:\n${path}[${index}].text should be defined, instead was \`undefined\`.\n${path}[${index}].mention should be defined, instead was \`undefined\`.\n${path}[${index}].equation should be defined, instead was \`undefined\`.`,
      );
    }
  });
}

/** Fills request rich text (or a string) into response rich text. */
export function fillRichText(items: unknown, lookup: MentionLookup): Json[] {
  if (items === undefined || items === null) return [];
  if (typeof items === "string") return items ? [fillItem({ text: { content: items } }, lookup)] : [];
  if (!Array.isArray(items)) return [];
  return items.map((item) => fillItem(typeof item === "string" ? { text: { content: item } } : item, lookup));
}

function fillItem(item: Json, lookup: MentionLookup): Json {
  const annotations = { ...DEFAULT_ANNOTATIONS, ...(item.annotations ?? {}) };
  if (item.mention) return fillMention(item.mention, annotations, lookup, item.plain_text);
  if (item.equation) {
    const expression = String(item.equation.expression ?? "");
    return { type: "equation", equation: { expression }, annotations, plain_text: expression, href: null };
  }
  const content = String(item.text?.content ?? "");
  const url = item.text?.link?.url ?? null;
  return {
    type: "text",
    text: { content, link: url ? { url } : null },
    annotations,
    plain_text: content,
    href: url,
  };
}

function fillMention(mention: Json, annotations: Json, lookup: MentionLookup, given?: string): Json {
  const type = mention.type ?? Object.keys(mention).find((key) => key !== "type");
  const base = { type: "mention", annotations };
  switch (type) {
    case "user": {
      const id = mention.user?.id;
      const name = lookup.userName(id);
      return {
        ...base,
        mention: { type: "user", user: { object: "user", id } },
        plain_text: given ?? `@${name ?? "Unknown user"}`,
        href: null,
      };
    }
    case "page": {
      const id = mention.page?.id;
      return {
        ...base,
        mention: { type: "page", page: { id } },
        plain_text: given ?? lookup.pageTitle(id) ?? "Untitled",
        href: lookup.pageUrl(id) ?? null,
      };
    }
    case "database": {
      const id = mention.database?.id;
      return {
        ...base,
        mention: { type: "database", database: { id } },
        plain_text: given ?? lookup.pageTitle(id) ?? "Untitled",
        href: lookup.pageUrl(id) ?? null,
      };
    }
    case "date": {
      const date = {
        start: mention.date?.start,
        end: mention.date?.end ?? null,
        time_zone: mention.date?.time_zone ?? null,
      };
      return {
        ...base,
        mention: { type: "date", date },
        plain_text: given ?? (date.end ? `${date.start} → ${date.end}` : String(date.start)),
        href: null,
      };
    }
    case "link_preview":
    case "link_mention": {
      const url = mention[type]?.url ?? "";
      return {
        ...base,
        mention: { type, [type]: { ...mention[type], url } },
        plain_text: given ?? url,
        href: url,
      };
    }
    default:
      return { ...base, mention: { type, [type]: mention[type] ?? {} }, plain_text: given ?? "", href: null };
  }
}

/** The text a reader sees. */
export function plainText(items: Json[] | undefined): string {
  return (items ?? []).map((item) => item.plain_text ?? "").join("");
}
