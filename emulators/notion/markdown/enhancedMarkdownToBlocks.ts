/**
 * Notion's enhanced markdown -> block requests, as the API reads the `markdown` of `POST /v1/pages` and the
 * content of `PATCH /v1/pages/{id}/markdown`. Written from Notion's "Enhanced markdown format" reference and
 * checked against recorded traffic, not from Margin's code:
 *
 * - every line is its own block: a single newline starts a new block (the recorded update turns
 *   "## New Section\n\nHello from markdown." into two blocks and answers them joined by one newline), and
 *   plain empty lines are dropped (`<empty-block/>` is an empty paragraph). So two `>` lines are two quotes;
 *   a line break inside a block is `<br>`;
 * - children are the lines indented under a block (Notion writes one tab per level; spaces are read the same
 *   way, as standard markdown nests lists);
 * - `#`..`####` headings (5 and 6 become 4; children only with `{toggle="true"}`), `-`/`*`/`+` bullets,
 *   `1.` numbers, `- [ ]`/`- [x]` to-dos, `>` quotes, `<details><summary>` toggles, `<callout>` (and the
 *   fenced `::: callout` form), fenced code, `$$` equations, `<table>` and pipe tables, `---`,
 *   `<columns>`, `![caption](url)` and `<video|audio|file|pdf src>` media, `<page url>` references,
 *   `<table_of_contents/>`, and a trailing `{color="..."}` attribute list on a block's first line;
 * - any other line is a paragraph of inline markdown (see `markdownToRichText`).
 */
import type { Json } from "../model/Json.ts";
import { canonicalId } from "../model/notionIds.ts";
import { annotationColor, markdownToRichText } from "./markdownToRichText.ts";

/** A top-level block with the lines (0-based, inclusive) it was read from. */
export interface ParsedBlock {
  request: Json;
  firstLine: number;
  lastLine: number;
}

interface Line {
  number: number;
  raw: string;
  /** Columns of leading whitespace, a tab counting as four. */
  indent: number;
  /** The line without its leading whitespace and trailing spaces. */
  text: string;
}

/** Notion's code block languages; anything else is stored as "plain text". */
const LANGUAGES = new Set(
  (
    "abap,abc,agda,arduino,ascii art,assembly,bash,basic,bnf,c,c#,c++,clojure,coffeescript,coq,css,dart,dhall," +
    "diff,docker,ebnf,elixir,elm,erlang,f#,flow,fortran,gherkin,glsl,go,graphql,groovy,haskell,hcl,html,idris," +
    "java,javascript,json,julia,kotlin,latex,less,lisp,livescript,llvm ir,lua,makefile,markdown,markup,matlab," +
    "mathematica,mermaid,nix,notion formula,objective-c,ocaml,pascal,perl,php,plain text,powershell,prolog," +
    "protobuf,purescript,python,r,racket,reason,ruby,rust,sass,scala,scheme,scss,shell,smalltalk,solidity,sql," +
    "swift,toml,typescript,vb.net,verilog,vhdl,visual basic,webassembly,xml,yaml,java/c/c++/c#"
  ).split(","),
);

