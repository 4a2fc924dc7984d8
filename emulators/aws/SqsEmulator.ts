/**
 * A local SQS endpoint for FIFO queues, speaking the AWS JSON 1.0 protocol of `@aws-sdk/client-sqs`:
 * CreateQueue, GetQueueUrl, SendMessage, SendMessageBatch, ReceiveMessage, DeleteMessage,
 * ChangeMessageVisibility and GetQueueAttributes, over `FifoQueue`'s semantics.
 */
import { createHash } from "node:crypto";
import { FifoQueue } from "../../lambda/queue/FifoQueue.ts";
import type { LoopbackServer } from "../shared/LoopbackServer.ts";
import { AwsServiceError, startAwsJsonServer } from "./AwsJsonServer.ts";

const ACCOUNT = "000000000000";

export class SqsEmulator {
  readonly queues = new Map<string, FifoQueue>();

  private constructor(private server: LoopbackServer | undefined) {}

  static async start(port = 0): Promise<SqsEmulator> {
    const emulator = new SqsEmulator(undefined);
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

  /** Creates a FIFO queue and returns its URL. */
  createQueue(name: string, options: ConstructorParameters<typeof FifoQueue>[0] = {}): string {
    if (!this.queues.has(name)) this.queues.set(name, new FifoQueue(options));
    return this.urlOf(name);
  }

  queue(name: string): FifoQueue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`No queue ${name}`);
    return queue;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private urlOf(name: string): string {
    return `${this.endpoint}/${ACCOUNT}/${name}`;
  }

  private queueFor(input: Record<string, unknown>): FifoQueue {
    const name =
      String(input.QueueUrl ?? "")
        .split("/")
        .pop() ?? "";
    const queue = this.queues.get(name);
    if (!queue)
      throw new AwsServiceError(
        "com.amazonaws.sqs#QueueDoesNotExist",
        "The specified queue does not exist.",
        400,
        "AWS.SimpleQueueService.NonExistentQueue;Sender",
      );
    return queue;
  }

  private operations() {
    const md5 = (text: string) => createHash("md5").update(text).digest("hex");
    const send = (queue: FifoQueue, entry: Record<string, unknown>) => {
      if (typeof entry.MessageBody !== "string" || entry.MessageBody.length === 0) {
        throw new AwsServiceError(
          "com.amazonaws.sqs#InvalidParameterValue",
          "The request must contain the parameter MessageBody.",
        );
      }
      if (Buffer.byteLength(entry.MessageBody) > 256 * 1024) {
        throw new AwsServiceError(
          "com.amazonaws.sqs#InvalidParameterValue",
          "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.",
        );
      }
      if (typeof entry.MessageGroupId !== "string") {
        throw new AwsServiceError(
          "com.amazonaws.sqs#MissingParameter",
          "The request must contain the parameter MessageGroupId.",
        );
      }
      const sent = queue.send(
        entry.MessageBody,
        entry.MessageGroupId,
        entry.MessageDeduplicationId as string | undefined,
      );
      return {
        MessageId: sent.messageId,
        MD5OfMessageBody: md5(entry.MessageBody),
        SequenceNumber: sent.sequenceNumber,
      };
    };
    return {
      CreateQueue: (input: Record<string, unknown>) => {
        const name = String(input.QueueName);
        const attributes = (input.Attributes ?? {}) as Record<string, string>;
        const redrive = attributes.RedrivePolicy
          ? (JSON.parse(attributes.RedrivePolicy) as { maxReceiveCount?: number })
          : {};
        return {
          QueueUrl: this.createQueue(name, {
            visibilityTimeoutMs: attributes.VisibilityTimeout
              ? Number(attributes.VisibilityTimeout) * 1000
              : undefined,
            contentBasedDeduplication: attributes.ContentBasedDeduplication === "true",
            maxReceiveCount: redrive.maxReceiveCount,
          }),
        };
      },
      GetQueueUrl: (input: Record<string, unknown>) => {
        const name = String(input.QueueName);
        if (!this.queues.has(name))
          throw new AwsServiceError(
            "com.amazonaws.sqs#QueueDoesNotExist",
            "The specified queue does not exist.",
            400,
            "AWS.SimpleQueueService.NonExistentQueue;Sender",
          );
        return { QueueUrl: this.urlOf(name) };
      },
      SendMessage: (input: Record<string, unknown>) => send(this.queueFor(input), input),
      SendMessageBatch: (input: Record<string, unknown>) => {
        const queue = this.queueFor(input);
        const entries = (input.Entries ?? []) as Array<Record<string, unknown>>;
        if (entries.length === 0 || entries.length > 10) {
          throw new AwsServiceError(
            "com.amazonaws.sqs#TooManyEntriesInBatchRequest",
            "A batch holds 1 to 10 entries.",
          );
        }
        const Successful: unknown[] = [];
        const Failed: unknown[] = [];
        for (const entry of entries) {
          try {
            Successful.push({ Id: entry.Id, ...send(queue, entry) });
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
        const messages = queue.receive(
          Number(input.MaxNumberOfMessages ?? 1),
          input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout) * 1000,
        );
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
              MessageGroupId: message.groupId,
              MessageDeduplicationId: message.deduplicationId,
              SequenceNumber: message.sequenceNumber,
            },
          })),
        };
      },
      DeleteMessage: (input: Record<string, unknown>) => {
        this.queueFor(input).delete(String(input.ReceiptHandle));
        return {};
      },
      ChangeMessageVisibility: (input: Record<string, unknown>) => {
        this.queueFor(input).changeVisibility(
          String(input.ReceiptHandle),
          Number(input.VisibilityTimeout ?? 0) * 1000,
        );
        return {};
      },
      GetQueueAttributes: (input: Record<string, unknown>) => {
        const queue = this.queueFor(input);
        return { Attributes: { ApproximateNumberOfMessages: String(queue.size), FifoQueue: "true" } };
      },
    };
  }
}
