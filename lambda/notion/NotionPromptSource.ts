/**
 * The Prompts database through `@notionhq/client`: its prompts by title or id, each read as the review
 * core's PromptPage (instructions as markdown, settings as plain values) with its reference pages (the
 * Reference pages relation and the pages its body links to), read like documents within a bound, and its
 * Learnings page (the page its Learnings property holds, a child page left out of the instructions).
 */
import type { PageObjectResponse } from "@notionhq/client";
import { closestTo } from "../didYouMean.ts";
import { PromptError, UnknownPromptError } from "../errors.ts";
import type { PromptPage, PromptProperty, ReferencePage } from "../review/model/PromptPage.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { PromptSource, PromptSummary } from "../review/ports/PromptSource.ts";
import { REFERENCE_PAGES } from "../review/prompt/promptProperties.ts";
import type { BlockTreeReader } from "./BlockTreeReader.ts";
import { linkedPageIds } from "./linkedPageIds.ts";
import { blocksToMarkdown } from "./markdown/blocksToMarkdown.ts";
import { isLearningsBlock, learningsPageId } from "./NotionLearningsWriter.ts";
import { NotionPromptList } from "./NotionPromptList.ts";
import { type NotionSession, titleOf } from "./NotionSession.ts";
import { toDocumentBlocks } from "./toDocumentBlocks.ts";

/** Reference pages are read on every review: a bound on the reads a prompt can cause. */
export const MAX_REFERENCE_PAGES = 10;

export class NotionPromptSource implements PromptSource {
  private readonly list: NotionPromptList;

  constructor(
    private readonly session: NotionSession,
    private readonly tree: BlockTreeReader,
  ) {
    this.list = new NotionPromptList(session);
  }

  async loadPrompt(
    database: string,
    nameOrId: string,
    options: { references?: boolean } = {},
  ): Promise<PromptPage> {
    const pageId = parseNotionId(nameOrId);
    if (pageId) {
      const page = await this.session.retrievePage(pageId);
      return this.toPromptPage(page, options.references ?? true);
    }
    const pages = await this.list.promptPages(database);
    const wanted = nameOrId.trim().toLowerCase();
    const found = pages.filter((page) => titleOf(page).trim().toLowerCase() === wanted);
    if (found.length === 0) {
      const titles = pages.map((page) => titleOf(page));
      const names = titles.map((title) => `"${title}"`).sort();
      const closest = closestTo(nameOrId, titles);
      throw new UnknownPromptError(
        `No prompt named "${nameOrId}" in the Prompts database ${database}.${closest ? ` Did you mean "${closest}"?` : ""} ${names.length > 0 ? `Prompts available: ${names.join(", ")}.` : "The database has no prompts yet."}`,
      );
    }
    if (found.length > 1) {
      throw new PromptError(
        `${found.length} prompts are named "${nameOrId}" in the Prompts database; rename one, or choose by page id (${found.map((page) => page.id).join(", ")}).`,
      );
    }
    return this.toPromptPage(found[0]!, options.references ?? true);
  }

  listPrompts(database: string): Promise<PromptSummary[]> {
    return this.list.listPrompts(database);
  }

  private async toPromptPage(page: PageObjectResponse, withReferences: boolean): Promise<PromptPage> {
    const body = (await this.tree.readTree(page.id)).filter((node) => !isLearningsBlock(node.block, page));
    const properties: Record<string, PromptProperty> = {};
    for (const [name, value] of Object.entries(page.properties)) {
      if (value.type === "title") continue;
      properties[name] = { type: value.type, value: simpleValue(value) };
    }
    const related = Object.entries(page.properties).find(
      ([name, value]) =>
        value.type === "relation" && name.trim().toLowerCase() === REFERENCE_PAGES.property.toLowerCase(),
    )?.[1];
    const learningsId = learningsPageId(page);
    const referenceIds = [
      ...new Set([
        ...(related?.type === "relation" ? related.relation.map((target) => target.id) : []),
        ...linkedPageIds(body),
      ]),
    ].filter((id) => id !== page.id && id !== learningsId);
    return {
      id: page.id,
      title: titleOf(page),
      url: page.url,
      instructions: blocksToMarkdown(body),
      properties,
      references: withReferences ? await this.readReferences(referenceIds) : [],
      ...(withReferences && learningsId ? { learnings: await this.readReference(learningsId) } : {}),
    };
  }

  /** Reads reference pages like documents (no discussions); one that cannot be read says why. */
  private readReferences(ids: string[]): Promise<ReferencePage[]> {
    return Promise.all(
      ids.map((id, index) =>
        index >= MAX_REFERENCE_PAGES
          ? unavailable(id, `not read: a reviewer reads at most ${MAX_REFERENCE_PAGES} reference pages`)
          : this.readReference(id),
      ),
    );
  }

  private async readReference(id: string): Promise<ReferencePage> {
    const page = await this.session.findPage(id);
    if (!page)
      return unavailable(id, "not a page shared with Margin's connection (share it: ••• → Connections)");
    if (page.in_trash) return unavailable(id, `"${titleOf(page)}" is in the trash`);
    const tree = await this.tree.readTree(page.id);
    return { id: page.id, title: titleOf(page) || "Untitled", url: page.url, blocks: toDocumentBlocks(tree) };
  }
}

function unavailable(id: string, reason: string): ReferencePage {
  return { id, title: "", url: "", blocks: [], unavailable: reason };
}

function simpleValue(value: PageObjectResponse["properties"][string]): PromptProperty["value"] {
  switch (value.type) {
    case "rich_text":
      return value.rich_text.map((item) => item.plain_text).join("");
    case "select":
      return value.select?.name ?? null;
    case "status":
      return value.status?.name ?? null;
    case "multi_select":
      return value.multi_select.map((option) => option.name);
    case "number":
      return value.number;
    case "checkbox":
      return value.checkbox;
    case "url":
      return value.url;
    case "relation":
      return value.relation.map((target) => target.id);
    case "people":
      return value.people.map((person) => person.id);
    case "date":
      return value.date?.start ?? null;
    default:
      return null;
  }
}
