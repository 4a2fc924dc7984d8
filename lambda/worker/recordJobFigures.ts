/**
 * A job's figures, recorded as it ends: what it came to, what it posted (not what an earlier attempt
 * posted), the model's tokens and their estimated cost, Notion's requests and 429s from the job's tally,
 * and how long reading and the whole job took.
 */
import { estimateCostUsd } from "../llm/estimateCost.ts";
import { describeError } from "../observability/describeError.ts";
import type { JobEnding } from "../observability/Metrics.ts";
import { NO_USAGE } from "../review/ports/LlmProvider.ts";
import type { PublishReport } from "../review/publish/publishRun.ts";
import type { ReviewResult } from "../review/ReviewResult.ts";
import type { WorkerDependencies } from "./WorkerDependencies.ts";

/** What a job saw of its run, filled in as it goes. */
export interface JobRun {
  /** When the job started (epoch ms). */
  started: number;
  reviewer?: string;
  result?: Pick<ReviewResult, "outcome" | "usage" | "settings" | "publish">;
  /** What was posted of a run resumed from its plan, which has no result. */
  publish?: PublishReport;
}

export function recordJobFigures(
  ending: JobEnding,
  run: JobRun,
  deps: Pick<WorkerDependencies, "metrics" | "tally" | "log">,
): void {
  const posted = (run.publish ?? run.result?.publish)?.posted.filter((comment) => !comment.earlier) ?? [];
  const usage = run.result?.usage ?? NO_USAGE;
  const { tally } = deps;
  try {
    deps.metrics.recordJob({
      ...ending,
      reviewer: run.reviewer,
      commentsPosted: posted.filter((comment) => comment.kind === "comment").length,
      repliesPosted: posted.filter((comment) => comment.kind === "reply").length,
      usage,
      estimatedCostUsd: run.result ? estimateCostUsd(run.result.settings.model, usage) : undefined,
      notionRequests: tally.notionRequests,
      notionRateLimited: tally.notionRateLimited,
      readMs: tally.documentReadAt === undefined ? undefined : tally.documentReadAt - run.started,
      durationMs: Date.now() - run.started,
    });
  } catch (error) {
    // The figures are for the operator: failing to record them must not fail the job.
    deps.log.warn("Could not record the job's figures", { ...ending, error: describeError(error) });
  }
}
