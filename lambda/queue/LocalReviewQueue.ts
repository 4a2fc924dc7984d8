/**
 * The review queue of `margin serve`: its FIFO queue (kept in a file), with SQS's grouping and
 * deduplication.
 */
import type { FifoQueue } from "./FifoQueue.ts";
import { messageGroupOf, type QueueMessage, queueDeduplicationIdOf } from "./ReviewJob.ts";
import type { ReviewQueue } from "./ReviewQueue.ts";

export class LocalReviewQueue implements ReviewQueue {
  constructor(readonly queue: FifoQueue) {}

  async send(jobs: QueueMessage[]): Promise<void> {
    for (const job of jobs)
      this.queue.send(JSON.stringify(job), messageGroupOf(job), queueDeduplicationIdOf(job));
  }
}
