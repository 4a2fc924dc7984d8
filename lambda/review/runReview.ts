/**
 * The review, end to end: resolve the prompt, read the document, render it, run the agent, validate its
 * actions, plan and publish them, and remember what was done. No AWS and no provider SDK in here: Notion,
 * the model and the ledger come in through small interfaces, so the command line, the local server and the
 * worker all run this same function.
 *
 * With a ledger, a re-review sees what changed since the reviewer's last review and what it said before
 * (resolved comments included), lists discussions only where they can be, and every run is planned before
 * anything is posted, so a retried run posts nothing twice. Reply mode answers in one discussion.
 */
import { randomUUID } from "node:crypto";
import { ConfigurationError, PromptError, ProviderError } from "../errors.ts";
import { neutraliseModelText, redactSecrets } from "./agent/neutraliseModelText.ts";
import { type RejectedCall, ReviewActions } from "./agent/ReviewActions.ts";
import { reviewToolSpecs } from "./agent/reviewTools.ts";
import { type AgentEnding, runAgent } from "./agent/runAgent.ts";
import { flattenBlocks, type ReviewDocument } from "./model/ReviewDocument.ts";
import type { PageMemory, RunRecord } from "./ports/Ledger.ts";
import { type LlmProvider, type ModelCapabilities, NO_USAGE, type TokenUsage } from "./ports/LlmProvider.ts";
import { modelSettingProblems } from "./prompt/modelSettingProblems.ts";
import { parseReviewSettings, type ReviewSettings, type SettingOverrides } from "./prompt/reviewSettings.ts";
import { inlineCommentText, type PublicationPlan, planPublication } from "./publish/planPublication.ts";
import { type PublishReport, planItems, publishRun } from "./publish/publishReview.ts";
import type { ProgressEvent, ReviewDependencies } from "./ReviewDependencies.ts";
import { fingerprintBlock, fingerprints, reviewHistory } from "./read/ReviewHistory.ts";
import { buildReviewInput, type ReviewInput } from "./render/buildReviewInput.ts";
import { estimateTokens } from "./render/estimateTokens.ts";
import { type RenderedDocument, renderDocument } from "./render/renderDocument.ts";
import {
  DEFAULT_REFERENCE_TOKENS,
  type ReferenceMaterial,
  renderReferences,
} from "./render/renderReferences.ts";

export interface ReviewRequest {
  /** The page under review (id). */
  pageId: string;
  /** The prompt's title or page id / URL. */
  prompt: string;
  /** The Prompts database (id or URL). */
  promptsDatabase: string;
  /** Command-line or webhook overrides of the prompt's settings. */
  overrides?: SettingOverrides;
  /** Read and ask the model, but post nothing. */
  dryRun?: boolean;
  /** The run's id: the same for every attempt of one queued job (default: a new one). */
  runId?: string;
  /** Answer in one discussion instead of reviewing the page. */
  replyTo?: { discussionId: string };
}

/** How the review ended. Anything but `reviewed` (and a reply) posted nothing. */
export type ReviewOutcome =
  | { kind: "reviewed" }
  | { kind: "replied" }
  | { kind: "no_reply"; reason: string }
  | { kind: "dry_run" }
  | { kind: "refused"; reason: string }
  | { kind: "truncated" }
  | { kind: "turn_limit"; turns: number }
  /** The input would not fit the model's context window: the model was not asked. */
  | { kind: "too_large"; estimatedTokens: number; contextTokens: number; advice: string }
  | { kind: "provider_error"; message: string; retryable: boolean };

export interface ReviewResult {
  outcome: ReviewOutcome;
  runId: string;
  page: { id: string; title: string; url: string };
  prompt: { id: string; title: string };
  settings: ReviewSettings;
  document: ReviewDocument;
  rendered: RenderedDocument;
  /** The reviewer's reference pages as given to the model. */
  references: ReferenceMaterial;
  /** What the reviewer decided; `plan` is undefined when the model did not finish. */
  plan?: PublicationPlan;
  rejected: RejectedCall[];
  publish?: PublishReport;
  usage: TokenUsage;
  roundTrips: number;
  renderedTokens?: number;
}

