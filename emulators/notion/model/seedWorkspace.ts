/**
 * Builds a Workspace from a seed: flat lists of Notion objects in the API's own shapes, related only by
 * their own fields (`parent`, `discussion_id`, `database_id`). Missing optional fields are filled in.
 *
 * Conveniences for tests and demos:
 * - any id may be a name instead of a UUID (`"rollout"`), standing for the stable UUID `idFor(name)`;
 * - a page may carry `title` (a string) and `markdown` (its body in Notion's enhanced markdown, read as
 *   `POST /v1/pages` reads it; a line ending in ` ^name` gives that block the id `idFor(name)`, and a
 *   GitHub-style alert `> [!NOTE] text` is a callout with Notion's default icon, as test documents are
 *   often written), and `shared: false` (hidden from the integration);
 * - property values may be bare (`"Status": "In review"`), rich text may be a string;
 * - a comment may carry `text` or `markdown` instead of `rich_text`, and `resolved: true`.
 */
import * as z from "zod";
import { enhancedMarkdownToBlocks } from "../markdown/enhancedMarkdownToBlocks.ts";
import { markdownToRichText } from "../markdown/markdownToRichText.ts";
import { clone, type Json } from "./Json.ts";
import { idFor } from "./notionIds.ts";
import { fillRichText } from "./richText.ts";
import { Workspace } from "./Workspace.ts";

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeedError";
  }
}

const idString = z.string().min(1, "should be a non-empty id");
const parentSchema = z.looseObject({
  page_id: idString.optional(),
  block_id: idString.optional(),
  database_id: idString.optional(),
  data_source_id: idString.optional(),
  workspace: z.boolean().optional(),
});
const richTextLike = z.union([z.string(), z.array(z.unknown())]);

const userSeed = z.looseObject({
  id: idString,
  name: z.string().nullable().optional(),
  type: z.enum(["person", "bot"]).optional(),
});
const pageSeed = z.looseObject({
  id: idString,
  parent: parentSchema,
  title: z.string().optional(),
  markdown: z.string().optional(),
  shared: z.boolean().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});
