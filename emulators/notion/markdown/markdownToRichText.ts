/**
 * Notion's inline markdown -> rich text request items, as the API reads the `markdown` body of a comment and
 * the text of each line of a page written in enhanced markdown. Written from Notion's documentation
 * ("Enhanced markdown format" and "Create comment"), not from Margin's code, so that the emulator can
 * disagree with Margin:
 *
 * - `**bold**`, `*italic*`, `~~strikethrough~~`, `` `code` ``, `[text](url)` and `$equation$`;
 *   `<span underline="true">` and `<span color="blue">` (`blue_bg` is the background colour), `<br>` for a
 *   line break;
 * - mention tags: `<mention-user url="...">Name</mention-user>` (or self-closing), `mention-page`,
 *   `mention-database`, `mention-data-source`, and `<mention-date start="..." end="..."/>`;
 * - a backslash escapes punctuation (Notion lists `\ * ~ ` $ [ ] < > { } | ^` as the characters to escape);
 *   anything that is not one of the forms above stays literal text.
 *
 * Notion documents `*text*` for italics and says the format "extends standard Markdown", so emphasis follows
 * standard (CommonMark) delimiter-run rules, `_text_` and `__text__` included: a run opens when the
 * character after it is not whitespace, closes when the character before it is not whitespace, an
 * underscore inside a word (`snake_case`) neither opens nor closes, and a closer pairs with the nearest
 * opener. (`_` is missing from Notion's list of characters to escape, so whether Notion reads underscores
 * as emphasis is the least certain rule here; no recording shows it.)
 */
import type { Json } from "../model/Json.ts";
import { canonicalId } from "../model/notionIds.ts";
import { MAX_TEXT_CONTENT } from "../model/richText.ts";

/** Formatting a piece of text carries, as the request's `annotations` plus its link. */
interface Format {
  bold?: boolean;
  italic?: boolean;
  strikethrough?: boolean;
  underline?: boolean;
  code?: boolean;
  color?: string;
  link?: string;
}

type Node =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "equation"; expression: string }
  | { kind: "mention"; mention: Json; label: string }
  | { kind: "group"; format: Format; nodes: Node[] }
  | { kind: "run"; char: "*" | "_" | "~"; count: number; opens: boolean; closes: boolean };

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const MENTION_KINDS = new Set(["user", "page", "database", "data-source", "agent"]);

/** Rich text request items for a piece of inline markdown. */
export function markdownToRichText(markdown: string): Json[] {
  const items: Json[] = [];
  emit(resolveEmphasis(scan(markdown)), {}, items);
  return merge(items).flatMap(splitLongText);
}

// ---- scanning ---------------------------------------------------------------------------------------------

function scan(source: string): Node[] {
  const nodes: Node[] = [];
  let text = "";
  const flush = () => {
    if (text) nodes.push({ kind: "text", text });
    text = "";
  };
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (char === "\\" && at + 1 < source.length && ASCII_PUNCTUATION.test(source[at + 1]!)) {
      text += source[at + 1];
      at += 2;
      continue;
    }
    const token = tokenAt(source, at);
    if (token) {
      flush();
      nodes.push(token.node);
      at = token.end;
      continue;
    }
    text += char;
    at += 1;
  }
  flush();
  return nodes;
}

/** The construct starting at `at`, if one does. */
function tokenAt(source: string, at: number): { node: Node; end: number } | undefined {
  switch (source[at]) {
    case "`":
      return codeSpan(source, at);
    case "$":
      return inlineEquation(source, at);
    case "[":
      return link(source, at);
    case "<":
      return tag(source, at);
    case "*":
    case "_":
    case "~":
      return delimiterRun(source, at);
    default:
      return undefined;
  }
}

