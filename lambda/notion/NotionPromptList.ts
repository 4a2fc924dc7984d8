/**
 * The prompts of the Prompts database, by id and title: the pages of its data sources. What the webhook
 * needs of Notion, kept apart from reading a prompt (its body, its references), which the webhook never does.
 */
import {
  APIErrorCode,
  APIResponseError,
  type Client,
  isFullPage,
  iteratePaginatedAPI,
  type PageObjectResponse,
} from "@notionhq/client";
import { ConfigurationError } from "../errors.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { PromptSummary } from "../review/ports/PromptSource.ts";
import { type NotionSession, titleOf } from "./NotionSession.ts";

export class NotionPromptList {
  constructor(private readonly session: NotionSession) {}

  async listPrompts(database: string): Promise<PromptSummary[]> {
    const pages = await this.promptPages(database);
    return pages.map((page) => ({ id: page.id, title: titleOf(page) }));
  }

  /** Every page of the Prompts database's data sources. */
  async promptPages(database: string): Promise<PageObjectResponse[]> {
    const databaseId = parseNotionId(database);
    if (!databaseId) {
      throw new ConfigurationError(`MARGIN_PROMPTS_DATABASE is not a database id or URL: "${database}".`);
    }
    const found = await this.session
      .request(() => this.session.client.databases.retrieve({ database_id: databaseId }))
      .catch((error: unknown) => {
        if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.ObjectNotFound) {
          throw new ConfigurationError(
            `The Prompts database ${databaseId} (MARGIN_PROMPTS_DATABASE) is not shared with Margin's connection or does not exist. Open it in Notion, choose ••• → Connections, and add the connection.`,
            { cause: error },
          );
        }
        throw error;
      });
    const dataSources = "data_sources" in found ? found.data_sources : [];
    const pages: PageObjectResponse[] = [];
    for (const dataSource of dataSources) {
      for await (const page of iteratePaginatedAPI(
        (args: Parameters<Client["dataSources"]["query"]>[0]) =>
          this.session.request(() => this.session.client.dataSources.query(args)),
        { data_source_id: dataSource.id, page_size: 100 },
      )) {
        if (isFullPage(page as PageObjectResponse) && (page as PageObjectResponse).object === "page")
          pages.push(page as PageObjectResponse);
      }
    }
    return pages;
  }
}
