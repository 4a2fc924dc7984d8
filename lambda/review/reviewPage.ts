/**
 * A review of a page, end to end: prepare (the reviewer, the page as it is and as the reviewer remembers
 * it, the rendering), ask the model, plan what goes where, and post it. A review is posted only when the
 * model finished it through its tools; a dry run stops before posting. No AWS and no provider SDK in here:
 * Notion, the model and the ledger come in through the core's ports, so the command line, the local server
 * and the worker all run this same function.
 */

import { askModel, NOTHING_SPENT, unfinishedOutcome } from "./agent/askModel.ts";
import { redactSecrets } from "./agent/neutraliseModelText.ts";
import type { ReviewDocument } from "./model/ReviewDocument.ts";
import type { PageMemory } from "./model/RunRecord.ts";
import { type PreparedReview, prepareReview, resultOf } from "./prepareReview.ts";
import { type PublicationPlan, planPublication } from "./publish/planPublication.ts";
import { postPlan } from "./publish/postPlan.ts";
import type { ReviewDependencies } from "./ReviewDependencies.ts";
import type { ReviewRequest, ReviewResult } from "./ReviewResult.ts";
import { blockExcerpt, describeReference } from "./render/describeReference.ts";

export async function reviewPage(request: ReviewRequest, deps: ReviewDependencies): Promise<ReviewResult> {
  const prepared = await prepareReview(request, deps);
  const answer = await askModel(prepared, { kind: "review" }, deps);
  const base = { ...resultOf(prepared), rejected: answer.actions.rejected };
  if (answer.kind === "too_large") return { ...base, ...NOTHING_SPENT, outcome: answer.outcome };
  const { agent, actions } = answer;
  const ended = { ...base, usage: agent.usage, roundTrips: agent.roundTrips };
  // A review is published only when the model finished it through the tools.
  if (agent.ending.kind !== "finished" || actions.summary === undefined) {
    return { ...ended, outcome: unfinishedOutcome(agent.ending, agent.roundTrips, prepared.secrets) };
  }
  const plan = planReview(prepared, actions.findings, actions.replies, actions.summary);
  if (request.dryRun) return { ...ended, plan, outcome: { kind: "dry_run" } };
  const publish = await postPlan(prepared, plan, "review", deps);
  return { ...ended, plan, publish, outcome: { kind: "reviewed" } };
}

function planReview(
  prepared: PreparedReview,
  findings: Parameters<typeof planPublication>[0]["findings"],
  replies: Parameters<typeof planPublication>[0]["replies"],
  summary: string,
): PublicationPlan {
  const { rendered, secrets, settings } = prepared;
  // The document's own words go into what is posted: they are redacted as the model's input was.
  const describeRef = (ref: string) => {
    const described = describeReference(rendered, ref);
    return described === undefined ? undefined : redactSecrets(described, secrets);
  };
  return planPublication({
    describeRef,
    findings,
    replies,
    summary,
    settings,
    excerpt: (blockId) => redactSecrets(blockExcerpt(rendered, blockId), secrets),
    blockText: (blockId) => rendered.blocks.get(rendered.blockRefs.get(blockId) ?? "")?.plainText ?? "",
    date: prepared.now().toISOString().slice(0, 10),
    history: prepared.history,
    previousSummaryId:
      settings.summary === "update" ? previousSummaryId(prepared.document, prepared.memory) : undefined,
  });
}

/**
 * The reviewer's earlier summary to edit in place: the one the ledger remembers, while its discussion is
 * still open (a summary someone resolved gets a fresh one); without a ledger, the newest page-level
 * discussion the reviewer started.
 */
function previousSummaryId(document: ReviewDocument, memory: PageMemory | undefined): string | undefined {
  const open = document.threads.filter((thread) => !thread.blockId);
  if (memory?.summary)
    return open.some((thread) => thread.discussionId === memory.summary?.discussionId)
      ? memory.summary.commentId
      : undefined;
  return open.filter((thread) => thread.comments[0]?.byReviewer).at(-1)?.comments[0]?.id;
}