function codeSpan(source: string, at: number): { node: Node; end: number } | undefined {
  const ticks = countRun(source, at, "`");
  let search = at + ticks;
  while (search < source.length) {
    const close = source.indexOf("`", search);
    if (close < 0) break;
    const length = countRun(source, close, "`");
    if (length === ticks) {
      let code = source.slice(at + ticks, close);
      if (code.length > 2 && code.startsWith(" ") && code.endsWith(" ") && code.trim())
        code = code.slice(1, -1);
      return { node: { kind: "code", text: code }, end: close + ticks };
    }
    search = close + length;
  }
  // An unmatched run of backticks is literal, all of it.
  return { node: { kind: "text", text: "`".repeat(ticks) }, end: at + ticks };
}

/** `$x$`: no space inside either dollar, and no digit right after the closing one (so "$5 or $10" is text). */
function inlineEquation(source: string, at: number): { node: Node; end: number } | undefined {
  const first = source[at + 1];
  if (first === undefined || first === "$" || /\s/.test(first)) return undefined;
  for (let close = at + 2; close < source.length; close++) {
    if (source[close] === "\\") {
      close += 1;
      continue;
    }
    if (source[close] !== "$") continue;
    if (/\s/.test(source[close - 1]!) || /\d/.test(source[close + 1] ?? "")) return undefined;
    const expression = source.slice(at + 1, close).replace(/\\\$/g, "$");
    return { node: { kind: "equation", expression }, end: close + 1 };
  }
  return undefined;
}

/** `[label](url)`: the label is inline markdown itself; the url has no spaces. */
function link(source: string, at: number): { node: Node; end: number } | undefined {
  let depth = 0;
  for (let index = at; index < source.length; index++) {
    const char = source[index];
    if (char === "\\") {
      index += 1;
      continue;
    }
    if (char === "`") {
      // Brackets inside a code span belong to the code.
      const span = codeSpan(source, index);
      if (span && span.node.kind === "code") index = span.end - 1;
      continue;
    }
    if (char === "[") depth += 1;
    if (char !== "]") continue;
    depth -= 1;
    if (depth > 0) continue;
    const target = /^\(\s*<?([^\s()<>]+)>?\s*\)/.exec(source.slice(index + 1));
    if (!target) return undefined;
    const label = source.slice(at + 1, index);
    return {
      node: { kind: "group", format: { link: target[1]! }, nodes: resolveEmphasis(scan(label)) },
      end: index + 1 + target[0].length,
    };
  }
  return undefined;
}

function delimiterRun(source: string, at: number): { node: Node; end: number } | undefined {
  const char = source[at] as "*" | "_" | "~";
  const count = countRun(source, at, char);
  // Strikethrough is exactly two tildes; any other run of tildes is text.
  if (char === "~" && count !== 2)
    return { node: { kind: "text", text: "~".repeat(count) }, end: at + count };
  const before = source[at - 1] ?? " ";
  const after = source[at + count] ?? " ";
  const space = (value: string) => /\s/.test(value);
  const punctuation = (value: string) => /[\p{P}\p{S}]/u.test(value);
  const leftFlanking = !space(after) && (!punctuation(after) || space(before) || punctuation(before));
  const rightFlanking = !space(before) && (!punctuation(before) || space(after) || punctuation(after));
  const opens = char === "_" ? leftFlanking && (!rightFlanking || punctuation(before)) : leftFlanking;
  const closes = char === "_" ? rightFlanking && (!leftFlanking || punctuation(after)) : rightFlanking;
  return { node: { kind: "run", char, count, opens, closes }, end: at + count };
}

