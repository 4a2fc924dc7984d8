/**
 * The names of Margin's CloudWatch metrics, in one place for the functions that emit them and the stack's
 * dashboard that shows them. It imports nothing, so the CDK app reads it without taking Lambda code along.
 *
 * Dimensions stay few: the function's `service`, what a delivery or a job came to (`outcome`), and the
 * reviewer (its prompt's title). Never a page, a comment or a user.
 */

/** The namespace every metric is in. */
export const METRICS_NAMESPACE = "Margin";

/**
 * A stack's namespace: `Margin` for the stack named Margin, `Margin/<stack>` for another (a staging stack
 * beside production in one account and region), so two stacks' figures never add up on one dashboard.
 */
export function metricsNamespaceFor(stackName: string): string {
  return stackName === METRICS_NAMESPACE ? METRICS_NAMESPACE : `${METRICS_NAMESPACE}/${stackName}`;
}

/** The functions' service names: Powertools Logger's `service` field and the metrics' `service` dimension. */
export const SERVICE_NAMES = { webhook: "margin-webhook", worker: "margin-worker" } as const;

export const DIMENSIONS = { service: "service", outcome: "outcome", reviewer: "reviewer" } as const;

export const METRIC_NAMES = {
  /** Requests the webhook answered, by `outcome`. */
  deliveries: "Deliveries",
  /** Review jobs the worker ran, by `outcome` and by `reviewer`. */
  reviews: "Reviews",
  /** Comment jobs the worker ran (does a reviewer answer a comment?), by `outcome` and by `reviewer`. */
  replyJobs: "ReplyJobs",
  /** Inline comments posted (the summary not counted), in all and by `reviewer`. The figures below are in all. */
  commentsPosted: "CommentsPosted",
  /** Replies posted in existing discussions, in all and by `reviewer`. */
  repliesPosted: "RepliesPosted",
  uncachedInputTokens: "UncachedInputTokens",
  cacheReadTokens: "CacheReadTokens",
  cacheWriteTokens: "CacheWriteTokens",
  outputTokens: "OutputTokens",
  /**
   * US dollars at list prices (`estimateCost.ts`), in all and by `reviewer`; absent for a model whose prices
   * are unknown.
   */
  estimatedCostUsd: "EstimatedCostUsd",
  /** Requests Notion answered for a job. */
  notionRequests: "NotionRequests",
  /** Of those, the ones that asked Margin to wait (429, or 529). */
  notionRateLimited: "NotionRateLimited",
  /** From a review's start to the page read, in milliseconds. */
  readDuration: "ReadDuration",
  /** A review job from start to end, in milliseconds. */
  reviewDuration: "ReviewDuration",
  /** A comment job from start to end, in milliseconds. */
  replyDuration: "ReplyDuration",
} as const;

/**
 * What became of a request to the webhook: reviews or a reply `queued`; `joined` to reviews of the page
 * still waiting; `duplicate` (a delivery or event taken before); `skipped` (a page in the trash); `ignored`
 * (an event Margin does not act on); `verification` (a verification token kept as a candidate);
 * `unauthorized` (a wrong secret or signature); `rejected` (any other 4xx); `error` (5xx).
 */
export const DELIVERY_OUTCOMES = [
  "queued",
  "joined",
  "duplicate",
  "skipped",
  "ignored",
  "verification",
  "unauthorized",
  "rejected",
  "error",
] as const;

export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/**
 * What a review job came to: `reviewed` (posted); `skipped` (already posted for this delivery);
 * `continued` (reading goes on in another invocation); the model's `refused`, `truncated`, `turn_limit`, or
 * `too_large` (not asked: the input would not fit); `failed` (could not run: a permanent failure or the
 * last attempt, said on the page); `retried` (a transient failure, back to the queue); `error` (unexpected).
 */
export const REVIEW_OUTCOMES = [
  "reviewed",
  "skipped",
  "continued",
  "refused",
  "truncated",
  "turn_limit",
  "too_large",
  "failed",
  "retried",
  "error",
] as const;

export type ReviewMetricOutcome = (typeof REVIEW_OUTCOMES)[number];

/** What a comment job came to: `replied`, `skipped` (no reviewer should answer), or as a review. */
export const REPLY_OUTCOMES = ["replied", "skipped", "failed", "retried", "error"] as const;

export type ReplyMetricOutcome = (typeof REPLY_OUTCOMES)[number];

/** Outcomes of a job that is not the job's end: another delivery, invocation or attempt carries it on. */
const NOT_AN_END: readonly string[] = ["skipped", "continued", "retried"];

/**
 * Whether a job's outcome is where its review (or reply) ended, so each is counted once by reviewer however
 * many invocations and attempts it took. A comment job skipped is one no reviewer should answer: an end.
 */
export function endsTheJob(kind: "review" | "reply", outcome: string): boolean {
  return kind === "reply" ? outcome !== "retried" : !NOT_AN_END.includes(outcome);
}
