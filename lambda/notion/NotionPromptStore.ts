/**
 * The prompt library's home in Notion, over `@notionhq/client`: the Prompts database and, next to it, the
 * Reviewer references database its `Reference pages` relation points into. Opening it for a push creates
 * what is missing and adds the properties and select options an existing Prompts database lacks; a
 * property of the wrong type is reported, never converted, since converting would lose its values.
 *
 * Bodies are written as blocks, level by level (the API takes two levels of nesting per request, and a
 * table only with its rows), after the old blocks are deleted; a reviewer's Learnings page, a child page of
 * its prompt page, is neither part of its body nor deleted.
 */
import {
  APIErrorCode,
  APIResponseError,
  type BlockObjectResponse,
  type Client,
  type DataSourceObjectResponse,
  isFullBlock,
  isFullDatabase,
  isFullDataSource,
  isFullPage,
  iteratePaginatedAPI,
  type PageObjectResponse,
} from "@notionhq/client";
import { ConfigurationError } from "../errors.ts";
import type {
  OpenedStore,
  PageWrite,
  PromptStore,
  StoredKind,
  StoredPage,
  StoreLocation,
} from "../library/PromptStore.ts";
import type { PromptSettings } from "../library/promptFile.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import {
  PROMPT_PROPERTIES,
  PROMPTS_DATABASE_TITLE,
  type PromptSettingKey,
  REFERENCE_PAGES,
  REFERENCES_DATABASE_TITLE,
} from "../review/prompt/promptProperties.ts";
import type { BlockTreeReader } from "./BlockTreeReader.ts";
import type { BlockDraft } from "./markdown/BlockDraft.ts";
import { toBlockRequest } from "./markdown/BlockDraft.ts";
import { blocksToMarkdown } from "./markdown/blocksToMarkdown.ts";
import { markdownToBlocks } from "./markdown/markdownToBlocks.ts";
import { isLearningsBlock } from "./NotionLearningsWriter.ts";
import { promptsDatabaseSchema, toPropertyValues } from "./promptsDatabaseSchema.ts";

type Schema = DataSourceObjectResponse["properties"];
type CreatePageProperties = Parameters<Client["pages"]["create"]>[0]["properties"];
type SchemaUpdate = NonNullable<Parameters<Client["dataSources"]["update"]>[0]["properties"]>;

/** Blocks the API creates only together with their children. */
const CREATED_WHOLE = new Set(["table", "column_list"]);

interface Source {
  databaseId: string;
  dataSourceId: string;
  url: string;
  schema: Schema;
  /** The page the database sits on, if it sits on one. */
  parentPageId?: string;
}

export class NotionPromptStore implements PromptStore {
  private prompts: Source | undefined;
  private references: Source | undefined;

  constructor(
    private readonly notion: Client,
    private readonly reader: Pick<BlockTreeReader, "readTree">,
  ) {}

  async open(location: StoreLocation, prepare: boolean): Promise<OpenedStore> {
    const changes: string[] = [];
    const parent = location.parent === undefined ? undefined : idOf(location.parent, "--parent");
    let prompts = await this.findPrompts(location, parent, prepare);
    // Properties of the wrong type stop the push before anything is written.
    if (prompts && prepare) await this.completeSchema(prompts, undefined, true);
    this.references = await this.openReferences(prompts, parent, prepare, changes);
    if (!prompts) {
      prompts = await this.createDatabase(
        parent!,
        PROMPTS_DATABASE_TITLE,
        promptsDatabaseSchema(this.references?.dataSourceId),
      );
      changes.push(`Prompts database: created on page ${parent}: ${prompts.url}`);
    } else if (prepare) {
      const added = await this.completeSchema(prompts, this.references?.dataSourceId);
      if (added.length > 0) changes.push(`Prompts database: added ${added.join(", ")}.`);
    }
    this.prompts = prompts;
    if (changes.length === 0 && prepare)
      changes.push(`Prompts database: ${prompts.url} (its properties were complete).`);
    return {
      prompts: { id: prompts.databaseId, url: prompts.url },
      references: this.references && { id: this.references.databaseId, url: this.references.url },
      changes,
    };
  }

  /** The Prompts database where the location says, or undefined when push is to create it on the parent. */
  private async findPrompts(
    location: StoreLocation,
    parent: string | undefined,
    prepare: boolean,
  ): Promise<Source | undefined> {
    if (location.database !== undefined) return this.source(idOf(location.database, "the Prompts database"));
    if (!parent) {
      throw new ConfigurationError(
        "Say where the Prompts database is: --database <id or URL> (or MARGIN_PROMPTS_DATABASE), or --parent <page id or URL> to create it on that page.",
      );
    }
    const found = await this.childDatabase(parent, PROMPTS_DATABASE_TITLE);
    if (found) return this.source(found);
    if (!prepare) {
      throw new ConfigurationError(
        `There is no "${PROMPTS_DATABASE_TITLE}" database on page ${parent}: run margin prompts push first, or give --database.`,
      );
    }
    return undefined;
  }