const TAG = /^<(\/?)([a-z][\w-]*)((?:\s+[\w-]+="[^"]*")*)\s*(\/?)>/i;

/** `<br>`, `<span ...>...</span>` and the mention tags; any other `<` is text. */
function tag(source: string, at: number): { node: Node; end: number } | undefined {
  const open = TAG.exec(source.slice(at));
  if (!open || open[1]) return undefined;
  const name = open[2]!.toLowerCase();
  const attributes = parseAttributes(open[3] ?? "");
  const selfClosing = open[4] === "/";
  const afterOpen = at + open[0].length;
  if (name === "br") return { node: { kind: "text", text: "\n" }, end: afterOpen };
  if (name === "span" && !selfClosing) {
    const close = matchingClose(source, afterOpen, "span");
    if (!close) return undefined;
    const format: Format = {};
    if (attributes.underline === "true") format.underline = true;
    if (attributes.color) format.color = annotationColor(attributes.color);
    return {
      node: { kind: "group", format, nodes: resolveEmphasis(scan(source.slice(afterOpen, close.start))) },
      end: close.end,
    };
  }
  if (!name.startsWith("mention-")) return undefined;
  const kind = name.slice("mention-".length);
  if (kind === "date") {
    const start = dateValue(attributes.start, attributes.starttime);
    if (!start) return undefined;
    const close = selfClosing ? undefined : matchingClose(source, afterOpen, name);
    const date: Json = { start, end: dateValue(attributes.end, attributes.endtime) ?? null };
    if (attributes.timezone) date.time_zone = attributes.timezone;
    return {
      node: { kind: "mention", mention: { type: "date", date }, label: "" },
      end: close?.end ?? afterOpen,
    };
  }
  if (!MENTION_KINDS.has(kind)) return undefined;
  let label = "";
  let end = afterOpen;
  if (!selfClosing) {
    const close = matchingClose(source, afterOpen, name);
    if (!close) return undefined;
    label = source.slice(afterOpen, close.start);
    end = close.end;
  }
  const id = idInUrl(attributes.url ?? "");
  // The API's rich text has user, page and database mentions; a data source is one of a database's tables.
  const type = kind === "data-source" ? "database" : kind === "agent" ? undefined : kind;
  if (!type || !id) return { node: { kind: "text", text: label }, end };
  return { node: { kind: "mention", mention: { type, [type]: { id } }, label }, end };
}

function matchingClose(
  source: string,
  from: number,
  name: string,
): { start: number; end: number } | undefined {
  const pattern = new RegExp(`<(/?)${name}(?:\\s[^>]*)?>`, "gi");
  pattern.lastIndex = from;
  let depth = 1;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    if (match[0].endsWith("/>")) continue;
    depth += match[1] ? -1 : 1;
    if (depth === 0) return { start: match.index, end: match.index + match[0].length };
  }
  return undefined;
}

function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([\w-]+)="([^"]*)"/g)) attributes[match[1]!.toLowerCase()] = match[2]!;
  return attributes;
}

