/**
 * What Margin's Notion adapters share within one client: a bound on calls in flight (each also waits for
 * the client's rate throttle), Notion's access errors turned into messages that say what to do, and the
 * lookups worth doing once per process (the integration's bot user, people's names, page titles, pages
 * just read).
 */
import {
  APIErrorCode,
  APIResponseError,
  type Client,
  type CommentObjectResponse,
  isFullComment,
  isFullPage,
  iteratePaginatedAPI,
  type PageObjectResponse,
} from "@notionhq/client";
import { ConfigurationError, InvalidInputError, NotionAccessError } from "../errors.ts";
import type { BotUser } from "../review/ports/PageReader.ts";
import { ConcurrencyLimit } from "./ConcurrencyLimit.ts";

export class NotionSession {
  private bot: Promise<BotUser> | undefined;
  private readonly userNames = new Map<string, Promise<string>>();
  private readonly pageTitles = new Map<string, Promise<string>>();
  /** The pages read so far, as last read: their property types do not change within a run. */
  readonly pages = new Map<string, PageObjectResponse>();
  private readonly limit: ConcurrencyLimit;

  /** `concurrency`: Notion calls in flight at once (each waits for the client's rate throttle too). */
  constructor(
    readonly client: Client,
    concurrency = 4,
  ) {
    this.limit = new ConcurrencyLimit(concurrency);
  }

  /** Every Notion call goes through here. */
  request<T>(call: () => Promise<T>): Promise<T> {
    return this.limit.run(call);
  }

  botUser(): Promise<BotUser> {
    this.bot ??= this.call("read the integration's own user", () => this.client.users.me({})).then(
      (user) => ({ id: user.id, name: user.name ?? "Margin" }),
    );
    return this.bot;
  }

  async retrievePage(pageId: string): Promise<PageObjectResponse> {
    const page = await this.call(
      `read page ${pageId}`,
      () => this.client.pages.retrieve({ page_id: pageId }),
      pageId,
    );
    if (!isFullPage(page))
      throw new NotionAccessError(
        `Notion returned only part of page ${pageId}; share the page with Margin's connection (••• → Connections).`,
      );
    this.pages.set(page.id, page);
    return page;
  }

  /** A page, or undefined if Notion has none by that id shared with the integration (a partial one too). */
  async findPage(pageId: string): Promise<PageObjectResponse | undefined> {
    const page = await this.request(() => this.client.pages.retrieve({ page_id: pageId })).catch(
      (error: unknown) => {
        if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.ObjectNotFound)
          return undefined;
        throw error;
      },
    );
    return page && isFullPage(page) ? page : undefined;
  }

  /** The unresolved comments of a page or block, oldest first. */
  async listComments(blockId: string): Promise<CommentObjectResponse[]> {
    const comments: CommentObjectResponse[] = [];
    try {
      for await (const comment of iteratePaginatedAPI(
        (args: Parameters<Client["comments"]["list"]>[0]) =>
          this.request(() => this.client.comments.list(args)),
        { block_id: blockId, page_size: 100 },
      )) {
        if (isFullComment(comment)) comments.push(comment);
      }
    } catch (error) {
      if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.RestrictedResource) {
        throw new ConfigurationError(
          `Margin's connection cannot read comments: turn on its "Read comments" capability on the connection's Capabilities tab (https://www.notion.so/developers/connections).`,
          { cause: error },
        );
      }
      throw error;
    }
    return comments;
  }

  /**
   * A person's name. Someone Notion will not show (left the workspace, a guest, no user-information
   * capability) is "Unknown user"; any other failure is an error, not a name.
   */
  userName(id: string): Promise<string> {
    let name = this.userNames.get(id);
    if (!name) {
      name = this.request(() => this.client.users.retrieve({ user_id: id })).then(
        (user) => user.name ?? "Unknown user",
        (error: unknown) => {
          if (isHidden(error)) return "Unknown user";
          this.userNames.delete(id);
          throw error;
        },
      );
      this.userNames.set(id, name);
    }
    return name;
  }

  /** A related page's title; one not shared with the integration says so instead. */
  pageTitle(id: string): Promise<string> {
    let title = this.pageTitles.get(id);
    if (!title) {
      title = this.request(() => this.client.pages.retrieve({ page_id: id })).then(
        (page) => (isFullPage(page) ? titleOf(page) || "Untitled" : "Untitled"),
        (error: unknown) => {
          if (isHidden(error)) return "a page not shared with Margin";
          this.pageTitles.delete(id);
          throw error;
        },
      );
      this.pageTitles.set(id, title);
    }
    return title;
  }

  /** Runs a call, turning Notion's access errors into messages that say what to do. */
  async call<T>(what: string, request: () => Promise<T>, objectId?: string): Promise<T> {
    try {
      return await this.request(request);
    } catch (error) {
      if (APIResponseError.isAPIResponseError(error)) {
        if (error.code === APIErrorCode.ObjectNotFound) {
          throw new NotionAccessError(
            `Cannot ${what}: Notion says ${objectId ?? "it"} does not exist or is not shared with Margin's connection. In Notion, open the page, choose ••• → Connections, and add the connection.`,
            { cause: error },
          );
        }
        // Given a database where a page was wanted, Notion says so (400): the likeliest mistake when a link
        // is copied from a database's view instead of from one of its pages.
        if (error.code === APIErrorCode.ValidationError && /is a database, not a page/.test(error.message)) {
          throw new InvalidInputError(
            `${objectId ?? "The id given"} is a database, not a page: give one of its pages instead (open the page itself and copy its link).`,
            { cause: error },
          );
        }
        if (error.code === APIErrorCode.Unauthorized) {
          throw new ConfigurationError(
            "Notion refused the token (401): check NOTION_TOKEN against the connection's Configuration tab (https://www.notion.so/developers/connections).",
            {
              cause: error,
            },
          );
        }
        if (error.code === APIErrorCode.RestrictedResource) {
          throw new ConfigurationError(
            `Cannot ${what}: Margin's connection lacks a capability; give it "Read content", "Read comments", "Insert comments" and "Read user information".`,
            { cause: error },
          );
        }
      }
      throw error;
    }
  }
}

/** Notion will not show the object to this integration: not found, or not permitted. */
function isHidden(error: unknown): boolean {
  return (
    APIResponseError.isAPIResponseError(error) &&
    (error.code === APIErrorCode.ObjectNotFound || error.code === APIErrorCode.RestrictedResource)
  );
}

export function titleOf(page: PageObjectResponse): string {
  const title = Object.values(page.properties).find((value) => value.type === "title");
  return title?.type === "title" ? title.title.map((item) => item.plain_text).join("") : "";
}