export const DEFAULT_MAX_OUTPUT_TOKENS = 16_000;
export const DEFAULT_FULL_SCAN_HOURS = 24;
/**
 * Room the model's answer needs in its context window at least (tool calls, a summary, some thinking);
 * the output cap sent never exceeds what is left of the window, so the answer cannot push the input out.
 */
export const ANSWER_RESERVE_TOKENS = 4_000;
/** The context Ollama gives a model by default on a small GPU: the usual trap for local models. */
export const TYPICAL_LOCAL_CONTEXT_TOKENS = 4_096;

/**
 * Round trips a review may take: enough for a model that makes one call per turn to comment up to the
 * reviewer's limit, answer the discussions waiting for it (a few), and finish, plus one reminder.
 */
export function turnBudget(settings: ReviewSettings, discussionsAwaitingReply: number): number {
  const replies = settings.replyInThreads ? Math.min(discussionsAwaitingReply, 3) : 0;
  return settings.maxInlineComments + replies + 2;
}

export type { ProgressEvent, ReviewDependencies };

export async function runReview(request: ReviewRequest, deps: ReviewDependencies): Promise<ReviewResult> {
  const progress = deps.onProgress ?? (() => {});
  const now = deps.now ?? (() => new Date());
  const runId = request.runId ?? randomUUID();
  const referenceTokens = deps.referenceTokens ?? DEFAULT_REFERENCE_TOKENS;
  // A budget of 0 turns reference pages off: they are not even read.
  const prompt = await deps.prompts.loadPrompt(request.promptsDatabase, request.prompt, {
    references: referenceTokens > 0,
  });
  const settings = parseReviewSettings(prompt, deps.settingDefaults, request.overrides);
  const provider = await deps.provider(settings.provider);
  const capabilities = checkModel(prompt.title, settings, provider);
  progress({ kind: "prompt_loaded", prompt, settings });

  const memory = await deps.ledger?.memory(request.pageId, prompt.id);
  const document = await readWithMemory(request.pageId, prompt.title, memory, deps, now);
  const history = reviewHistory(document, memory);
  const rendered = renderDocument(document, history, prompt.title);
  progress({
    kind: "document_read",
    title: document.page.title,
    blocks: rendered.blocks.size,
    threads: document.threads.length,
    changed: history?.changed.size,
    added: history?.added.size,
  });
  const renderedTokens = deps.countTokens?.(rendered.text);
  progress({ kind: "document_rendered", tokens: renderedTokens });
  const references = renderReferences(prompt.references, referenceTokens);
  if (prompt.references.length > 0) progress({ kind: "references_rendered", references });

  const replyRef = request.replyTo ? rendered.threadRefs.get(request.replyTo.discussionId) : undefined;
  const base: Omit<ReviewResult, "outcome" | "usage" | "roundTrips"> = {
    runId,
    page: { id: document.page.id, title: document.page.title, url: document.page.url },
    prompt: { id: prompt.id, title: prompt.title },
    settings,
    document,
    rendered,
    references,
    rejected: [],
    renderedTokens,
  };
  if (request.replyTo && !replyRef) {
    return {
      ...base,
      usage: NO_USAGE,
      roundTrips: 0,
      outcome: { kind: "no_reply", reason: "The discussion is no longer open on the page." },
    };
  }

  const secrets = deps.secretValues?.() ?? [];
  const input = redactInput(
    buildReviewInput({
      reviewerName: prompt.title,
      instructions: prompt.instructions,
      settings,
      rendered,
      pageTitle: document.page.title,
      history,
      replyTo: replyRef,
      references,
    }),
    secrets,
  );
  const tools = reviewToolSpecs(
    request.replyTo ? { replies: true, only: ["reply_in_thread"] } : { replies: settings.replyInThreads },
  );
  const fit = fitContext(input, tools, capabilities, deps, progress);
  if ("kind" in fit) return { ...base, usage: NO_USAGE, roundTrips: 0, outcome: fit };

  const actions = new ReviewActions(rendered, {
    pageId: document.page.id,
    repliesAllowed: settings.replyInThreads || Boolean(request.replyTo),
    onlyThread: request.replyTo?.discussionId,
    history,
    reReview: settings.reReview,
    secrets,
  });
  base.rejected = actions.rejected;

  let agent: Awaited<ReturnType<typeof runAgent>>;
  // Kept as the loop goes, so a provider failure on a later turn still reports the turns before it.
  let spent = { usage: NO_USAGE, roundTrips: 0 };
  try {
    agent = await runAgent({
      provider,
      request: {
        model: settings.model,
        system: input.system,
        tools,
        maxOutputTokens: fit.maxOutputTokens,
        temperature: settings.temperature,
        reasoningEffort: settings.reasoningEffort,
        // One cache per reviewer and mode: their requests start with the same instructions and tools.
        cacheKey: `margin-${prompt.id.replaceAll("-", "")}-${request.replyTo ? "reply" : "review"}`,
      },
      firstMessage: input.user,
      maxTurns: request.replyTo ? 2 : (deps.maxTurns ?? turnBudget(settings, awaitingReply(rendered))),
      mode: request.replyTo ? "reply" : "review",
      finishTool: request.replyTo ? "reply_in_thread" : "finish_review",
      handle: (call) => actions.handle(call),
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
  const ended = { ...base, usage: agent.usage, roundTrips: agent.roundTrips };
  // The document's own words go into what is posted: they are redacted as the model's input was.
  const describeRef = (ref: string) => {
    const described = describeReference(rendered, ref);
    return described === undefined ? undefined : redactSecrets(described, secrets);
  };

  let plan: PublicationPlan;
  if (request.replyTo) {
    if (agent.ending.kind !== "finished") {
      const failed =
        agent.ending.kind === "no_tool_calls"
          ? undefined
          : failedOutcome(agent.ending, agent.roundTrips, secrets);
      return {
        ...ended,
        outcome: failed ?? { kind: "no_reply", reason: "Nothing in the discussion called for an answer." },
      };
    }
    plan = planPublication({
      describeRef,
      comments: [],
      replies: actions.replies,
      summary: "",
      settings: { ...settings, replyInThreads: true, summary: "off" },
      excerpt: () => "",
      date: "",
    });
  } else {
    // A review is published only when the model finished it through the tools.
    const summary = agent.ending.kind === "finished" ? actions.summary : undefined;
    if (summary === undefined)
      return { ...ended, outcome: failedOutcome(agent.ending, agent.roundTrips, secrets) };
    plan = planPublication({
      describeRef,
      comments: actions.comments,
      replies: actions.replies,
      summary,
      settings,
      excerpt: (blockId) => redactSecrets(excerpt(rendered, blockId), secrets),
      date: now().toISOString().slice(0, 10),
      history,
    });
  }
  if (request.dryRun) return { ...ended, plan, outcome: { kind: "dry_run" } };

  const previousSummary = settings.summary === "update" ? previousSummaryId(document, memory) : undefined;
  const items = planItems(
    plan,
    (comment) => inlineCommentText(comment, rendered.blocks.get(comment.ref)?.plainText ?? "", describeRef),
    previousSummary,
  );
  const planned: RunRecord = {
    runId,
    pageId: document.page.id,
    promptId: prompt.id,
    createdAt: now().toISOString(),
    mode: request.replyTo ? "reply" : "review",
    status: "planned",
    items,
    states: {},
    fingerprints: fingerprints(document),
  };
  // The plan is kept before anything is posted: a retry of this run publishes it without the model.
  const run = deps.ledger ? await deps.ledger.startRun(planned) : planned;
  const publish = await publishRun(run, {
    comments: deps.comments,
    ledger: deps.ledger,
    pageId: document.page.id,
    promptId: prompt.id,
    reviewerName: prompt.title,
    now,
  });
  for (const item of publish.published) progress({ kind: "posted", what: item.item.kind });
  return { ...ended, plan, publish, outcome: { kind: request.replyTo ? "replied" : "reviewed" } };
}

/**
 * Reads the page. After a first review, discussions are listed only on blocks known to carry them, blocks
 * that changed and new blocks, until the last full listing is older than `fullScanAfterHours`; a full
 * listing is recorded as the new index.
 */
async function readWithMemory(
  pageId: string,
  reviewerName: string,
  memory: PageMemory | undefined,
  deps: ReviewDependencies,
  now: () => Date,
): Promise<ReviewDocument> {
  const ledger = deps.ledger;
  if (!ledger) return deps.pages.readDocument(pageId, reviewerName);
  const index = await ledger.discussionIndex(pageId);
  const maxAgeMs = (deps.fullScanAfterHours ?? DEFAULT_FULL_SCAN_HOURS) * 3_600_000;
  const fresh =
    memory?.lastReviewedAt !== undefined &&
    index.scannedAt !== undefined &&
    now().getTime() - Date.parse(index.scannedAt) < maxAgeMs;
  if (!fresh) {
    const scannedAt = now().toISOString();
    const document = await deps.pages.readDocument(pageId, reviewerName);
    await ledger.indexDiscussions(
      pageId,
      document.threads.flatMap((thread) => (thread.blockId ? [thread.blockId] : [])),
      scannedAt,
    );
    return document;
  }
  const known = new Set(index.blockIds);
  return deps.pages.readDocument(pageId, reviewerName, {
    discussionsOn: (blocks) => {
      const wanted = new Set(known);
      for (const block of flattenBlocks(blocks)) {
        if (memory.blocks[block.id] !== fingerprintBlock(block)) wanted.add(block.id);
      }
      return wanted;
    },
  });
}

function failedOutcome(ending: AgentEnding, turns: number, secrets: readonly string[]): ReviewOutcome {
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
 * The model and the prompt's settings, checked before anything else happens: a model from another
 * provider, or a setting the model cannot take, stops the review with the prompt's name and what to change
 * (PromptError); a model Margin cannot give its tools through this API stops it as configuration.
 */
function checkModel(title: string, settings: ReviewSettings, provider: LlmProvider): ModelCapabilities {
  const capabilities = provider.capabilities(settings.model);
  const problems = modelSettingProblems(settings, capabilities);
  if (problems.length > 0) {
    throw new PromptError(
      `Prompt "${title}" cannot run on ${settings.provider} ${settings.model}: ${problems.join(" ")}`,
    );
  }
  if (capabilities.toolsUnavailable) throw new ConfigurationError(`${capabilities.toolsUnavailable}.`);
  return capabilities;
}

/**
 * Stops a review whose input would not fit the model's context window before the model is asked: a
 * server that cuts an input from the front would drop the instructions without a word. Otherwise gives
 * the output cap to ask for: never more than the window leaves. MARGIN_CONTEXT_TOKENS counts only where
 * the capability table does not know the window (a compatible server's model); where neither knows it, the
 * review goes on with a warning.
 */
function fitContext(
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
    ? `Give the model a context of at least ${needed.toLocaleString("en-US")} tokens (for Ollama: OLLAMA_CONTEXT_LENGTH=${powerOfTwoAtLeast(needed)} ollama serve) and set MARGIN_CONTEXT_TOKENS to match, or lower MARGIN_REFERENCE_TOKENS to send fewer reference pages.`
    : "Choose a model with a larger context window, or lower MARGIN_REFERENCE_TOKENS to send fewer reference pages.";
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
function redactInput(input: ReviewInput, secrets: readonly string[]): ReviewInput {
  if (secrets.length === 0) return input;
  return { system: redactSecrets(input.system, secrets), user: redactSecrets(input.user, secrets) };
}

function oneLine(text: string, limit: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > limit ? `${line.slice(0, limit - 1).trimEnd()}…` : line;
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
