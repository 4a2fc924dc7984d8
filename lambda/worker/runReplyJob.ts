/**
 * A comment someone wrote, as the worker answers it: find its discussion, work out which reviewer it is
 * for (the one that took part, from the ledger or the display names in the thread, else one it mentions by
 * name), and let that reviewer answer once, in reply mode. Loop guards: no answer to the integration's own
 * comments or any bot's, none where the last word is already the reviewer's, and at most a configured
 * number of replies per discussion per day.
 */

import { describeError } from "../observability/describeError.ts";
import { usageFields } from "../observability/usageFields.ts";
import type { ReplyJob } from "../queue/ReviewJob.ts";
import { deduplicationIdOf } from "../queue/ReviewJob.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import type { DocumentThread } from "../review/model/ReviewDocument.ts";
import type { PromptSummary } from "../review/ports/PromptSource.ts";
import { replyInThread } from "../review/replyInThread.ts";
import { resumeRun } from "../review/resumeRun.ts";
import { classifyFailure } from "./classifyFailure.ts";
import { type JobRun, recordJobFigures } from "./recordJobFigures.ts";
import { type JobOutcome, RetryLater, type WorkerDependencies } from "./WorkerDependencies.ts";

type LogFields = Record<string, unknown>;

export async function runReplyJob(
  job: ReplyJob,
  attempt: number,
  deps: WorkerDependencies,
): Promise<JobOutcome> {
  const runId = deduplicationIdOf(job);
  const fields = { pageId: job.pageId, commentId: job.commentId, attempt, eventId: job.eventId, runId };
  const run: JobRun = { started: Date.now() };
  let ended: JobOutcome;
  try {
    ended = await reply(job, runId, fields, deps, run).catch((error: unknown) =>
      replyFailed(error, attempt, fields, deps),
    );
  } catch (error) {
    recordJobFigures(
      { kind: "reply", outcome: error instanceof RetryLater ? "retried" : "error" },
      run,
      deps,
    );
    throw error;
  }
  const outcome = ended.kind === "reviewed" ? "replied" : ended.kind === "skipped" ? "skipped" : "failed";
  recordJobFigures({ kind: "reply", outcome }, run, deps);
  return ended;
}

async function reply(
  job: ReplyJob,
  runId: string,
  fields: LogFields,
  deps: WorkerDependencies,
  run: JobRun,
): Promise<JobOutcome> {
  const skip = (reason: string): JobOutcome => {
    deps.log.info("No reply", { ...fields, reason });
    return { kind: "skipped", reason };
  };
  // A retried job whose reply was planned posts that reply: the model is not asked again.
  const resumed = await resumeRun(
    runId,
    deps.review,
    async (promptId) => (await deps.prompts.resolve(promptId))?.title,
  );
  if (resumed?.kind === "done") return skip("This comment was already answered.");
  if (resumed) {
    run.publish = resumed.publish;
    if (resumed.publish.failed) throw resumed.publish.failed.error;
    deps.log.info("Reply posted", { ...fields, resumed: true });
    return { kind: "reviewed", resumed: true };
  }
  const addressed = await addressedReviewer(job, deps);
  if (typeof addressed === "string") return skip(addressed);
  run.reviewer = addressed.prompt.title;
  const result = await replyInThread(
    {
      pageId: job.pageId,
      prompt: addressed.prompt.id,
      promptsDatabase: deps.promptsDatabase,
      runId,
      discussionId: addressed.thread.discussionId,
    },
    deps.review,
  );
  run.result = result;
  const outcome = result.outcome;
  if (result.publish?.failed) throw result.publish.failed.error;
  if (outcome.kind === "replied") {
    deps.log.info("Reply posted", {
      ...fields,
      prompt: addressed.prompt.title,
      roundTrips: result.roundTrips,
      ...usageFields(result.settings.model, result.usage),
    });
    return { kind: "reviewed", result };
  }
  if (outcome.kind === "no_reply") return skip(outcome.reason);
  deps.log.error("Reply could not be given", {
    ...fields,
    outcome: outcome.kind,
    reason: outcomeReason(result),
  });
  return { kind: "failed", failure: { kind: "permanent", reason: outcome.kind } };
}

