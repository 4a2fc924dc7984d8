/**
 * A review of a page, end to end: prepare (the reviewer, the page as it is and as the reviewer remembers
 * it, the rendering), ask the model, plan what goes where, and post it. A review is posted only when the
 * model finished it through its tools; a dry run stops before posting. A page longer than the model's
 * budget for one pass is asked about in parts, with one summary (`askModelInParts`). No AWS and no provider SDK in here:
 * Notion, the model and the ledger come in through the core's ports, so the command line, the local server
 * and the worker all run this same function.
 */

import { askModel, NOTHING_SPENT, unfinishedOutcome } from "./agent/askModel.ts";
import { askModelInParts } from "./agent/askModelInParts.ts";
import { redactSecrets } from "./agent/neutraliseModelText.ts";
import type { ReviewDocument } from "./model/ReviewDocument.ts";
import type { PageMemory } from "./model/RunRecord.ts";
import { type PreparedReview, prepareReview, resultOf } from "./prepareReview.ts";
import { type PlanInput, type PublicationPlan, planPublication } from "./publish/planPublication.ts";
import { postPlan } from "./publish/postPlan.ts";
import type { ReviewDependencies } from "./ReviewDependencies.ts";
import type { ReviewRequest, ReviewResult } from "./ReviewResult.ts";
import { blockExcerpt, describeReference } from "./render/describeReference.ts";
import { estimateTokens } from "./render/estimateTokens.ts";
import { DEFAULT_MAX_DOCUMENT_TOKENS, splitDocument } from "./render/splitDocument.ts";

export async function reviewPage(request: ReviewRequest, deps: ReviewDependencies): Promise<ReviewResult> {
  const prepared = await prepareReview(request, deps);
  const split = splitDocument(prepared.rendered, {
    maxTokens: deps.maxDocumentTokens ?? DEFAULT_MAX_DOCUMENT_TOKENS,
    count: deps.countTokens ?? estimateTokens,
    tokens: prepared.renderedTokens,
  });
  const inParts = split.parts.length > 1;
  const answer = inParts
    ? await askModelInParts(prepared, split, deps)
    : await askModel(prepared, { kind: "review" }, deps);
  const base = { ...resultOf(prepared), parts: split.parts.length, rejected: answer.actions.rejected };
  if (answer.kind === "too_large")
    return { ...base, ...(answer.spent ?? NOTHING_SPENT), outcome: answer.outcome };
  const { agent, actions } = answer;
  const ended = { ...base, usage: agent.usage, roundTrips: agent.roundTrips };
  // A review is published only when the model finished it through the tools.
  if (agent.ending.kind !== "finished" || actions.summary === undefined) {
    return { ...ended, outcome: unfinishedOutcome(agent.ending, agent.roundTrips, prepared.secrets) };
  }
  const parts = inParts ? split.parts.map((part) => part.label) : undefined;
  const { findings, replies, summary } = actions;
  const plan = planReview(prepared, { findings, replies, summary, parts });
  if (request.dryRun) return { ...ended, plan, outcome: { kind: "dry_run" } };
  const publish = await postPlan(prepared, plan, "review", deps);
  return { ...ended, plan, publish, outcome: { kind: "reviewed" } };
}

function planReview(
  prepared: PreparedReview,
  decided: Pick<PlanInput, "findings" | "replies" | "parts"> & { summary: string },
): PublicationPlan {
  const { rendered, secrets, settings } = prepared;
  // The document's own words go into what is posted: they are redacted as the model's input was.
  const describeRef = (ref: string) => {
    const described = describeReference(rendered, ref);
    return described === undefined ? undefined : redactSecrets(described, secrets);
  };
  return planPublication({
    describeRef,
    findings: decided.findings,
    replies: decided.replies,
    summary: decided.summary,
    // Headings are the document's words: redacted like the rest of it.
    parts: decided.parts?.map((label) => redactSecrets(label, secrets)),
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
