/**
 * The Notion client every entry point uses, built from configuration: the integration's token, another
 * server if `NOTION_BASE_URL` says so, and the process's share of the token's request budget
 * (`MARGIN_NOTION_REQUESTS_PER_MINUTE`), for the webhook, the worker, `serve` and the command line alike. A
 * worker's job adds its journal and deadline.
 */
import type { Client } from "@notionhq/client";
import type { MarginConfig } from "../config/config.ts";
import { requireSecret, type Secrets } from "../config/secrets.ts";
import { createNotionClient, type NotionClientOptions } from "../notion/createNotionClient.ts";
import { notionBudgetFor } from "./notionBudget.ts";

export type JobClientOptions = Pick<
  NotionClientOptions,
  "journal" | "deadline" | "onRateLimited" | "onRequest" | "overdraw" | "maxWaitMs"
>;

export async function notionClientFor(
  config: MarginConfig,
  secrets: Secrets,
  job: JobClientOptions = {},
): Promise<Client> {
  return createNotionClient({
    token: await requireSecret(secrets, "notionToken"),
    baseUrl: config.NOTION_BASE_URL,
    budget: notionBudgetFor(config),
    ...job,
  });
}
