/**
 * Queues the jobs of one delivery, each once. Notion delivers again after a timeout or an error, so each
 * job is first claimed in the ledger (per event and reviewer: two reviewers sent for one event are two
 * claims), where a second claim of the same fails; when the queue refuses the jobs, their claims are given
 * back, so Notion's next attempt can take them. A job may also name the review it would repeat
 * (`joinKey`): while that review is still waiting on the queue (its worker gives the key back as it
 * starts), the job joins it instead of being queued. Without a ledger (a dry local run) every job queues.
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
  /** The review this job would repeat, joined while it is still waiting (see `sameReviewKeyOf`). */
  joinKey?: string;
}

/** How long a waiting review can be joined: a job starts in seconds, and a lost key must not block reviews. */
export const JOIN_WINDOW_MS = 30 * 60_000;

export interface QueuedOnce<J> {
  /** Jobs queued now. */
  queued: J[];
  /** Jobs that joined a review of the same still waiting on the queue. */
  joined: J[];
  /** Jobs whose delivery was taken before. */
  taken: J[];
}

export async function queueOnce<J extends QueueMessage>(
  jobs: ClaimedJob<J>[],
  /** Until when the claims are remembered: longer than Notion retries a delivery. */
  until: Date,
  deps: { queue: ReviewQueue; ledger?: Ledger; log: Log; now?: () => Date },
): Promise<QueuedOnce<J>> {
  const outcome: QueuedOnce<J> = { queued: [], joined: [], taken: [] };
  const held: string[] = [];
  const joinUntil = new Date((deps.now ?? (() => new Date()))().getTime() + JOIN_WINDOW_MS);
  for (const claimed of jobs) {
    if (deps.ledger && !(await deps.ledger.claimDelivery(claimed.claimId, until))) {
      outcome.taken.push(claimed.job);
      continue;
    }
    held.push(claimed.claimId);
    if (deps.ledger && claimed.joinKey) {
      if (!(await deps.ledger.claimDelivery(claimed.joinKey, joinUntil))) {
        outcome.joined.push(claimed.job);
        continue;
      }
      held.push(claimed.joinKey);
    }
    outcome.queued.push(claimed.job);
  }
  if (outcome.queued.length === 0) return outcome;
  try {
    await deps.queue.send(outcome.queued);
  } catch (error) {
    await release(held, until, deps);
    throw error;
  }
  return outcome;
}

/** Gives the claims back; one that cannot be is logged, since Notion's retries of it will be dropped. */
async function release(claims: string[], until: Date, deps: { ledger?: Ledger; log: Log }): Promise<void> {
  for (const claimId of claims) {
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
