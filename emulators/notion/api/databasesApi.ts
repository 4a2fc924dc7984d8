/**
 * Databases and their data sources (API version 2025-09-03): retrieve and create databases, retrieve,
 * create and update data sources (schema changes included), and query a data source's pages with filters,
 * sorts and pagination.
 */

import { bodyId, invalid, listEnvelope, paginate, pathId, requireBody } from "../http/apiInput.ts";
import { route } from "../http/Router.ts";
import { clone, type Json } from "../model/Json.ts";
import { fillPropertySchema, findSchemaProperty } from "../model/properties.ts";
import { matchesFilter, sortPages } from "../model/queryFilter.ts";
import { fillRichText, plainText } from "../model/richText.ts";
import { NotionApiError } from "../NotionApiError.ts";
import { archivedError } from "./blocksApi.ts";
import type { EmulatorContext } from "./EmulatorContext.ts";

export const databasesApi = [
  route<EmulatorContext>("GET", "/v1/databases/{database_id}", (request, { workspace }) =>
    clone(workspace.requireDatabase(pathId(request, "database_id"))),
  ),

  route<EmulatorContext>("POST", "/v1/databases", (request, { workspace }) => {
    const body = requireBody(request);
    const parentId = body.parent?.page_id;
    if (parentId === undefined) throw invalid("body.parent.page_id", "defined", undefined);
    const pageId = bodyId(parentId, "body.parent.page_id");
    if (workspace.isTrashed(pageId)) throw archivedError();
    const database = workspace.createDatabase(
      { ...body, parent: { type: "page_id", page_id: pageId } },
      false,
    );
    workspace.createDataSource(
      { properties: body.initial_data_source?.properties ?? {}, title: body.title },
      database.id,
      workspace.botUserId,
      false,
    );
    return clone(database);
  }),

  route<EmulatorContext>("PATCH", "/v1/databases/{database_id}", (request, { workspace }) => {
    const database = workspace.requireDatabase(pathId(request, "database_id"));
    const body = requireBody(request);
    if (body.title !== undefined) database.title = fillRichText(body.title, workspace);
    if (body.description !== undefined) database.description = fillRichText(body.description, workspace);
    if (body.icon !== undefined) database.icon = body.icon;
    if (typeof body.is_inline === "boolean") database.is_inline = body.is_inline;
    const trash = body.in_trash ?? body.archived;
    if (typeof trash === "boolean") {
      database.in_trash = trash;
      database.archived = trash;
    }
    database.last_edited_time = workspace.preciseTimestamp();
    return clone(database);
  }),

  route<EmulatorContext>("GET", "/v1/data_sources/{data_source_id}", (request, { workspace }) =>
    clone(workspace.requireDataSource(pathId(request, "data_source_id"))),
  ),

  route<EmulatorContext>("POST", "/v1/data_sources", (request, { workspace }) => {
    const body = requireBody(request);
    const databaseId = bodyId(body.parent?.database_id, "body.parent.database_id");
    workspace.requireDatabase(databaseId);
    if (body.properties === undefined) throw invalid("body.properties", "defined", undefined);
    return clone(workspace.createDataSource(body, databaseId, workspace.botUserId, false));
  }),

  route<EmulatorContext>("PATCH", "/v1/data_sources/{data_source_id}", (request, { workspace }) => {
    const dataSource = workspace.requireDataSource(pathId(request, "data_source_id"));
    const body = requireBody(request);
    if (body.title !== undefined) {
      dataSource.title = fillRichText(body.title, workspace);
      const database = workspace.databases.get(dataSource.parent.database_id);
      const entry = database?.data_sources.find((item: Json) => item.id === dataSource.id);
      if (entry) entry.name = plainText(dataSource.title);
    }
    if (body.icon !== undefined) dataSource.icon = body.icon;
    if (body.properties !== undefined) {
      if (typeof body.properties !== "object" || body.properties === null)
        throw invalid("body.properties", "an object", body.properties);
      updateSchema(dataSource, body.properties);
    }
    const trash = body.in_trash ?? body.archived;
    if (typeof trash === "boolean") {
      dataSource.in_trash = trash;
      dataSource.archived = trash;
    }
    dataSource.last_edited_time = workspace.timestamp();
    dataSource.last_edited_by = { object: "user", id: workspace.botUserId };
    return clone(dataSource);
  }),

  route<EmulatorContext>("POST", "/v1/data_sources/{data_source_id}/query", (request, { workspace }) => {
    const dataSource = workspace.requireDataSource(pathId(request, "data_source_id"));
    const body = requireBody(request);
    const schema = dataSource.properties;
    const inTrash = body.in_trash === true || body.archived === true;
    const matching = workspace
      .pagesIn(dataSource.id)
      .filter((page) => Boolean(page.in_trash) === inTrash && workspace.isVisible(page.id))
      .filter((page) => matchesFilter(page, body.filter, schema, workspace.botUserId));
    const sorted = sortPages(matching, body.sorts, schema);
    const wanted = request.query.getAll("filter_properties");
    const page = paginate(sorted, (item: Json) => item.id, body, "body");
    const results = page.results.map((item) => {
      const view = workspace.pageView(item.id);
      if (wanted.length > 0) {
        view.properties = Object.fromEntries(
          Object.entries(view.properties as Json).filter(([, value]) => wanted.includes((value as Json).id)),
        );
      }
      return view;
    });
    return listEnvelope("page_or_data_source", { ...page, results });
  }),
];

/** Adds, changes, renames (`{name}`) and removes (`null`) properties of a data source's schema. */
function updateSchema(dataSource: Json, changes: Json): void {
  const schema: Json = dataSource.properties;
  for (const [key, change] of Object.entries(changes)) {
    const existing = findSchemaProperty(schema, key);
    if (change === null) {
      if (!existing) throw NotionApiError.validation(`Could not find property with name or id: ${key}`);
      if (existing.type === "title") throw NotionApiError.validation("Cannot delete the title property.");
      delete schema[existing.name];
      continue;
    }
    const filled = fillPropertySchema(existing?.name ?? key, change as Json, existing);
    if (existing && existing.name !== filled.name) delete schema[existing.name];
    if (filled.type === "title") {
      const otherTitle = (Object.values(schema) as Json[]).find(
        (property) => property.type === "title" && property.name !== (existing?.name ?? key),
      );
      if (otherTitle && existing?.type !== "title")
        throw NotionApiError.validation("A data source can only have one title property.");
    }
    schema[filled.name] = filled;
  }
}
