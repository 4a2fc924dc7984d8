/**
 * One review job, as the worker runs it: keep the page's Review status current, run the review, log what
 * it did (counts, durations, tokens, cost), and when it cannot run, decide with the queue: try again later
 * (transient), or give up with one short comment on the page saying why (permanent, or out of attempts).
 * Unexpected failures are retried and end in the dead-letter queue.
 *
 * The job's run is in the ledger: a job whose run is done does nothing, and one whose run was planned by an
 * earlier attempt publishes what is left of it without asking the model again.
 */
import { MarginError, NotionWriteError, ProviderError } from "../errors.ts";
import type { PromptDirectory } from "../library/PromptDirectory.ts";
import type { Log } from "../observability/Log.ts";
import { usageFields } from "../observability/usageFields.ts";
import { deduplicationIdOf, type ReviewJob } from "../queue/ReviewJob.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import type { RunRecord } from "../review/ports/Ledger.ts";
import { type PublishReport, publishRun } from "../review/publish/publishReview.ts";
import { type ReviewDependencies, type ReviewResult, runReview } from "../review/runReview.ts";
import { type ClassifiedFailure, classifyFailure } from "./classifyFailure.ts";
import type { ReviewStatus, ReviewStatusBoard } from "./ReviewStatusBoard.ts";

export interface WorkerDependencies {
  review: ReviewDependencies;
  /** The page's Review status, kept current while a job runs. */
  status: ReviewStatusBoard;
  promptsDatabase: string;
  /** Prompts by title, to tell which reviewer a comment is for. */
  prompts: PromptDirectory;
  /** Deliveries of one message before Margin gives up (the queue's maxReceiveCount). */
  maxAttempts: number;
  /** Replies a reviewer gives in one discussion in a day, at most. */
  maxRepliesPerThread: number;
  log: Log;
  now?: () => Date;
}

/** Thrown for a transient failure with attempts left: the queue delivers the job again later. */
export class RetryLater extends MarginError {}

export type JobOutcome =
  | { kind: "reviewed"; result?: ReviewResult; resumed?: boolean }
  | { kind: "skipped"; reason: string }
  | { kind: "failed"; failure: ClassifiedFailure };

