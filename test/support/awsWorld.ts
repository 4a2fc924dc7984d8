/**
 * The AWS side of a test world: a local SSM Parameter Store holding the secrets and a local SQS FIFO queue,
 * with the environment the Lambda functions read (parameter names, endpoints) pointing at them.
 */
import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from "aws-lambda";
import { SqsEmulator } from "../../emulators/aws/SqsEmulator.ts";
import { SsmEmulator } from "../../emulators/aws/SsmEmulator.ts";
import { type LocalDynamo, startLocalDynamo } from "./dynamoWorld.ts";
import { type ReviewWorld, WORLD_MODELS } from "./reviewWorld.ts";

export const WEBHOOK_SECRET = "whsec_test_shared_secret";
export const QUEUE_NAME = "margin-reviews.fifo";

export const LEDGER_TABLE = "margin-ledger";

export class AwsWorld {
  private constructor(
    readonly ssm: SsmEmulator,
    readonly sqs: SqsEmulator,
    readonly queueUrl: string,
    readonly dynamo: LocalDynamo,
  ) {}

  static async start(review: ReviewWorld): Promise<AwsWorld> {
    const keyName = review.provider === "openai" ? "/margin/openai-api-key" : "/margin/anthropic-api-key";
    const ssm = await SsmEmulator.start({
      "/margin/notion-token": "ntn_world_token",
      "/margin/webhook-secret": WEBHOOK_SECRET,
      [keyName]: "sk-test-key",
    });
    const sqs = await SqsEmulator.start();
    const queueUrl = sqs.createQueue(QUEUE_NAME, { maxReceiveCount: 3 });
    const dynamo = await startLocalDynamo();
    await dynamo.createTable(LEDGER_TABLE);
    return new AwsWorld(ssm, sqs, queueUrl, dynamo);
  }

  /** The environment CDK gives the functions, with the endpoints of the local stand-ins. */
  env(review: ReviewWorld, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      MARGIN_PROMPTS_DATABASE: review.promptsDatabaseId,
      MARGIN_QUEUE_URL: this.queueUrl,
      MARGIN_MAX_ATTEMPTS: "3",
      NOTION_TOKEN_PARAMETER: "/margin/notion-token",
      WEBHOOK_SECRET_PARAMETER: "/margin/webhook-secret",
      OPENAI_API_KEY_PARAMETER: "/margin/openai-api-key",
      ANTHROPIC_API_KEY_PARAMETER: "/margin/anthropic-api-key",
      NOTION_WEBHOOK_TOKEN_PARAMETER: "/margin/notion-webhook-token",
      NOTION_WEBHOOK_CANDIDATES_PARAMETER: "/margin/notion-webhook-candidates",
      NOTION_BASE_URL: review.emulator.url,
      ...{
        openai: { OPENAI_BASE_URL: review.model.url },
        anthropic: { ANTHROPIC_BASE_URL: review.model.url },
        bedrock: { ANTHROPIC_BEDROCK_BASE_URL: review.model.url, BEDROCK_REGION: "us-east-1" },
      }[review.provider],
      MARGIN_PROVIDER: review.provider,
      MARGIN_MODEL: WORLD_MODELS[review.provider],
      MARGIN_NOTION_REQUESTS_PER_MINUTE: "100000",
      SSM_ENDPOINT: this.ssm.endpoint,
      SQS_ENDPOINT: this.sqs.endpoint,
      MARGIN_LEDGER_TABLE: LEDGER_TABLE,
      DYNAMODB_ENDPOINT: this.dynamo.endpoint,
      AWS_REGION: "us-east-1",
      ...extra,
    };
  }

  /** Messages waiting on the review queue, parsed. */
  queued(): Array<Record<string, unknown>> {
    return this.sqs
      .queue(QUEUE_NAME)
      .peek()
      .map((message) => ({
        ...JSON.parse(message.body),
        groupId: message.groupId,
        deduplicationId: message.deduplicationId,
      }));
  }

  async close(): Promise<void> {
    await Promise.all([this.ssm.close(), this.sqs.close(), this.dynamo.close()]);
  }
}

/** A Lambda Function URL event (payload format 2.0), as AWS delivers it. */
export function functionUrlEvent(request: {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
}): APIGatewayProxyEventV2 {
  const body = request.body;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: request.path ?? "/",
    rawQueryString: request.query ?? "",
    headers: {
      "content-type": "application/json",
      "user-agent": "NotionAutomation",
      host: "abc123.lambda-url.us-east-1.on.aws",
      ...request.headers,
    },
    requestContext: {
      accountId: "anonymous",
      apiId: "abc123",
      domainName: "abc123.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc123",
      http: {
        method: request.method ?? "POST",
        path: request.path ?? "/",
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: "NotionAutomation",
      },
      requestId: `req-${Math.random().toString(16).slice(2)}`,
      routeKey: "$default",
      stage: "$default",
      time: "22/Nov/2026:10:00:00 +0000",
      timeEpoch: 1795000000000,
    },
    body: body === undefined ? undefined : request.base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: Boolean(request.base64),
  };
}

/** An SQS event as the Lambda FIFO event source delivers it. */
export function sqsEvent(
  records: Array<{ body: unknown; groupId: string; receiveCount?: number; messageId?: string }>,
): SQSEvent {
  return {
    Records: records.map(
      (record, index): SQSRecord => ({
        messageId: record.messageId ?? `message-${index}`,
        receiptHandle: `receipt-${index}`,
        body: typeof record.body === "string" ? record.body : JSON.stringify(record.body),
        attributes: {
          ApproximateReceiveCount: String(record.receiveCount ?? 1),
          SentTimestamp: "1795000000000",
          SenderId: "AROAEXAMPLE",
          ApproximateFirstReceiveTimestamp: "1795000000000",
          MessageGroupId: record.groupId,
          MessageDeduplicationId: `dedup-${index}`,
          SequenceNumber: String(18800000000000000000n + BigInt(index)),
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:margin-reviews.fifo",
        awsRegion: "us-east-1",
      }),
    ),
  };
}

/** The same context as JavaScript source, for a handler run in a process of its own (JSON drops methods). */
export function lambdaContextSource(name = "margin-worker"): string {
  return `{ ...${JSON.stringify(lambdaContext(name))}, getRemainingTimeInMillis: () => 600000 }`;
}

/** The Lambda context the runtime passes (enough of it for Powertools). */
export function lambdaContext(name = "margin-worker"): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: "1024",
    awsRequestId: `request-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "2026/11/22/[$LATEST]abc",
    getRemainingTimeInMillis: () => 600_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
