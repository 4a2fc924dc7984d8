/**
 * A reviewer's earlier run on a page that was planned and only partly posted (the process died, or Notion
 * kept failing until the queue gave up) is completed from its plan, without asking the model again, before
 * the same reviewer reviews the page anew: otherwise the new review would not know what the earlier one
 * meant to say, and would say it twice.
 */
import type { PageMemory } from "./model/RunRecord.ts";
import type { Ledger } from "./ports/Ledger.ts";
import type { ReviewDependencies } from "./ReviewDependencies.ts";
import { resumeRun } from "./resumeRun.ts";

/** What completing an earlier run came to. */
export interface EarlierRun {
  runId: string;
  /** Comments it posted now (those it had posted before are not counted). */
  posted: number;
  /** Comments Notion would not take: the run is closed without them. */
  notPosted: number;
}

/**
 * Completes the run the memory marks unfinished; undefined when there was none to complete. A failure worth
 * retrying (Notion busy or down) is thrown, so the new review waits for it rather than repeating it.
 */
export async function completeEarlierRun(
  memory: PageMemory,
  reviewerName: string,
  deps: Pick<ReviewDependencies, "comments" | "now"> & { ledger: Ledger },
): Promise<EarlierRun | undefined> {
  const runId = memory.unfinishedRunId;
  if (!runId) return undefined;
  const resumed = await resumeRun(runId, deps, reviewerName);
  if (resumed?.kind !== "resumed") {
    // The mark outlived its run (the record expired, or the run was closed just before): clear it.
    await deps.ledger.saveReview(memory.pageId, memory.promptId, {
      lastReviewedAt: memory.lastReviewedAt ?? (deps.now ?? (() => new Date()))().toISOString(),
      blocks: memory.blocks,
    });
    return undefined;
  }
  const { publish } = resumed;
  if (publish.failed?.error.transient) throw publish.failed.error;
  return {
    runId,
    posted: publish.posted.filter((comment) => !comment.earlier).length,
    notPosted: publish.failed ? 1 + publish.notAttempted.length : 0,
  };
}
