/**
 * The emulator's state: users, pages, blocks, databases, data sources and comments, related only by their
 * own fields as in the Notion API, plus the block order under each parent. The Notion endpoints and the
 * control API both work through the operations here, so the two can never disagree about what a write does.
 */
import { randomUUID } from "node:crypto";
import { NotionApiError } from "../NotionApiError.ts";
import { BLOCK_TYPES, blockTypeOf, fillBlockContent, PARENT_TYPES, READ_ONLY_TYPES } from "./blockContent.ts";
import { clone, type Json } from "./Json.ts";
import { compactId } from "./notionIds.ts";
import {
  fillPropertySchema,
  fillPropertyValue,
  findSchemaProperty,
  type PropertyContext,
  RELATION_PAGE_LIMIT,
} from "./properties.ts";
import { fillRichText, plainText } from "./richText.ts";

export type Container = { kind: "page" | "block"; id: string };

export interface InsertOptions {
  /** The user the new blocks are created by. */
  actorId: string;
  /** Insert after this child (default: at the end). */
  afterId?: string;
  /** At the start instead of the end. */
  atStart?: boolean;
  /** Seeds may keep their ids and create any type; API writes may not. */
  fromSeed?: boolean;
  /** Request path used in validation messages. */
  path?: string;
  /** How many levels of children a request may nest (Notion allows two below the appended blocks). */
  maxDepth?: number;
}

export class Workspace implements PropertyContext {
  readonly users = new Map<string, Json>();
  readonly pages = new Map<string, Json>();
  readonly blocks = new Map<string, Json>();
  readonly databases = new Map<string, Json>();
  readonly dataSources = new Map<string, Json>();
  /** Comments in creation order: listing is oldest first. */
  readonly comments = new Map<string, Json>();
  readonly resolvedDiscussions = new Set<string>();
  /** Pages (and their subtrees) not shared with the integration: they answer 404. */
  readonly unshared = new Set<string>();
  private readonly childIds = new Map<string, string[]>();
  botUserId = "";

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Notion stamps pages, blocks and comments to the minute. */
  timestamp(): string {
    const now = this.clock();
    now.setUTCSeconds(0, 0);
    return now.toISOString();
  }

  preciseTimestamp(): string {
    return this.clock().toISOString().replace("Z", "+00:00");
  }

  newId(): string {
    return randomUUID();
  }

  // ---- lookups used while filling objects -------------------------------------------------------------

  user(id: string): Json | undefined {
    const user = this.users.get(id);
    return user ? clone(user) : undefined;
  }

  userName(id: string): string | undefined {
    return this.users.get(id)?.name ?? undefined;
  }

  pageTitle(id: string): string | undefined {
    const page = this.pages.get(id);
    if (page) return plainText(titleOf(page));
    const database = this.databases.get(id);
    if (database) return plainText(database.title);
    return undefined;
  }

  pageUrl(id: string): string | undefined {
    const page = this.pages.get(id);
    if (page) return page.url;
    return this.databases.get(id)?.url;
  }

  bot(): Json {
    const bot = this.users.get(this.botUserId);
    if (!bot) throw new NotionApiError(401, "unauthorized", "API token is invalid.");
    return bot;
  }

