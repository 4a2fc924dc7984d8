/**
 * A reply in one discussion of a page, by the reviewer someone wrote to: the same preparation as a review,
 * the model asked in reply mode (it may decline by calling no tool), and at most one reply posted, in that
 * discussion.
 */

import { askModel, NOTHING_SPENT, unfinishedOutcome } from "./agent/askModel.ts";
import { redactSecrets } from "./agent/neutraliseModelText.ts";
import { prepareReview, resultOf } from "./prepareReview.ts";
import { planPublication } from "./publish/planPublication.ts";
import { postPlan } from "./publish/postPlan.ts";
import type { ReviewDependencies } from "./ReviewDependencies.ts";
import type { ReplyRequest, ReviewResult } from "./ReviewResult.ts";
import { learnFromReply } from "./read/keepLearnings.ts";
import { describeReference } from "./render/describeReference.ts";

export async function replyInThread(request: ReplyRequest, deps: ReviewDependencies): Promise<ReviewResult> {
  const prepared = await prepareReview(request, deps);
  // "That does not apply here" dismisses the point it answers, whatever the reviewer then replies.
  await learnFromReply(prepared, request.discussionId, deps);
  const base = { ...resultOf(prepared), rejected: [] };
  const threadRef = prepared.rendered.threadRefs.get(request.discussionId);
  if (!threadRef) {
    return {
      ...base,
      ...NOTHING_SPENT,
      outcome: { kind: "no_reply", reason: "The discussion is no longer open on the page." },
    };
  }
  const answer = await askModel(
    prepared,
    { kind: "reply", threadRef, discussionId: request.discussionId },
    deps,
  );
  if (answer.kind === "too_large") return { ...base, ...NOTHING_SPENT, outcome: answer.outcome };
  const { agent, actions } = answer;
  const ended = { ...base, rejected: actions.rejected, usage: agent.usage, roundTrips: agent.roundTrips };
  if (agent.ending.kind === "no_tool_calls")
    return {
      ...ended,
      outcome: { kind: "no_reply", reason: "Nothing in the discussion called for an answer." },
    };
  if (agent.ending.kind !== "finished")
    return { ...ended, outcome: unfinishedOutcome(agent.ending, agent.roundTrips, prepared.secrets) };
  const plan = planPublication({
    describeRef: (ref) => {
      const described = describeReference(prepared.rendered, ref);
      return described === undefined ? undefined : redactSecrets(described, prepared.secrets);
    },
    findings: [],
    replies: actions.replies,
    summary: undefined,
    settings: { ...prepared.settings, replyInThreads: true, summary: "off" },
    excerpt: () => "",
    blockText: () => "",
    date: "",
  });
  const publish = await postPlan(prepared, plan, "reply", deps);
  return { ...ended, plan, publish, outcome: { kind: "replied" } };
}
