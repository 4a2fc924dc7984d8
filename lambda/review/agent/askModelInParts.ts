/**
 * The agent stage of a review of a page too long for one pass (see `splitDocument`): one pass of the same
 * agent per part, with the same instructions and tools, each reading only its part under the page's
 * header and the outline of the whole; then one short pass that writes the page's summary.
 *
 * The summary is the model's, not a stitching of the parts' summaries: a reviewer's summary is a verdict
 * on the page in the shape its instructions ask for (verdict, deviations by severity, questions), and three
 * verdicts on three parts, one after the other, are not one. The last pass reads only the parts' notes and
 * comments, and may only call `finish_review`, so it costs a fraction of a part.
 *
 * One set of actions runs through every pass: the page's limit on comments, the checks against repeating
 * a comment or a reply, and the refused calls hold for the whole page. Usage and round trips add up over
 * the passes; a pass that does not finish ends the review unfinished, and nothing of it is posted.
 */
import { addUsage, NO_USAGE } from "../ports/LlmProvider.ts";
import type { PreparedReview } from "../prepareReview.ts";
import type { ProgressEvent, ReviewDependencies } from "../ReviewDependencies.ts";
import { buildReviewInput, type ReviewInput } from "../render/buildReviewInput.ts";
import { buildSummaryInput, type PartNotes } from "../render/buildSummaryInput.ts";
import type { DocumentPart, DocumentSplit } from "../render/splitDocument.ts";
import { fitContext, type ModelAnswer, redactInput, reviewInputOf, turnBudget } from "./askModel.ts";
import { type PassScope, ReviewActions } from "./ReviewActions.ts";
import { reviewToolSpecs } from "./reviewTools.ts";
import { type AgentResult, runAgent } from "./runAgent.ts";

/** Round trips the summary pass may take: one to write it, one more if its call must be fixed. */
const SUMMARY_TURNS = 2;

type Spent = Pick<AgentResult, "usage" | "roundTrips">;

export async function askModelInParts(
  prepared: PreparedReview,
  split: DocumentSplit,
  deps: ReviewDependencies,
): Promise<ModelAnswer> {
  const { settings } = prepared;
  const actions = actionsFor(prepared);
  const tools = reviewToolSpecs({ replies: settings.replyInThreads });
  const progress = warningOnce(deps.onProgress ?? (() => {}));
  const inputOf = (part: DocumentPart) => partInput(prepared, split, part, actions.commentsLeft());
  // Every part is checked against the context window before the model is asked at all: a part that does
  // not fit would otherwise stop the review after the parts before it were paid for.
  const outputCaps: number[] = [];
  for (const part of split.parts) {
    const fit = fitContext(inputOf(part), tools, prepared.capabilities, deps, progress);
    if ("kind" in fit) return { kind: "too_large", outcome: fit, actions };
    outputCaps.push(fit.maxOutputTokens);
  }
  let spent: Spent = { usage: NO_USAGE, roundTrips: 0 };
  const notes: PartNotes[] = [];
  for (const [index, part] of split.parts.entries()) {
    const before = { findings: actions.findings.length, replies: actions.replies.length };
    actions.beginPass(scopeOf(part, split.parts.length));
    const agent = await runPass(prepared, deps, spent, {
      input: inputOf(part),
      tools,
      maxOutputTokens: outputCaps[index]!,
      maxTurns: deps.maxTurns ?? turnBudget(settings, awaitingReply(prepared, part)),
      actions,
    });
    spent = addSpent(spent, agent);
    if (agent.ending.kind !== "finished" || actions.summary === undefined)
      return { kind: "answered", agent: { ...spent, ending: agent.ending }, actions };
    notes.push({
      part,
      summary: actions.summary,
      findings: actions.findings.slice(before.findings),
      replies: actions.replies.slice(before.replies),
    });
  }
  // With the reviewer's summary off nothing would be posted from a summary pass: it is not asked for (the
  // last part's notes stand in for it, and planning drops them).
  if (settings.summary === "off")
    return { kind: "answered", agent: { ...spent, ending: { kind: "finished" } }, actions };
  return summaryPass(prepared, deps, { notes, actions, spent, progress });
}

