/**
 * The worker's figures as Powertools Metrics publishes them: what CloudWatch takes as a dimension, and what
 * a job without a known reviewer counts in.
 */
import { describe, expect, it } from "vitest";
import type { JobFigures } from "../../lambda/observability/Metrics.ts";
import { powertoolsJobMetrics } from "../../lambda/observability/powertoolsMetrics.ts";
import { embeddedMetrics, printed } from "../support/printedLines.ts";

const figures: JobFigures = {
  kind: "reply",
  outcome: "replied",
  commentsPosted: 0,
  repliesPosted: 1,
  usage: { uncachedInputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 40 },
  notionRequests: 4,
  notionRateLimited: 0,
  durationMs: 900,
};

describe("the worker's metrics", () => {
  it("name a reviewer in the ASCII CloudWatch takes as a dimension value: accents dropped, emoji left out", async () => {
    const metrics = powertoolsJobMetrics("margin-worker", {});

    const lines = await printed(async () =>
      metrics.recordJob({ ...figures, reviewer: "📝 Revue détaillée" }),
    );

    const [counted, spent, byReviewer] = embeddedMetrics(lines);
    expect(counted).toMatchObject({ reviewer: "Revue detaillee", outcome: "replied", ReplyJobs: 1 });
    expect(spent).toMatchObject({ RepliesPosted: 1, OutputTokens: 40, ReplyDuration: 900 });
    expect(spent).not.toHaveProperty("ReviewDuration");
    expect(spent).not.toHaveProperty("ReadDuration");
    expect(byReviewer).toMatchObject({ reviewer: "Revue detaillee", RepliesPosted: 1 });
  });

  it("count a job whose reviewer is not known in the totals alone", async () => {
    const metrics = powertoolsJobMetrics("margin-worker", {});

    const lines = await printed(async () => metrics.recordJob({ ...figures, outcome: "skipped" }));

    expect(embeddedMetrics(lines).map((record) => record._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual([
      [["service", "outcome"]],
      [["service"]],
    ]);
  });

  it("count a review once by reviewer, where it ended, not its continuations or retries", async () => {
    const metrics = powertoolsJobMetrics("margin-worker", {});
    const review = { ...figures, kind: "review", reviewer: "RFC Reviewer" } as const;

    const lines = await printed(async () => {
      metrics.recordJob({ ...review, outcome: "continued" });
      metrics.recordJob({ ...review, outcome: "retried" });
      metrics.recordJob({ ...review, outcome: "reviewed" });
    });

    const counted = embeddedMetrics(lines).filter((record) => "Reviews" in record);
    expect(counted.map((record) => [record.outcome, record.reviewer])).toEqual([
      ["continued", undefined],
      ["retried", undefined],
      ["reviewed", "RFC Reviewer"],
    ]);
  });

  it("print nothing when the function's environment switches them off", async () => {
    const metrics = powertoolsJobMetrics("margin-worker", { POWERTOOLS_METRICS_DISABLED: "true" });

    const lines = await printed(async () => metrics.recordJob({ ...figures, reviewer: "RFC Reviewer" }));

    expect(embeddedMetrics(lines)).toEqual([]);
  });
});
