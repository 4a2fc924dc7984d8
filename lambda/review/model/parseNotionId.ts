/**
 * A Notion id (dashed UUID) from what a person pastes: a UUID with or without dashes, or the address of a
 * page or database in any of Notion's forms (`www.notion.so/<slug>-<id>`, `app.notion.com/p/<slug>-<id>`,
 * `<workspace>.notion.site/<id>`, with or without a scheme, with `?v=` or `#` suffixes). A page opened over
 * a database view (`<database>?v=<view>&p=<page>`) is the page in `p=` (or `page_id=`); otherwise the last id
 * in the path (`?v=` names a view, never the page), then `database_id=`.
 */
const HEX_ID = /^[0-9a-f]{32}$/i;
const DASHED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseNotionId(idOrUrl: string): string | undefined {
  const text = idOrUrl.trim();
  if (HEX_ID.test(text) || DASHED_ID.test(text)) return dashed(text);
  const [path = "", query = ""] = text.split(/[?#]/, 2);
  const page = /(?:^|&)(?:p|page_id)=([0-9a-f]{32}|[0-9a-f-]{36})(?:&|$)/i.exec(query)?.[1];
  if (page && (HEX_ID.test(page) || DASHED_ID.test(page))) return dashed(page);
  const inPath = path
    .split("/")
    .map((segment) => /(?:^|-)([0-9a-f]{32})$/i.exec(segment)?.[1])
    .filter(Boolean);
  if (inPath.length > 0) return dashed(inPath.at(-1)!);
  const database = /(?:^|&)database_id=([0-9a-f]{32})(?:&|$)/i.exec(query);
  if (database) return dashed(database[1]!);
  const anywhere = /([0-9a-f]{32})/i.exec(text);
  return anywhere ? dashed(anywhere[1]!) : undefined;
}

function dashed(id: string): string {
  const hex = id.replaceAll("-", "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
