/**
 * One review job, as the worker runs it: keep the page's Review status current, run the review, log what
 * it did (counts, durations, tokens, cost), and when it cannot run, decide with the queue: try again later
 * (transient), or give up with one short comment on the page saying why (permanent, or out of attempts).
 * Unexpected failures are retried and end in the dead-letter queue.
 */
import { MarginError, NotionWriteError, ProviderError } from "../errors.ts";
import { estimateCostUsd } from "../llm/estimateCost.ts";
import type { NotionGateway, ReviewStatus } from "../notion/NotionGateway.ts";
import type { Log } from "../observability/Log.ts";
import type { ReviewJob } from "../queue/ReviewJob.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import { type ReviewDependencies, type ReviewResult, runReview } from "../review/runReview.ts";
import { type ClassifiedFailure, classifyFailure } from "./classifyFailure.ts";

export interface WorkerDependencies {
  review: ReviewDependencies;
  promptsDatabase: string;
  /** Deliveries of one message before Margin gives up (the queue's maxReceiveCount). */
  maxAttempts: number;
  log: Log;
  now?: () => Date;
}

/** Thrown for a transient failure with attempts left: the queue delivers the job again later. */
export class RetryLater extends MarginError {}

export type JobOutcome =
  | { kind: "reviewed"; result: ReviewResult }
  | { kind: "failed"; failure: ClassifiedFailure };

export async function runReviewJob(
  job: ReviewJob,
  attempt: number,
  deps: WorkerDependencies,
): Promise<JobOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = Date.now();
  const notion = deps.review.notion;
  const fields = {
    pageId: job.pageId,
    promptId: job.promptId,
    prompt: job.promptTitle,
    attempt,
    eventId: job.eventId,
  };
  deps.log.info("Review started", fields);
  await setStatus(notion, job.pageId, "Reviewing", deps.log);

  let result: ReviewResult;
  try {
    result = await runReview(
      {
        pageId: job.pageId,
        prompt: job.promptId,
        promptsDatabase: deps.promptsDatabase,
        overrides: job.overrides,
      },
      deps.review,
    );
  } catch (error) {
    return giveUpOrRetry(job, attempt, classifyFailure(error), error, deps);
  }
  const metrics = {
    ...fields,
    outcome: result.outcome.kind,
    durationMs: Date.now() - started,
    blocks: result.rendered.blocks.size,
    threads: result.document.threads.length,
    commentsPosted: result.publish?.published.filter((item) => item.item.kind === "comment").length ?? 0,
    repliesPosted: result.publish?.published.filter((item) => item.item.kind === "reply").length ?? 0,
    summaryPosted: result.publish?.published.some((item) => item.item.kind === "summary") ?? false,
    inSummary: result.plan?.inSummary.length ?? 0,
    refusedCalls: result.rejected.length,
    roundTrips: result.roundTrips,
    provider: result.settings.provider,
    model: result.settings.model,
    inputTokens: result.usage.inputTokens,
    cachedInputTokens: result.usage.cachedInputTokens,
    outputTokens: result.usage.outputTokens,
    costEstimateUsd: estimateCostUsd(result.settings.model, result.usage),
  };

  const outcome = result.outcome;
  if (outcome.kind === "reviewed" && !result.publish?.failed) {
    await setStatus(notion, job.pageId, "Reviewed", deps.log, now().toISOString().slice(0, 10));
    deps.log.info("Review posted", metrics);
    return { kind: "reviewed", result };
  }
  deps.log.warn("Review did not complete", metrics);
  if (outcome.kind === "reviewed" && result.publish?.failed) {
    const failure = result.publish.failed;
    if (result.publish.published.length === 0) {
      const error = new NotionWriteError(failure.error, failure.status);
      return giveUpOrRetry(job, attempt, classifyFailure(error), error, deps);
    }
    // Some of the review is on the page already: trying again would post it twice.
    const partial: ClassifiedFailure = {
      kind: "permanent",
      reason: `Notion failed part way through posting the review: ${result.publish.published.length} of ${result.publish.published.length + 1 + result.publish.notAttempted.length} comments were posted. Ask for a review again to get the rest.`,
    };
    return giveUpOrRetry(job, attempt, partial, undefined, deps);
  }
  if (outcome.kind === "provider_error") {
    const error = new ProviderError(outcome.message, outcome.retryable ? 503 : 400);
    return giveUpOrRetry(job, attempt, classifyFailure(error), error, deps);
  }
  return giveUpOrRetry(job, attempt, { kind: "permanent", reason: outcomeReason(result) }, undefined, deps);
}

async function giveUpOrRetry(
  job: ReviewJob,
  attempt: number,
  failure: ClassifiedFailure,
  error: unknown,
  deps: WorkerDependencies,
): Promise<JobOutcome> {
  const fields = {
    pageId: job.pageId,
    promptId: job.promptId,
    attempt,
    maxAttempts: deps.maxAttempts,
    failure: failure.kind,
    error: describe(error),
  };
  const lastAttempt = attempt >= deps.maxAttempts;
  if (failure.kind === "transient" && !lastAttempt) {
    deps.log.warn("Review failed; the queue will try again", fields);
    await setStatus(deps.review.notion, job.pageId, "Queued", deps.log);
    throw new RetryLater(
      `Transient failure on attempt ${attempt} of ${deps.maxAttempts}: ${describe(error)}`,
      { cause: error },
    );
  }
  if (failure.kind === "unexpected" && !lastAttempt) {
    deps.log.error("Review failed unexpectedly; the queue will try again", fields);
    throw error;
  }
  await explainOnPage(job, failure.reason, deps);
  await setStatus(deps.review.notion, job.pageId, "Failed", deps.log);
  deps.log.error("Review could not run", { ...fields, reason: failure.reason });
  // Unexpected failures end in the dead-letter queue, where an alarm waits for them.
  if (failure.kind === "unexpected") throw error;
  return { kind: "failed", failure };
}

/** One short page comment, as the reviewer, saying why the review could not run. */
async function explainOnPage(job: ReviewJob, reason: string, deps: WorkerDependencies): Promise<void> {
  try {
    await deps.review.notion.postComment(
      { kind: "page", pageId: job.pageId },
      `I could not review this page: ${reason}`,
      job.promptTitle,
    );
  } catch (error) {
    deps.log.error("Could not post the failure comment", { pageId: job.pageId, error: describe(error) });
  }
}

async function setStatus(
  notion: NotionGateway,
  pageId: string,
  status: ReviewStatus,
  log: Log,
  reviewedOn?: string,
): Promise<void> {
  try {
    await notion.setReviewStatus(pageId, status, reviewedOn);
  } catch (error) {
    // The status is a courtesy: failing to show it must not fail the review.
    log.warn("Could not update the page's Review status", { pageId, status, error: describe(error) });
  }
}

/** An error's class and message, for logs (Margin's messages carry no secrets or document text). */
function describe(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