/** A failure worth another attempt goes back to the queue; any other is logged, and no comment posted. */
function replyFailed(
  error: unknown,
  attempt: number,
  fields: LogFields,
  deps: WorkerDependencies,
): JobOutcome {
  const failure = classifyFailure(error);
  if (failure.kind !== "permanent" && attempt < deps.maxAttempts) {
    deps.log.warn("Reply failed; the queue will try again", { ...fields, error: describeError(error) });
    throw failure.kind === "transient" ? new RetryLater(failure.reason, { cause: error }) : error;
  }
  // A reply that cannot be given is not worth a comment of its own: the logs say why.
  deps.log.error("Reply could not be given", {
    ...fields,
    failure: failure.kind,
    error: describeError(error),
  });
  if (failure.kind === "unexpected") throw error;
  return { kind: "failed", failure };
}

/**
 * The reviewer the comment is for and its discussion, or why no reviewer should answer: the comment is
 * gone, a bot wrote it, nobody is addressed, the last word is already the reviewer's, or the day's replies
 * in the discussion are used up.
 */
async function addressedReviewer(
  job: ReplyJob,
  deps: WorkerDependencies,
): Promise<{ prompt: PromptSummary; thread: DocumentThread } | string> {
  const [thread, bot] = await Promise.all([
    deps.review.pages.readDiscussion(job.anchorId, job.commentId),
    deps.review.pages.botUser(),
  ]);
  if (!thread) return "The comment is gone or its discussion was resolved.";
  const comment = thread.comments.find((entry) => entry.id === job.commentId)!;
  if (comment.authorId === bot.id || comment.byBot) return "The comment was written by a bot.";
  const prompt = await reviewerFor(job, thread, comment.text, bot.id, deps);
  if (!prompt) return "The comment is not addressed to a reviewer.";
  const last = thread.comments.at(-1)!;
  if (last.authorId === bot.id && last.authorName === prompt.title)
    return "The last word in the discussion is already the reviewer's.";
  const since = new Date((deps.now ?? (() => new Date()))().getTime() - 86_400_000).toISOString();
  const ledger = deps.review.ledger;
  if (ledger && (await ledger.countReplies(thread.discussionId, since)) >= deps.maxRepliesPerThread)
    return `The reviewer already replied ${deps.maxRepliesPerThread} times in this discussion today.`;
  return { prompt, thread };
}

/**
 * The reviewer a comment is for: the one whose comments are in the discussion (the ledger knows, and so do
 * the display names), else the first prompt the comment names ("@RFC Reviewer", or the name alone).
 */
async function reviewerFor(
  job: ReplyJob,
  thread: DocumentThread,
  text: string,
  botId: string,
  deps: WorkerDependencies,
): Promise<PromptSummary | undefined> {
  const memories = (await deps.review.ledger?.memoriesOf(job.pageId)) ?? [];
  const remembered = memories.find((memory) =>
    memory.comments.some((comment) => comment.posted.discussionId === thread.discussionId),
  );
  if (remembered) {
    const prompt = await deps.prompts.resolve(remembered.promptId);
    if (prompt) return prompt;
  }
  for (const comment of thread.comments) {
    if (comment.authorId !== botId) continue;
    const prompt = await deps.prompts.resolve(comment.authorName);
    if (prompt) return prompt;
  }
  const lower = text.toLowerCase();
  const titles = await deps.prompts.titles();
  const named =
    titles.find((title) => lower.includes(`@${title.toLowerCase()}`)) ??
    titles.find((title) => lower.includes(title.toLowerCase()));
  return named ? deps.prompts.resolve(named) : undefined;
}
