/**
 * Wires the worker from configuration, for the Lambda worker and `margin serve` alike: the ledger, the
 * prompt list and the metrics live as long as the process, while each job gets its own Notion adapters
 * (whose caches of names, titles and pages belong to one review), its own tally of Notion's answers for its
 * figures, and, given the invocation's end and a queue to continue on, its own reading journal and deadline.
 */

import { ledgerFor, type MarginConfig, requireSetting } from "../config/config.ts";
import type { Secrets } from "../config/secrets.ts";
import { PromptDirectory } from "../library/PromptDirectory.ts";
import { NotionPromptList } from "../notion/NotionPromptList.ts";
import { NotionSession } from "../notion/NotionSession.ts";
import { ReadJournal } from "../notion/ReadJournal.ts";
import { WorkDeadline } from "../notion/WorkDeadline.ts";
import type { Log } from "../observability/Log.ts";
import { type JobMetrics, NO_METRICS } from "../observability/Metrics.ts";
import type { ReviewQueue } from "../queue/ReviewQueue.ts";
import type { ProgressEvent } from "../review/ReviewDependencies.ts";
import { JobTally } from "../worker/JobTally.ts";
import type { ReadingAcrossInvocations, WorkerDependencies } from "../worker/WorkerDependencies.ts";
import { buildReviewDependencies } from "./buildReviewDependencies.ts";
import { notionClientFor } from "./notionClientFor.ts";

/** One invocation of the worker: when it must be done by. */
export interface Invocation {
  /** No Notion request starts after this (epoch ms). */
  endsAt: number;
  /** The invocation's whole length, of which reading may take all but the reserve. */
  timeoutMs: number;
}

/**
 * Time kept from reading for the model and for posting: a third of the invocation, at most five minutes
 * (a slow reasoning model on a large page, then a few dozen comments at Notion's pace).
 */
export function readingReserveMs(timeoutMs: number): number {
  return Math.min(timeoutMs * 0.3, 5 * 60 * 1000);
}

/** Returns a function that gives the dependencies of one job. */
export async function buildWorkerDependencies(
  config: MarginConfig,
  secrets: Secrets,
  log: Log,
  cwd: string,
  queue?: ReviewQueue,
  metrics: JobMetrics = NO_METRICS,
): Promise<(invocation?: Invocation) => Promise<WorkerDependencies>> {
  const promptsDatabase = requireSetting(config, "MARGIN_PROMPTS_DATABASE");
  const ledger = ledgerFor(config, cwd);
  const prompts = new PromptDirectory(
    new NotionPromptList(new NotionSession(await notionClientFor(config, secrets))),
    promptsDatabase,
  );
  return async (invocation) => {
    const journal = invocation && queue ? new ReadJournal() : undefined;
    const deadline =
      journal && invocation
        ? WorkDeadline.forInvocation(invocation.endsAt, readingReserveMs(invocation.timeoutMs))
        : undefined;
    const reading: ReadingAcrossInvocations | undefined =
      journal && queue ? { journal, checkpoints: ledger, queue } : undefined;
    const tally = new JobTally();
    const review = await buildReviewDependencies(
      config,
      secrets,
      { ledger, onProgress: progressOf(log, deadline, tally) },
      {
        journal,
        deadline,
        onRateLimited: (event) => log.warn("Notion asked Margin to wait", { ...event }),
        onRequest: (event) => tally.noteRequest(event),
      },
    );
    return {
      review,
      status: review.notion.status,
      promptsDatabase,
      prompts,
      maxAttempts: config.MARGIN_MAX_ATTEMPTS,
      maxRepliesPerThread: config.MARGIN_MAX_REPLIES_PER_THREAD,
      log,
      metrics,
      tally,
      reading,
    };
  };
}

/**
 * Once the page is read, only the invocation's end bounds the job's requests (and the job's tally notes
 * when); what was written to a reviewer's Learnings page is logged, and a failure to write there is a warning.
 */
function progressOf(
  log: Log,
  deadline: WorkDeadline | undefined,
  tally: JobTally,
): (event: ProgressEvent) => void {
  return (event) => {
    if (event.kind === "document_read") {
      deadline?.readingDone();
      tally.noteDocumentRead();
    }
    if (event.kind === "learnings_written")
      log.info("Wrote dismissed points to the reviewer's Learnings page", { ...event });
    if (event.kind === "learnings_not_written")
      log.warn("Could not write dismissed points to the reviewer's Learnings page", { ...event });
  };
}
