/**
 * Wires the webhook from configuration, for the Lambda function and `margin serve` alike: its secrets, the
 * prompt directory (a lean read of the Prompts database: the webhook never reads a prompt's body), the
 * ledger that remembers deliveries, and the settings of a delivery. The queue is the caller's: SQS in AWS,
 * in memory for `serve`.
 */

import { ledgerFor, type MarginConfig, requireSetting, verificationCandidatesFor } from "../config/config.ts";
import type { Secrets } from "../config/secrets.ts";
import { PromptDirectory } from "../library/PromptDirectory.ts";
import { NotionPromptList } from "../notion/NotionPromptList.ts";
import { NotionSession } from "../notion/NotionSession.ts";
import type { ReviewQueue } from "../queue/ReviewQueue.ts";
import type { WebhookDependencies } from "../webhook/handleWebhookRequest.ts";
import { notionClientFor } from "./notionClientFor.ts";

/** The longest the webhook waits for a permit before it sends its request anyway. */
const WEBHOOK_BUDGET_WAIT_MS = 2_000;

export async function buildWebhookDependencies(
  config: MarginConfig,
  secrets: Secrets,
  queue: ReviewQueue,
  cwd: string,
): Promise<Omit<WebhookDependencies, "log" | "correlationId">> {
  // Notion's automation waits for the answer: the webhook waits a moment for the budget, then goes ahead.
  const session = new NotionSession(
    await notionClientFor(config, secrets, { maxWaitMs: WEBHOOK_BUDGET_WAIT_MS, overdraw: true }),
  );
  return {
    secrets,
    candidates: verificationCandidatesFor(config, cwd),
    queue,
    prompts: new PromptDirectory(
      new NotionPromptList(session),
      requireSetting(config, "MARGIN_PROMPTS_DATABASE"),
    ),
    reviewersProperty: config.MARGIN_REVIEWERS_PROPERTY,
    defaultPrompt: config.MARGIN_DEFAULT_PROMPT,
    ledger: ledgerFor(config, cwd),
    maxEventAgeMinutes: config.MARGIN_MAX_EVENT_AGE_MINUTES,
  };
}
