/**
 * Margin's job metrics as log lines, for `margin serve`: one line per job with the figures the Lambda worker
 * publishes to CloudWatch (outcome, reviewer, comments, replies, tokens, cost, Notion requests and 429s,
 * durations), so a local run shows what a review did and cost.
 */
import type { Log } from "./Log.ts";
import type { JobMetrics } from "./Metrics.ts";

export function logMetrics(log: Log): JobMetrics {
  return {
    recordJob(figures) {
      log.info(figures.kind === "review" ? "Review figures" : "Reply figures", {
        outcome: figures.outcome,
        reviewer: figures.reviewer,
        commentsPosted: figures.commentsPosted,
        repliesPosted: figures.repliesPosted,
        uncachedInputTokens: figures.usage.uncachedInputTokens,
        cacheReadTokens: figures.usage.cacheReadTokens,
        cacheWriteTokens: figures.usage.cacheWriteTokens,
        outputTokens: figures.usage.outputTokens,
        estimatedCostUsd: figures.estimatedCostUsd,
        notionRequests: figures.notionRequests,
        notionRateLimited: figures.notionRateLimited,
        readMs: figures.readMs,
        durationMs: figures.durationMs,
      });
    },
  };
}
