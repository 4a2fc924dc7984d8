/**
 * A local SQS endpoint for FIFO queues, speaking the AWS JSON 1.0 protocol of `@aws-sdk/client-sqs`:
 * CreateQueue, GetQueueUrl, SendMessage, SendMessageBatch, ReceiveMessage, DeleteMessage,
 * ChangeMessageVisibility and GetQueueAttributes, over the emulator's own `SqsFifoQueue` (never Margin's
 * queue code: this is what Margin's queue is tested against). Long polling (`WaitTimeSeconds`) answers at
 * once with whatever is available.
 */
import { createHash } from "node:crypto";
import type { LoopbackServer } from "../shared/LoopbackServer.ts";
import { AwsServiceError, startAwsJsonServer } from "./AwsJsonServer.ts";
import { SqsFifoQueue, type SqsFifoQueueOptions, SqsQueueError } from "./SqsFifoQueue.ts";

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const MAX_BODY_BYTES = 256 * 1024;

export interface SqsQueueSettings {
  visibilityTimeoutMs?: number;
  contentBasedDeduplication?: boolean;
  /** Receives before a message is moved to the dead-letter queue. */
  maxReceiveCount?: number;
  /** The name of this emulator's queue that dead letters go to (default: kept in the queue's `deadLetters`). */
  deadLetterQueue?: string;
}

export interface SqsEmulatorOptions {
  /** Clock for visibility timeouts and deduplication (default `Date.now`). */
  now?: () => number;
}

export class SqsEmulator {
  readonly queues = new Map<string, SqsFifoQueue>();

  private constructor(
    private server: LoopbackServer | undefined,
    private readonly options: SqsEmulatorOptions,
  ) {}

  static async start(port = 0, options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
    const emulator = new SqsEmulator(undefined, options);
    emulator.server = await startAwsJsonServer(
      "AmazonSQS",
      "application/x-amz-json-1.0",
      emulator.operations(),
      port,
    );
    return emulator;
  }

  get endpoint(): string {
    return this.server?.origin ?? "";
  }

  /** Creates a FIFO queue (if it does not exist yet) and returns its URL. */
  createQueue(name: string, settings: SqsQueueSettings = {}): string {
    if (!this.queues.has(name)) {
      const options: SqsFifoQueueOptions = {
        visibilityTimeoutMs: settings.visibilityTimeoutMs,
        contentBasedDeduplication: settings.contentBasedDeduplication,
        maxReceiveCount: settings.maxReceiveCount,
        deadLetterQueue: settings.deadLetterQueue ? this.queue(settings.deadLetterQueue) : undefined,
        now: this.options.now,
      };
      this.queues.set(name, new SqsFifoQueue(options));
    }
    return this.urlOf(name);
  }

