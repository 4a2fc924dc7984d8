/**
 * Pages: retrieve, create (under a page or in a data source, with children), update properties and trash
 * state, and retrieve one property (paginated for title, rich text, people and relations). The markdown view
 * of a page is in `pageMarkdownApi.ts`.
 */
import {
  bodyId,
  invalid,
  listEnvelope,
  paginate,
  pathId,
  queryParams,
  requireBody,
} from "../http/apiInput.ts";
import { route } from "../http/Router.ts";
import { enhancedMarkdownToBlocks } from "../markdown/enhancedMarkdownToBlocks.ts";
import type { Json } from "../model/Json.ts";
import { findSchemaProperty } from "../model/properties.ts";
import { NotionApiError } from "../NotionApiError.ts";
import { archivedError } from "./blocksApi.ts";
import type { EmulatorContext } from "./EmulatorContext.ts";

const PAGINATED_PROPERTY_TYPES = new Set(["title", "rich_text", "people", "relation"]);

export const pagesApi = [
  route<EmulatorContext>("GET", "/v1/pages/{page_id}", (request, { workspace }) => {
    const id = pathId(request, "page_id");
    // Notion's answer to a database id given as a page: a validation error, not "not found".
    if (workspace.databases.has(id) && workspace.isVisible(id)) {
      throw NotionApiError.validation(
        `Provided ID ${id} is a database, not a page. Use the retrieve database API instead.`,
      );
    }
    workspace.requirePage(id);
    return workspace.pageView(id);
  }),

  route<EmulatorContext>("POST", "/v1/pages", (request, { workspace }) => {
    const body = requireBody(request);
    if (body.parent === undefined) throw invalid("body.parent", "defined", undefined);
    if (body.children !== undefined && body.markdown !== undefined) {
      throw NotionApiError.validation("Provide either children or markdown, not both.");
    }
    const parent: Json = { ...body.parent };
    for (const key of ["page_id", "data_source_id", "database_id"]) {
      if (parent[key] !== undefined) parent[key] = bodyId(parent[key], `body.parent.${key}`);
    }
    if (parent.page_id && workspace.isTrashed(parent.page_id)) throw archivedError();
    const children: Json[] =
      body.children ?? (typeof body.markdown === "string" ? enhancedMarkdownToBlocks(body.markdown) : []);
    if (!Array.isArray(children)) throw invalid("body.children", "an array", body.children);
    if (children.length > 100) throw invalid("body.children.length", "≤ `100`", children.length);
    const page = workspace.createPage({ ...body, parent }, workspace.botUserId, false);
    if (body.icon !== undefined) page.icon = body.icon;
    if (body.cover !== undefined) page.cover = body.cover;
    if (children.length > 0) {
      workspace.insertBlocks({ kind: "page", id: page.id }, children, {
        actorId: workspace.botUserId,
        path: "body.children",
        maxDepth: typeof body.markdown === "string" ? undefined : 2,
      });
    }
    return workspace.pageView(page.id);
  }),

  route<EmulatorContext>("PATCH", "/v1/pages/{page_id}", (request, { workspace }) => {
    const id = pathId(request, "page_id");
    const page = workspace.requirePage(id);
    const body = requireBody(request);
    const trash = body.in_trash ?? body.archived ?? body.is_archived;
    if (page.in_trash && trash !== false) throw archivedError();
    if (body.properties !== undefined) {
      if (typeof body.properties !== "object" || Array.isArray(body.properties))
        throw invalid("body.properties", "an object", body.properties);
      page.properties = workspace.fillProperties(
        body.properties,
        workspace.schemaOf(page),
        true,
        page.properties,
      );
    }
    if (body.icon !== undefined) page.icon = body.icon;
    if (body.cover !== undefined) page.cover = body.cover;
    if (typeof body.is_locked === "boolean") page.is_locked = body.is_locked;
    if (typeof trash === "boolean") {
      page.in_trash = trash;
      page.archived = trash;
      page.is_archived = trash;
    }
    workspace.touch(id, workspace.botUserId);
    return workspace.pageView(id);
  }),

  route<EmulatorContext>("GET", "/v1/pages/{page_id}/properties/{property_id}", (request, { workspace }) => {
    const id = pathId(request, "page_id");
    const page = workspace.requirePage(id);
    const key = request.params.property_id ?? "";
    const value: Json | undefined =
      page.properties[key] ??
      (Object.values(page.properties) as Json[]).find((property) => property.id === key);
    const schemaProperty = findSchemaProperty(workspace.schemaOf(page) ?? {}, key);
    if (!value && !schemaProperty) throw NotionApiError.notFound("property", key);
    const type: string = value?.type ?? schemaProperty?.type;
    const propertyId: string = value?.id ?? schemaProperty?.id;
    if (!PAGINATED_PROPERTY_TYPES.has(type)) {
      return { object: "property_item", id: propertyId, type, [type]: value?.[type] ?? null };
    }
    const entries: Json[] = (value?.[type] ?? []).map((entry: Json, index: number) => ({
      object: "property_item",
      type,
      id: propertyId,
      [type]: type === "relation" ? { id: entry.id } : entry,
      // Items of a property list have no ids of their own; pagination uses their position.
      _cursor: positionCursor(index),
    }));
    const page_ = paginate(entries, (entry) => entry._cursor, queryParams(request), "query");
    for (const entry of page_.results) delete entry._cursor;
    const descriptor: Json = {
      id: propertyId,
      next_url: page_.next_cursor ? `${request.path}?start_cursor=${page_.next_cursor}` : null,
      type,
      [type]: {},
    };
    return listEnvelope("property_item", page_, descriptor);
  }),
];

/** A UUID-shaped cursor for the n-th item of a list that has no ids. */
function positionCursor(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
}
