/**
 * The webhook's answer time on a warm function: secrets and the prompt list cached, one SQS send per
 * delivery (to the local SQS endpoint), measured over many deliveries.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { SqsEmulator } from "../emulators/aws/SqsEmulator.ts";
import { SsmEmulator } from "../emulators/aws/SsmEmulator.ts";
import { idFor } from "../emulators/notion/model/notionIds.ts";
import { startNotionEmulator } from "../emulators/notion/NotionEmulator.ts";
import { createWebhookHandler } from "../lambda/handlers/webhookHandler.ts";
import { promptsDatabaseSchema } from "../lambda/notion/promptsDatabaseSchema.ts";
import { NO_METRICS } from "../lambda/observability/Metrics.ts";

export async function measureWarmWebhook(deliveries = 200): Promise<number[]> {
  const notion = await startNotionEmulator({
    seed: {
      pages: [
        { id: "home", parent: { workspace: true }, title: "Home" },
        { id: "reviewer", parent: { database_id: "prompts" }, title: "RFC Reviewer" },
      ],
      databases: [
        { id: "prompts", parent: { page_id: "home" }, title: "Prompts", properties: promptsDatabaseSchema() },
      ],
    },
  });
  const ssm = await SsmEmulator.start({
    "/margin/notion-token": "bench-token",
    "/margin/webhook-secret": "bench-secret",
  });
  const sqs = await SqsEmulator.start();
  const queueUrl = sqs.createQueue("bench.fifo");
  try {
    const handler = createWebhookHandler(
      {
        MARGIN_PROMPTS_DATABASE: idFor("prompts"),
        MARGIN_QUEUE_URL: queueUrl,
        NOTION_TOKEN_PARAMETER: "/margin/notion-token",
        WEBHOOK_SECRET_PARAMETER: "/margin/webhook-secret",
        NOTION_BASE_URL: notion.url,
        SSM_ENDPOINT: ssm.endpoint,
        SQS_ENDPOINT: sqs.endpoint,
        AWS_REGION: "us-east-1",
      },
      new Logger({ logLevel: "SILENT" }),
      NO_METRICS,
    );
    const times: number[] = [];
    for (let index = 0; index <= deliveries; index++) {
      const body = JSON.stringify({
        source: { type: "automation", event_id: `event-${index}` },
        data: { object: "page", id: idFor(`page-${index}`), properties: {} },
      });
      const started = performance.now();
      const result = await handler({
        version: "2.0",
        routeKey: "$default",
        rawPath: "/",
        rawQueryString: "prompt=RFC%20Reviewer",
        headers: { authorization: "Bearer bench-secret" },
        requestContext: { http: { method: "POST", path: "/" }, requestId: `r${index}` } as never,
        body,
        isBase64Encoded: false,
      });
      if (result.statusCode !== 202)
        throw new Error(`The webhook answered ${result.statusCode}: ${result.body}`);
      // The first delivery warms the function (secrets, prompt list): it is not counted.
      if (index > 0) times.push(performance.now() - started);
    }
    return times;
  } finally {
    await Promise.all([notion.close(), ssm.close(), sqs.close()]);
  }
}
