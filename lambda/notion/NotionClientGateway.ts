/**
 * The Notion gateway over `@notionhq/client`: reads pages (properties, the whole block tree, unresolved
 * discussions) and prompts, and writes comments. Reads run in parallel and rely on the client's throttle
 * to stay inside the rate limit; names of users and related pages are looked up once per run.
 */

import { setTimeout as sleep } from "node:timers/promises";
import {
  APIErrorCode,
  APIResponseError,
  type BlockObjectResponse,
  type Client,
  type CommentObjectResponse,
  isFullBlock,
  isFullComment,
  isFullPage,
  isNotionClientError,
  iteratePaginatedAPI,
  type PageObjectResponse,
  RequestTimeoutError,
  UnknownHTTPResponseError,
} from "@notionhq/client";
import { ConfigurationError, NotionAccessError, NotionWriteError, PromptError } from "../errors.ts";
import type { PromptPage, PromptProperty, ReferencePage } from "../review/model/PromptPage.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { DocumentComment, DocumentThread, ReviewDocument } from "../review/model/ReviewDocument.ts";
import {
  type BotUser,
  type CommentTarget,
  LAST_REVIEWED_PROPERTY,
  type NotionGateway,
  type PostedComment,
  type PromptSummary,
  REVIEW_STATUS_PROPERTY,
  type ReadOptions,
  type ReviewStatus,
} from "../review/ports/NotionGateway.ts";
import { REFERENCE_PAGES } from "../review/prompt/promptProperties.ts";
import { ConcurrencyLimit } from "./ConcurrencyLimit.ts";
import { linkedPageIds } from "./linkedPageIds.ts";
import { blocksToMarkdown } from "./markdown/blocksToMarkdown.ts";
import { parseInlineSpans } from "./markdown/parseInlineMarkdown.ts";
import { richTextToMarkdown } from "./markdown/richTextToMarkdown.ts";
import { renderPropertyValue } from "./renderPropertyValue.ts";
import { type ReadBlock, toDocumentBlocks } from "./toDocumentBlocks.ts";

/** Blocks whose discussions belong elsewhere (child pages) or that cannot carry any (layout only). */
const NO_DISCUSSIONS = new Set(["child_page", "child_database", "column_list", "column"]);
/** Blocks whose children are other pages: listed by title, never read. */
const SEPARATE_PAGES = new Set(["child_page", "child_database"]);

/** Reference pages are read on every review: a bound on the reads a prompt can cause. */
export const MAX_REFERENCE_PAGES = 10;

// Writes are retried only after checking they did not go through, so a few attempts are safe.
const WRITE_ATTEMPTS = 5;

export class NotionClientGateway implements NotionGateway {
  private bot: Promise<BotUser> | undefined;
  private readonly userNames = new Map<string, Promise<string>>();
  private readonly pageTitles = new Map<string, Promise<string>>();
  private readonly syncedOriginals = new Map<string, Promise<ReadBlock[] | undefined>>();
  /** Which review properties each page read so far has (property types do not change within a run). */
  private readonly reviewProperties = new Map<string, ReviewProperties>();

  private readonly limit: ConcurrencyLimit;

  /** `concurrency`: Notion calls in flight at once (each waits for the client's rate throttle too). */
  constructor(
    private readonly notion: Client,
    concurrency = 4,
  ) {
    this.limit = new ConcurrencyLimit(concurrency);
  }

  /** Every Notion call goes through here. */
  private request<T>(call: () => Promise<T>): Promise<T> {
    return this.limit.run(call);
  }

  botUser(): Promise<BotUser> {
    this.bot ??= this.call("read the integration's own user", () =>
      this.request(() => this.notion.users.me({})),
    ).then((user) => ({
      id: user.id,
      name: user.name ?? "Margin",
    }));
    return this.bot;
  }

  async readDocument(
    pageId: string,
    reviewerName: string,
    options: ReadOptions = {},
  ): Promise<ReviewDocument> {
    const page = await this.retrievePage(pageId);
    if (page.in_trash) {
      throw new NotionAccessError(
        `The page "${titleOf(page)}" (${page.id}) is in the trash. Restore it in Notion before asking for a review.`,
      );
    }
    const [bot, tree] = await Promise.all([this.botUser(), this.readChildren(page.id)]);
    const blocks = toDocumentBlocks(tree);
    const wanted = options.discussionsOn?.(blocks);
    const [properties, threads] = await Promise.all([
      this.renderProperties(page),
      this.readThreads(page.id, tree, bot, reviewerName, wanted),
    ]);
    return { page: { id: page.id, title: titleOf(page), url: page.url, properties }, blocks, threads };
  }