  queue(name: string): SqsFifoQueue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`No queue ${name} in this SQS emulator; create it first.`);
    return queue;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private urlOf(name: string): string {
    return `${this.endpoint}/${ACCOUNT}/${name}`;
  }

  private queueFor(input: Record<string, unknown>): SqsFifoQueue {
    const name =
      String(input.QueueUrl ?? "")
        .split("/")
        .pop() ?? "";
    const queue = this.queues.get(name);
    if (!queue) throw nonExistentQueue();
    return queue;
  }

  private operations() {
    return {
      CreateQueue: (input: Record<string, unknown>) => this.createQueueOperation(input),
      GetQueueUrl: (input: Record<string, unknown>) => {
        const name = String(input.QueueName);
        if (!this.queues.has(name)) throw nonExistentQueue();
        return { QueueUrl: this.urlOf(name) };
      },
      SendMessage: (input: Record<string, unknown>) => sendOne(this.queueFor(input), input),
      SendMessageBatch: (input: Record<string, unknown>) => {
        const queue = this.queueFor(input);
        const entries = (input.Entries ?? []) as Array<Record<string, unknown>>;
        if (entries.length === 0) {
          throw new AwsServiceError(
            "com.amazonaws.sqs#EmptyBatchRequest",
            "There should be at least one SendMessageBatchRequestEntry in the request.",
          );
        }
        if (entries.length > 10) {
          throw new AwsServiceError(
            "com.amazonaws.sqs#TooManyEntriesInBatchRequest",
            `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
          );
        }
        if (new Set(entries.map((entry) => entry.Id)).size !== entries.length) {
          throw new AwsServiceError(
            "com.amazonaws.sqs#BatchEntryIdsNotDistinct",
            "Two or more batch entries in the request have the same Id.",
          );
        }
        const Successful: unknown[] = [];
        const Failed: unknown[] = [];
        for (const entry of entries) {
          try {
            Successful.push({ Id: entry.Id, ...sendOne(queue, entry) });
          } catch (error) {
            if (!(error instanceof AwsServiceError)) throw error;
            Failed.push({
              Id: entry.Id,
              SenderFault: true,
              Code: error.type.split("#").pop(),
              Message: error.message,
            });
          }
        }
        return { Successful, Failed };
      },
      ReceiveMessage: (input: Record<string, unknown>) => {
        const queue = this.queueFor(input);
        const max = Number(input.MaxNumberOfMessages ?? 1);
        if (!Number.isInteger(max) || max < 1 || max > 10) {
          throw invalidParameter(
            `Value ${input.MaxNumberOfMessages} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
          );
        }
        const visibility =
          input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout) * 1000;
        const messages = queue.receive(max, visibility);
        return {
          Messages: messages.map((message) => ({
            MessageId: message.messageId,
            ReceiptHandle: message.receiptHandle,
            MD5OfBody: md5(message.body),
            Body: message.body,
            Attributes: {
              ApproximateReceiveCount: String(message.receiveCount),
              SentTimestamp: String(message.sentAt),
              ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
              SenderId: "AIDAEMULATOR",
              MessageGroupId: message.groupId,
              MessageDeduplicationId: message.deduplicationId,
              SequenceNumber: message.sequenceNumber,
            },
          })),
        };
      },
      DeleteMessage: (input: Record<string, unknown>) => {
        const queue = this.queueFor(input);
        withQueueErrors(() => queue.delete(String(input.ReceiptHandle)));
        return {};
      },
      ChangeMessageVisibility: (input: Record<string, unknown>) => {
        const queue = this.queueFor(input);
        const seconds = Number(input.VisibilityTimeout);
        if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
          throw invalidParameter(
            `Value ${input.VisibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
          );
        }
        withQueueErrors(() => queue.changeVisibility(String(input.ReceiptHandle), seconds * 1000));
        return {};
      },
      GetQueueAttributes: (input: Record<string, unknown>) => {
        const queue = this.queueFor(input);
        const name = String(input.QueueUrl).split("/").pop();
        const counts = queue.counts();
        return {
          Attributes: {
            QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
            ApproximateNumberOfMessages: String(counts.visible),
            ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
            VisibilityTimeout: String(queue.visibilityTimeoutMs / 1000),
            FifoQueue: "true",
          },
        };
      },
    };
  }

  private createQueueOperation(input: Record<string, unknown>) {
    const name = String(input.QueueName);
    const attributes = (input.Attributes ?? {}) as Record<string, string>;
    if (!name.endsWith(".fifo") || attributes.FifoQueue !== "true") {
      throw invalidParameter(
        "This emulator serves FIFO queues only: the name must end in .fifo and the FifoQueue attribute be true.",
      );
    }
    const redrive = attributes.RedrivePolicy
      ? (JSON.parse(attributes.RedrivePolicy) as {
          maxReceiveCount?: number | string;
          deadLetterTargetArn?: string;
        })
      : {};
    const deadLetterQueue = redrive.deadLetterTargetArn?.split(":").pop();
    if (deadLetterQueue && !this.queues.has(deadLetterQueue)) {
      throw invalidParameter(
        `Value ${attributes.RedrivePolicy} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
      );
    }
    return {
      QueueUrl: this.createQueue(name, {
        visibilityTimeoutMs: attributes.VisibilityTimeout
          ? Number(attributes.VisibilityTimeout) * 1000
          : undefined,
        contentBasedDeduplication: attributes.ContentBasedDeduplication === "true",
        maxReceiveCount: redrive.maxReceiveCount === undefined ? undefined : Number(redrive.maxReceiveCount),
        deadLetterQueue,
      }),
    };
  }
}

function sendOne(queue: SqsFifoQueue, entry: Record<string, unknown>) {
  const body = entry.MessageBody;
  if (typeof body !== "string" || body.length === 0) {
    throw new AwsServiceError(
      "com.amazonaws.sqs#MissingParameter",
      "The request must contain the parameter MessageBody.",
    );
  }
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
    throw invalidParameter(
      `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_BODY_BYTES} bytes.`,
    );
  }
  if (typeof entry.MessageGroupId !== "string" || entry.MessageGroupId.length === 0) {
    throw new AwsServiceError(
      "com.amazonaws.sqs#MissingParameter",
      "The request must contain the parameter MessageGroupId.",
    );
  }
  const sent = withQueueErrors(() =>
    queue.send(body, entry.MessageGroupId as string, entry.MessageDeduplicationId as string | undefined),
  );
  return { MessageId: sent.messageId, MD5OfMessageBody: md5(body), SequenceNumber: sent.sequenceNumber };
}

function withQueueErrors<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof SqsQueueError)) throw error;
    throw new AwsServiceError(`com.amazonaws.sqs#${error.code}`, error.message);
  }
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError("com.amazonaws.sqs#InvalidParameterValue", message);
}

function nonExistentQueue(): AwsServiceError {
  return new AwsServiceError(
    "com.amazonaws.sqs#QueueDoesNotExist",
    "The specified queue does not exist.",
    400,
    "AWS.SimpleQueueService.NonExistentQueue;Sender",
  );
}