  /**
   * The Reviewer references database: the one the Prompts database's relation points to; when preparing a
   * push without one, the one beside the Prompts database, created if need be (a new Prompts database is
   * created with its relation, so this comes first).
   */
  private async openReferences(
    prompts: Source | undefined,
    parent: string | undefined,
    prepare: boolean,
    changes: string[],
  ): Promise<Source | undefined> {
    const relation = prompts && findProperty(prompts.schema, REFERENCE_PAGES.property)?.property;
    if (relation?.type === "relation") return this.referencesSource(relation.relation.data_source_id);
    if (!prepare) return undefined;
    const home = parent ?? prompts?.parentPageId;
    if (!home) {
      throw new ConfigurationError(
        `The Prompts database is not on a page, so Margin cannot put the ${REFERENCES_DATABASE_TITLE} database next to it; give --parent <page id or URL>.`,
      );
    }
    const found = await this.childDatabase(home, REFERENCES_DATABASE_TITLE);
    if (found) return this.source(found);
    const created = await this.createDatabase(home, REFERENCES_DATABASE_TITLE, {
      Name: { type: "title", title: {} },
    });
    changes.push(`Reviewer references database: created on page ${home}: ${created.url}`);
    return created;
  }

  /** Two bodies are the same when Notion would hold the same blocks for them. */
  sameBody(a: string, b: string): boolean {
    return JSON.stringify(markdownToBlocks(a)) === JSON.stringify(markdownToBlocks(b));
  }

  async list(kind: StoredKind): Promise<StoredPage[]> {
    const source = this.sourceOf(kind);
    const pages: PageObjectResponse[] = [];
    for await (const page of iteratePaginatedAPI(
      (args: Parameters<Client["dataSources"]["query"]>[0]) => this.notion.dataSources.query(args),
      { data_source_id: source.dataSourceId, page_size: 100 },
    )) {
      if (page.object === "page" && isFullPage(page as PageObjectResponse))
        pages.push(page as PageObjectResponse);
    }
    return Promise.all(pages.map((page) => this.toStoredPage(page, kind)));
  }

  async create(kind: StoredKind, page: PageWrite & { title: string }): Promise<{ id: string }> {
    const source = this.sourceOf(kind);
    const created = await this.notion.pages.create({
      parent: { type: "data_source_id", data_source_id: source.dataSourceId },
      properties: this.properties(source, page) as CreatePageProperties,
    });
    if (page.body) await this.append(created.id, markdownToBlocks(page.body));
    return { id: created.id };
  }

  async update(kind: StoredKind, id: string, page: PageWrite): Promise<void> {
    const source = this.sourceOf(kind);
    const properties = this.properties(source, page);
    if (Object.keys(properties).length > 0) {
      await this.notion.pages.update({ page_id: id, properties: properties as CreatePageProperties });
    }
    if (page.body === undefined) return;
    // The new body is written after the old one is gone: a run cut short leaves a page a second push mends.
    // A reviewer's Learnings page (a child page) is not part of its body and stays.
    const blocks = await this.topLevelBlocks(id);
    const stored = blocks.some((block) => block.type === "child_page")
      ? await this.notion.pages.retrieve({ page_id: id })
      : undefined;
    for (const block of blocks) {
      if (stored && isFullPage(stored) && isLearningsBlock(block, stored)) continue;
      await this.notion.blocks.delete({ block_id: block.id });
    }
    await this.append(id, markdownToBlocks(page.body));
  }

  // ---- pages --------------------------------------------------------------------------------------------

