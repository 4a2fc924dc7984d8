/**
 * Queues the jobs of one delivery once. Notion delivers again after a timeout or an error, so the delivery
 * is first claimed in the ledger, where a second claim fails; when the queue refuses the jobs the claim is
 * released, so Notion's next attempt can be taken. Without a ledger (a dry local run) every delivery queues.
 */
import { describeError } from "../observability/describeError.ts";
import type { Log } from "../observability/Log.ts";
import type { QueueMessage } from "../queue/ReviewJob.ts";
import type { ReviewQueue } from "../queue/ReviewQueue.ts";
import type { Ledger } from "../review/ports/Ledger.ts";

export interface DeliveryClaim {
  /** The delivery's id in the ledger, such as `automation:<event id>`. */
  id: string;
  /** Until when it is remembered: longer than Notion retries it. */
  until: Date;
}

/** True when the jobs were queued; false when the delivery had been taken before. */
export async function queueOnce(
  jobs: QueueMessage[],
  claim: DeliveryClaim,
  deps: { queue: ReviewQueue; ledger?: Ledger; log: Log },
): Promise<boolean> {
  if (deps.ledger && !(await deps.ledger.claimDelivery(claim.id, claim.until))) return false;
  try {
    await deps.queue.send(jobs);
  } catch (error) {
    try {
      await deps.ledger?.releaseDelivery(claim.id);
    } catch (releaseError) {
      // The queue's failure is the one to answer with; the claim left behind answers Notion's next attempt
      // "already taken" until it expires, so say so where the operator looks.
      deps.log.error(
        "Could not release a delivery the queue refused; Notion's retries of it will be dropped",
        {
          deliveryId: claim.id,
          until: claim.until.toISOString(),
          error: describeError(releaseError),
        },
      );
    }
    throw error;
  }
  return true;
}
