/**
 * The review, end to end: resolve the prompt, read the document, render it, run the agent, validate its
 * actions, plan and publish them. No AWS and no provider SDK in here: Notion and the model come in through
 * small interfaces, so the command line, the local server and the worker all run this same function.
 */
import { ProviderError } from "../errors.ts";
import { type LlmProvider, NO_USAGE, type TokenUsage } from "../llm/LlmProvider.ts";
import type { NotionGateway } from "../notion/NotionGateway.ts";
import type { PromptPage } from "../prompt/PromptPage.ts";
import {
  type ProviderName,
  parseReviewSettings,
  type ReviewSettings,
  type SettingDefaults,
} from "../prompt/reviewSettings.ts";
import { buildReviewInput } from "./buildReviewInput.ts";
import { inlineCommentText, type PublicationPlan, planPublication } from "./planPublication.ts";
import { type PublishReport, publishItems, publishReview } from "./publishReview.ts";
import { type RejectedCall, ReviewActions } from "./ReviewActions.ts";
import type { ReviewDocument } from "./ReviewDocument.ts";
import { type RenderedDocument, renderDocument } from "./renderDocument.ts";
import { reviewToolSpecs } from "./reviewTools.ts";
import { type AgentEnding, runAgent } from "./runAgent.ts";

export interface ReviewRequest {
  /** The page under review (id). */
  pageId: string;
  /** The prompt's title or page id / URL. */
  prompt: string;
  /** The Prompts database (id or URL). */
  promptsDatabase: string;
  /** Command-line or webhook overrides of the prompt's settings. */
  overrides?: Partial<Pick<ReviewSettings, "provider" | "model" | "summary">>;
  /** Read and ask the model, but post nothing. */
  dryRun?: boolean;
}

export type ProgressEvent =
  | { kind: "prompt_loaded"; prompt: PromptPage; settings: ReviewSettings }
  | { kind: "document_read"; title: string; blocks: number; threads: number }
  | { kind: "document_rendered"; tokens?: number }
  | { kind: "round_trip"; turn: number; usage: TokenUsage }
  | { kind: "posted"; what: string };

export interface ReviewDependencies {
  notion: NotionGateway;
  /** The model provider for a reviewer's settings (built, with its credentials, on first use). */
  provider(name: ProviderName): Promise<LlmProvider>;
  settingDefaults?: SettingDefaults;
  maxTurns?: number;
  maxOutputTokens?: number;
  /** Counts tokens of the rendering, for reports (optional: it loads a tokenizer). */
  countTokens?: (text: string) => number;
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
}

/** How the review ended. Anything but `reviewed` posted nothing. */
export type ReviewOutcome =
  | { kind: "reviewed" }
  | { kind: "dry_run" }
  | { kind: "refused"; reason: string }
  | { kind: "truncated" }
  | { kind: "turn_limit"; turns: number }
  | { kind: "provider_error"; message: string; retryable: boolean };

export interface ReviewResult {
  outcome: ReviewOutcome;
  page: { id: string; title: string; url: string };
  prompt: { id: string; title: string };
  settings: ReviewSettings;
  document: ReviewDocument;
  rendered: RenderedDocument;
  /** What the reviewer decided; `plan` is undefined when the model did not finish. */
  plan?: PublicationPlan;
  rejected: RejectedCall[];
  publish?: PublishReport;
  usage: TokenUsage;
  roundTrips: number;
  renderedTokens?: number;
}

export const DEFAULT_MAX_TURNS = 4;
export const DEFAULT_MAX_OUTPUT_TOKENS = 16_000;