export async function runReviewJob(
  job: ReviewJob,
  attempt: number,
  deps: WorkerDependencies,
): Promise<JobOutcome> {
  const runId = deduplicationIdOf(job);
  const fields = {
    pageId: job.pageId,
    promptId: job.promptId,
    prompt: job.promptTitle,
    attempt,
    eventId: job.eventId,
    runId,
  };
  const earlier = await deps.review.ledger?.run(runId);
  if (earlier?.status === "done") {
    deps.log.info("Review already done for this delivery", fields);
    return { kind: "skipped", reason: "This delivery's review was already posted." };
  }
  deps.log.info(earlier ? "Review resumed" : "Review started", fields);
  await setStatus(deps.status, job.pageId, "Reviewing", deps.log);
  if (earlier) return resume(job, attempt, earlier, deps, fields);

  const started = Date.now();
  let result: ReviewResult;
  try {
    result = await runReview(
      {
        pageId: job.pageId,
        prompt: job.promptId,
        promptsDatabase: deps.promptsDatabase,
        overrides: job.overrides,
        runId,
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
    referencePages: result.references.pages,
    referenceTokens: result.references.estimatedTokens,
    threads: result.document.threads.length,
    ...publishCounts(result.publish),
    inSummary: result.plan?.inSummary.length ?? 0,
    refusedCalls: result.rejected.length,
    roundTrips: result.roundTrips,
    provider: result.settings.provider,
    model: result.settings.model,
    ...usageFields(result.settings.model, result.usage),
  };
  logReferences(result, fields, deps.log);
  const outcome = result.outcome;
  if (outcome.kind === "reviewed" && !result.publish?.failed) {
    await markReviewed(job, deps);
    deps.log.info("Review posted", metrics);
    return { kind: "reviewed", result };
  }
  deps.log.warn("Review did not complete", metrics);
  if (outcome.kind === "reviewed" && result.publish?.failed)
    return publishFailed(job, attempt, result.publish, deps);
  if (outcome.kind === "provider_error") {
    const error = new ProviderError(outcome.message, outcome.retryable ? 503 : 400);
    return giveUpOrRetry(job, attempt, classifyFailure(error), error, deps);
  }
  if (outcome.kind === "refused") return declined(job, deps);
  return giveUpOrRetry(job, attempt, { kind: "permanent", reason: outcomeReason(result) }, undefined, deps);
}

/**
 * The model would not review the page (it refused, or answered in words instead of its tools): one short
 * comment says so. Its own words stay out of it; they are in the CLI's output, not on a person's page.
 */
async function declined(job: ReviewJob, deps: WorkerDependencies): Promise<JobOutcome> {
  await postAsReviewer(job, DECLINED, deps);
  await setStatus(deps.status, job.pageId, "Failed", deps.log);
  return {
    kind: "failed",
    failure: { kind: "permanent", reason: "The reviewer declined to review the page." },
  };
}

export const DECLINED =
  "I declined to review this page, so nothing else was posted. If that is unexpected, ask whoever maintains this reviewer to look at its instructions.";

/** Publishes what an earlier attempt planned and did not finish posting: no reading, no model. */
async function resume(
  job: ReviewJob,
  attempt: number,
  run: RunRecord,
  deps: WorkerDependencies,
  fields: Record<string, unknown>,
): Promise<JobOutcome> {
  let publish: PublishReport;
  try {
    publish = await publishRun(run, {
      comments: deps.review.comments,
      ledger: deps.review.ledger,
      pageId: job.pageId,
      promptId: job.promptId,
      reviewerName: job.promptTitle,
      now: deps.now,
    });
  } catch (error) {
    return giveUpOrRetry(job, attempt, classifyFailure(error), error, deps);
  }
  if (publish.failed) return publishFailed(job, attempt, publish, deps);
  await markReviewed(job, deps);
  deps.log.info("Review posted", {
    ...fields,
    resumed: true,
    ...publishCounts(publish),
    postedEarlier: publish.published.filter((item) => item.earlier).length,
  });
  return { kind: "reviewed", resumed: true };
}

/** Notion failed while posting: the queue tries again, and the retry posts only what is missing. */
function publishFailed(
  job: ReviewJob,
  attempt: number,
  publish: PublishReport,
  deps: WorkerDependencies,
): Promise<JobOutcome> {
  const failure = publish.failed!;
  const error = new NotionWriteError(failure.error, failure.status);
  const classified = classifyFailure(error);
  const posted = publish.published.length;
  const reason =
    classified.kind === "transient" && posted > 0
      ? `Notion kept failing while the review was being posted: ${posted} of ${posted + 1 + publish.notAttempted.length} comments are on the page. Ask for a review again later to get the rest.`
      : classified.reason;
  return giveUpOrRetry(job, attempt, { ...classified, reason }, error, deps);
}

async function markReviewed(job: ReviewJob, deps: WorkerDependencies): Promise<void> {
  const now = deps.now ?? (() => new Date());
  await setStatus(deps.status, job.pageId, "Reviewed", deps.log, now().toISOString().slice(0, 10));
}

function publishCounts(publish: PublishReport | undefined) {
  const published = publish?.published ?? [];
  return {
    commentsPosted: published.filter((item) => item.item.kind === "comment").length,
    repliesPosted: published.filter((item) => item.item.kind === "reply").length,
    summaryPosted: published.some((item) => item.item.kind === "summary"),
  };
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
    error: describeError(error),
  };
  const lastAttempt = attempt >= deps.maxAttempts;
  if (failure.kind === "transient" && !lastAttempt) {
    deps.log.warn("Review failed; the queue will try again", fields);
    await setStatus(deps.status, job.pageId, "Queued", deps.log);
    throw new RetryLater(
      `Transient failure on attempt ${attempt} of ${deps.maxAttempts}: ${describeError(error)}`,
      { cause: error },
    );
  }
  if (failure.kind === "unexpected" && !lastAttempt) {
    deps.log.error("Review failed unexpectedly; the queue will try again", fields);
    throw error;
  }
  await explainOnPage(job, failure.reason, deps);
  await setStatus(deps.status, job.pageId, "Failed", deps.log);
  deps.log.error("Review could not run", { ...fields, reason: failure.reason });
  // Unexpected failures end in the dead-letter queue, where an alarm waits for them.
  if (failure.kind === "unexpected") throw error;
  return { kind: "failed", failure };
}

/** One short page comment, as the reviewer, saying why the review could not run. */
function explainOnPage(job: ReviewJob, reason: string, deps: WorkerDependencies): Promise<void> {
  return postAsReviewer(job, `I could not review this page: ${reason}`, deps);
}

async function postAsReviewer(job: ReviewJob, text: string, deps: WorkerDependencies): Promise<void> {
  try {
    await deps.review.comments.postComment({ kind: "page", pageId: job.pageId }, text, job.promptTitle);
  } catch (error) {
    deps.log.error("Could not post the failure comment", { pageId: job.pageId, error: describeError(error) });
  }
}

async function setStatus(
  board: ReviewStatusBoard,
  pageId: string,
  status: ReviewStatus,
  log: Log,
  reviewedOn?: string,
): Promise<void> {
  try {
    await board.setReviewStatus(pageId, status, reviewedOn);
  } catch (error) {
    // The status is a courtesy: failing to show it must not fail the review.
    log.warn("Could not update the page's Review status", { pageId, status, error: describeError(error) });
  }
}

/** An error's class and message, for logs (Margin's messages carry no secrets or document text). */
export function describeError(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Reference pages the model did not get in full: the prompt's owner should know its knowledge is cut. */
function logReferences(result: ReviewResult, fields: Record<string, unknown>, log: Log): void {
  const { cut, unavailable } = result.references;
  if (cut.length === 0 && unavailable.length === 0) return;
  log.warn("Reference material incomplete", {
    ...fields,
    cutShort: cut
      .filter((page) => !page.whole)
      .map((page) => `${page.title} (${page.blocksLeftOut} blocks left out)`),
    leftOut: cut.filter((page) => page.whole).map((page) => page.title),
    unavailable,
    hint: "Raise MARGIN_REFERENCE_TOKENS, or link fewer or shorter reference pages.",
  });
}