  async loadPrompt(
    database: string,
    nameOrId: string,
    options: { references?: boolean } = {},
  ): Promise<PromptPage> {
    const pageId = parseNotionId(nameOrId);
    if (pageId) {
      const page = await this.retrievePage(pageId);
      return this.toPromptPage(page, options.references ?? true);
    }
    const pages = await this.promptPages(database);
    const wanted = nameOrId.trim().toLowerCase();
    const found = pages.filter((page) => titleOf(page).trim().toLowerCase() === wanted);
    if (found.length === 0) {
      const names = pages.map((page) => `"${titleOf(page)}"`).sort();
      throw new PromptError(
        `No prompt named "${nameOrId}" in the Prompts database ${database}. ${names.length > 0 ? `Prompts available: ${names.join(", ")}.` : "The database has no prompts yet."}`,
      );
    }
    if (found.length > 1) {
      throw new PromptError(
        `${found.length} prompts are named "${nameOrId}" in the Prompts database; rename one, or choose by page id (${found.map((page) => page.id).join(", ")}).`,
      );
    }
    return this.toPromptPage(found[0]!, options.references ?? true);
  }

  async readDiscussion(anchorId: string, commentId: string): Promise<DocumentThread | undefined> {
    const [bot, comments] = await Promise.all([this.botUser(), this.listComments(anchorId)]);
    const comment = comments.find((candidate) => candidate.id === commentId);
    if (!comment) return undefined;
    const thread = comments.filter((candidate) => candidate.discussion_id === comment.discussion_id);
    return {
      discussionId: comment.discussion_id,
      blockId: comment.parent.type === "block_id" ? comment.parent.block_id : undefined,
      comments: await Promise.all(thread.map((entry) => this.toDocumentComment(entry, bot, ""))),
    };
  }

  async listPrompts(database: string): Promise<PromptSummary[]> {
    const pages = await this.promptPages(database);
    return pages.map((page) => ({ id: page.id, title: titleOf(page) }));
  }

  async setReviewStatus(pageId: string, status: ReviewStatus, reviewedOn?: string): Promise<boolean> {
    // A job sets the status two or three times: the page's properties are looked up once.
    const shape = this.reviewProperties.get(pageId) ?? reviewPropertiesOf(await this.retrievePage(pageId));
    if (!shape.status) return false;
    const properties: Record<string, unknown> = {
      [REVIEW_STATUS_PROPERTY]:
        shape.status === "select" ? { select: { name: status } } : { status: { name: status } },
    };
    if (reviewedOn && shape.lastReviewed)
      properties[LAST_REVIEWED_PROPERTY] = { date: { start: reviewedOn } };
    await this.request(() =>
      this.notion.pages.update({
        page_id: pageId,
        properties: properties as Parameters<Client["pages"]["update"]>[0]["properties"],
      }),
    );
    return true;
  }

