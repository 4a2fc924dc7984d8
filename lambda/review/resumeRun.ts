/**
 * Resuming a run: a queued review or reply delivered again finds its run in the ledger. A run that is done
 * needs nothing; a run that was planned and not wholly posted is published from its plan, without reading
 * the page or asking the model again, posting only what is missing. The one place a run is resumed.
 */
import { MarginError } from "../errors.ts";
import type { RunRecord } from "./model/RunRecord.ts";
import type { Ledger } from "./ports/Ledger.ts";
import { type PublishReport, publishRun } from "./publish/publishRun.ts";
import type { ReviewDependencies } from "./ReviewDependencies.ts";

export type Resumed =
  | { kind: "done"; run: RunRecord }
  | { kind: "resumed"; run: RunRecord; publish: PublishReport };

/**
 * The run's state of play; undefined when there is no run to resume (a first attempt). `reviewerName` is
 * for runs kept before runs carried their reviewer's name.
 */
export async function resumeRun(
  runId: string,
  deps: Pick<ReviewDependencies, "comments" | "now"> & { ledger?: Ledger },
  reviewerName?: string,
): Promise<Resumed | undefined> {
  const run = await deps.ledger?.run(runId);
  if (!run) return undefined;
  if (run.status === "done") return { kind: "done", run };
  const name = run.reviewerName ?? reviewerName;
  if (!name) throw new MarginError(`Run ${runId} does not say which reviewer it is; it cannot be resumed.`);
  const publish = await publishRun(run, {
    comments: deps.comments,
    ledger: deps.ledger,
    reviewerName: name,
    now: deps.now,
  });
  return { kind: "resumed", run, publish };
}