const MEDIA_TAG = /^<(audio|video|file|pdf)\s+src="([^"]*)"[^>]*?(?:\/>|>(.*)<\/\1>)$/i;
const REFERENCE_TAG = /^<(page|database)\s+url="([^"]*)"[^>]*>(.*)<\/\1>$/i;
const ATTRIBUTE_LIST = /\s*\{((?:\s*[\w-]+="[^"]*")+)\s*\}$/;

/** The block requests a page body written in enhanced markdown stands for (children nested). */
export function enhancedMarkdownToBlocks(markdown: string): Json[] {
  return parseEnhancedMarkdown(markdown).map((block) => block.request);
}

/** Like `enhancedMarkdownToBlocks`, keeping where each top-level block came from. */
export function parseEnhancedMarkdown(markdown: string): ParsedBlock[] {
  const lines = markdown
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((raw, number) => toLine(raw, number));
  return parseLines(lines);
}

function toLine(raw: string, number: number): Line {
  const leading = /^[ \t]*/.exec(raw)![0];
  let indent = 0;
  for (const char of leading) indent += char === "\t" ? 4 : 1;
  return { number, raw, indent, text: raw.slice(leading.length).trimEnd() };
}

/** Removes `columns` columns of leading whitespace from each line. */
function dedent(lines: Line[], columns: number): Line[] {
  return lines.map((line) => {
    let removed = 0;
    let at = 0;
    while (at < line.raw.length && removed < columns && (line.raw[at] === " " || line.raw[at] === "\t")) {
      removed += line.raw[at] === "\t" ? 4 : 1;
      at += 1;
    }
    return toLine(line.raw.slice(at), line.number);
  });
}

/** Dedents lines to their least-indented non-blank line. */
function outdent(lines: Line[]): Line[] {
  const indents = lines.filter((line) => line.text).map((line) => line.indent);
  return indents.length === 0 ? lines : dedent(lines, Math.min(...indents));
}

function parseLines(lines: Line[]): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  let at = 0;
  while (at < lines.length) {
    const line = lines[at]!;
    if (!line.text) {
      at += 1;
      continue;
    }
    const multi = multiLineBlock(lines, at);
    const block = multi ?? { request: singleLineBlock(line.text), next: at + 1 };
    at = block.next;
    // Lines indented under the block are its children, when its type takes children; else they follow it.
    const region = indentedRegion(lines, at, line.indent);
    const children = region.lines.length > 0 ? parseLines(outdent(region.lines)) : [];
    const lastLine = (region.lines.at(-1) ?? lines[at - 1]!).number;
    if (block.request) {
      const content = block.request[block.request.type];
      if (children.length > 0 && takesChildren(block.request)) {
        content.children = [...(content.children ?? []), ...children.map((child) => child.request)];
        blocks.push({ request: block.request, firstLine: line.number, lastLine });
      } else {
        blocks.push({
          request: block.request,
          firstLine: line.number,
          lastLine: lines[block.next - 1]!.number,
        });
        blocks.push(...children);
      }
    } else {
      blocks.push(...children);
    }
    at = region.next;
  }
  return blocks;
}

/** The blank or more-indented lines from `from` on, without trailing blanks. */
function indentedRegion(lines: Line[], from: number, indent: number): { lines: Line[]; next: number } {
  let end = from;
  let next = from;
  while (end < lines.length) {
    const line = lines[end]!;
    if (line.text && line.indent <= indent) break;
    end += 1;
    if (line.text) next = end;
  }
  return { lines: lines.slice(from, next), next };
}

function takesChildren(request: Json): boolean {
  if (request.type.startsWith("heading_")) return Boolean(request[request.type].is_toggleable);
  return [
    "paragraph",
    "bulleted_list_item",
    "numbered_list_item",
    "to_do",
    "quote",
    "toggle",
    "callout",
    "synced_block",
  ].includes(request.type);
}

// ---- blocks written over several lines --------------------------------------------------------------------

type Multi = { request: Json | undefined; next: number };

function multiLineBlock(lines: Line[], at: number): Multi | undefined {
  const text = lines[at]!.text;
  if (/^(`{3,}|~{3,})/.test(text)) return codeBlock(lines, at);
  if (text.startsWith("$$")) return equationBlock(lines, at);
  if (/^<details[\s>]/i.test(text)) return toggleBlock(lines, at);
  if (/^<callout[\s>]/i.test(text)) return calloutBlock(lines, at);
  if (/^:{3,}\s*callout\b/i.test(text)) return fencedCallout(lines, at);
  if (/^<table[\s>]/i.test(text) && !/^<table_of_contents/i.test(text)) return htmlTable(lines, at);
  if (/^<columns>/i.test(text)) return columnsBlock(lines, at);
  if (/^<synced_block[\s>]/i.test(text)) return syncedBlock(lines, at);
  if (text.startsWith("|")) return pipeTable(lines, at);
  return undefined;
}

function codeBlock(lines: Line[], at: number): Multi {
  const open = lines[at]!;
  const fence = /^(`{3,}|~{3,})\s*(.*)$/.exec(open.text)!;
  const marker = fence[1]!;
  const body: string[] = [];
  let end = at + 1;
  while (end < lines.length) {
    const closing = new RegExp(`^${marker[0]}{${marker.length},}\\s*$`);
    if (closing.test(lines[end]!.text)) break;
    body.push(dedent([lines[end]!], open.indent)[0]!.raw);
    end += 1;
  }
  const requested = (fence[2] ?? "").trim().toLowerCase();
  const code = body.join("\n");
  return {
    request: block("code", {
      rich_text: code ? chunks(code).map((content) => ({ type: "text", text: { content } })) : [],
      language: LANGUAGES.has(requested) ? requested : "plain text",
    }),
    next: Math.min(end + 1, lines.length),
  };
}

function equationBlock(lines: Line[], at: number): Multi {
  const text = lines[at]!.text;
  const single = /^\$\$(.+)\$\$$/.exec(text);
  if (single) return { request: block("equation", { expression: single[1]!.trim() }), next: at + 1 };
  if (text !== "$$") return { request: singleLineBlock(text), next: at + 1 };
  const body: string[] = [];
  let end = at + 1;
  while (end < lines.length && lines[end]!.text !== "$$") {
    body.push(lines[end]!.text);
    end += 1;
  }
  return {
    request: block("equation", { expression: body.join("\n") }),
    next: Math.min(end + 1, lines.length),
  };
}

/** The lines up to the tag that closes the one opened on line `at`, counting nested tags of the same name. */
function enclosed(lines: Line[], at: number, name: string): { inner: Line[]; next: number } {
  let depth = 0;
  for (let end = at; end < lines.length; end++) {
    const text = lines[end]!.text;
    depth += (text.match(new RegExp(`<${name}[\\s>]`, "gi")) ?? []).length;
    depth -= (text.match(new RegExp(`</${name}>`, "gi")) ?? []).length;
    if (depth <= 0) return { inner: lines.slice(at + 1, end), next: end + 1 };
  }
  return { inner: lines.slice(at + 1), next: lines.length };
}

function toggleBlock(lines: Line[], at: number): Multi {
  const opening = /^<details((?:\s+[\w-]+="[^"]*")*)\s*>(.*)$/i.exec(lines[at]!.text);
  if (!opening) return { request: singleLineBlock(lines[at]!.text), next: at + 1 };
  const sameLine = opening[2]!.trim();
  const { inner, next } = sameLine.includes("</details>")
    ? { inner: [], next: at + 1 }
    : enclosed(lines, at, "details");
  let body = inner;
  let summary = /^<summary>(.*?)<\/summary>/i.exec(sameLine)?.[1];
  if (summary === undefined) {
    const first = body.findIndex((line) => line.text);
    const found = first >= 0 ? /^<summary>(.*?)<\/summary>$/i.exec(body[first]!.text) : null;
    if (found) {
      summary = found[1];
      body = body.slice(first + 1);
    }
  }
  const content: Json = { rich_text: markdownToRichText(summary ?? "") };
  const color = attributesOf(opening[1] ?? "").color;
  if (color) content.color = annotationColor(color);
  const children = parseLines(outdent(body)).map((child) => child.request);
  if (children.length > 0) content.children = children;
  return { request: block("toggle", content), next };
}

function calloutBlock(lines: Line[], at: number): Multi {
  const opening = /^<callout((?:\s+[\w-]+="[^"]*")*)\s*>(.*)$/i.exec(lines[at]!.text);
  if (!opening) return { request: singleLineBlock(lines[at]!.text), next: at + 1 };
  const { inner, next } = enclosed(lines, at, "callout");
  return { request: callout(attributesOf(opening[1] ?? ""), inner), next };
}

/** `::: callout {icon="💡" color="gray_bg"}` ... `:::`, a form Notion's reference has also shown. */
function fencedCallout(lines: Line[], at: number): Multi {
  const attributes = attributesOf(/\{(.*)\}/.exec(lines[at]!.text)?.[1] ?? "");
  let end = at + 1;
  while (end < lines.length && !/^:{3,}\s*$/.test(lines[end]!.text)) end += 1;
  return { request: callout(attributes, lines.slice(at + 1, end)), next: Math.min(end + 1, lines.length) };
}

/** A callout's first line is its text, unless it starts a block of its own; the rest are its children. */
function callout(attributes: Record<string, string>, inner: Line[]): Json {
  const body = outdent(inner);
  const first = body.findIndex((line) => line.text);
  const content: Json = { rich_text: [] };
  let rest = body;
  if (first >= 0) {
    const firstRequest = multiLineBlock(body, first) ? undefined : singleLineBlock(body[first]!.text);
    if (firstRequest?.type === "paragraph") {
      content.rich_text = firstRequest.paragraph.rich_text;
      rest = body.slice(first + 1);
    }
  }
  if (attributes.icon) {
    content.icon = /^https?:\/\//.test(attributes.icon)
      ? { type: "external", external: { url: attributes.icon } }
      : { type: "emoji", emoji: attributes.icon };
  }
  if (attributes.color) content.color = annotationColor(attributes.color);
  const children = parseLines(outdent(rest)).map((child) => child.request);
  if (children.length > 0) content.children = children;
  return block("callout", content);
}

function htmlTable(lines: Line[], at: number): Multi {
  const opening = /^<table((?:\s+[\w-]+="[^"]*")*)\s*>/i.exec(lines[at]!.text);
  const { inner, next } = enclosed(lines, at, "table");
  const attributes = attributesOf(opening?.[1] ?? "");
  const html = inner.map((line) => line.text).join("\n");
  const rows = [...html.matchAll(/<tr(?:\s[^>]*)?>([\s\S]*?)<\/tr>/gi)].map((row) =>
    [...row[1]!.matchAll(/<td(?:\s[^>]*)?>([\s\S]*?)<\/td>/gi)].map((cell) => cell[1]!.trim()),
  );
  return {
    request: tableRequest(rows, attributes["header-row"] === "true", attributes["header-column"] === "true"),
    next,
  };
}

function pipeTable(lines: Line[], at: number): Multi {
  let end = at;
  while (end < lines.length && lines[end]!.text.startsWith("|") && lines[end]!.indent === lines[at]!.indent)
    end += 1;
  const rows = lines.slice(at, end).map((line) => splitPipeRow(line.text));
  const separator = rows.length > 1 && rows[1]!.every((cell) => /^:?-+:?$/.test(cell));
  const body = separator ? [rows[0]!, ...rows.slice(2)] : rows;
  return { request: tableRequest(body, separator, false), next: end };
}

function splitPipeRow(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  const inner = row.replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  for (let index = 0; index < inner.length; index++) {
    const char = inner[index]!;
    if (char === "\\" && inner[index + 1] === "|") {
      cell += "\\|";
      index += 1;
    } else if (char === "|") {
      cells.push(cell.trim());
      cell = "";
    } else {
      cell += char;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function tableRequest(rows: string[][], columnHeader: boolean, rowHeader: boolean): Json {
  const width = Math.max(1, ...rows.map((row) => row.length));
  return block("table", {
    table_width: width,
    has_column_header: columnHeader,
    has_row_header: rowHeader,
    children: rows.map((row) =>
      block("table_row", {
        cells: Array.from({ length: width }, (_, index) => markdownToRichText(row[index] ?? "")),
      }),
    ),
  });
}

function columnsBlock(lines: Line[], at: number): Multi {
  const { inner, next } = enclosed(lines, at, "columns");
  const columns: Json[] = [];
  let index = 0;
  while (index < inner.length) {
    if (/^<column(\s[^>]*)?>$/i.test(inner[index]!.text)) {
      const column = enclosed(inner, index, "column");
      const children = parseLines(outdent(column.inner)).map((child) => child.request);
      columns.push(block("column", children.length > 0 ? { children } : {}));
      index = column.next;
    } else {
      index += 1;
    }
  }
  return { request: block("column_list", { children: columns }), next };
}

function syncedBlock(lines: Line[], at: number): Multi {
  const reference = /^<synced_block_reference\s+url="([^"]*)"/i.exec(lines[at]!.text);
  const name = reference ? "synced_block_reference" : "synced_block";
  const { inner, next } = enclosed(lines, at, name);
  const original = reference ? idAtEnd(reference[1]!) : undefined;
  const children = reference ? [] : parseLines(outdent(inner)).map((child) => child.request);
  const content: Json = { synced_from: original ? { type: "block_id", block_id: original } : null };
  if (children.length > 0) content.children = children;
  return { request: block("synced_block", content), next };
}

// ---- blocks on one line ------------------------------------------------------------------------------------

/** The block one line stands for; `undefined` for lines that stand for nothing (`<unknown/>`). */
function singleLineBlock(line: string): Json | undefined {
  if (/^<empty-block\s*\/>$/i.test(line)) return block("paragraph", { rich_text: [] });
  if (/^<unknown\b[^>]*\/>$/i.test(line)) return undefined;
  if (/^<table_of_contents\b[^>]*\/>$/i.test(line)) {
    const color = attributesOf(line).color;
    return block("table_of_contents", color ? { color: annotationColor(color) } : {});
  }
  const { text, attributes } = splitAttributes(line);
  const color = attributes.color ? { color: annotationColor(attributes.color) } : {};
  if (/^-{3,}$/.test(text)) return block("divider", {});

  const heading = /^(#{1,6})\s+(.*)$/.exec(text);
  if (heading) {
    const level = Math.min(heading[1]!.length, 4);
    return block(`heading_${level}`, {
      rich_text: markdownToRichText(heading[2]!),
      is_toggleable: attributes.toggle === "true",
      ...color,
    });
  }
  const todo = /^[-*+]\s+\[( |x|X)\](?:\s+(.*))?$/.exec(text);
  if (todo) {
    return block("to_do", {
      rich_text: markdownToRichText(todo[2] ?? ""),
      checked: todo[1] !== " ",
      ...color,
    });
  }
  const bullet = /^[-*+](?:\s+(.*))?$/.exec(text);
  if (bullet)
    return block("bulleted_list_item", { rich_text: markdownToRichText(bullet[1] ?? ""), ...color });
  const numbered = /^\d+[.)](?:\s+(.*))?$/.exec(text);
  if (numbered)
    return block("numbered_list_item", { rich_text: markdownToRichText(numbered[1] ?? ""), ...color });
  const quote = /^>(?:\s?(.*))?$/.exec(text);
  if (quote) return block("quote", { rich_text: markdownToRichText(quote[1] ?? ""), ...color });

  const image = /^!\[(.*)\]\(([^\s)]+)\)$/.exec(text);
  if (image) return block("image", media(image[2]!, image[1]!));
  const mediaTag = MEDIA_TAG.exec(text);
  if (mediaTag) return block(mediaTag[1]!.toLowerCase(), media(mediaTag[2]!, mediaTag[3] ?? ""));
  const reference = REFERENCE_TAG.exec(text);
  const referenced = reference ? idAtEnd(reference[2]!) : undefined;
  if (reference && referenced) {
    const kind = reference[1]!.toLowerCase() === "page" ? "page_id" : "database_id";
    return block("link_to_page", { type: kind, [kind]: referenced });
  }
  return block("paragraph", { rich_text: markdownToRichText(text), ...color });
}

function media(url: string, caption: string): Json {
  return { type: "external", external: { url }, caption: markdownToRichText(caption) };
}

/** A trailing `{color="blue" toggle="true"}` list, apart from the text before it. */
function splitAttributes(line: string): { text: string; attributes: Record<string, string> } {
  const list = ATTRIBUTE_LIST.exec(line);
  if (!list) return { text: line, attributes: {} };
  return { text: line.slice(0, list.index), attributes: attributesOf(list[1]!) };
}

function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([\w-]+)="([^"]*)"/g)) attributes[match[1]!.toLowerCase()] = match[2]!;
  return attributes;
}

function idAtEnd(url: string): string | undefined {
  const found =
    /([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?(?:[?#].*)?$/i.exec(url);
  return found ? canonicalId(found[1]!) : undefined;
}

function block(type: string, content: Json): Json {
  return { object: "block", type, [type]: content };
}

/** Code longer than one rich text item holds, in 2000-character pieces. */
function chunks(text: string): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += 2000) pieces.push(text.slice(at, at + 2000));
  return pieces;
}
