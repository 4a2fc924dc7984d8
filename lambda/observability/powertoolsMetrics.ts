/**
 * Powertools Metrics as Margin's metrics: each delivery and each job becomes CloudWatch embedded-metric
 * records on stdout, which CloudWatch Logs turns into metrics in the `Margin` namespace.
 *
 * A record carries one value per dimension, and the jobs of one batch differ in reviewer and outcome, so each
 * delivery and each job is published as it is recorded, not at the end of the invocation: nothing is left
 * for the end, and an invocation that records nothing prints nothing (no empty record, no warning about one).
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, Metrics as PowertoolsMetrics } from "@aws-lambda-powertools/metrics";
import { type DeliveryMetrics, type JobFigures, type JobMetrics, NO_METRICS } from "./Metrics.ts";
import { DIMENSIONS, endsTheJob, METRIC_NAMES, METRICS_NAMESPACE } from "./metricNames.ts";

/** A delivery's metric, for the webhook function (`service`). */
export function powertoolsDeliveryMetrics(
  service: string,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DeliveryMetrics {
  const metrics = powertoolsFor(service, env, logger);
  if (!metrics) return NO_METRICS;
  return {
    recordDelivery(outcome) {
      record(metrics, () => {
        metrics.addDimension(DIMENSIONS.outcome, outcome);
        metrics.addMetric(METRIC_NAMES.deliveries, MetricUnit.Count, 1);
      });
    },
  };
}

/** A job's metrics, for the worker function (`service`). */
export function powertoolsJobMetrics(service: string, env: NodeJS.ProcessEnv, logger?: Logger): JobMetrics {
  const metrics = powertoolsFor(service, env, logger);
  if (!metrics) return NO_METRICS;
  return {
    recordJob(figures) {
      const reviewer = figures.reviewer === undefined ? undefined : dimensionValue(figures.reviewer);
      // How many jobs, by outcome; by reviewer, those that ended a review (not its continuations or retries).
      record(metrics, () => {
        metrics.addDimension(DIMENSIONS.outcome, figures.outcome);
        if (reviewer && endsTheJob(figures.kind, figures.outcome))
          metrics.addDimensions({ [DIMENSIONS.reviewer]: reviewer });
        const count = figures.kind === "review" ? METRIC_NAMES.reviews : METRIC_NAMES.replyJobs;
        metrics.addMetric(count, MetricUnit.Count, 1);
      });
      // What they posted, spent and waited for, in all.
      record(metrics, () => addFigures(metrics, figures));
      // What each reviewer posted and cost. CloudWatch bills each metric and dimension value apart: the rest
      // by reviewer is in the logs.
      if (!reviewer) return;
      record(metrics, () => {
        metrics.addDimension(DIMENSIONS.reviewer, reviewer);
        metrics.addMetric(METRIC_NAMES.commentsPosted, MetricUnit.Count, figures.commentsPosted);
        metrics.addMetric(METRIC_NAMES.repliesPosted, MetricUnit.Count, figures.repliesPosted);
        if (figures.estimatedCostUsd !== undefined)
          metrics.addMetric(METRIC_NAMES.estimatedCostUsd, MetricUnit.NoUnit, figures.estimatedCostUsd);
      });
    },
  };
}

/**
 * The function's Powertools Metrics; undefined when its environment sets POWERTOOLS_METRICS_DISABLED, as
 * Powertools itself reads it. Its own warnings (a dimension it cannot take) go to the function's log.
 */
function powertoolsFor(
  service: string,
  env: NodeJS.ProcessEnv,
  logger: Logger | undefined,
): PowertoolsMetrics | undefined {
  if (/^(?:1|true|yes|on)$/i.test(env.POWERTOOLS_METRICS_DISABLED?.trim() ?? "")) return undefined;
  // The stack sets the namespace (see metricsNamespaceFor); Margin when run otherwise.
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE?.trim() || METRICS_NAMESPACE;
  return new PowertoolsMetrics({ namespace, serviceName: service, logger });
}

/** One record, published at once; whatever happens while it is filled, nothing of it is left for the next. */
function record(metrics: PowertoolsMetrics, fill: () => void): void {
  try {
    fill();
  } finally {
    metrics.publishStoredMetrics();
  }
}

function addFigures(metrics: PowertoolsMetrics, figures: JobFigures): void {
  const count = (name: string, value: number) => metrics.addMetric(name, MetricUnit.Count, value);
  count(METRIC_NAMES.commentsPosted, figures.commentsPosted);
  count(METRIC_NAMES.repliesPosted, figures.repliesPosted);
  count(METRIC_NAMES.uncachedInputTokens, figures.usage.uncachedInputTokens);
  count(METRIC_NAMES.cacheReadTokens, figures.usage.cacheReadTokens);
  count(METRIC_NAMES.cacheWriteTokens, figures.usage.cacheWriteTokens);
  count(METRIC_NAMES.outputTokens, figures.usage.outputTokens);
  if (figures.estimatedCostUsd !== undefined)
    metrics.addMetric(METRIC_NAMES.estimatedCostUsd, MetricUnit.NoUnit, figures.estimatedCostUsd);
  count(METRIC_NAMES.notionRequests, figures.notionRequests);
  count(METRIC_NAMES.notionRateLimited, figures.notionRateLimited);
  if (figures.readMs !== undefined)
    metrics.addMetric(METRIC_NAMES.readDuration, MetricUnit.Milliseconds, figures.readMs);
  metrics.addMetric(
    figures.kind === "review" ? METRIC_NAMES.reviewDuration : METRIC_NAMES.replyDuration,
    MetricUnit.Milliseconds,
    figures.durationMs,
  );
}

/**
 * A reviewer's name as CloudWatch takes a dimension value (printable ASCII, at most 1,024 characters):
 * accents dropped, emoji and other characters left out ("📝 Revue détaillée" -> "Revue detaillee").
 * Undefined when nothing is left; the job then counts in the totals only.
 */
export function dimensionValue(name: string): string | undefined {
  const ascii = name
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 250);
  return ascii || undefined;
}