/** The id in a mention's url: a UUID (dashed or not) at the end of a Notion address, or `user://<id>`. */
function idInUrl(url: string): string | undefined {
  const bare = url.replace(/^\{\{|\}\}$/g, "");
  const scheme = /^[a-z-]+:\/\/([^/?#]+)$/i.exec(bare);
  if (scheme && !/^https?:/i.test(bare)) return canonicalId(scheme[1]!) ?? scheme[1];
  const path = bare.split(/[?#]/)[0]!;
  const found = /([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(path);
  return found ? canonicalId(found[1]!) : undefined;
}

function dateValue(date: string | undefined, time: string | undefined): string | undefined {
  if (!date) return undefined;
  return time ? `${date}T${time.length === 5 ? `${time}:00` : time}.000` : date;
}

/** Notion's markdown colour names (`blue`, `blue_bg`) as annotation colours (`blue`, `blue_background`). */
export function annotationColor(color: string): string {
  return color.endsWith("_bg") ? `${color.slice(0, -3)}_background` : color;
}

function countRun(source: string, at: number, char: string): number {
  let count = 0;
  while (source[at + count] === char) count += 1;
  return count;
}

// ---- emphasis ---------------------------------------------------------------------------------------------

/** Pairs delimiter runs into bold, italic and strikethrough groups; unpaired runs become text. */
function resolveEmphasis(input: Node[]): Node[] {
  const nodes = [...input];
  let index = 0;
  while (index < nodes.length) {
    const closer = nodes[index]!;
    if (closer.kind !== "run" || !closer.closes) {
      index += 1;
      continue;
    }
    let openerIndex = index - 1;
    while (openerIndex >= 0) {
      const candidate = nodes[openerIndex]!;
      if (candidate.kind === "run" && candidate.char === closer.char && candidate.opens) break;
      openerIndex -= 1;
    }
    if (openerIndex < 0) {
      index += 1;
      continue;
    }
    const opener = nodes[openerIndex] as Extract<Node, { kind: "run" }>;
    const used = closer.char === "~" ? 2 : opener.count >= 2 && closer.count >= 2 ? 2 : 1;
    const format: Format =
      closer.char === "~" ? { strikethrough: true } : used === 2 ? { bold: true } : { italic: true };
    const inner = nodes.slice(openerIndex + 1, index).map(literalRun);
    opener.count -= used;
    closer.count -= used;
    const group: Node = { kind: "group", format, nodes: inner };
    const replacement: Node[] = [
      ...(opener.count > 0 ? [opener] : []),
      group,
      ...(closer.count > 0 ? [closer] : []),
    ];
    nodes.splice(openerIndex, index - openerIndex + 1, ...replacement);
    // What is left of the closer (if anything) sits right after the group: it may close an outer group.
    index = openerIndex + (opener.count > 0 ? 1 : 0) + 1;
  }
  return nodes.map(literalRun);
}

function literalRun(node: Node): Node {
  return node.kind === "run" ? { kind: "text", text: node.char.repeat(node.count) } : node;
}

// ---- output -----------------------------------------------------------------------------------------------

function emit(nodes: Node[], format: Format, items: Json[]): void {
  for (const node of nodes) {
    switch (node.kind) {
      case "text":
        items.push(textItem(node.text, format));
        break;
      case "code":
        items.push(textItem(node.text, { ...format, code: true }));
        break;
      case "equation":
        items.push({
          type: "equation",
          equation: { expression: node.expression },
          annotations: annotations(format),
        });
        break;
      case "mention":
        items.push({ type: "mention", mention: node.mention, annotations: annotations(format) });
        break;
      case "group":
        emit(node.nodes, { ...format, ...node.format }, items);
        break;
      case "run":
        items.push(textItem(node.char.repeat(node.count), format));
        break;
    }
  }
}

function textItem(content: string, format: Format): Json {
  return {
    type: "text",
    text: { content, link: format.link ? { url: format.link } : null },
    annotations: annotations(format),
  };
}

function annotations(format: Format): Json {
  return {
    bold: Boolean(format.bold),
    italic: Boolean(format.italic),
    strikethrough: Boolean(format.strikethrough),
    underline: Boolean(format.underline),
    code: Boolean(format.code),
    color: format.color ?? "default",
  };
}

/** Joins neighbouring text items with the same formatting and link. */
function merge(items: Json[]): Json[] {
  const merged: Json[] = [];
  for (const item of items) {
    const last = merged.at(-1);
    if (
      last?.type === "text" &&
      item.type === "text" &&
      JSON.stringify(last.annotations) === JSON.stringify(item.annotations) &&
      last.text.link?.url === item.text.link?.url
    ) {
      last.text.content += item.text.content;
    } else if (item.type !== "text" || item.text.content) {
      merged.push(item);
    }
  }
  return merged;
}

/** Text longer than a rich text item may hold is spread over several items, never splitting a character. */
function splitLongText(item: Json): Json[] {
  if (item.type !== "text" || item.text.content.length <= MAX_TEXT_CONTENT) return [item];
  const pieces: Json[] = [];
  let rest: string = item.text.content;
  while (rest.length > 0) {
    let cut = Math.min(MAX_TEXT_CONTENT, rest.length);
    const code = rest.charCodeAt(cut - 1);
    if (cut < rest.length && code >= 0xd800 && code <= 0xdbff) cut -= 1;
    pieces.push({ ...item, text: { ...item.text, content: rest.slice(0, cut) } });
    rest = rest.slice(cut);
  }
  return pieces;
}