const blockSeed = z.looseObject({
  id: idString.optional(),
  parent: parentSchema,
});
const commentSeed = z.looseObject({
  id: idString.optional(),
  parent: parentSchema.optional(),
  discussion_id: idString.optional(),
  created_by: z.looseObject({ id: idString }),
  rich_text: richTextLike.optional(),
  text: z.string().optional(),
  markdown: z.string().optional(),
  resolved: z.boolean().optional(),
});
const databaseSeed = z.looseObject({
  id: idString,
  parent: parentSchema,
  title: richTextLike.optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  data_sources: z.array(z.looseObject({ id: idString, name: z.string().optional() })).optional(),
});
const dataSourceSeed = z.looseObject({
  id: idString,
  parent: z.looseObject({ database_id: idString }),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export const seedSchema = z.strictObject({
  users: z.array(userSeed).default([]),
  pages: z.array(pageSeed).default([]),
  blocks: z.array(blockSeed).default([]),
  comments: z.array(commentSeed).default([]),
  databases: z.array(databaseSeed).default([]),
  data_sources: z.array(dataSourceSeed).default([]),
});

export type Seed = z.input<typeof seedSchema>;

export interface SeedOptions {
  botUserId?: string;
  clock?: () => Date;
}

const DEFAULT_BOT = { id: "margin-integration", name: "Margin" };

/** Parses and loads a seed; throws SeedError naming the object that does not fit. */
export function seedWorkspace(raw: unknown, options: SeedOptions = {}): Workspace {
  const parsed = seedSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [list, index] = issue.path;
    const object =
      typeof index === "number" && list !== undefined
        ? describeObject(String(list), index, (raw as Json)?.[String(list)]?.[index])
        : "seed";
    const field = issue.path.slice(2).join(".");
    throw new SeedError(`${object}${field ? ` field ${field}` : ""}: ${issue.message}`);
  }
  const seed = normaliseIds(clone(parsed.data));
  // Messages name objects as the seed wrote them, before names became UUIDs.
  const describe = (list: string, index: number, _object?: unknown) =>
    describeObject(list, index, (parsed.data as Json)[list]?.[index]);
  const workspace = new Workspace(options.clock);

  for (const [index, user] of seed.users.entries()) {
    if (workspace.users.has(user.id)) throw new SeedError(`${describe("users", index, user)}: duplicate id`);
    workspace.users.set(user.id, fillUser(user));
  }
  const botId = options.botUserId
    ? idFor(options.botUserId)
    : [...workspace.users.values()].find((user) => user.type === "bot")?.id;
  if (botId && !workspace.users.has(botId))
    throw new SeedError(`bot user ${options.botUserId} is not among the seed's users`);
  if (!botId) {
    const bot = fillUser({ ...DEFAULT_BOT, id: idFor(DEFAULT_BOT.id), type: "bot" });
    workspace.users.set(bot.id, bot);
    workspace.botUserId = bot.id;
  } else {
    workspace.botUserId = botId;
  }
  const defaultAuthor =
    [...workspace.users.values()].find((user) => user.type === "person")?.id ?? workspace.botUserId;

  // Objects are created once their parent exists, so the lists may come in any order.
  const seededDataSources = new Set(seed.data_sources.map((dataSource) => dataSource.id));
  let pending: Pending[] = [
    ...seed.databases.map((object, index) => ({ kind: "databases", index, object })),
    ...seed.data_sources.map((object, index) => ({ kind: "data_sources", index, object })),
    ...seed.pages.map((object, index) => ({ kind: "pages", index, object })),
    ...seed.blocks.map((object, index) => ({ kind: "blocks", index, object })),
  ];
  const markdownBodies: Array<{ page: Json; index: number }> = [];
  while (pending.length > 0) {
    const waiting: Pending[] = [];
    for (const item of pending) {
      try {
        if (!parentReady(workspace, item)) {
          waiting.push(item);
          continue;
        }
        create(workspace, item, { defaultAuthor, seededDataSources, markdownBodies });
      } catch (error) {
        throw new SeedError(`${describe(item.kind, item.index, item.object)}: ${(error as Error).message}`);
      }
    }
    if (waiting.length === pending.length) {
      const stuck = waiting[0]!;
      throw new SeedError(
        `${describe(stuck.kind, stuck.index, stuck.object)}: its parent ${JSON.stringify(stuck.object.parent)} is not in the seed`,
      );
    }
    pending = waiting;
  }
  for (const { page, index } of markdownBodies) {
    try {
      const blocks = enhancedMarkdownToBlocks(page.markdown).map(alertsAsCallouts).map(withNamedIds);
      workspace.insertBlocks({ kind: "page", id: page.id }, blocks, {
        actorId: page.created_by?.id ?? defaultAuthor,
        fromSeed: true,
        path: `pages[${index}].markdown`,
      });
    } catch (error) {
      throw new SeedError(`${describe("pages", index, page)}: markdown body: ${(error as Error).message}`);
    }
  }
  seed.comments.forEach((comment, index) => {
    try {
      addSeedComment(workspace, comment);
    } catch (error) {
      throw new SeedError(`${describe("comments", index, comment)}: ${(error as Error).message}`);
    }
  });
  return workspace;
}

function describeObject(list: string, index: number, object: Json | undefined): string {
  const id = object?.id ? ` (id ${JSON.stringify(object.id)})` : "";
  return `seed ${list}[${index}]${id}`;
}

function parentReady(workspace: Workspace, item: Pending): boolean {
  const parent = item.object.parent;
  if (item.kind === "data_sources") return workspace.databases.has(parent.database_id);
  if (item.kind === "blocks" && !parent.page_id && !parent.block_id) {
    throw new Error("a block's parent needs page_id or block_id");
  }
  if (parent.workspace) return true;
  if (parent.page_id) return workspace.pages.has(parent.page_id);
  if (parent.block_id) return workspace.blocks.has(parent.block_id) || workspace.pages.has(parent.block_id);
  if (parent.data_source_id) return workspace.dataSources.has(parent.data_source_id);
  if (parent.database_id) {
    const database = workspace.databases.get(parent.database_id);
    return Boolean(
      database && database.data_sources.length > 0 && workspace.dataSources.has(database.data_sources[0].id),
    );
  }
  throw new Error("its parent needs page_id, block_id, data_source_id, database_id or workspace");
}

type Pending = { kind: string; index: number; object: Json };

interface CreateContext {
  defaultAuthor: string;
  seededDataSources: Set<string>;
  markdownBodies: Array<{ page: Json; index: number }>;
}

function create(workspace: Workspace, item: Pending, context: CreateContext): void {
  const object = item.object;
  const actor = object.created_by?.id ?? context.defaultAuthor;
  switch (item.kind) {
    case "databases": {
      const database = workspace.createDatabase({ ...object, data_sources: undefined }, true);
      // A database whose data source is not seeded itself gets one, with the database's `properties`.
      const listed: Json[] = object.data_sources ?? [];
      const dataSourceId = listed[0]?.id ?? idFor(`${database.id}:data-source`);
      if (!context.seededDataSources.has(dataSourceId)) {
        workspace.createDataSource(
          { id: dataSourceId, properties: object.properties ?? {}, title: object.title },
          database.id,
          actor,
          true,
        );
      }
      return;
    }
    case "data_sources": {
      const database = workspace.databases.get(object.parent.database_id)!;
      workspace.createDataSource(object, database.id, actor, true);
      return;
    }
    case "pages": {
      const page = { ...object };
      if (typeof page.title === "string") {
        const schema = page.parent.data_source_id
          ? workspace.dataSources.get(page.parent.data_source_id)?.properties
          : page.parent.database_id
            ? workspace.dataSources.get(workspace.databases.get(page.parent.database_id)!.data_sources[0].id)
                ?.properties
            : undefined;
        const titleName = schema
          ? (Object.values(schema) as Json[]).find((property) => property.type === "title")?.name
          : "title";
        page.properties = {
          ...(page.properties ?? {}),
          [titleName ?? "title"]: { type: "title", title: page.title },
        };
      }
      const created = workspace.createPage(page, actor, true);
      if (object.shared === false) workspace.unshared.add(created.id);
      if (typeof object.markdown === "string")
        context.markdownBodies.push({ page: { ...object, id: created.id }, index: item.index });
      return;
    }
    case "blocks": {
      const parentId = object.parent.page_id ?? object.parent.block_id;
      const container = workspace.pages.has(parentId)
        ? ({ kind: "page", id: parentId } as const)
        : ({ kind: "block", id: parentId } as const);
      const { parent: _parent, ...block } = object;
      workspace.insertBlocks(container, [block], { actorId: actor, fromSeed: true, path: "block" });
      return;
    }
  }
}

function addSeedComment(workspace: Workspace, comment: Json): void {
  const author = workspace.users.get(comment.created_by.id);
  if (!author) throw new Error(`created_by ${comment.created_by.id} is not among the seed's users`);
  const richText = fillRichText(
    comment.rich_text ??
      (comment.markdown !== undefined ? markdownToRichText(comment.markdown) : (comment.text ?? "")),
    workspace,
  );
  const displayName =
    comment.display_name?.type === "custom"
      ? {
          type: "custom",
          resolved_name: comment.display_name.custom?.name ?? comment.display_name.resolved_name,
        }
      : (comment.display_name ?? {
          type: author.type === "bot" ? "integration" : "user",
          resolved_name: author.name,
        });
  const existing = comment.discussion_id
    ? [...workspace.comments.values()].find((other) => other.discussion_id === comment.discussion_id)
    : undefined;
  const target = existing
    ? { discussionId: comment.discussion_id }
    : comment.parent?.page_id
      ? { pageId: comment.parent.page_id }
      : comment.parent?.block_id
        ? { blockId: comment.parent.block_id }
        : undefined;
  if (!target)
    throw new Error("needs parent.page_id, parent.block_id, or the discussion_id of an earlier comment");
  const created = workspace.addComment(target, richText, author.id, displayName);
  // Keep the seed's own ids and times so tests can refer to them.
  workspace.comments.delete(created.id);
  if (!existing && comment.discussion_id) created.discussion_id = comment.discussion_id;
  if (comment.id) created.id = comment.id;
  if (comment.created_time) {
    created.created_time = comment.created_time;
    created.last_edited_time = comment.last_edited_time ?? comment.created_time;
  }
  workspace.comments.set(created.id, created);
  if (comment.resolved) workspace.resolvedDiscussions.add(created.discussion_id);
}

function fillUser(user: Json): Json {
  const type = user.type ?? (user.bot ? "bot" : "person");
  const base = {
    object: "user",
    id: user.id,
    name: user.name ?? null,
    avatar_url: user.avatar_url ?? null,
    type,
  };
  if (type === "bot") {
    return {
      ...base,
      bot: user.bot ?? {
        owner: { type: "workspace", workspace: true },
        workspace_name: "Emulated workspace",
        workspace_id: idFor("emulated-workspace"),
        workspace_limits: { max_file_upload_size_in_bytes: 5242880 },
      },
    };
  }
  return {
    ...base,
    person: user.person ?? {
      email: `${String(user.name ?? "user")
        .toLowerCase()
        .replace(/\W+/g, ".")}@example.com`,
    },
  };
}

/**
 * Seed convenience, not Notion's markdown (which documents `<callout>` and reads `> [!NOTE]` as a quote):
 * a quote starting with `[!TYPE]` becomes a callout; the icon and colour are Notion's defaults.
 */
function alertsAsCallouts(request: Json): Json {
  const content: Json = request[request.type];
  if (Array.isArray(content.children)) content.children = content.children.map(alertsAsCallouts);
  const first = content.rich_text?.[0];
  const alert =
    request.type === "quote" && first?.type === "text" ? /^\[![A-Za-z]+\]\s*/.exec(first.text.content) : null;
  if (!alert) return request;
  first.text.content = first.text.content.slice(alert[0].length);
  if (!first.text.content) content.rich_text.shift();
  const { quote: _quote, ...rest } = request;
  return { ...rest, type: "callout", callout: content };
}

/** Gives a block whose text ends in ` ^name` the id `idFor(name)` (and drops the marker), children too. */
function withNamedIds(request: Json): Json {
  const content: Json = request[request.type];
  const richText: Json[] | undefined = content.rich_text;
  const last = richText?.at(-1);
  const marker = typeof last?.text?.content === "string" ? /\s*\^([\w-]+)$/.exec(last.text.content) : null;
  if (richText && last && marker) {
    last.text.content = last.text.content.slice(0, marker.index);
    if (!last.text.content) richText.pop();
    request.id = idFor(marker[1]!);
  }
  if (Array.isArray(content.children)) content.children = content.children.map(withNamedIds);
  return request;
}

const ID_KEYS = new Set(["page_id", "block_id", "database_id", "data_source_id", "discussion_id"]);

/** Rewrites every id-valued field to canonical UUIDs (names become `idFor(name)`). */
function normaliseIds<T>(seed: T): T {
  const visit = (
    value: unknown,
    key: string | undefined,
    holder: Json | undefined,
    holderKey: string | undefined,
  ): unknown => {
    if (typeof value === "string") {
      if (key && ID_KEYS.has(key)) return idFor(value);
      if (key === "id" && holder && isIdHolder(holder, holderKey)) return idFor(value);
      return value;
    }
    // Elements of a list are held by the list's key: `people: [{id}]`, `data_sources: [{id}]`.
    if (Array.isArray(value))
      return value.map((item) => visit(item, key === "id" ? undefined : key, undefined, key));
    if (value && typeof value === "object") {
      const object = value as Json;
      for (const [childKey, child] of Object.entries(object)) {
        // Property schemas and option lists carry short non-UUID ids of their own.
        if (childKey === "options" || childKey === "groups") continue;
        object[childKey] = visit(child, childKey, object, key);
      }
      for (const listKey of ["people", "relation"]) {
        if (Array.isArray(object[listKey])) {
          object[listKey] = object[listKey].map((entry: Json | string) =>
            typeof entry === "string" ? idFor(entry) : entry,
          );
        }
      }
      return object;
    }
    return value;
  };
  const lists = seed as Json;
  for (const list of Object.values(lists)) {
    for (const object of list as Json[]) {
      if (typeof object.id === "string") object.id = idFor(object.id);
      visit(object, undefined, undefined, undefined);
    }
  }
  return seed;
}

const ID_HOLDER_OBJECTS = new Set(["user", "page", "block", "comment", "database", "data_source"]);
const ID_HOLDER_KEYS = new Set([
  "user",
  "page",
  "database",
  "created_by",
  "last_edited_by",
  "people",
  "relation",
  "data_sources",
]);

/** Objects whose `id` is a Notion UUID: users, pages, blocks, comments, mention targets, people, relations. */
function isIdHolder(holder: Json, holderKey: string | undefined): boolean {
  return ID_HOLDER_OBJECTS.has(holder.object) || (holderKey !== undefined && ID_HOLDER_KEYS.has(holderKey));
}
