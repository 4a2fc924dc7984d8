/**
 * Wires the worker from configuration, for the Lambda worker and `margin serve` alike: the ledger and the
 * prompt list live as long as the process, while each job gets its own Notion gateway (whose caches of
 * names and titles belong to one review).
 */

import { PromptDirectory } from "../library/PromptDirectory.ts";
import type { Log } from "../observability/Log.ts";
import type { WorkerDependencies } from "../worker/runReviewJob.ts";
import { buildReviewDependencies, connectNotion } from "./buildReviewDependencies.ts";
import { ledgerFor, type MarginConfig, requireSetting } from "./config.ts";
import type { Secrets } from "./secrets.ts";

/** Returns a function that gives the dependencies of one job. */
export async function buildWorkerDependencies(
  config: MarginConfig,
  secrets: Secrets,
  log: Log,
  cwd: string,
): Promise<() => Promise<WorkerDependencies>> {
  const promptsDatabase = requireSetting(config, "MARGIN_PROMPTS_DATABASE");
  const ledger = ledgerFor(config, cwd);
  const { gateway: notion } = await connectNotion(config, secrets);
  const prompts = new PromptDirectory(notion, promptsDatabase);
  return async () => ({
    review: await buildReviewDependencies(config, secrets, { ledger }),
    promptsDatabase,
    prompts,
    maxAttempts: config.MARGIN_MAX_ATTEMPTS,
    maxRepliesPerThread: config.MARGIN_MAX_REPLIES_PER_THREAD,
    log,
  });
}
