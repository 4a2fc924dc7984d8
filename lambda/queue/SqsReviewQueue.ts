/**
 * The review queue on SQS FIFO: one batch per delivery, grouped by page, deduplicated by delivery and prompt.
 */
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { QueueError } from "../errors.ts";
import { messageGroupOf, type QueueMessage, queueDeduplicationIdOf } from "./ReviewJob.ts";
import type { ReviewQueue } from "./ReviewQueue.ts";

export class SqsReviewQueue implements ReviewQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = new SQSClient({}),
  ) {}

  /** A queue at another endpoint (tests and local runs), with throwaway credentials. */
  static at(queueUrl: string, endpoint: string, region = "us-east-1"): SqsReviewQueue {
    return new SqsReviewQueue(
      queueUrl,
      new SQSClient({ endpoint, region, credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
    );
  }

  async send(jobs: QueueMessage[]): Promise<void> {
    for (let start = 0; start < jobs.length; start += 10) {
      const batch = jobs.slice(start, start + 10);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((job, index) => ({
            Id: String(start + index),
            MessageBody: JSON.stringify(job),
            MessageGroupId: messageGroupOf(job),
            MessageDeduplicationId: queueDeduplicationIdOf(job),
          })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        const failure = result.Failed[0]!;
        throw new QueueError(
          `SQS refused ${result.Failed.length} of ${batch.length} reviews (${failure.Code}: ${failure.Message}).`,
        );
      }
    }
  }
}
