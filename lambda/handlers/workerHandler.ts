/**
 * The worker function: takes review jobs from the SQS FIFO queue and runs them, reporting partial batch
 * failures with Powertools' FIFO processor. A job that fails transiently is returned to the queue; one
 * that cannot run is answered on its page; an unexpected failure ends in the dead-letter queue. Each job's
 * figures are published with Powertools Metrics as the job ends (`powertoolsMetrics.ts` says why not later).
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { readConfig, secretsFor, sqsQueueFor } from "../config/config.ts";
import type { JobMetrics } from "../observability/Metrics.ts";
import { SERVICE_NAMES } from "../observability/metricNames.ts";
import { powertoolsLog } from "../observability/powertoolsLog.ts";
import { powertoolsJobMetrics } from "../observability/powertoolsMetrics.ts";
import { parseQueueMessage } from "../queue/ReviewJob.ts";
import { buildWorkerDependencies, type Invocation } from "../wiring/buildWorkerDependencies.ts";
import { runQueueMessage } from "../worker/runQueueMessage.ts";
import type { WorkerDependencies } from "../worker/WorkerDependencies.ts";

/** Time kept at the end of an invocation to save what was read and queue the continuation. */
const END_MARGIN_MS = 15_000;

export type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createWorkerHandler(
  env: NodeJS.ProcessEnv = process.env,
  logger = new Logger({ serviceName: SERVICE_NAMES.worker }),
  metrics: JobMetrics = powertoolsJobMetrics(SERVICE_NAMES.worker, env, logger),
): WorkerHandler {
  const log = powertoolsLog(logger);
  let ready: Promise<(invocation?: Invocation) => Promise<WorkerDependencies>> | undefined;

  let invocation: Invocation | undefined;
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    ready ??= (async () => {
      const config = readConfig(env);
      return buildWorkerDependencies(
        config,
        secretsFor(config, env),
        log,
        "/tmp",
        sqsQueueFor(config),
        metrics,
      );
    })().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    const dependencies = await ready;
    const message = parseQueueMessage(record.body);
    logger.appendKeys({ correlationId: message.correlationId });
    try {
      const attempt = Number(record.attributes.ApproximateReceiveCount ?? "1");
      await runQueueMessage(message, attempt, await dependencies(invocation));
    } finally {
      logger.removeKeys(["correlationId"]);
    }
  };

  return async (event, context) => {
    logger.addContext(context);
    // Lambda stops the function at its timeout: the job's Notion requests stop a little before, so what was
    // read can be kept and the review continued (one record per invocation: the event source's batch size).
    const usableMs = context.getRemainingTimeInMillis() - END_MARGIN_MS;
    invocation = { endsAt: Date.now() + usableMs, timeoutMs: usableMs };
    const processor = new SqsFifoPartialProcessorAsync();
    // Jobs of other pages go on when one fails; a page's later jobs wait behind its failed one.
    return processPartialResponse(event, handleRecord, processor, {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    });
  };
}

export const handler = createWorkerHandler();
