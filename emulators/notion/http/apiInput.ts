/**
 * Reading request input the way Notion validates it: path ids, pagination parameters and required body
 * fields, with Notion's "body failed validation" messages.
 */

import type { Json } from "../model/Json.ts";
import { canonicalId } from "../model/notionIds.ts";
import { NotionApiError } from "../NotionApiError.ts";
import type { ApiRequest } from "./Router.ts";

export function invalid(path: string, expectation: string, value: unknown): NotionApiError {
  const where = path.split(".")[0];
  const shown = value === undefined ? "undefined" : JSON.stringify(value);
  return NotionApiError.validation(
    `${where} failed validation: ${path} should be ${expectation}, instead was \`${shown}\`.`,
  );
}

/** A path parameter that must be a UUID (with or without dashes). */
export function pathId(request: ApiRequest, name: string): string {
  const raw = request.params[name] ?? "";
  const id = canonicalId(raw);
  if (!id) throw invalid(`path.${name}`, "a valid uuid", raw);
  return id;
}

/** An id inside the body (`body.parent.page_id`...). */
export function bodyId(value: unknown, path: string): string {
  const id = typeof value === "string" ? canonicalId(value) : undefined;
  if (!id) throw invalid(path, value === undefined ? "defined" : "a valid uuid", value);
  return id;
}

export function requireBody(request: ApiRequest): Json {
  return request.body ?? {};
}

export interface Page<T> {
  results: T[];
  next_cursor: string | null;
  has_more: boolean;
}

/** Cursor pagination as Notion does it: the cursor is the id of the first item of the next page. */
export function paginate<T>(
  items: T[],
  idOf: (item: T) => string,
  source: { start_cursor?: unknown; page_size?: unknown },
  where: "query" | "body",
): Page<T> {
  const size = readPageSize(source.page_size, where);
  let start = 0;
  const cursor = source.start_cursor;
  if (cursor !== undefined && cursor !== null && cursor !== "") {
    const id = typeof cursor === "string" ? canonicalId(cursor) : undefined;
    if (!id) throw invalid(`${where}.start_cursor`, "a valid uuid or `undefined`", cursor);
    start = items.findIndex((item) => idOf(item) === id);
    if (start < 0) throw NotionApiError.validation(`The start_cursor provided is invalid: ${String(cursor)}`);
  }
  const results = items.slice(start, start + size);
  const next = items[start + size];
  return { results, next_cursor: next ? idOf(next) : null, has_more: Boolean(next) };
}

function readPageSize(raw: unknown, where: "query" | "body"): number {
  if (raw === undefined || raw === null || raw === "") return 100;
  const value = typeof raw === "string" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isInteger(value))
    throw invalid(`${where}.page_size`, "a number or `undefined`", raw);
  if (value > 100) throw invalid(`${where}.page_size`, "≤ `100` or `undefined`", value);
  if (value < 1) throw invalid(`${where}.page_size`, "≥ `1` or `undefined`", value);
  return value;
}

export function listEnvelope(type: string, page: Page<unknown>, extra: Json = {}): Json {
  return {
    object: "list",
    results: page.results,
    next_cursor: page.next_cursor,
    has_more: page.has_more,
    type,
    [type]: extra,
  };
}

export function queryParams(request: ApiRequest): { start_cursor?: string; page_size?: string } {
  return {
    start_cursor: request.query.get("start_cursor") ?? undefined,
    page_size: request.query.get("page_size") ?? undefined,
  };
}
