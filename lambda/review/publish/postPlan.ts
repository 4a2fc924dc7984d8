/**
 * Posts what a review or a reply decided: the plan is kept in the ledger as a run before anything is
 * posted, so a retry publishes that same plan without asking the model again, then the run is published.
 */

import type { RunRecord } from "../model/RunRecord.ts";
import type { PreparedReview } from "../prepareReview.ts";
import type { ReviewDependencies } from "../ReviewDependencies.ts";
import { fingerprints } from "../read/ReviewHistory.ts";
import type { PublicationPlan } from "./planPublication.ts";
import { type PublishReport, publishRun } from "./publishRun.ts";

export async function postPlan(
  prepared: PreparedReview,
  plan: PublicationPlan,
  mode: RunRecord["mode"],
  deps: ReviewDependencies,
): Promise<PublishReport> {
  const planned: RunRecord = {
    runId: prepared.runId,
    pageId: prepared.document.page.id,
    promptId: prepared.prompt.id,
    reviewerName: prepared.prompt.title,
    createdAt: prepared.now().toISOString(),
    mode,
    status: "planned",
    comments: plan.comments,
    states: {},
    fingerprints: fingerprints(prepared.document),
  };
  // An earlier attempt's plan, if one was kept in the meantime, wins: it may be partly posted already.
  const run = deps.ledger ? await deps.ledger.startRun(planned) : planned;
  const report = await publishRun(run, {
    comments: deps.comments,
    ledger: deps.ledger,
    reviewerName: prepared.prompt.title,
    now: prepared.now,
    onPosted: (comment, done, planned) =>
      deps.onProgress?.({ kind: "posted", what: comment.kind, done, planned }),
  });
  return report;
}