  private properties(source: Source, page: PageWrite): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    if (page.title !== undefined) {
      properties[titlePropertyName(source.schema)] = {
        title: [{ type: "text", text: { content: page.title } }],
      };
    }
    if (page.settings || page.referenceIds) {
      const values = toPropertyValues(page.settings ?? {}, {
        clearAbsent: true,
        referenceIds: page.referenceIds,
      });
      // Only what was asked for: settings and the relation are written independently.
      for (const [name, value] of Object.entries(values)) {
        const isRelation = name === REFERENCE_PAGES.property;
        if (isRelation ? page.referenceIds : page.settings) {
          properties[findProperty(source.schema, name)?.name ?? name] = value;
        }
      }
    }
    return properties;
  }

  /** Appends drafts under a block, one level per request except where the API needs them whole. */
  private async append(parentId: string, drafts: BlockDraft[]): Promise<void> {
    for (let start = 0; start < drafts.length; start += 100) {
      const chunk = drafts.slice(start, start + 100);
      const response = await this.notion.blocks.children.append({
        block_id: parentId,
        children: chunk.map((draft) =>
          toBlockRequest(draft, CREATED_WHOLE.has(draft.type) ? 2 : 0),
        ) as Parameters<Client["blocks"]["children"]["append"]>[0]["children"],
      });
      for (const [index, created] of response.results.entries()) {
        const draft = chunk[index]!;
        if (!CREATED_WHOLE.has(draft.type) && draft.children.length > 0)
          await this.append(created.id, draft.children);
      }
    }
  }

  private async toStoredPage(page: PageObjectResponse, kind: StoredKind): Promise<StoredPage> {
    // A reviewer's Learnings page (a child page) is not part of its body.
    const tree = (await this.reader.readTree(page.id)).filter(
      (node) => kind === "reference" || !isLearningsBlock(node.block, page),
    );
    const stored: StoredPage = {
      id: page.id,
      title: titleOf(page),
      url: page.url,
      body: blocksToMarkdown(tree),
      settings: {},
      referenceIds: [],
    };
    if (kind === "reference") return stored;
    stored.settings = settingsOf(page);
    const relation = findProperty(page.properties, REFERENCE_PAGES.property)?.property;
    if (relation?.type === "relation") stored.referenceIds = await this.relationIds(page.id, relation);
    return stored;
  }

  /** A relation's pages: a page object carries 25 at most; the rest are read as property items. */
  private async relationIds(
    pageId: string,
    relation: Extract<PageObjectResponse["properties"][string], { type: "relation" }>,
  ): Promise<string[]> {
    if (!(relation as { has_more?: boolean }).has_more) return relation.relation.map((target) => target.id);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await this.notion.pages.properties.retrieve({
        page_id: pageId,
        property_id: relation.id,
        start_cursor: cursor,
      });
      if (response.object !== "list") break;
      for (const item of response.results) if (item.type === "relation") ids.push(item.relation.id);
      cursor = response.has_more ? (response.next_cursor ?? undefined) : undefined;
    } while (cursor);
    return ids;
  }

  // ---- databases ----------------------------------------------------------------------------------------

  private sourceOf(kind: StoredKind): Source {
    const source = kind === "prompt" ? this.prompts : this.references;
    if (!source) throw new ConfigurationError("The prompt store was not opened; this is a bug in Margin.");
    return source;
  }

  private async source(databaseId: string): Promise<Source> {
    const database = await this.notion.databases
      .retrieve({ database_id: databaseId })
      .catch((error: unknown) => {
        if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.ObjectNotFound) {
          throw new ConfigurationError(
            `The database ${databaseId} does not exist or is not shared with Margin's connection. Open it in Notion, choose ••• → Connections, and add the connection.`,
            { cause: error },
          );
        }
        throw error;
      });
    if (!isFullDatabase(database) || database.data_sources.length === 0) {
      throw new ConfigurationError(`The database ${databaseId} has no data source Margin can read.`);
    }
    const dataSource = await this.notion.dataSources.retrieve({
      data_source_id: database.data_sources[0]!.id,
    });
    if (!isFullDataSource(dataSource))
      throw new ConfigurationError(`Cannot read the schema of database ${databaseId}.`);
    return {
      databaseId: database.id,
      dataSourceId: dataSource.id,
      url: database.url,
      schema: dataSource.properties,
      parentPageId: database.parent.type === "page_id" ? database.parent.page_id : undefined,
    };
  }

  private async referencesSource(dataSourceId: string): Promise<Source> {
    const dataSource = await this.notion.dataSources.retrieve({ data_source_id: dataSourceId });
    if (!isFullDataSource(dataSource) || dataSource.parent.type !== "database_id") {
      throw new ConfigurationError(
        `The ${REFERENCE_PAGES.property} relation points to a data source Margin cannot read (${dataSourceId}); share the references database with Margin's connection.`,
      );
    }
    return this.source(dataSource.parent.database_id);
  }

  private async createDatabase(
    parent: string,
    title: string,
    schema: Record<string, unknown>,
  ): Promise<Source> {
    const database = await this.notion.databases.create({
      parent: { type: "page_id", page_id: parent },
      title: [{ type: "text", text: { content: title } }],
      initial_data_source: {
        properties: schema as NonNullable<
          Parameters<Client["databases"]["create"]>[0]["initial_data_source"]
        >["properties"],
      },
    });
    return this.source(database.id);
  }

  /** Adds the setting properties, select options and relation the Prompts database lacks; returns what. */
  private async completeSchema(
    prompts: Source,
    referencesDataSourceId: string | undefined,
    checkOnly = false,
  ): Promise<string[]> {
    const wanted = promptsDatabaseSchema(referencesDataSourceId);
    const update: Record<string, unknown> = {};
    const properties: string[] = [];
    const options: string[] = [];
    const wrong: string[] = [];
    const relation = findProperty(prompts.schema, REFERENCE_PAGES.property);
    if (relation && relation.property.type !== "relation")
      wrong.push(`"${relation.name}" is ${relation.property.type} and should be relation`);
    for (const [name, definition] of Object.entries(wanted)) {
      if (definition.type === "title") continue;
      const found = findProperty(prompts.schema, name);
      if (!found) {
        update[name] = definition;
        properties.push(name);
        continue;
      }
      const existing = found.property;
      if (existing.type !== definition.type) {
        wrong.push(`"${found.name}" is ${existing.type} and should be ${definition.type}`);
        continue;
      }
      if (existing.type === "select") {
        const have = existing.select.options.map((option) => option.name);
        const allowed = (definition.select as { options: Array<{ name: string }> }).options.map(
          (option) => option.name,
        );
        const missing = allowed.filter((option) => !have.includes(option));
        if (missing.length > 0) {
          update[found.name] = {
            select: { options: [...existing.select.options, ...missing.map((option) => ({ name: option }))] },
          };
          options.push(`the option${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${found.name}`);
        }
      }
    }
    if (wrong.length > 0) {
      throw new ConfigurationError(
        `The Prompts database has properties of the wrong type: ${wrong.join("; ")}. Change their types in Notion (or rename them, and push will add its own), then run this again. Nothing was written.`,
      );
    }
    const added = [
      ...(properties.length > 0
        ? [`the propert${properties.length > 1 ? "ies" : "y"} ${properties.join(", ")}`]
        : []),
      ...options,
    ];
    if (added.length > 0 && !checkOnly) {
      const updated = await this.notion.dataSources.update({
        data_source_id: prompts.dataSourceId,
        properties: update as SchemaUpdate,
      });
      if (isFullDataSource(updated)) prompts.schema = updated.properties;
    }
    return added;
  }

  /** A page's own blocks, without reading what is nested in them. */
  private async topLevelBlocks(pageId: string): Promise<BlockObjectResponse[]> {
    const blocks: BlockObjectResponse[] = [];
    for await (const block of iteratePaginatedAPI(
      (args: Parameters<Client["blocks"]["children"]["list"]>[0]) => this.notion.blocks.children.list(args),
      { block_id: pageId, page_size: 100 },
    )) {
      if (isFullBlock(block)) blocks.push(block);
    }
    return blocks;
  }

  /** The id of a database on a page with this title (there is no search by parent, so its blocks are read). */
  private async childDatabase(pageId: string, title: string): Promise<string | undefined> {
    for (const block of await this.topLevelBlocks(pageId)) {
      if (
        block.type === "child_database" &&
        block.child_database.title.trim().toLowerCase() === title.toLowerCase()
      )
        return block.id;
    }
    return undefined;
  }
}

