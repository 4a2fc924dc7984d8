/**
 * A comment someone wrote, as the worker answers it: find its discussion, work out which reviewer it is
 * for (the one that took part, from the ledger or the display names in the thread, else one it mentions by
 * name), and let that reviewer answer once, in reply mode. Loop guards: no answer to the integration's own
 * comments or any bot's, none where the last word is already the reviewer's, and at most a configured
 * number of replies per discussion per day.
 */

import { usageFields } from "../observability/usageFields.ts";
import type { ReplyJob } from "../queue/ReviewJob.ts";
import { deduplicationIdOf } from "../queue/ReviewJob.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import type { DocumentThread } from "../review/model/ReviewDocument.ts";
import type { PromptSummary } from "../review/ports/PromptSource.ts";
import { runReview } from "../review/runReview.ts";
import { classifyFailure } from "./classifyFailure.ts";
import { describeError, type JobOutcome, RetryLater, type WorkerDependencies } from "./runReviewJob.ts";

export async function runReplyJob(
  job: ReplyJob,
  attempt: number,
  deps: WorkerDependencies,
): Promise<JobOutcome> {
  const runId = deduplicationIdOf(job);
  const fields = { pageId: job.pageId, commentId: job.commentId, attempt, eventId: job.eventId, runId };
  const skip = (reason: string): JobOutcome => {
    deps.log.info("No reply", { ...fields, reason });
    return { kind: "skipped", reason };
  };
  const ledger = deps.review.ledger;
  if ((await ledger?.run(runId))?.status === "done") return skip("This comment was already answered.");
  try {
    const [thread, bot] = await Promise.all([
      deps.review.pages.readDiscussion(job.anchorId, job.commentId),
      deps.review.pages.botUser(),
    ]);
    if (!thread) return skip("The comment is gone or its discussion was resolved.");
    const comment = thread.comments.find((entry) => entry.id === job.commentId)!;
    if (comment.authorId === bot.id || comment.byBot) return skip("The comment was written by a bot.");
    const prompt = await reviewerFor(job, thread, comment.text, bot.id, deps);
    if (!prompt) return skip("The comment is not addressed to a reviewer.");
    const last = thread.comments.at(-1)!;
    if (last.authorId === bot.id && last.authorName === prompt.title)
      return skip("The last word in the discussion is already the reviewer's.");
    const since = new Date((deps.now ?? (() => new Date()))().getTime() - 86_400_000).toISOString();
    if (ledger && (await ledger.countReplies(thread.discussionId, since)) >= deps.maxRepliesPerThread) {
      return skip(`The reviewer already replied ${deps.maxRepliesPerThread} times in this discussion today.`);
    }
    const result = await runReview(
      {
        pageId: job.pageId,
        prompt: prompt.id,
        promptsDatabase: deps.promptsDatabase,
        runId,
        replyTo: { discussionId: thread.discussionId },
      },
      deps.review,
    );
    const outcome = result.outcome;
    if (outcome.kind === "replied" && !result.publish?.failed) {
      deps.log.info("Reply posted", {
        ...fields,
        prompt: prompt.title,
        roundTrips: result.roundTrips,
        ...usageFields(result.settings.model, result.usage),
      });
      return { kind: "reviewed", result };
    }
    if (outcome.kind === "no_reply") return skip(outcome.reason);
    const retryable =
      (outcome.kind === "provider_error" && outcome.retryable) ||
      (outcome.kind === "replied" && result.publish?.failed !== undefined);
    if (retryable && attempt < deps.maxAttempts)
      throw new RetryLater(`The reply failed on attempt ${attempt}; the queue will try again.`);
    deps.log.error("Reply could not be given", {
      ...fields,
      outcome: outcome.kind,
      reason: outcomeReason(result),
    });
    return { kind: "failed", failure: { kind: "permanent", reason: outcome.kind } };
  } catch (error) {
    if (error instanceof RetryLater) throw error;
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
    memory.comments.some((comment) => comment.discussionId === thread.discussionId),
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
