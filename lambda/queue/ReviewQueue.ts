/**
 * Where the webhook puts reviews: SQS FIFO in AWS, an in-memory FIFO queue in `margin serve`.
 */
import type { QueueMessage } from "./ReviewJob.ts";

export interface ReviewQueue {
  /** Queues every job, or throws: a delivery is acknowledged only once all its reviews are queued. */
  send(jobs: QueueMessage[]): Promise<void>;
}
