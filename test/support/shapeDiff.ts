/**
 * Compares two JSON values by shape: the same keys (recursively) and the same value types. Values
 * themselves (ids, times, texts) may differ. Returns the differences as readable paths.
 */
export function shapeDiff(expected: unknown, actual: unknown, path = "$"): string[] {
  const expectedType = typeOf(expected);
  const actualType = typeOf(actual);
  if (expectedType !== actualType) return [`${path}: expected ${expectedType}, got ${actualType}`];
  if (expectedType === "array") {
    const want = expected as unknown[];
    const got = actual as unknown[];
    if (want.length === 0 || got.length === 0) return [];
    return got.flatMap((item, index) =>
      shapeDiff(want[Math.min(index, want.length - 1)], item, `${path}[${index}]`),
    );
  }
  if (expectedType === "object") {
    const want = expected as Record<string, unknown>;
    const got = actual as Record<string, unknown>;
    const diffs: string[] = [];
    for (const key of Object.keys(want)) {
      if (!(key in got)) diffs.push(`${path}.${key}: missing`);
      else diffs.push(...shapeDiff(want[key], got[key], `${path}.${key}`));
    }
    for (const key of Object.keys(got)) {
      if (!(key in want)) diffs.push(`${path}.${key}: not in the recording`);
    }
    return diffs;
  }
  return [];
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