/** The last pass: the page's summary from the parts' notes, through `finish_review` alone. */
async function summaryPass(
  prepared: PreparedReview,
  deps: ReviewDependencies,
  run: { notes: PartNotes[]; actions: ReviewActions; spent: Spent; progress: (event: ProgressEvent) => void },
): Promise<ModelAnswer> {
  const { actions, spent } = run;
  const input = redactInput(buildSummaryInput(reviewInputOf(prepared), run.notes), prepared.secrets);
  const tools = reviewToolSpecs({ replies: false, only: ["finish_review"] });
  const fit = fitContext(input, tools, prepared.capabilities, deps, run.progress);
  if ("kind" in fit) return { kind: "too_large", outcome: fit, actions, spent };
  actions.beginPass({ name: "the page's summary", blockRefs: new Set(), threadRefs: new Set() });
  const agent = await runPass(prepared, deps, spent, {
    input,
    tools,
    maxOutputTokens: fit.maxOutputTokens,
    maxTurns: SUMMARY_TURNS,
    actions,
  });
  return { kind: "answered", agent: { ...addSpent(spent, agent), ending: agent.ending }, actions };
}

/** One pass of the agent, its round trips reported as the review's (counted on from the passes before). */
function runPass(
  prepared: PreparedReview,
  deps: ReviewDependencies,
  before: Spent,
  pass: {
    input: ReviewInput;
    tools: ReturnType<typeof reviewToolSpecs>;
    maxOutputTokens: number;
    maxTurns: number;
    actions: ReviewActions;
  },
): Promise<AgentResult> {
  const { settings, prompt } = prepared;
  return runAgent({
    provider: prepared.provider,
    request: {
      model: settings.model,
      system: pass.input.system,
      tools: pass.tools,
      maxOutputTokens: pass.maxOutputTokens,
      temperature: settings.temperature,
      reasoningEffort: settings.reasoningEffort,
      // The same cache as a review in one pass: every pass starts with the same instructions.
      cacheKey: `margin-${prompt.id.replaceAll("-", "")}-review`,
    },
    firstMessage: pass.input.user,
    maxTurns: pass.maxTurns,
    mode: "review",
    finishTool: "finish_review",
    handle: (call) => pass.actions.handle(call),
    onTurnStarted: (turn) =>
      deps.onProgress?.({
        kind: "asking_model",
        turn: before.roundTrips + turn,
        maxTurns: before.roundTrips + pass.maxTurns,
      }),
    onRoundTrip: (turn, usage) =>
      deps.onProgress?.({
        kind: "round_trip",
        turn: before.roundTrips + turn,
        usage: addUsage(before.usage, usage),
      }),
  });
}

function actionsFor(prepared: PreparedReview): ReviewActions {
  const { settings, document, history, secrets } = prepared;
  return new ReviewActions(prepared.rendered, {
    pageId: document.page.id,
    repliesAllowed: settings.replyInThreads,
    history,
    reReview: settings.reReview,
    secrets,
    commentLimit: { max: settings.maxInlineComments, minimumSeverity: settings.minimumInlineSeverity },
  });
}

/** The input of each part's pass as its pass begins with every comment still allowed (`--print-input`). */
export function partInputs(prepared: PreparedReview, split: DocumentSplit): ReviewInput[] {
  return split.parts.map((part) => partInput(prepared, split, part, prepared.settings.maxInlineComments));
}

function partInput(
  prepared: PreparedReview,
  split: DocumentSplit,
  part: DocumentPart,
  commentsLeft: number,
): ReviewInput {
  const pass = {
    part,
    count: split.parts.length,
    outline: split.outline,
    commentsLeft,
    maxComments: prepared.settings.maxInlineComments,
  };
  return redactInput(buildReviewInput({ ...reviewInputOf(prepared), part: pass }), prepared.secrets);
}

function scopeOf(part: DocumentPart, count: number): PassScope {
  return { name: `part ${part.number} of ${count}`, blockRefs: part.blockRefs, threadRefs: part.threadRefs };
}

/** Discussions of the part whose last word is not the reviewer's: those it may answer. */
function awaitingReply(prepared: PreparedReview, part: DocumentPart): number {
  return [...part.threadRefs].filter(
    (ref) => !prepared.rendered.threads.get(ref)?.comments.at(-1)?.byReviewer,
  ).length;
}

function addSpent(spent: Spent, agent: AgentResult): Spent {
  return { usage: addUsage(spent.usage, agent.usage), roundTrips: spent.roundTrips + agent.roundTrips };
}

/** Every pass is checked against the context window; a window Margin does not know is warned of once. */
function warningOnce(progress: (event: ProgressEvent) => void): (event: ProgressEvent) => void {
  let warned = false;
  return (event) => {
    if (event.kind === "context_unknown") {
      if (warned) return;
      warned = true;
    }
    progress(event);
  };
}
