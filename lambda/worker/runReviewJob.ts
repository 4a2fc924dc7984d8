/**
 * One review job, as the worker runs it: keep the page's Review status current, run the review, log what
 * it did (counts, durations, tokens, cost), and when it cannot run, decide with the queue: try again later
 * (transient), or give up with one short comment on the page saying why (permanent, or out of attempts).
 * Unexpected failures are retried and end in the dead-letter queue. However it ends, its figures are
 * recorded (`recordJobFigures`).
 *
 * The job's run is in the ledger: the core resumes it (a run that is done does nothing; one an earlier
 * attempt planned is published from its plan, without asking the model again).
 */

import { ReadingPaused } from "../errors.ts";
import { describeError } from "../observability/describeError.ts";
import type { Log } from "../observability/Log.ts";
import type { ReviewMetricOutcome } from "../observability/metricNames.ts";
import { usageFields } from "../observability/usageFields.ts";
import { deduplicationIdOf, MAX_CONTINUATIONS, type ReviewJob, sameReviewKeyOf } from "../queue/ReviewJob.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import type { PublishReport } from "../review/publish/publishRun.ts";
import type { ReviewResult } from "../review/ReviewResult.ts";
import { resumeRun } from "../review/resumeRun.ts";
import { reviewPage } from "../review/reviewPage.ts";
import { type ClassifiedFailure, classifyFailure } from "./classifyFailure.ts";
import type { ReviewStatus, ReviewStatusBoard } from "./ReviewStatusBoard.ts";
import { type JobRun, recordJobFigures } from "./recordJobFigures.ts";
import {
  type JobOutcome,
  type ReadingAcrossInvocations,
  RetryLater,
  type WorkerDependencies,
} from "./WorkerDependencies.ts";

export async function runReviewJob(
  job: ReviewJob,
  attempt: number,
  deps: WorkerDependencies,
): Promise<JobOutcome> {
  const run: JobRun = { started: Date.now(), reviewer: job.promptTitle };
  try {
    const ended = await reviewJob(job, attempt, deps, run);
    recordJobFigures({ kind: "review", outcome: metricOutcomeOf(ended, run) }, run, deps);
    return ended;
  } catch (error) {
    const outcome = error instanceof RetryLater ? "retried" : "error";
    recordJobFigures({ kind: "review", outcome }, run, deps);
    throw error;
  }
}

/** The job's outcome as the metrics name it: where the model ended the review unposted, the model's reason. */
function metricOutcomeOf(ended: JobOutcome, run: JobRun): ReviewMetricOutcome {
  if (ended.kind !== "failed") return ended.kind;
  const kind = run.result?.outcome.kind;
  switch (kind) {
    case "refused":
    case "truncated":
    case "turn_limit":
    case "too_large":
      return kind;
    default:
      return "failed";
  }
}

async function reviewJob(
  job: ReviewJob,
  attempt: number,
  deps: WorkerDependencies,
  run: JobRun,
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
  let resumed: Awaited<ReturnType<typeof resumeRun>>;
  let result: ReviewResult | undefined;
  try {
    // From here the page is read afresh: a delivery that comes now queues a review of its own, while one
    // that came before this started has joined this review. Given back first, so no failure keeps it.
    await deps.review.ledger?.releaseDelivery(sameReviewKeyOf(job));
    await restoreReading(job, runId, deps, fields);
    resumed = await resumeRun(runId, deps.review, job.promptTitle);
    if (resumed?.kind === "done") {
      deps.log.info("Review already done for this delivery", fields);
      return { kind: "skipped", reason: "This delivery's review was already posted." };
    }
    deps.log.info(resumed ? "Review resumed" : "Review started", fields);
    await setStatus(deps.status, job.pageId, "Reviewing", deps.log);
    if (!resumed) {
      result = await reviewPage(
        {
          pageId: job.pageId,
          prompt: job.promptId,
          promptsDatabase: deps.promptsDatabase,
          overrides: job.overrides,
          runId,
        },
        deps.review,
      );
      run.result = result;
    }
  } catch (error) {
    if (error instanceof ReadingPaused && deps.reading)
      return continueLater(job, attempt, deps.reading, deps, fields);
    return giveUpOrRetry(job, attempt, classifyFailure(error), error, deps);
  }
  if (deps.reading) await dropReading(runId, deps);
  if (resumed) {
    run.publish = resumed.publish;
    return finishResumed(job, attempt, resumed.publish, deps, fields);
  }
  return finishReview(job, attempt, result!, Date.now() - run.started, deps, fields);
}

/**
 * A continuation takes in what the review's earlier invocations read; so does a redelivery of a job whose
 * continuation could not be queued after its reads were saved.
 */
async function restoreReading(
  job: ReviewJob,
  runId: string,
  deps: WorkerDependencies,
  fields: Record<string, unknown>,
): Promise<void> {
  if (!deps.reading) return;
  const saved = await deps.reading.checkpoints.checkpoint(runId);
  if (saved === undefined && !job.continuation) return;
  const kept = saved !== undefined && deps.reading.journal.load(saved);
  deps.log.info(kept ? "Review continues where reading paused" : "Review continues, reading afresh", {
    ...fields,
    continuation: job.continuation,
    readsKept: deps.reading.journal.size,
  });
}

/**
 * Reading paused to leave the invocation time for the model and posting: what was read is kept under the
 * run's id and the review goes on in a job put back on the queue (a continuation, counted, with attempts of
 * its own). The continuation is queued before this job ends, and the page's jobs run in order, so nothing
 * else of the page runs between them.
 */
