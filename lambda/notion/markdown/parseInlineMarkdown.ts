/**
 * Inline markdown -> Notion rich text request items: bold, italic, strikethrough, inline code, links and
 * inline equations. Used wherever Margin (or its emulator) turns markdown into Notion text, so the two
 * agree on what a `**` means.
 */
import type { RichTextItemRequest } from "../notionTypes.ts";

/** Notion's limit on one rich text item's `text.content`. */
export const MAX_RICH_TEXT_CONTENT = 2000;

export interface InlineAnnotations {
  bold: boolean;
  italic: boolean;
  strikethrough: boolean;
  code: boolean;
}

const PLAIN: InlineAnnotations = { bold: false, italic: false, strikethrough: false, code: false };

/** One run of text with the same formatting: the neutral form between markdown and Notion rich text. */
export type InlineSpan =
  | { kind: "text"; text: string; annotations: InlineAnnotations; link: string | null }
  | { kind: "equation"; expression: string; annotations: InlineAnnotations };

const ESCAPABLE = new Set("\\`*_~[]()$#+-.!|<>{}".split(""));

/** Parses inline markdown into spans; unmatched delimiters stay literal text. */
export function parseInlineSpans(markdown: string): InlineSpan[] {
  const spans: InlineSpan[] = [];
  parseInto(markdown, PLAIN, null, spans);
  return mergeSpans(spans);
}

/** Parses inline markdown into Notion rich text request items, splitting text over the 2000-character limit. */
export function parseInlineMarkdown(markdown: string): RichTextItemRequest[] {
  return spansToRichText(parseInlineSpans(markdown));
}

export function spansToRichText(spans: InlineSpan[]): RichTextItemRequest[] {
  const items: RichTextItemRequest[] = [];
  for (const span of spans) {
    if (span.kind === "equation") {
      items.push({
        type: "equation",
        equation: { expression: span.expression },
        annotations: { ...span.annotations },
      });
      continue;
    }
    for (const chunk of splitForNotion(span.text)) {
      items.push({
        type: "text",
        text: { content: chunk, link: span.link ? { url: span.link } : null },
        annotations: { ...span.annotations },
      });
    }
  }
  return items;
}

/** Splits text into chunks of at most 2000 characters, preferring to break after whitespace. */
export function splitForNotion(text: string, limit = MAX_RICH_TEXT_CONTENT): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf(" ", limit);
    if (cut < limit / 2) cut = limit;
    else cut += 1;
    // Never split a surrogate pair: the API counts UTF-16 units and would reject half a character.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/**
 * One scan over the text: at each position, the inline constructs are tried in their order of precedence
 * (escape, code, equation, link, autolink, emphasis), and anything else is literal text. Long because there
 * are six constructs, kept in one loop so their order is read in one place.
 */
function parseInto(
  src: string,
  annotations: InlineAnnotations,
  link: string | null,
  out: InlineSpan[],
): void {
  let literal = "";
  const flush = () => {
    if (literal) out.push({ kind: "text", text: literal, annotations, link });
    literal = "";
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const next = src[i + 1];
    if (ch === "\\" && next !== undefined && ESCAPABLE.has(next)) {
      literal += next;
      i += 2;
      continue;
    }
    if (ch === "`") {
      const ticks = runLength(src, i, "`");
      const close = src.indexOf("`".repeat(ticks), i + ticks);
      if (close > i) {
        flush();
        let code = src.slice(i + ticks, close);
        if (ticks > 1 && code.startsWith(" ") && code.endsWith(" ") && code.trim()) code = code.slice(1, -1);
        out.push({ kind: "text", text: code, annotations: { ...annotations, code: true }, link });
        i = close + ticks;
        continue;
      }
    }
    if (ch === "$" && next !== "$" && next !== undefined && next !== " ") {
      const close = findClosingDollar(src, i + 1);
      if (close > 0) {
        flush();
        out.push({ kind: "equation", expression: src.slice(i + 1, close), annotations });
        i = close + 1;
        continue;
      }
    }
    if (ch === "[") {
      const parsed = parseLink(src, i);
      if (parsed) {
        flush();
        parseInto(parsed.label, annotations, parsed.url, out);
        i = parsed.end;
        continue;
      }
    }
    if (ch === "<" && /^<https?:\/\//.test(src.slice(i))) {
      const close = src.indexOf(">", i);
      if (close > 0 && !/\s/.test(src.slice(i + 1, close))) {
        flush();
        const url = src.slice(i + 1, close);
        out.push({ kind: "text", text: url, annotations, link: url });
        i = close + 1;
        continue;
      }
    }
    const delimiter = delimiterAt(src, i);
    if (delimiter) {
      const close = findCloser(src, i + delimiter.token.length, delimiter.token);
      if (close > 0) {
        flush();
        const inner = src.slice(i + delimiter.token.length, close);
        parseInto(inner, { ...annotations, [delimiter.annotation]: true }, link, out);
        i = close + delimiter.token.length;
        continue;
      }
    }
    literal += ch;
    i += 1;
  }
  flush();
}

