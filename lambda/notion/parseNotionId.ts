/**
 * A Notion id from what a person pastes: a UUID with or without dashes, or a page or database URL (with or
 * without a title slug).
 */
import { extractNotionId } from "@notionhq/client";

export function parseNotionId(idOrUrl: string): string | undefined {
  const found = extractNotionId(idOrUrl);
  if (found) return found;
  const bare = /\/([0-9a-f]{32})(?:[/?#]|$)/i.exec(idOrUrl.trim());
  return bare ? (extractNotionId(bare[1]!) ?? undefined) : undefined;
}