async function continueLater(
  job: ReviewJob,
  attempt: number,
  reading: ReadingAcrossInvocations,
  deps: WorkerDependencies,
  fields: Record<string, unknown>,
): Promise<JobOutcome> {
  // Answers already on their way are worth keeping.
  await reading.journal.idle();
  const continuation = (job.continuation ?? 0) + 1;
  if (continuation > MAX_CONTINUATIONS) {
    const reason = `the page is too large to read in ${MAX_CONTINUATIONS + 1} runs of the worker. Ask whoever runs Margin to raise the worker's timeout or Notion request budget.`;
    return giveUpOrRetry(job, attempt, { kind: "permanent", reason }, undefined, deps);
  }
  if (reading.journal.recorded === 0) {
    // Nothing read in this invocation: continuing would only go round again. Left to the queue's next attempt.
    return giveUpOrRetry(
      job,
      attempt,
      { kind: "transient", reason: "the worker ran out of time before reading anything." },
      undefined,
      deps,
    );
  }
  if (!reading.journal.usable) {
    // Comments were posted while reading (an earlier run completed): start again rather than trust old reads.
    return giveUpOrRetry(
      job,
      attempt,
      { kind: "transient", reason: "the invocation ran out of time." },
      undefined,
      deps,
    );
  }
  await reading.checkpoints.saveCheckpoint(deduplicationIdOf(job), reading.journal.save());
  await reading.queue.send([{ ...job, continuation }]);
  deps.log.info("Reading paused before the invocation's end; the review continues in a new one", {
    ...fields,
    continuation,
    readsKept: reading.journal.size,
    readsThisInvocation: reading.journal.recorded,
    readsAnsweredFromCheckpoint: reading.journal.replayed,
  });
  return { kind: "continued", continuation };
}

async function dropReading(runId: string, deps: WorkerDependencies): Promise<void> {
  try {
    await deps.reading?.checkpoints.dropCheckpoint(runId);
  } catch (error) {
    // It expires on its own; a failure to tidy up must not fail the review.
    deps.log.warn("Could not delete a reading checkpoint", { runId, error: describeError(error) });
  }
}

/** What the review came to: posted, partly posted (the queue tries again), or not posted and why. */
async function finishReview(
  job: ReviewJob,
  attempt: number,
  result: ReviewResult,
  durationMs: number,
  deps: WorkerDependencies,
  fields: Record<string, unknown>,
): Promise<JobOutcome> {
  const metrics = {
    ...fields,
    outcome: result.outcome.kind,
    durationMs,
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
  if (result.fates) {
    // What people did with the reviewer's earlier comments here: the metric behind `margin stats`.
    deps.log.info("Comment fates observed", {
      ...fields,
      ...result.fates.counts,
      fatesChanged: result.fates.changed,
    });
  }
  if (result.earlierRun) {
    deps.log.info("Completed this reviewer's earlier, partly posted run on the page first", {
      ...fields,
      earlierRunId: result.earlierRun.runId,
      posted: result.earlierRun.posted,
      notPosted: result.earlierRun.notPosted,
    });
  }
  const outcome = result.outcome;
  if (outcome.kind === "reviewed" && !result.publish?.failed) {
    await markReviewed(job, deps);
    deps.log.info("Review posted", metrics);
    return { kind: "reviewed", result };
  }
  deps.log.warn("Review did not complete", metrics);
  if (result.publish?.failed) return publishFailed(job, attempt, result.publish, deps);
  if (outcome.kind === "refused") return declined(job, deps);
  return giveUpOrRetry(job, attempt, { kind: "permanent", reason: outcomeReason(result) }, undefined, deps);
}

async function finishResumed(
  job: ReviewJob,
  attempt: number,
  publish: PublishReport,
  deps: WorkerDependencies,
  fields: Record<string, unknown>,
): Promise<JobOutcome> {
  if (publish.failed) return publishFailed(job, attempt, publish, deps);
  await markReviewed(job, deps);
  deps.log.info("Review posted", {
    ...fields,
    resumed: true,
    ...publishCounts(publish),
    postedEarlier: publish.posted.filter((comment) => comment.earlier).length,
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
  const { error } = publish.failed!;
  const classified = classifyFailure(error);
  const posted = publish.posted.length;
  const planned = posted + 1 + publish.notAttempted.length;
  // An honest account: what is on the page, and whether the rest will still come.
  const reason =
    posted === 0
      ? classified.reason
      : classified.kind === "transient"
        ? `Notion kept failing while the review was being posted: ${posted} of ${planned} comments are on the page. The rest will be posted when this page is next reviewed.`
        : `${posted} of ${planned} comments are on the page; Notion would not take the rest. ${classified.reason}`;
  return giveUpOrRetry(job, attempt, { ...classified, reason }, error, deps);
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

async function markReviewed(job: ReviewJob, deps: WorkerDependencies): Promise<void> {
  const now = deps.now ?? (() => new Date());
  await setStatus(deps.status, job.pageId, "Reviewed", deps.log, now().toISOString().slice(0, 10));
}

function publishCounts(publish: PublishReport | undefined) {
  const posted = publish?.posted ?? [];
  return {
    commentsPosted: posted.filter((comment) => comment.kind === "comment").length,
    repliesPosted: posted.filter((comment) => comment.kind === "reply").length,
    summaryPosted: posted.some((comment) => comment.kind === "summary"),
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
    // The reviewer's comments the ledger remembers are never taken for this one after an unknown outcome.
    const known = async () =>
      new Set(
        ((await deps.review.ledger?.memory(job.pageId, job.promptId))?.comments ?? []).flatMap(
          (comment) => comment.posted.commentIds,
        ),
      );
    await deps.review.comments.postComment(
      { kind: "page", pageId: job.pageId },
      text,
      job.promptTitle,
      known,
    );
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
