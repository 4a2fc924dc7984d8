/**
 * The agent stage of a review or a reply: the model's input (with every secret taken out), fitted to the
 * model's context window, then the loop over the model, every tool call checked as it comes. The model is
 * not asked when its input would not fit.
 */

import { type ModelCapabilities, NO_USAGE, type TokenUsage } from "../ports/LlmProvider.ts";
import type { PreparedReview } from "../prepareReview.ts";
import type { ReviewSettings } from "../prompt/reviewSettings.ts";
import type { ProgressEvent, ReviewDependencies } from "../ReviewDependencies.ts";
import type { ReviewOutcome } from "../ReviewResult.ts";
import { buildReviewInput, type ReviewInput, type ReviewInputOptions } from "../render/buildReviewInput.ts";
import { estimateTokens } from "../render/estimateTokens.ts";
import type { RenderedDocument } from "../render/renderDocument.ts";
import { neutraliseModelText, redactSecrets } from "./neutraliseModelText.ts";
import { ReviewActions } from "./ReviewActions.ts";
import { reviewToolSpecs } from "./reviewTools.ts";
import { type AgentEnding, type AgentResult, runAgent } from "./runAgent.ts";

export const DEFAULT_MAX_OUTPUT_TOKENS = 16_000;
/**
 * Room the model's answer needs in its context window at least (tool calls, a summary, some thinking);
 * the output cap sent never exceeds what is left of the window, so the answer cannot push the input out.
 */
export const ANSWER_RESERVE_TOKENS = 4_000;
/** The context Ollama gives a model by default on a small GPU: the usual trap for local models. */
export const TYPICAL_LOCAL_CONTEXT_TOKENS = 4_096;
/** Round trips a reply may take: one to answer, one more if its call must be fixed. */
const REPLY_TURNS = 2;

/** What the model is asked for: a review of the page, or a reply in one discussion (by its reference). */
export type Task = { kind: "review" } | { kind: "reply"; threadRef: string; discussionId: string };

export type ModelAnswer =
  | {
      kind: "too_large";
      outcome: Extract<ReviewOutcome, { kind: "too_large" }>;
      actions: ReviewActions;
      /** A review in parts whose last pass would not fit: what the passes before it cost. */
      spent?: { usage: TokenUsage; roundTrips: number };
    }
  | { kind: "answered"; agent: AgentResult; actions: ReviewActions };

export async function askModel(
  prepared: PreparedReview,
  task: Task,
  deps: ReviewDependencies,
): Promise<ModelAnswer> {
  const { prompt, settings, rendered, document, history, secrets } = prepared;
  const progress = deps.onProgress ?? (() => {});
  const reply = task.kind === "reply" ? task : undefined;
  const { input, tools } = modelInputFor(prepared, task);
  const actions = new ReviewActions(rendered, {
    pageId: document.page.id,
    repliesAllowed: settings.replyInThreads || Boolean(reply),
    onlyThread: reply?.discussionId,
    history,
    reReview: settings.reReview,
    secrets,
  });
  const fit = fitContext(input, tools, prepared.capabilities, deps, progress);
  if ("kind" in fit) return { kind: "too_large", outcome: fit, actions };
  const maxTurns = reply ? REPLY_TURNS : (deps.maxTurns ?? turnBudget(settings, awaitingReply(rendered)));
  const agent = await runAgent({
    provider: prepared.provider,
    request: {
      model: settings.model,
      system: input.system,
      tools,
      maxOutputTokens: fit.maxOutputTokens,
      temperature: settings.temperature,
      reasoningEffort: settings.reasoningEffort,
      // One cache per reviewer and mode: their requests start with the same instructions and tools.
      cacheKey: `margin-${prompt.id.replaceAll("-", "")}-${task.kind}`,
    },
    firstMessage: input.user,
    maxTurns,
    mode: task.kind,
    finishTool: reply ? "reply_in_thread" : "finish_review",
    handle: (call) => actions.handle(call),
    onTurnStarted: (turn) => progress({ kind: "asking_model", turn, maxTurns }),
    onRoundTrip: (turn, usage) => progress({ kind: "round_trip", turn, usage }),
  });
  return { kind: "answered", agent, actions };
}

/** What the model is sent for a task: instructions and page (every secret taken out), and its tools. */
export function modelInputFor(
  prepared: PreparedReview,
  task: Task,
): { input: ReviewInput; tools: ReturnType<typeof reviewToolSpecs> } {
  const reply = task.kind === "reply" ? task : undefined;
  const input = redactInput(
    buildReviewInput({ ...reviewInputOf(prepared), replyTo: reply?.threadRef }),
    prepared.secrets,
  );
  const tools = reviewToolSpecs(
    reply ? { replies: true, only: ["reply_in_thread"] } : { replies: prepared.settings.replyInThreads },
  );
  return { input, tools };
}

