/**
 * The webhook function (Lambda Function URL): authenticates a Notion automation delivery, queues its
 * reviews on SQS FIFO, and answers 202. Configuration and secrets are read once per container; the prompt
 * list is cached, so a warm function answers without calling Notion. Each request is counted by what became
 * of it (the `Deliveries` metric, published as the invocation ends).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { readConfig, secretsFor, sqsQueueFor } from "../config/config.ts";
import { describeError } from "../observability/describeError.ts";
import type { DeliveryMetrics } from "../observability/Metrics.ts";
import { SERVICE_NAMES } from "../observability/metricNames.ts";
import { powertoolsLog } from "../observability/powertoolsLog.ts";
import { powertoolsDeliveryMetrics } from "../observability/powertoolsMetrics.ts";
import type { HttpResponse } from "../webhook/HttpExchange.ts";
import { handleWebhookRequest, type WebhookDependencies } from "../webhook/handleWebhookRequest.ts";
import { buildWebhookDependencies } from "../wiring/buildWebhookDependencies.ts";
import { fromFunctionUrlEvent, toFunctionUrlResult } from "./functionUrl.ts";

export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export function createWebhookHandler(
  env: NodeJS.ProcessEnv = process.env,
  logger = new Logger({ serviceName: SERVICE_NAMES.webhook }),
  metrics: DeliveryMetrics = powertoolsDeliveryMetrics(SERVICE_NAMES.webhook, env, logger),
): WebhookHandler {
  let ready: Promise<Omit<WebhookDependencies, "log" | "correlationId">> | undefined;
  const prepare = async () => {
    const config = readConfig(env);
    return buildWebhookDependencies(config, secretsFor(config, env), sqsQueueFor(config), "/tmp");
  };
  const answered = (response: HttpResponse) => {
    try {
      metrics.recordDelivery(response.outcome);
    } catch (error) {
      // Counting is for the operator: the answer Notion waits for goes out all the same.
      logger.warn("Could not record the delivery's metric", { error: describeError(error) });
    }
    return toFunctionUrlResult(response);
  };
  return async (event, context) => {
    if (context) logger.addContext(context);
    const correlationId = event.headers?.["x-correlation-id"] ?? event.requestContext.requestId;
    logger.appendKeys({ correlationId });
    try {
      ready ??= prepare();
      const deps = await ready;
      return answered(
        await handleWebhookRequest(fromFunctionUrlEvent(event), {
          ...deps,
          log: powertoolsLog(logger),
          correlationId,
        }),
      );
    } catch (error) {
      // Configuration problems are fixed by the operator, whom the logs reach; the caller learns only that it failed.
      ready = undefined;
      logger.error("The webhook failed", { error: describeError(error) });
      return answered({
        status: 500,
        outcome: "error",
        body: { error: "Margin could not take the delivery; its operator can see why in its logs." },
      });
    } finally {
      logger.removeKeys(["correlationId"]);
    }
  };
}

export const handler = createWebhookHandler();
