/**
 * The Notion client every entry point uses, built from configuration: the integration's token, another
 * server if `NOTION_BASE_URL` says so, and the throttle `MARGIN_NOTION_RPS` sets (the webhook, the worker,
 * `serve` and the command line alike).
 */
import type { Client } from "@notionhq/client";
import type { MarginConfig } from "../config/config.ts";
import { requireSecret, type Secrets } from "../config/secrets.ts";
import { createNotionClient } from "../notion/createNotionClient.ts";

export async function notionClientFor(config: MarginConfig, secrets: Secrets): Promise<Client> {
  return createNotionClient({
    token: await requireSecret(secrets, "notionToken"),
    baseUrl: config.NOTION_BASE_URL,
    throttle: config.MARGIN_NOTION_RPS
      ? {
          requestsPerSecond: config.MARGIN_NOTION_RPS,
          burst: Math.max(3, Math.ceil(config.MARGIN_NOTION_RPS)),
        }
      : undefined,
  });
}
