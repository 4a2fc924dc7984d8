/**
 * Wires the worker from configuration, for the Lambda worker and `margin serve` alike: the ledger and the
 * prompt list live as long as the process, while each job gets its own Notion adapters (whose caches of
 * names, titles and pages belong to one review).
 */

import { ledgerFor, type MarginConfig, requireSetting } from "../config/config.ts";
import type { Secrets } from "../config/secrets.ts";
import { PromptDirectory } from "../library/PromptDirectory.ts";
import { NotionPromptList } from "../notion/NotionPromptList.ts";
import { NotionSession } from "../notion/NotionSession.ts";
import type { Log } from "../observability/Log.ts";
import type { WorkerDependencies } from "../worker/WorkerDependencies.ts";
import { buildReviewDependencies } from "./buildReviewDependencies.ts";
import { notionClientFor } from "./notionClientFor.ts";

/** Returns a function that gives the dependencies of one job. */
export async function buildWorkerDependencies(
  config: MarginConfig,
  secrets: Secrets,
  log: Log,
  cwd: string,
): Promise<() => Promise<WorkerDependencies>> {
  const promptsDatabase = requireSetting(config, "MARGIN_PROMPTS_DATABASE");
  const ledger = ledgerFor(config, cwd);
  const prompts = new PromptDirectory(
    new NotionPromptList(new NotionSession(await notionClientFor(config, secrets))),
    promptsDatabase,
  );
  return async () => {
    const review = await buildReviewDependencies(config, secrets, { ledger });
    return {
      review,
      status: review.notion.status,
      promptsDatabase,
      prompts,
      maxAttempts: config.MARGIN_MAX_ATTEMPTS,
      maxRepliesPerThread: config.MARGIN_MAX_REPLIES_PER_THREAD,
      log,
    };
  };
}