/** The outcome of a run whose model did not finish (or declined), in words safe to show. */
export function unfinishedOutcome(
  ending: AgentEnding,
  turns: number,
  secrets: readonly string[],
): ReviewOutcome {
  switch (ending.kind) {
    case "refused":
      return {
        kind: "refused",
        reason:
          oneLine(neutraliseModelText(ending.reason, secrets), 300) ||
          "The model declined to review this document.",
      };
    case "truncated":
      return { kind: "truncated" };
    case "turn_limit":
      return { kind: "turn_limit", turns };
    default:
      return { kind: "refused", reason: "The model answered without a review." };
  }
}

/**
 * Round trips a review may take: enough for a model that makes one call per turn to comment up to the
 * reviewer's limit, answer the discussions waiting for it (a few), and finish, plus one reminder.
 */
export function turnBudget(settings: ReviewSettings, discussionsAwaitingReply: number): number {
  const replies = settings.replyInThreads ? Math.min(discussionsAwaitingReply, 3) : 0;
  return settings.maxInlineComments + replies + 2;
}

/** No usage: the model was not asked. */
export const NOTHING_SPENT = { usage: NO_USAGE, roundTrips: 0 };

/**
 * Stops a review whose input would not fit the model's context window before the model is asked: a
 * server that cuts an input from the front would drop the instructions without a word. Otherwise gives
 * the output cap to ask for: never more than the window leaves. MARGIN_CONTEXT_TOKENS counts only where
 * the capability table does not know the window (a compatible server's model); where neither knows it, the
 * review goes on with a warning.
 */
export function fitContext(
  input: ReviewInput,
  tools: ReturnType<typeof reviewToolSpecs>,
  capabilities: ModelCapabilities,
  deps: ReviewDependencies,
  progress: (event: ProgressEvent) => void,
): Extract<ReviewOutcome, { kind: "too_large" }> | { maxOutputTokens: number } {
  const wanted = deps.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const estimatedTokens = estimateTokens(`${input.system}\n${input.user}\n${JSON.stringify(tools)}`);
  const needed = estimatedTokens + Math.min(wanted, ANSWER_RESERVE_TOKENS);
  const contextTokens = capabilities.contextTokens ?? deps.contextTokens;
  if (contextTokens === undefined) {
    if (needed > TYPICAL_LOCAL_CONTEXT_TOKENS) {
      progress({
        kind: "context_unknown",
        estimatedTokens,
        typicalContextTokens: TYPICAL_LOCAL_CONTEXT_TOKENS,
      });
    }
    return { maxOutputTokens: wanted };
  }
  if (needed <= contextTokens) return { maxOutputTokens: Math.min(wanted, contextTokens - estimatedTokens) };
  const advice = deps.compatibleServer
    ? `Give the model a context of at least ${needed.toLocaleString("en-US")} tokens (for Ollama: OLLAMA_CONTEXT_LENGTH=${powerOfTwoAtLeast(needed)} ollama serve) and set MARGIN_CONTEXT_TOKENS to match, or lower MARGIN_REFERENCE_TOKENS to send fewer reference pages, or MARGIN_MAX_DOCUMENT_TOKENS to review the page in smaller parts.`
    : "Choose a model with a larger context window, or lower MARGIN_REFERENCE_TOKENS to send fewer reference pages, or MARGIN_MAX_DOCUMENT_TOKENS to review the page in smaller parts.";
  return { kind: "too_large", estimatedTokens, contextTokens, advice };
}

function powerOfTwoAtLeast(tokens: number): number {
  return 2 ** Math.ceil(Math.log2(tokens));
}

/** Discussions whose last word is not the reviewer's: those it may answer. */
function awaitingReply(rendered: RenderedDocument): number {
  return [...rendered.threads.values()].filter((thread) => !thread.comments.at(-1)?.byReviewer).length;
}

/** The model's input with every secret this process holds taken out: none of them is the model's business. */
export function redactInput(input: ReviewInput, secrets: readonly string[]): ReviewInput {
  if (secrets.length === 0) return input;
  return { system: redactSecrets(input.system, secrets), user: redactSecrets(input.user, secrets) };
}

function oneLine(text: string, limit: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > limit ? `${line.slice(0, limit - 1).trimEnd()}…` : line;
}

/** What every input to the model is built from: the reviewer, its settings and the page as rendered. */
export function reviewInputOf(prepared: PreparedReview): ReviewInputOptions {
  const { prompt, settings, rendered, document, history, references } = prepared;
  return {
    reviewerName: prompt.title,
    instructions: prompt.instructions,
    settings,
    rendered,
    pageTitle: document.page.title,
    history,
    references,
  };
}