function settingsOf(page: PageObjectResponse): PromptSettings {
  const settings: PromptSettings = {};
  for (const key of Object.keys(PROMPT_PROPERTIES) as PromptSettingKey[]) {
    const value = findProperty(page.properties, PROMPT_PROPERTIES[key].property)?.property;
    if (!value) continue;
    switch (value.type) {
      case "select":
        if (value.select) settings[key] = value.select.name;
        break;
      case "rich_text": {
        const text = value.rich_text
          .map((item) => item.plain_text)
          .join("")
          .trim();
        if (text) settings[key] = text;
        break;
      }
      case "number":
        if (value.number !== null) settings[key] = value.number;
        break;
      case "checkbox":
        settings[key] = value.checkbox;
        break;
    }
  }
  return settings;
}

/** A property by name, ignoring case and surrounding spaces, as people name them; with its exact name. */
function findProperty<T>(
  properties: Record<string, T>,
  name: string,
): { name: string; property: T } | undefined {
  const wanted = name.trim().toLowerCase();
  const entry = Object.entries(properties).find(([key]) => key.trim().toLowerCase() === wanted);
  return entry ? { name: entry[0], property: entry[1] } : undefined;
}

function titlePropertyName(schema: Schema): string {
  return Object.entries(schema).find(([, property]) => property.type === "title")?.[0] ?? "Name";
}

function titleOf(page: PageObjectResponse): string {
  const title = Object.values(page.properties).find((value) => value.type === "title");
  return title?.type === "title" ? title.title.map((item) => item.plain_text).join("") : "";
}

function idOf(value: string, what: string): string {
  const id = parseNotionId(value);
  if (!id) throw new ConfigurationError(`${what} should be a Notion id or URL, not "${value}".`);
  return id;
}
