/**
 * Resuming a run: a queued review or reply delivered again finds its run in the ledger. A run that is done
 * needs nothing; a run that was planned and not wholly posted is published from its plan, without reading
 * the page or asking the model again, posting only what is missing. The one place a run is resumed.
 */
import { InvalidInputError } from "../errors.ts";
import type { RunRecord } from "./model/RunRecord.ts";
import type { Ledger } from "./ports/Ledger.ts";
import { type PublishReport, publishRun } from "./publish/publishRun.ts";
import type { ReviewDependencies } from "./ReviewDependencies.ts";

export type Resumed =
  | { kind: "done"; run: RunRecord }
  | { kind: "resumed"; run: RunRecord; publish: PublishReport };

/**
 * The reviewer's name of a run kept before runs carried it: the name the job knows, or a lookup of the
 * run's prompt.
 */
export type EarlierReviewerName = string | ((promptId: string) => Promise<string | undefined>);

/** The run's state of play; undefined when there is no run to resume (a first attempt). */
export async function resumeRun(
  runId: string,
  deps: Pick<ReviewDependencies, "comments" | "now"> & { ledger?: Ledger },
  reviewerName?: EarlierReviewerName,
): Promise<Resumed | undefined> {
  const run = await deps.ledger?.run(runId);
  if (!run) return undefined;
  if (run.status === "done") return { kind: "done", run };
  const name =
    run.reviewerName ??
    (typeof reviewerName === "function" ? await reviewerName(run.promptId) : reviewerName);
  if (!name) {
    throw new InvalidInputError(
      `Run ${runId} does not say which reviewer it is, and its prompt is no longer in the Prompts database; it cannot be resumed.`,
    );
  }
  const publish = await publishRun(run, {
    comments: deps.comments,
    ledger: deps.ledger,
    reviewerName: name,
    now: deps.now,
  });
  return { kind: "resumed", run, publish };
}