  pageUrlFor(id: string, title: string): string {
    const slug = title.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "");
    // The form Notion answers since 2026 (every recording in test/fixtures/notion-recorded/ has it).
    return `https://app.notion.com/p/${slug ? `${slug}-` : ""}${compactId(id)}`;
  }

  // ---- tree ------------------------------------------------------------------------------------------

  children(id: string): string[] {
    let list = this.childIds.get(id);
    if (!list) {
      list = [];
      this.childIds.set(id, list);
    }
    return list;
  }

  /** The id of whatever contains this object (page, block, database or data source), if any. */
  containerOf(id: string): string | undefined {
    const object =
      this.blocks.get(id) ?? this.pages.get(id) ?? this.databases.get(id) ?? this.dataSources.get(id);
    const parent = object?.parent;
    if (!parent) return undefined;
    return parent.page_id ?? parent.block_id ?? parent.data_source_id ?? parent.database_id;
  }

  /** False when the object sits in a page that is not shared with the integration. */
  isVisible(id: string): boolean {
    let current: string | undefined = id;
    const seen = new Set<string>();
    while (current && !seen.has(current)) {
      if (this.unshared.has(current)) return false;
      seen.add(current);
      current = this.containerOf(current);
    }
    return true;
  }

  /** The page that holds a block (walking up), or the page itself. */
  pageOf(id: string): string | undefined {
    let current: string | undefined = id;
    const seen = new Set<string>();
    while (current && !seen.has(current)) {
      if (this.pages.has(current)) return current;
      seen.add(current);
      current = this.containerOf(current);
    }
    return undefined;
  }

  requirePage(id: string): Json {
    const page = this.pages.get(id);
    if (!page || !this.isVisible(id)) throw NotionApiError.notFound("page", id);
    return page;
  }

  requireDatabase(id: string): Json {
    const database = this.databases.get(id);
    if (!database || !this.isVisible(id)) throw NotionApiError.notFound("database", id);
    return database;
  }

  requireDataSource(id: string): Json {
    const dataSource = this.dataSources.get(id);
    if (!dataSource || !this.isVisible(id)) throw NotionApiError.notFound("data_source", id);
    return dataSource;
  }

  /** Anything that can be addressed as a block: a block, a page (child_page) or a database (child_database). */
  requireContainer(id: string): Container {
    if (this.isVisible(id)) {
      if (this.pages.has(id)) return { kind: "page", id };
      if (this.blocks.has(id) || this.databases.has(id)) return { kind: "block", id };
    }
    throw NotionApiError.notFound("block", id);
  }

  /** The block form of an id: blocks as stored, pages as `child_page`, databases as `child_database`. */
  blockView(id: string): Json {
    const block = this.blocks.get(id);
    if (block) return { ...clone(block), has_children: this.hasChildren(id) };
    const page = this.pages.get(id);
    if (page) {
      return {
        ...this.blockEnvelope(page),
        has_children: this.hasChildren(id),
        type: "child_page",
        child_page: { title: plainText(titleOf(page)) },
      };
    }
    const database = this.databases.get(id);
    if (database) {
      return {
        ...this.blockEnvelope(database),
        has_children: false,
        type: "child_database",
        child_database: { title: plainText(database.title) },
      };
    }
    throw NotionApiError.notFound("block", id);
  }

  private blockEnvelope(object: Json): Json {
    return {
      object: "block",
      id: object.id,
      parent:
        object.parent?.type === "page_id" || object.parent?.type === "block_id"
          ? clone(object.parent)
          : { type: "workspace", workspace: true },
      // A database keeps precise times, but its block form is stamped to the minute like every block.
      created_time: toMinute(object.created_time),
      last_edited_time: toMinute(object.last_edited_time),
      created_by: clone(object.created_by ?? { object: "user", id: this.botUserId }),
      last_edited_by: clone(
        object.last_edited_by ?? object.created_by ?? { object: "user", id: this.botUserId },
      ),
      in_trash: Boolean(object.in_trash),
      archived: Boolean(object.in_trash),
    };
  }

  isTrashed(id: string): boolean {
    const object = this.blocks.get(id) ?? this.pages.get(id) ?? this.databases.get(id);
    return Boolean(object?.in_trash);
  }

  liveChildren(id: string): string[] {
    return this.children(id).filter((child) => !this.isTrashed(child));
  }

  hasChildren(id: string): boolean {
    return this.liveChildren(id).length > 0;
  }

  // ---- blocks ----------------------------------------------------------------------------------------

  parentRef(container: Container): Json {
    return container.kind === "page"
      ? { type: "page_id", page_id: container.id }
      : { type: "block_id", block_id: container.id };
  }

  /** Creates blocks (with their nested children) under a page or block. Returns the created top-level blocks. */
  insertBlocks(container: Container, requests: Json[], options: InsertOptions): Json[] {
    const path = options.path ?? "body.children";
    const ids = requests.map((request, index) =>
      this.createBlock(container, request, options, `${path}[${index}]`, 0),
    );
    const siblings = this.children(container.id);
    let at = siblings.length;
    if (options.atStart) at = 0;
    if (options.afterId) {
      const index = siblings.indexOf(options.afterId);
      if (index < 0) {
        throw NotionApiError.validation(`Block ${options.afterId} is not a child of ${container.id}.`);
      }
      at = index + 1;
    }
    siblings.splice(at, 0, ...ids);
    this.touch(container.id, options.actorId);
    return ids.map((id) => this.blockView(id));
  }

  private createBlock(
    container: Container,
    request: Json,
    options: InsertOptions,
    path: string,
    depth: number,
  ): string {
    const type = blockTypeOf(request);
    if (!type || !BLOCK_TYPES.has(type)) {
      throw NotionApiError.validation(
        `body failed validation: ${path}.type should be a known block type, instead was \`${JSON.stringify(type)}\`.`,
      );
    }
    if (!options.fromSeed && READ_ONLY_TYPES.has(type)) {
      throw NotionApiError.validation(
        `body failed validation: ${path}.type \`${type}\` is not supported via the API.`,
      );
    }
    const raw = request[type] ?? {};
    const nested: Json[] = raw.children ?? request.children ?? [];
    if (!Array.isArray(nested)) {
      throw NotionApiError.validation(`body failed validation: ${path}.${type}.children should be an array.`);
    }
    if (nested.length > 0 && !PARENT_TYPES.has(type)) {
      throw NotionApiError.validation(
        `body failed validation: ${path}.${type}.children should be not present, instead was \`${JSON.stringify(nested).slice(0, 80)}\`.`,
      );
    }
    if (nested.length > 100) {
      throw NotionApiError.validation(
        `body failed validation: ${path}.${type}.children.length should be ≤ \`100\`, instead was \`${nested.length}\`.`,
      );
    }
    if (nested.length > 0 && options.maxDepth !== undefined && depth >= options.maxDepth) {
      throw NotionApiError.validation(
        `body failed validation: ${path}.${type}.children should be not present, instead was \`${JSON.stringify(nested).slice(0, 80)}\`.`,
      );
    }
    const content = fillBlockContent(type, raw, this, `${path}.${type}`);
    if (type === "table_row" && container.kind === "block") {
      const table = this.blocks.get(container.id);
      if (table?.type === "table" && content.cells.length !== table.table.table_width) {
        throw NotionApiError.validation(
          `Number of cells in table row must match the table width of the parent table (${table.table.table_width}), instead was ${content.cells.length}.`,
        );
      }
    }
    const id = options.fromSeed && typeof request.id === "string" ? request.id : this.newId();
    if (this.blocks.has(id) || this.pages.has(id)) {
      throw NotionApiError.validation(`A block with ID ${id} already exists.`);
    }
    const now = this.timestamp();
    const author = { object: "user", id: options.actorId };
    const block: Json = {
      object: "block",
      id,
      parent: this.parentRef(container),
      created_time: request.created_time ?? now,
      last_edited_time: request.last_edited_time ?? now,
      created_by: request.created_by ?? author,
      last_edited_by: request.last_edited_by ?? request.created_by ?? author,
      has_children: false,
      in_trash: Boolean(request.in_trash ?? request.archived),
      type,
      [type]: content,
      archived: Boolean(request.in_trash ?? request.archived),
    };
    this.blocks.set(id, block);
    const childIds = nested.map((child, index) =>
      this.createBlock(
        { kind: "block", id },
        child,
        options,
        `${path}.${type}.children[${index}]`,
        depth + 1,
      ),
    );
    this.children(id).push(...childIds);
    return id;
  }

  /** Replaces a block's content (the fields given) as `actorId`. */
  updateBlock(id: string, patch: Json, actorId: string): Json {
    const block = this.blocks.get(id);
    if (!block || !this.isVisible(id)) {
      if (this.pages.has(id) || this.databases.has(id)) {
        if ("in_trash" in patch || "archived" in patch)
          return this.setTrashed(id, Boolean(patch.in_trash ?? patch.archived), actorId);
      }
      throw NotionApiError.notFound("block", id);
    }
    const trashFlag = patch.in_trash ?? patch.archived;
    if (block.in_trash && trashFlag !== false) {
      throw NotionApiError.validation(
        "Can't edit block that is archived. You must unarchive the block before editing.",
      );
    }
    const type = blockTypeOf(patch);
    if (type && type !== block.type) {
      throw NotionApiError.validation(`Block type ${type} does not match existing block type ${block.type}.`);
    }
    if (type) {
      const merged = { ...block[type], ...patch[type] };
      delete merged.children;
      block[type] = fillBlockContent(type, merged, this, `body.${type}`);
    }
    if (trashFlag !== undefined) {
      block.in_trash = Boolean(trashFlag);
      block.archived = Boolean(trashFlag);
    }
    this.touch(id, actorId);
    return this.blockView(id);
  }

  setTrashed(id: string, trashed: boolean, actorId: string): Json {
    const object = this.blocks.get(id) ?? this.pages.get(id) ?? this.databases.get(id);
    if (!object || !this.isVisible(id)) throw NotionApiError.notFound("block", id);
    object.in_trash = trashed;
    object.archived = trashed;
    if ("is_archived" in object) object.is_archived = trashed;
    this.touch(id, actorId);
    return this.blockView(id);
  }

  /** Marks an object edited now by `actorId`. */
  touch(id: string, actorId: string): void {
    const object = this.blocks.get(id) ?? this.pages.get(id);
    if (!object) return;
    object.last_edited_time = this.timestamp();
    object.last_edited_by = { object: "user", id: actorId };
  }

  // ---- pages -----------------------------------------------------------------------------------------

  /** The schema a page's properties follow, or undefined for a page under a page. */
  schemaOf(page: Json): Json | undefined {
    const dataSourceId = page.parent?.data_source_id;
    return dataSourceId ? this.dataSources.get(dataSourceId)?.properties : undefined;
  }

  /** Fills a page's property values against its schema (all of them, with defaults for the missing ones). */
  fillProperties(raw: Json | undefined, schema: Json | undefined, strict: boolean, previous?: Json): Json {
    const given = raw ?? {};
    const result: Json = previous ? clone(previous) : {};
    if (!schema) {
      for (const [key, value] of Object.entries(given)) {
        if (strict && key !== "title" && propertyKind(value) !== "title") {
          throw NotionApiError.validation(`${key} is not a property that exists.`);
        }
        result.title = fillPropertyValue(
          "title",
          value as Json,
          { id: "title", type: "title" },
          this,
          strict,
        );
      }
      result.title = result.title ?? { id: "title", type: "title", title: [] };
      return result;
    }
    for (const [key, value] of Object.entries(given)) {
      const property =
        findSchemaProperty(schema, key) ??
        (key === "title" ? Object.values(schema).find((p: Json) => p.type === "title") : undefined);
      if (!property) {
        if (strict) throw NotionApiError.validation(`${key} is not a property that exists.`);
        continue;
      }
      result[property.name] = fillPropertyValue(property.name, value as Json, property, this, strict);
    }
    for (const property of Object.values(schema) as Json[]) {
      if (!result[property.name])
        result[property.name] = fillPropertyValue(
          property.name,
          emptyValue(property.type),
          property,
          this,
          false,
        );
    }
    return result;
  }

  /** A page object as the API answers it (relations over 25 cut, with `has_more`). */
  pageView(id: string): Json {
    const page = clone(this.pages.get(id)!);
    for (const value of Object.values(page.properties ?? {}) as Json[]) {
      if (value.type === "relation" && value.relation.length > RELATION_PAGE_LIMIT) {
        value.relation = value.relation.slice(0, RELATION_PAGE_LIMIT);
        value.has_more = true;
      } else if (value.type === "relation") {
        value.has_more = false;
      }
    }
    return page;
  }

  /** Creates a page under a page or in a data source; `raw` is a page in API shape (seed) or request shape. */
  createPage(raw: Json, actorId: string, fromSeed: boolean): Json {
    const parent = this.resolvePageParent(raw.parent, fromSeed);
    const schema =
      parent.type === "data_source_id" ? this.dataSources.get(parent.data_source_id)?.properties : undefined;
    const id = fromSeed && raw.id ? raw.id : this.newId();
    if (this.pages.has(id) || this.blocks.has(id))
      throw NotionApiError.validation(`A page with ID ${id} already exists.`);
    const properties = this.fillProperties(raw.properties, schema, !fromSeed);
    const now = this.timestamp();
    const author = { object: "user", id: actorId };
    const trashed = Boolean(raw.in_trash ?? raw.archived);
    const page: Json = {
      object: "page",
      id,
      created_time: raw.created_time ?? now,
      last_edited_time: raw.last_edited_time ?? now,
      created_by: raw.created_by ?? author,
      last_edited_by: raw.last_edited_by ?? raw.created_by ?? author,
      cover: raw.cover ?? null,
      icon: raw.icon ?? null,
      parent,
      in_trash: trashed,
      is_archived: trashed,
      is_locked: Boolean(raw.is_locked),
      properties,
      url: "",
      public_url: raw.public_url ?? null,
      archived: trashed,
    };
    page.url = raw.url ?? this.pageUrlFor(id, plainText(titleOf(page)));
    this.pages.set(id, page);
    if (parent.type === "page_id" || parent.type === "block_id") {
      this.children(parent.page_id ?? parent.block_id).push(id);
    }
    return page;
  }

  private resolvePageParent(parent: Json | undefined, fromSeed: boolean): Json {
    if (!parent || typeof parent !== "object") {
      throw NotionApiError.validation(
        "body failed validation: body.parent should be defined, instead was `undefined`.",
      );
    }
    if (parent.page_id) {
      this.requireVisibleParent(parent.page_id, "page");
      return { type: "page_id", page_id: parent.page_id };
    }
    if (parent.data_source_id) {
      const dataSource = this.requireDataSource(parent.data_source_id);
      return {
        type: "data_source_id",
        data_source_id: dataSource.id,
        database_id: dataSource.parent.database_id,
      };
    }
    if (parent.database_id) {
      const database = this.requireDatabase(parent.database_id);
      const first = database.data_sources[0];
      if (!first) throw NotionApiError.validation(`Database ${database.id} has no data source.`);
      return { type: "data_source_id", data_source_id: first.id, database_id: database.id };
    }
    if (parent.block_id && fromSeed) {
      return { type: "block_id", block_id: parent.block_id };
    }
    if (parent.workspace && fromSeed) return { type: "workspace", workspace: true };
    throw NotionApiError.validation(
      "body failed validation. Fix one:\nbody.parent.page_id should be defined, instead was `undefined`.\nbody.parent.database_id should be defined, instead was `undefined`.\nbody.parent.data_source_id should be defined, instead was `undefined`.",
    );
  }

  private requireVisibleParent(id: string, kind: string): void {
    if (!(this.pages.has(id) || this.blocks.has(id)) || !this.isVisible(id))
      throw NotionApiError.notFound(kind, id);
  }

  // ---- databases and data sources --------------------------------------------------------------------

  createDataSource(raw: Json, databaseId: string, actorId: string, fromSeed: boolean): Json {
    const database = this.databases.get(databaseId);
    if (!database) throw NotionApiError.notFound("database", databaseId);
    const id = fromSeed && raw.id ? raw.id : this.newId();
    const properties: Json = {};
    for (const [name, property] of Object.entries(raw.properties ?? {})) {
      const filled = fillPropertySchema(name, property as Json);
      properties[filled.name] = filled;
    }
    if (!Object.values(properties).some((property: Json) => property.type === "title")) {
      if (!fromSeed && raw.properties && Object.keys(raw.properties).length > 0) {
        throw NotionApiError.validation(
          "Title property is missing: a data source needs exactly one title property.",
        );
      }
      properties.Name = fillPropertySchema("Name", { type: "title", title: {} });
    }
    const now = this.timestamp();
    const author = { object: "user", id: actorId };
    const title = fillRichText(raw.title ?? database.title, this);
    const dataSource: Json = {
      object: "data_source",
      id,
      cover: raw.cover ?? null,
      icon: raw.icon ?? null,
      created_time: raw.created_time ?? now,
      created_by: raw.created_by ?? author,
      last_edited_by: raw.last_edited_by ?? author,
      last_edited_time: raw.last_edited_time ?? now,
      title,
      description: fillRichText(raw.description, this),
      is_inline: Boolean(raw.is_inline ?? database.is_inline),
      properties,
      parent: { type: "database_id", database_id: databaseId },
      database_parent: clone(database.parent),
      url: database.url,
      public_url: null,
      in_trash: Boolean(raw.in_trash),
      archived: Boolean(raw.in_trash),
    };
    this.dataSources.set(id, dataSource);
    if (!database.data_sources.some((entry: Json) => entry.id === id)) {
      database.data_sources.push({ id, name: plainText(title) });
    }
    return dataSource;
  }

  createDatabase(raw: Json, fromSeed: boolean): Json {
    const parent = raw.parent;
    const parentId = parent?.page_id ?? parent?.block_id;
    if (!parentId && !(fromSeed && parent?.workspace)) {
      throw NotionApiError.validation(
        "body failed validation: body.parent.page_id should be defined, instead was `undefined`.",
      );
    }
    if (parentId && !fromSeed) this.requireVisibleParent(parentId, "page");
    const id = fromSeed && raw.id ? raw.id : this.newId();
    const title = fillRichText(raw.title, this);
    const trashed = Boolean(raw.in_trash ?? raw.archived);
    const database: Json = {
      object: "database",
      id,
      title,
      description: fillRichText(raw.description, this),
      parent: parentId
        ? {
            type: parent.page_id ? "page_id" : "block_id",
            [parent.page_id ? "page_id" : "block_id"]: parentId,
          }
        : { type: "workspace", workspace: true },
      is_inline: Boolean(raw.is_inline),
      in_trash: trashed,
      is_locked: Boolean(raw.is_locked),
      created_time: raw.created_time ?? this.preciseTimestamp(),
      last_edited_time: raw.last_edited_time ?? this.preciseTimestamp(),
      data_sources: [],
      icon: raw.icon ?? null,
      cover: raw.cover ?? null,
      url: `https://app.notion.com/p/${compactId(id)}`,
      public_url: null,
      archived: trashed,
    };
    this.databases.set(id, database);
    if (parentId) this.children(parentId).push(id);
    return database;
  }

  /** Pages whose parent is this data source, in creation order. */
  pagesIn(dataSourceId: string): Json[] {
    return [...this.pages.values()].filter((page) => page.parent?.data_source_id === dataSourceId);
  }

  // ---- comments --------------------------------------------------------------------------------------

  /** Adds a comment as `authorId` to a page, a block (new discussion) or an existing discussion. */
  addComment(
    target: { pageId?: string; blockId?: string; discussionId?: string },
    richText: Json[],
    authorId: string,
    displayName: Json,
  ): Json {
    let parent: Json;
    let discussionId: string;
    if (target.discussionId) {
      const first = [...this.comments.values()].find(
        (comment) => comment.discussion_id === target.discussionId,
      );
      if (!first || !this.isVisible(first.parent.page_id ?? first.parent.block_id)) {
        throw NotionApiError.notFound("discussion", target.discussionId);
      }
      parent = clone(first.parent);
      discussionId = target.discussionId;
      // Replying to a resolved thread reopens it, as in Notion's own interface.
      this.resolvedDiscussions.delete(discussionId);
    } else if (target.pageId) {
      const page = this.pages.get(target.pageId);
      if (!page || !this.isVisible(target.pageId)) throw NotionApiError.notFound("page", target.pageId);
      parent = { type: "page_id", page_id: target.pageId };
      discussionId = this.newId();
    } else if (target.blockId) {
      if (this.pages.has(target.blockId)) {
        return this.addComment({ pageId: target.blockId }, richText, authorId, displayName);
      }
      const block = this.blocks.get(target.blockId);
      if (!block || !this.isVisible(target.blockId)) throw NotionApiError.notFound("block", target.blockId);
      parent = { type: "block_id", block_id: target.blockId };
      discussionId = this.newId();
    } else {
      throw NotionApiError.validation("A comment needs a page, a block or a discussion.");
    }
    const now = this.timestamp();
    const comment: Json = {
      object: "comment",
      id: this.newId(),
      parent,
      discussion_id: discussionId,
      created_time: now,
      last_edited_time: now,
      created_by: { object: "user", id: authorId },
      rich_text: richText,
      display_name: displayName,
    };
    this.comments.set(comment.id, comment);
    return comment;
  }

  /** Unresolved comments on this page or block (page-level only for a page), oldest first. */
  commentsOn(id: string): Json[] {
    return [...this.comments.values()].filter(
      (comment) =>
        (comment.parent.page_id ?? comment.parent.block_id) === id &&
        !this.resolvedDiscussions.has(comment.discussion_id),
    );
  }

  // ---- bulk access for the control API ---------------------------------------------------------------

  snapshot(): Json {
    return {
      users: [...this.users.values()].map(clone),
      pages: [...this.pages.keys()].map((id) => this.pageView(id)),
      blocks: [...this.blocks.keys()].map((id) => this.blockView(id)),
      databases: [...this.databases.values()].map(clone),
      data_sources: [...this.dataSources.values()].map(clone),
      comments: [...this.comments.values()].map((comment) => ({
        ...clone(comment),
        resolved: this.resolvedDiscussions.has(comment.discussion_id),
      })),
      children: Object.fromEntries([...this.childIds.entries()].filter(([, ids]) => ids.length > 0)),
      bot_user_id: this.botUserId,
    };
  }
}

/** An ISO time as Notion stamps blocks: to the minute, in UTC. */
function toMinute(time: string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return time;
  date.setUTCSeconds(0, 0);
  return date.toISOString();
}

export function titleOf(page: Json): Json[] {
  const properties: Json[] = Object.values(page.properties ?? {});
  const title = properties.find((property) => property?.type === "title");
  return title?.title ?? [];
}

function propertyKind(value: unknown): string | undefined {
  if (Array.isArray(value) || typeof value === "string") return "title";
  const object = value as Json;
  return object?.type ?? (object?.title ? "title" : undefined);
}

function emptyValue(type: string): Json {
  switch (type) {
    case "title":
    case "rich_text":
    case "multi_select":
    case "people":
    case "relation":
    case "files":
      return { type, [type]: [] };
    case "checkbox":
      return { type, checkbox: false };
    default:
      return { type, [type]: null };
  }
}