  async postComment(target: CommentTarget, markdown: string, displayName: string): Promise<PostedComment> {
    const destination =
      target.kind === "page"
        ? { parent: { page_id: target.pageId } }
        : target.kind === "block"
          ? { parent: { block_id: target.blockId } }
          : { discussion_id: target.discussionId };
    const startedAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const comment = await this.request(() =>
          this.notion.comments.create({
            ...destination,
            markdown,
            display_name: { type: "custom", custom: { name: displayName } },
          }),
        );
        return { id: comment.id, discussionId: isFullComment(comment) ? comment.discussion_id : "" };
      } catch (error) {
        if (!isRetryableWrite(error) || attempt >= WRITE_ATTEMPTS) {
          throw new NotionWriteError(
            `Notion did not accept a comment (${describeError(error)}).`,
            statusOf(error),
            { cause: error },
          );
        }
        // A 5xx or a timeout may have committed the comment anyway: look before writing again.
        if (isAmbiguousWrite(error)) {
          const existing = await this.findComment(target, markdown, displayName, new Date(startedAt)).catch(
            () => undefined,
          );
          if (existing) return existing;
        }
        await sleep(500 * 2 ** (attempt - 1));
      }
    }
  }

  async updateComment(commentId: string, markdown: string): Promise<PostedComment> {
    for (let attempt = 1; ; attempt++) {
      try {
        const comment = await this.request(() =>
          this.notion.comments.update({ comment_id: commentId, markdown }),
        );
        return { id: comment.id, discussionId: isFullComment(comment) ? comment.discussion_id : "" };
      } catch (error) {
        // Writing the same text twice is harmless, so an unknown outcome is simply tried again.
        if (!isRetryableWrite(error) || attempt >= WRITE_ATTEMPTS) {
          throw new NotionWriteError(
            `Notion did not accept an edit of comment ${commentId} (${describeError(error)}).`,
            statusOf(error),
            { cause: error },
          );
        }
        await sleep(500 * 2 ** (attempt - 1));
      }
    }
  }

  // ---- reading ------------------------------------------------------------------------------------------

  private async retrievePage(pageId: string): Promise<PageObjectResponse> {
    const page = await this.call(
      `read page ${pageId}`,
      () => this.request(() => this.notion.pages.retrieve({ page_id: pageId })),
      pageId,
    );
    if (!isFullPage(page))
      throw new NotionAccessError(
        `Notion returned only part of page ${pageId}; share the page with the integration.`,
      );
    this.reviewProperties.set(page.id, reviewPropertiesOf(page));
    return page;
  }

  /** A page's whole block tree (synced copies read through), for tools that write pages. */
  readTree(pageId: string): Promise<ReadBlock[]> {
    return this.readChildren(pageId);
  }

  /** The children of a page or block, with their children, in order. */
  private async readChildren(blockId: string): Promise<ReadBlock[]> {
    const blocks: BlockObjectResponse[] = [];
    for await (const block of iteratePaginatedAPI(
      (args: Parameters<Client["blocks"]["children"]["list"]>[0]) =>
        this.request(() => this.notion.blocks.children.list(args)),
      {
        block_id: blockId,
        page_size: 100,
      },
    )) {
      if (isFullBlock(block)) blocks.push(block);
    }
    return Promise.all(blocks.map((block) => this.readNode(block)));
  }

  private async readNode(block: BlockObjectResponse): Promise<ReadBlock> {
    if (block.type === "synced_block" && block.synced_block.synced_from) {
      const original = await this.readSyncedOriginal(block.synced_block.synced_from.block_id);
      return { block, children: original ?? [], unavailable: original === undefined };
    }
    if (!block.has_children || SEPARATE_PAGES.has(block.type)) return { block, children: [] };
    return { block, children: await this.readChildren(block.id) };
  }

  /** A synced copy shows its original's content, read once per run however many copies there are. */
  private readSyncedOriginal(originalId: string): Promise<ReadBlock[] | undefined> {
    let children = this.syncedOriginals.get(originalId);
    if (!children) {
      children = this.readChildren(originalId).catch((error: unknown) => {
        if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.ObjectNotFound)
          return undefined;
        throw error;
      });
      this.syncedOriginals.set(originalId, children);
    }
    return children;
  }

  private async renderProperties(page: PageObjectResponse) {
    const lookups = {
      userName: (id: string) => this.userName(id),
      pageTitle: (id: string) => this.pageTitle(id),
    };
    const entries = Object.entries(page.properties).filter(([, value]) => value.type !== "title");
    return Promise.all(
      entries.map(async ([name, value]) => ({
        name,
        type: value.type,
        value: await renderPropertyValue(value, lookups),
      })),
    );
  }

  private async readThreads(
    pageId: string,
    tree: ReadBlock[],
    bot: BotUser,
    reviewerName: string,
    wanted?: Set<string>,
  ): Promise<DocumentThread[]> {
    const anchors = [
      pageId,
      ...new Set(
        flatten(tree)
          .filter((node) => !NO_DISCUSSIONS.has(node.block.type) && (!wanted || wanted.has(node.block.id)))
          .map((node) => node.block.id),
      ),
    ];
    const perAnchor = await Promise.all(anchors.map((anchor) => this.listComments(anchor)));
    const threads: DocumentThread[] = [];
    for (const [index, comments] of perAnchor.entries()) {
      const anchor = anchors[index]!;
      const byDiscussion = new Map<string, CommentObjectResponse[]>();
      for (const comment of comments) {
        const list = byDiscussion.get(comment.discussion_id) ?? [];
        list.push(comment);
        byDiscussion.set(comment.discussion_id, list);
      }
      for (const [discussionId, list] of byDiscussion) {
        threads.push({
          discussionId,
          blockId: anchor === pageId ? undefined : anchor,
          comments: await Promise.all(
            list.map((comment) => this.toDocumentComment(comment, bot, reviewerName)),
          ),
        });
      }
    }
    return threads;
  }

  private async listComments(blockId: string): Promise<CommentObjectResponse[]> {
    const comments: CommentObjectResponse[] = [];
    try {
      for await (const comment of iteratePaginatedAPI(
        (args: Parameters<Client["comments"]["list"]>[0]) =>
          this.request(() => this.notion.comments.list(args)),
        {
          block_id: blockId,
          page_size: 100,
        },
      )) {
        if (isFullComment(comment)) comments.push(comment);
      }
    } catch (error) {
      if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.RestrictedResource) {
        throw new ConfigurationError(
          'The integration cannot read comments: turn on its "Read comments" capability in the integration settings.',
          { cause: error },
        );
      }
      throw error;
    }
    return comments;
  }

  private async toDocumentComment(
    comment: CommentObjectResponse,
    bot: BotUser,
    reviewerName: string,
  ): Promise<DocumentComment> {
    const display = comment.display_name;
    const byIntegration = comment.created_by.id === bot.id;
    const authorName = display?.resolved_name ?? (await this.userName(comment.created_by.id));
    return {
      id: comment.id,
      authorId: comment.created_by.id,
      authorName,
      byReviewer: byIntegration && authorName === reviewerName,
      byBot: byIntegration || (display !== undefined && display.type !== "user"),
      createdTime: comment.created_time,
      text: richTextToMarkdown(comment.rich_text, { mentionLinks: false }),
    };
  }

  private userName(id: string): Promise<string> {
    let name = this.userNames.get(id);
    if (!name) {
      name = this.request(() => this.notion.users.retrieve({ user_id: id }))
        .then((user) => user.name ?? "Unknown user")
        .catch(() => "Unknown user");
      this.userNames.set(id, name);
    }
    return name;
  }

  private pageTitle(id: string): Promise<string> {
    let title = this.pageTitles.get(id);
    if (!title) {
      title = this.request(() => this.notion.pages.retrieve({ page_id: id }))
        .then((page) => (isFullPage(page) ? titleOf(page) || "Untitled" : "Untitled"))
        .catch(() => "a page not shared with Margin");
      this.pageTitles.set(id, title);
    }
    return title;
  }

  // ---- prompts ------------------------------------------------------------------------------------------

  private async promptPages(database: string): Promise<PageObjectResponse[]> {
    const databaseId = parseNotionId(database);
    if (!databaseId) {
      throw new ConfigurationError(`MARGIN_PROMPTS_DATABASE is not a database id or URL: "${database}".`);
    }
    const found = await this.request(() => this.notion.databases.retrieve({ database_id: databaseId })).catch(
      (error: unknown) => {
        if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.ObjectNotFound) {
          throw new ConfigurationError(
            `The Prompts database ${databaseId} (MARGIN_PROMPTS_DATABASE) is not shared with the integration or does not exist. Open it in Notion, choose ••• → Connections, and add the integration.`,
            { cause: error },
          );
        }
        throw error;
      },
    );
    const dataSources = "data_sources" in found ? found.data_sources : [];
    const pages: PageObjectResponse[] = [];
    for (const dataSource of dataSources) {
      for await (const page of iteratePaginatedAPI(
        (args: Parameters<Client["dataSources"]["query"]>[0]) =>
          this.request(() => this.notion.dataSources.query(args)),
        {
          data_source_id: dataSource.id,
          page_size: 100,
        },
      )) {
        if (isFullPage(page as PageObjectResponse) && (page as PageObjectResponse).object === "page")
          pages.push(page as PageObjectResponse);
      }
    }
    return pages;
  }

  private async toPromptPage(page: PageObjectResponse, withReferences: boolean): Promise<PromptPage> {
    const body = await this.readChildren(page.id);
    const properties: Record<string, PromptProperty> = {};
    for (const [name, value] of Object.entries(page.properties)) {
      if (value.type === "title") continue;
      properties[name] = { type: value.type, value: simpleValue(value) };
    }
    const related = Object.entries(page.properties).find(
      ([name, value]) =>
        value.type === "relation" && name.trim().toLowerCase() === REFERENCE_PAGES.property.toLowerCase(),
    )?.[1];
    const referenceIds = [
      ...new Set([
        ...(related?.type === "relation" ? related.relation.map((target) => target.id) : []),
        ...linkedPageIds(body),
      ]),
    ].filter((id) => id !== page.id);
    return {
      id: page.id,
      title: titleOf(page),
      url: page.url,
      instructions: blocksToMarkdown(body),
      properties,
      references: withReferences ? await this.readReferences(referenceIds) : [],
    };
  }

  /** Reads reference pages like documents (no discussions); one that cannot be read says why. */
  private readReferences(ids: string[]): Promise<ReferencePage[]> {
    const unavailable = (id: string, reason: string): ReferencePage => ({
      id,
      title: "",
      url: "",
      blocks: [],
      unavailable: reason,
    });
    return Promise.all(
      ids.map(async (id, index) => {
        if (index >= MAX_REFERENCE_PAGES)
          return unavailable(id, `not read: a reviewer reads at most ${MAX_REFERENCE_PAGES} reference pages`);
        const page = await this.request(() => this.notion.pages.retrieve({ page_id: id })).catch(
          (error: unknown) => {
            if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.ObjectNotFound)
              return undefined;
            throw error;
          },
        );
        if (!page || !isFullPage(page))
          return unavailable(id, "not a page shared with the integration (share it: ••• → Connections)");
        if (page.in_trash) return unavailable(id, `"${titleOf(page)}" is in the trash`);
        const tree = await this.readChildren(page.id);
        return {
          id: page.id,
          title: titleOf(page) || "Untitled",
          url: page.url,
          blocks: toDocumentBlocks(tree),
        };
      }),
    );
  }

  // ---- writing ------------------------------------------------------------------------------------------

  async findComment(
    target: CommentTarget,
    markdown: string,
    displayName: string,
    since: Date,
  ): Promise<PostedComment | undefined> {
    const bot = await this.botUser();
    const anchor =
      target.kind === "page" ? target.pageId : target.kind === "block" ? target.blockId : target.anchorId;
    const expected = normalise(
      parseInlineSpans(markdown)
        .map((span) => (span.kind === "text" ? span.text : span.expression))
        .join(""),
    );
    // Notion stamps comments to the minute: anything from the minute the first attempt started counts.
    const earliest = Math.floor(since.getTime() / 60_000) * 60_000;
    const comments = await this.listComments(anchor);
    const match = comments.find(
      (comment) =>
        comment.created_by.id === bot.id &&
        comment.display_name?.resolved_name === displayName &&
        Date.parse(comment.created_time) >= earliest &&
        (target.kind !== "reply" || comment.discussion_id === target.discussionId) &&
        normalise(comment.rich_text.map((item) => item.plain_text).join("")) === expected,
    );
    return match ? { id: match.id, discussionId: match.discussion_id } : undefined;
  }

  /** Runs a read, turning Notion's access errors into messages that say what to do. */
  private async call<T>(what: string, request: () => Promise<T>, objectId?: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (APIResponseError.isAPIResponseError(error)) {
        if (error.code === APIErrorCode.ObjectNotFound) {
          throw new NotionAccessError(
            `Cannot ${what}: Notion says ${objectId ?? "it"} does not exist or is not shared with the integration. In Notion, open the page, choose ••• → Connections, and add the integration.`,
            { cause: error },
          );
        }
        if (error.code === APIErrorCode.Unauthorized) {
          throw new ConfigurationError("Notion refused the integration token (401): check NOTION_TOKEN.", {
            cause: error,
          });
        }
        if (error.code === APIErrorCode.RestrictedResource) {
          throw new ConfigurationError(
            `Cannot ${what}: the integration lacks a capability; give it "Read content", "Read comments", "Insert comments" and "Read user information".`,
            { cause: error },
          );
        }
      }
      throw error;
    }
  }
}

