/**
 * The worker function: takes review jobs from the SQS FIFO queue and runs them, reporting partial batch
 * failures with Powertools' FIFO processor. A job that fails transiently is returned to the queue; one
 * that cannot run is answered on its page; an unexpected failure ends in the dead-letter queue.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { buildReviewDependencies } from "../config/buildReviewDependencies.ts";
import { readConfig, requireSetting, secretsFor } from "../config/config.ts";
import { powertoolsLog } from "../observability/powertoolsLog.ts";
import { parseReviewJob } from "../queue/ReviewJob.ts";
import { runReviewJob, type WorkerDependencies } from "../worker/runReviewJob.ts";

export type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createWorkerHandler(
  env: NodeJS.ProcessEnv = process.env,
  logger = new Logger({ serviceName: "margin-worker" }),
): WorkerHandler {
  const prepare = async (): Promise<
    Omit<WorkerDependencies, "review"> & { review: () => ReturnType<typeof buildReviewDependencies> }
  > => {
    const config = readConfig(env);
    const secrets = secretsFor(config, env);
    return {
      // A fresh gateway per job: its caches (users, page titles) belong to one review.
      review: () => buildReviewDependencies(config, secrets),
      promptsDatabase: requireSetting(config, "MARGIN_PROMPTS_DATABASE"),
      maxAttempts: config.MARGIN_MAX_ATTEMPTS,
      log: powertoolsLog(logger),
    };
  };
  let ready: ReturnType<typeof prepare> | undefined;

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    ready ??= prepare().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    const deps = await ready;
    const job = parseReviewJob(record.body);
    logger.appendKeys({ correlationId: job.correlationId });
    try {
      const attempt = Number(record.attributes.ApproximateReceiveCount ?? "1");
      await runReviewJob(job, attempt, { ...deps, review: await deps.review() });
    } finally {
      logger.removeKeys(["correlationId"]);
    }
  };

  return async (event, context) => {
    logger.addContext(context);
    const processor = new SqsFifoPartialProcessorAsync();
    // Reviews of other pages go on when one fails; a page's later reviews wait behind its failed one.
    return processPartialResponse(event, handleRecord, processor, {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    });
  };
}

export const handler = createWorkerHandler();
