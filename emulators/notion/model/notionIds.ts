/**
 * Notion ids as the emulator accepts them: UUIDs with or without dashes, and, in seeds, any other string,
 * which stands for the stable UUID derived from it (so a test can say "rollout" instead of a UUID).
 */
import { createHash } from "node:crypto";

const COMPACT = /^[0-9a-f]{32}$/i;

/** The dashed, lower-case form of a UUID written with or without dashes; undefined for anything else. */
export function canonicalId(raw: string): string | undefined {
  const compact = raw.replace(/-/g, "");
  if (!COMPACT.test(compact) || (raw.includes("-") && raw.length !== 36)) return undefined;
  const hex = compact.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The stable UUID a seed name stands for: the same name always gives the same id. */
export function idFor(name: string): string {
  const existing = canonicalId(name);
  if (existing) return existing;
  const hex = createHash("sha1").update(`margin-emulator:${name}`).digest("hex").slice(0, 32);
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return canonicalId(`${hex.slice(0, 12)}5${hex.slice(13, 16)}${variant}${hex.slice(17)}`)!;
}

/** The id without dashes, as Notion writes it in URLs. */
export function compactId(id: string): string {
  return id.replace(/-/g, "");
}
