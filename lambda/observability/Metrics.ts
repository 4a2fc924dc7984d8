/**
 * What Margin's entry points count, in their own terms: the webhook each request it answered, the worker
 * each job it ran with what it posted, spent and waited for. Powertools Metrics (CloudWatch embedded metric
 * format) in Lambda; one readable line per job in `margin serve`. The names are in `metricNames.ts`.
 */
import type { TokenUsage } from "../review/ports/LlmProvider.ts";
import type { DeliveryOutcome, ReplyMetricOutcome, ReviewMetricOutcome } from "./metricNames.ts";

/** What the webhook counts. */
export interface DeliveryMetrics {
  /** One request answered, by what became of it. */
  recordDelivery(outcome: DeliveryOutcome): void;
}

/** What the worker counts. */
export interface JobMetrics {
  /** One job run, when it ends (returned or thrown). */
  recordJob(figures: JobFigures): void;
}

/** What kind of job ran, a review of a page or a comment someone wrote, and what it came to. */
export type JobEnding =
  | { kind: "review"; outcome: ReviewMetricOutcome }
  | { kind: "reply"; outcome: ReplyMetricOutcome };

/** One worker job's figures. */
export type JobFigures = JobEnding & {
  /** The reviewer's name (its prompt's title), when known: a comment job may end before it is. */
  reviewer?: string;
  /** Inline comments this job posted (not the summary, not those an earlier attempt posted). */
  commentsPosted: number;
  /** Replies in existing discussions this job posted. */
  repliesPosted: number;
  /** The model's tokens, every pass; none when the model was not asked. */
  usage: TokenUsage;
  /** An estimate in US dollars; undefined when the model's prices are not known. */
  estimatedCostUsd?: number;
  /** Requests Notion answered for the job. */
  notionRequests: number;
  /** Of those, the ones that asked Margin to wait (429, or 529). */
  notionRateLimited: number;
  /** From the job's start to the page read; undefined when the page was not read. */
  readMs?: number;
  durationMs: number;
};

/** Counts nothing: for callers that do not care, and for a function whose metrics are switched off. */
export const NO_METRICS: DeliveryMetrics & JobMetrics = { recordDelivery() {}, recordJob() {} };
