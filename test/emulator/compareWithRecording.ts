/**
 * Compares an emulator answer with the answer Notion recorded for the same request, by value wherever the
 * recording fixes the value, and says why wherever it does not:
 *
 * - keys: the same, both ways, at every level;
 * - enum-like and content values (`object`, `type`, `code`, `status`, `display_name.type`, `parent.type`,
 *   texts, annotations, flags, numbers, nulls): equal;
 * - ids: Notion generates them, so each recorded id stands for the emulator's id at its first appearance and
 *   must stand for that same id (and no other recorded id for it) everywhere after, inside URLs and messages
 *   too; ids the replay sends itself (the seeded users and root page) must come back unchanged;
 * - `request_id`: random per request in both, only checked to be a UUID;
 * - `created_time`, `last_edited_time`: the emulator's clock, not the recording's: checked to be in the
 *   recording's form (to the minute for pages, blocks and comments; to the millisecond for databases);
 * - arrays: the same length, then element by element; an empty recorded array is a value like any other,
 *   so an answer with items where Notion answered none (or none where it answered some) is a difference.
 */

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID_ANYWHERE = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;
const MINUTE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/;
const PRECISE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;
const CLOCK_KEYS = new Set(["created_time", "last_edited_time"]);

export interface ReplayIds {
  /** Recorded id (dashed, lower case) -> the emulator's id. */
  readonly map: Map<string, string>;
}

export function newReplayIds(fixed: string[] = []): ReplayIds {
  const map = new Map<string, string>();
  for (const id of fixed) map.set(dashed(id), dashed(id));
  return { map };
}

/** Rewrites every recorded id in a text (dashed or not) to the emulator's. */
export function rewriteIds(text: string, ids: ReplayIds): string {
  return text.replace(UUID_ANYWHERE, (found) => {
    const mapped = ids.map.get(dashed(found));
    if (!mapped) return found;
    return found.includes("-") ? mapped : mapped.replace(/-/g, "");
  });
}

/** The differences between a recorded answer and the emulator's, as readable paths; learns ids as it goes. */
export function compareWithRecording(recorded: unknown, actual: unknown, ids: ReplayIds): string[] {
  const diffs: string[] = [];
  learnIds(recorded, actual, ids, diffs, "$");
  compare(recorded, actual, "$", undefined, ids, diffs);
  return diffs;
}

function compare(
  want: unknown,
  got: unknown,
  path: string,
  key: string | undefined,
  ids: ReplayIds,
  diffs: string[],
): void {
  const wantType = typeOf(want);
  const gotType = typeOf(got);
  if (wantType !== gotType) {
    diffs.push(`${path}: expected ${wantType} ${preview(want)}, got ${gotType} ${preview(got)}`);
    return;
  }
  if (wantType === "array") {
    compareArrays(want as unknown[], got as unknown[], path, ids, diffs);
    return;
  }
  if (wantType === "object") {
    const wantObject = want as Record<string, unknown>;
    const gotObject = got as Record<string, unknown>;
    for (const name of Object.keys(wantObject)) {
      if (!(name in gotObject)) diffs.push(`${path}.${name}: missing`);
      else compare(wantObject[name], gotObject[name], `${path}.${name}`, name, ids, diffs);
    }
    for (const name of Object.keys(gotObject)) {
      if (!(name in wantObject)) diffs.push(`${path}.${name}: not in the recording`);
    }
    return;
  }
  if (key === "request_id") {
    if (!UUID.test(String(got))) diffs.push(`${path}: expected a request id, got ${preview(got)}`);
    return;
  }
  if (key && CLOCK_KEYS.has(key)) {
    for (const [format, name] of [
      [MINUTE_TIMESTAMP, "a time rounded to the minute"],
      [PRECISE_TIMESTAMP, "a time to the millisecond with +00:00"],
    ] as const) {
      if (format.test(String(want)) && !format.test(String(got)))
        diffs.push(`${path}: expected ${name}, got ${preview(got)}`);
    }
    return;
  }
  const expected = typeof want === "string" ? rewriteIds(want, ids) : want;
  if (expected !== got) diffs.push(`${path}: expected ${preview(expected)}, got ${preview(got)}`);
}

function compareArrays(want: unknown[], got: unknown[], path: string, ids: ReplayIds, diffs: string[]): void {
  if (want.length !== got.length) {
    diffs.push(`${path}: expected ${want.length} items, got ${got.length} ${preview(got)}`);
    return;
  }
  want.forEach((item, index) => {
    compare(item, got[index], `${path}[${index}]`, undefined, ids, diffs);
  });
}

/** Pairs each newly seen recorded id with the emulator's id at the same place; reports a pairing broken. */
function learnIds(want: unknown, got: unknown, ids: ReplayIds, diffs: string[], path: string): void {
  if (typeof want === "string" && typeof got === "string") {
    if (!UUID.test(want) || !UUID.test(got)) return;
    const recorded = dashed(want);
    const known = ids.map.get(recorded);
    if (known === undefined) {
      const taken = [...ids.map.entries()].find(([, value]) => value === dashed(got));
      if (taken)
        diffs.push(`${path}: ${got} already stands for the recorded ${taken[0]}, not for ${recorded}`);
      else ids.map.set(recorded, dashed(got));
    }
    return;
  }
  if (Array.isArray(want) && Array.isArray(got)) {
    want.forEach((item, index) => {
      learnIds(item, got[index], ids, diffs, `${path}[${index}]`);
    });
    return;
  }
  if (want && got && typeof want === "object" && typeof got === "object") {
    for (const [name, value] of Object.entries(want)) {
      if (name === "request_id") continue;
      learnIds(value, (got as Record<string, unknown>)[name], ids, diffs, `${path}.${name}`);
    }
  }
}

function dashed(id: string): string {
  const hex = id.replace(/-/g, "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