type Delimiter = { token: string; annotation: "bold" | "italic" | "strikethrough" };

function delimiterAt(src: string, i: number): Delimiter | undefined {
  const two = src.slice(i, i + 2);
  const after = src[i + two.length];
  if ((two === "**" || two === "__") && after !== undefined && after !== " ") {
    if (two === "__" && isWordChar(src[i - 1])) return undefined;
    return { token: two, annotation: "bold" };
  }
  if (two === "~~" && after !== undefined && after !== " ")
    return { token: "~~", annotation: "strikethrough" };
  const ch = src[i];
  const nextCh = src[i + 1];
  if ((ch === "*" || ch === "_") && nextCh !== undefined && nextCh !== " " && nextCh !== ch) {
    if (ch === "_" && isWordChar(src[i - 1])) return undefined;
    return { token: ch, annotation: "italic" };
  }
  return undefined;
}

function findCloser(src: string, from: number, token: string): number {
  let i = from;
  while (i < src.length) {
    if (src[i] === "\\") {
      i += 2;
      continue;
    }
    if (src[i] === "`") {
      const ticks = runLength(src, i, "`");
      const close = src.indexOf("`".repeat(ticks), i + ticks);
      if (close > 0) {
        i = close + ticks;
        continue;
      }
    }
    if (src.startsWith(token, i) && i > from && src[i - 1] !== " ") {
      // A single `*` must not close on the first half of a `**`.
      if (token.length === 1 && src[i + 1] === token) {
        const run = runLength(src, i, token);
        if (run % 2 === 0) {
          i += run;
          continue;
        }
        return i + run - 1;
      }
      if (token === "_" || token === "__") {
        if (isWordChar(src[i + token.length])) {
          i += 1;
          continue;
        }
      }
      // In `***`, an inner `*` closes first: the double delimiter is the end of the run.
      const run = runLength(src, i, token[0]!);
      return token.length === 2 && run > 2 ? i + run - 2 : i;
    }
    i += 1;
  }
  return -1;
}

function findClosingDollar(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === "\\") {
      i += 1;
      continue;
    }
    if (src[i] === "$") return src[i - 1] !== " " && !/\d/.test(src[i + 1] ?? "") ? i : -1;
  }
  return -1;
}

function parseLink(src: string, start: number): { label: string; url: string; end: number } | undefined {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      i += 1;
      continue;
    }
    if (c === "[") depth += 1;
    if (c === "]") {
      depth -= 1;
      if (depth === 0) {
        if (src[i + 1] !== "(") return undefined;
        const close = src.indexOf(")", i + 2);
        if (close < 0) return undefined;
        const url = src.slice(i + 2, close).trim();
        if (!url || /\s/.test(url)) return undefined;
        return { label: src.slice(start + 1, i), url, end: close + 1 };
      }
    }
  }
  return undefined;
}

function runLength(src: string, i: number, ch: string): number {
  let n = 0;
  while (src[i + n] === ch) n += 1;
  return n;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function sameFormat(a: InlineSpan, b: InlineSpan): boolean {
  if (a.kind !== "text" || b.kind !== "text") return false;
  const x = a.annotations;
  const y = b.annotations;
  return (
    a.link === b.link &&
    x.bold === y.bold &&
    x.italic === y.italic &&
    x.strikethrough === y.strikethrough &&
    x.code === y.code
  );
}

function mergeSpans(spans: InlineSpan[]): InlineSpan[] {
  const merged: InlineSpan[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && last.kind === "text" && span.kind === "text" && sameFormat(last, span)) {
      merged[merged.length - 1] = { ...last, text: last.text + span.text };
    } else {
      merged.push(span);
    }
  }
  return merged;
}
