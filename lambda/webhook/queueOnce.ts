/**
 * Queues the jobs of one delivery, each once. Notion delivers again after a timeout or an error, so each
 * job is first claimed in the ledger (per event and reviewer: two reviewers sent for one event are two
 * claims), where a second claim of the same fails; when the queue refuses the jobs, their claims are given
 * back, so Notion's next attempt can take them. Without a ledger (a dry local run) every job queues.
 */
import { describeError } from "../observability/describeError.ts";
import type { Log } from "../observability/Log.ts";
import type { QueueMessage } from "../queue/ReviewJob.ts";
import type { ReviewQueue } from "../queue/ReviewQueue.ts";
import type { Ledger } from "../review/ports/Ledger.ts";

export interface ClaimedJob<J extends QueueMessage = QueueMessage> {
  job: J;
  /** The job's claim in the ledger, such as `automation:<event id>:<prompt id>`. */
  claimId: string;
}

/** The jobs queued now: those whose claims were free. The rest were taken before. */
export async function queueOnce<J extends QueueMessage>(
  jobs: ClaimedJob<J>[],
  /** Until when the claims are remembered: longer than Notion retries a delivery. */
  until: Date,
  deps: { queue: ReviewQueue; ledger?: Ledger; log: Log },
): Promise<J[]> {
  const fresh: ClaimedJob<J>[] = [];
  for (const claimed of jobs) {
    if (!deps.ledger || (await deps.ledger.claimDelivery(claimed.claimId, until))) fresh.push(claimed);
  }
  if (fresh.length === 0) return [];
  try {
    await deps.queue.send(fresh.map((claimed) => claimed.job));
  } catch (error) {
    await release(fresh, until, deps);
    throw error;
  }
  return fresh.map((claimed) => claimed.job);
}

/** Gives the claims back; one that cannot be is logged, since Notion's retries of it will be dropped. */
async function release(
  claims: ClaimedJob[],
  until: Date,
  deps: { ledger?: Ledger; log: Log },
): Promise<void> {
  for (const { claimId } of claims) {
    try {
      await deps.ledger?.releaseDelivery(claimId);
    } catch (releaseError) {
      // The queue's failure is the one to answer with; the claim left behind answers Notion's next attempt
      // "already taken" until it expires, so say so where the operator looks.
      deps.log.error(
        "Could not release a delivery the queue refused; Notion's retries of it will be dropped",
        {
          deliveryId: claimId,
          until: until.toISOString(),
          error: describeError(releaseError),
        },
      );
    }
  }
}
