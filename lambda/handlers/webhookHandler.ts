/**
 * The webhook function (Lambda Function URL): authenticates a Notion automation delivery, queues its
 * reviews on SQS FIFO, and answers 202. Configuration and secrets are read once per container; the prompt
 * list is cached, so a warm function answers without calling Notion.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { readConfig, secretsFor, sqsQueueFor } from "../config/config.ts";
import { powertoolsLog } from "../observability/powertoolsLog.ts";
import { handleWebhookRequest, type WebhookDependencies } from "../webhook/handleWebhookRequest.ts";
import { buildWebhookDependencies } from "../wiring/buildWebhookDependencies.ts";
import { fromFunctionUrlEvent, toFunctionUrlResult } from "./functionUrl.ts";

export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export function createWebhookHandler(
  env: NodeJS.ProcessEnv = process.env,
  logger = new Logger({ serviceName: "margin-webhook" }),
): WebhookHandler {
  let ready: Promise<Omit<WebhookDependencies, "log" | "correlationId">> | undefined;
  const prepare = async () => {
    const config = readConfig(env);
    return buildWebhookDependencies(config, secretsFor(config, env), sqsQueueFor(config), "/tmp");
  };
  return async (event, context) => {
    if (context) logger.addContext(context);
    const correlationId = event.headers?.["x-correlation-id"] ?? event.requestContext.requestId;
    logger.appendKeys({ correlationId });
    try {
      ready ??= prepare();
      const deps = await ready;
      return toFunctionUrlResult(
        await handleWebhookRequest(fromFunctionUrlEvent(event), {
          ...deps,
          log: powertoolsLog(logger),
          correlationId,
        }),
      );
    } catch (error) {
      // Configuration problems are fixed by the operator, whom the logs reach; the caller learns only that it failed.
      ready = undefined;
      logger.error("The webhook failed", {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return toFunctionUrlResult({
        status: 500,
        body: { error: "Margin could not take the delivery; its operator can see why in its logs." },
      });
    } finally {
      logger.removeKeys(["correlationId"]);
    }
  };
}

export const handler = createWebhookHandler();