export async function runReview(request: ReviewRequest, deps: ReviewDependencies): Promise<ReviewResult> {
  const progress = deps.onProgress ?? (() => {});
  const prompt = await deps.notion.loadPrompt(request.promptsDatabase, request.prompt);
  const settings = {
    ...parseReviewSettings(prompt, deps.settingDefaults),
    ...definedOnly(request.overrides),
  };
  progress({ kind: "prompt_loaded", prompt, settings });

  const document = await deps.notion.readDocument(request.pageId, prompt.title);
  const rendered = renderDocument(document);
  progress({
    kind: "document_read",
    title: document.page.title,
    blocks: rendered.blocks.size,
    threads: document.threads.length,
  });
  const renderedTokens = deps.countTokens?.(rendered.text);
  progress({ kind: "document_rendered", tokens: renderedTokens });

  const input = buildReviewInput({
    reviewerName: prompt.title,
    instructions: prompt.instructions,
    settings,
    rendered,
    pageTitle: document.page.title,
  });
  const actions = new ReviewActions(rendered, {
    pageId: document.page.id,
    repliesAllowed: settings.replyInThreads,
  });
  const base: Omit<ReviewResult, "outcome" | "usage" | "roundTrips"> = {
    page: { id: document.page.id, title: document.page.title, url: document.page.url },
    prompt: { id: prompt.id, title: prompt.title },
    settings,
    document,
    rendered,
    rejected: actions.rejected,
    renderedTokens,
  };

  let agent: Awaited<ReturnType<typeof runAgent>>;
  // Kept as the loop goes, so a provider failure on a later turn still reports the turns before it.
  let spent = { usage: NO_USAGE, roundTrips: 0 };
  try {
    agent = await runAgent({
      provider: await deps.provider(settings.provider),
      request: {
        model: settings.model,
        system: input.system,
        tools: reviewToolSpecs({ replies: settings.replyInThreads }),
        maxOutputTokens: deps.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
        temperature: settings.temperature,
        reasoningEffort: settings.reasoningEffort,
      },
      firstMessage: input.user,
      maxTurns: deps.maxTurns ?? DEFAULT_MAX_TURNS,
      handle: (call) => actions.handle(call),
      isFinish: (call) => actions.isFinish(call),
      onRoundTrip: (turn, usage) => {
        spent = { usage, roundTrips: turn };
        progress({ kind: "round_trip", turn, usage });
      },
    });
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return {
      ...base,
      ...spent,
      outcome: { kind: "provider_error", message: error.message, retryable: error.transient },
    };
  }
  const summary = summaryOf(agent.ending, actions.summary);
  const ended = { ...base, usage: agent.usage, roundTrips: agent.roundTrips };
  if (summary === undefined) return { ...ended, outcome: failedOutcome(agent.ending, agent.roundTrips) };

  const now = (deps.now ?? (() => new Date()))();
  const describeRef = (ref: string) => describeReference(rendered, ref);
  const plan = planPublication({
    describeRef,
    comments: actions.comments,
    replies: actions.replies,
    summary,
    settings,
    excerpt: (blockId) => excerpt(rendered, blockId),
    date: now.toISOString().slice(0, 10),
  });
  if (request.dryRun) return { ...ended, plan, outcome: { kind: "dry_run" } };

  const items = publishItems(
    plan,
    (ref) => {
      const comment = plan.inline.find((planned) => planned.ref === ref)!;
      return inlineCommentText(comment, rendered.blocks.get(ref)?.plainText ?? "", describeRef);
    },
    settings.summary === "update" ? previousSummaryId(document) : undefined,
  );
  const publish = await publishReview({
    notion: deps.notion,
    pageId: document.page.id,
    reviewerName: prompt.title,
    items,
  });
  for (const item of publish.published) progress({ kind: "posted", what: item.item.kind });
  return { ...ended, plan, publish, outcome: { kind: "reviewed" } };
}

/** The summary to post: the finishing call's, or the text of a turn that called no tools. */
function summaryOf(ending: AgentEnding, fromTool: string | undefined): string | undefined {
  if (ending.kind === "finished") return fromTool;
  if (ending.kind === "no_tool_calls" && ending.text.trim()) return ending.text.trim();
  return undefined;
}

function failedOutcome(ending: AgentEnding, turns: number): ReviewOutcome {
  switch (ending.kind) {
    case "refused":
      return { kind: "refused", reason: ending.reason || "The model declined to review this document." };
    case "truncated":
      return { kind: "truncated" };
    case "turn_limit":
      return { kind: "turn_limit", turns };
    default:
      return { kind: "refused", reason: "The model answered without a review." };
  }
}

/** The reviewer's earlier summary: the newest page-level discussion it started. */
function previousSummaryId(document: ReviewDocument): string | undefined {
  const own = document.threads.filter((thread) => !thread.blockId && thread.comments[0]?.byReviewer);
  return own.at(-1)?.comments[0]?.id;
}

/** What a reference means to a reader: the block's opening words, or whose discussion it is. */
function describeReference(rendered: RenderedDocument, ref: string): string | undefined {
  const block = rendered.blocks.get(ref);
  if (block) return `“${excerpt(rendered, block.id)}”`;
  const thread = rendered.threads.get(ref);
  if (thread) return `the discussion started by ${thread.comments[0]?.authorName ?? "someone"}`;
  return undefined;
}

function excerpt(rendered: RenderedDocument, blockId: string): string {
  const ref = rendered.blockRefs.get(blockId);
  const text = (ref ? rendered.blocks.get(ref)?.plainText : undefined) ?? "";
  return text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text || "(a block without text)";
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