interface ReviewProperties {
  status?: "select" | "status";
  lastReviewed: boolean;
}

function reviewPropertiesOf(page: PageObjectResponse): ReviewProperties {
  const status = page.properties[REVIEW_STATUS_PROPERTY]?.type;
  return {
    status: status === "select" || status === "status" ? status : undefined,
    lastReviewed: page.properties[LAST_REVIEWED_PROPERTY]?.type === "date",
  };
}

function flatten(nodes: ReadBlock[]): ReadBlock[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

function titleOf(page: PageObjectResponse): string {
  const title = Object.values(page.properties).find((value) => value.type === "title");
  return title?.type === "title" ? title.title.map((item) => item.plain_text).join("") : "";
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

function normalise(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function statusOf(error: unknown): number | undefined {
  return isNotionClientError(error) && "status" in error ? (error as { status: number }).status : undefined;
}

/** A write that may have gone through: the server failed or never answered. */
function isAmbiguousWrite(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500;
  return (
    error instanceof RequestTimeoutError ||
    error instanceof UnknownHTTPResponseError ||
    error instanceof TypeError
  );
}

function isRetryableWrite(error: unknown): boolean {
  return statusOf(error) === 429 || isAmbiguousWrite(error);
}

function describeError(error: unknown): string {
  const status = statusOf(error);
  if (APIResponseError.isAPIResponseError(error)) return `${status} ${error.code}: ${error.message}`;
  if (status !== undefined) return `HTTP ${status}`;
  return error instanceof Error ? error.message : String(error);
}
