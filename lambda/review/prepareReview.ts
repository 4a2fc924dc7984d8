/**
 * The stages a page review and a reply share before the model is asked: the reviewer (its prompt page, its
 * settings, checked against the model they run on), the page read with what the reviewer remembers, the
 * rendering the model reads, and the reviewer's reference pages.
 */
import { randomUUID } from "node:crypto";
import { ConfigurationError, PromptError } from "../errors.ts";
import { completeEarlierRun, type EarlierRun } from "./completeEarlierRun.ts";
import type { PromptPage } from "./model/PromptPage.ts";
import type { ReviewDocument } from "./model/ReviewDocument.ts";
import type { PageMemory } from "./model/RunRecord.ts";
import type { LlmProvider, ModelCapabilities } from "./ports/LlmProvider.ts";
import { modelSettingProblems } from "./prompt/modelSettingProblems.ts";
import { parseReviewSettings, type ReviewSettings, type SettingOverrides } from "./prompt/reviewSettings.ts";
import type { ReviewDependencies } from "./ReviewDependencies.ts";
import type { ReviewResult } from "./ReviewResult.ts";
import { referencePagesOf, writeLearnings } from "./read/keepLearnings.ts";
import { type ObservedFates, observeFates } from "./read/observeFates.ts";
import { type ReviewHistory, reviewHistory } from "./read/ReviewHistory.ts";
import { readWithMemory } from "./read/readWithMemory.ts";
import { type RenderedDocument, renderDocument } from "./render/renderDocument.ts";
import {
  DEFAULT_REFERENCE_TOKENS,
  type ReferenceMaterial,
  renderReferences,
} from "./render/renderReferences.ts";

export interface PreparedReview {
  runId: string;
  prompt: PromptPage;
  settings: ReviewSettings;
  provider: LlmProvider;
  capabilities: ModelCapabilities;
  memory?: PageMemory;
  /** The reviewer's earlier run on the page, completed before this one read it. */
  earlierRun?: EarlierRun;
  document: ReviewDocument;
  /** A re-review: what changed since the reviewer's last review, and what it said before. */
  history?: ReviewHistory;
  /** A re-review: what became of the reviewer's earlier comments on blocks, as this read saw it. */
  fates?: ObservedFates;
  rendered: RenderedDocument;
  references: ReferenceMaterial;
  renderedTokens?: number;
  /** Every secret value this process holds, to keep out of what the model reads and writes. */
  secrets: readonly string[];
  now: () => Date;
}

type PrepareRequest = {
  pageId: string;
  prompt: string;
  promptsDatabase: string;
  overrides?: SettingOverrides;
  runId?: string;
  dryRun?: boolean;
};

export async function prepareReview(
  request: PrepareRequest,
  deps: ReviewDependencies,
): Promise<PreparedReview> {
  const progress = deps.onProgress ?? (() => {});
  const now = deps.now ?? (() => new Date());
  const referenceTokens = deps.referenceTokens ?? DEFAULT_REFERENCE_TOKENS;
  const { prompt, settings, provider, capabilities } = await loadReviewer(request, referenceTokens, deps);
  const { memory, earlierRun } = await recall(request, prompt.id, prompt.title, deps);
  const document = await readWithMemory(request.pageId, prompt.title, memory, {
    ...deps,
    now,
    onReading: (reading) => progress({ kind: "reading", ...reading }),
  });
  const history = reviewHistory(document, memory);
  const fates =
    history && memory
      ? await observeFates(document, memory, prompt.title, { ...deps, now, dryRun: request.dryRun })
      : undefined;
  const rendered = renderDocument(document, history, prompt.title);
  progress({
    kind: "document_read",
    title: document.page.title,
    blocks: rendered.blocks.size,
    threads: document.threads.length,
    changed: history?.changed.size,
    added: history?.added.size,
  });
  // After the read (a worker's reading is over), so a Learnings page is written once the page is read.
  if (fates && settings.keepLearnings && !request.dryRun)
    await writeLearnings(prompt, document.page, fates.newlyDismissed, deps);
  const renderedTokens = deps.countTokens?.(rendered.text);
  progress({ kind: "document_rendered", tokens: renderedTokens });
  const referencePages = referencePagesOf(prompt, settings);
  const references = renderReferences(referencePages, referenceTokens);
  if (referencePages.length > 0)
    progress({ kind: "references_rendered", references, tokens: deps.countTokens?.(references.text) });
  return {
    runId: request.runId ?? randomUUID(),
    ...{ prompt, settings, provider, capabilities, memory, earlierRun },
    ...{ document, history, fates, rendered, references, renderedTokens },
    // After the provider is built: its key is among the secrets held from then on.
    secrets: deps.secretValues?.() ?? [],
    now,
  };
}

/** The reviewer: its prompt page (references read unless their budget is 0), settings and model. */
async function loadReviewer(request: PrepareRequest, referenceTokens: number, deps: ReviewDependencies) {
  const prompt = await deps.prompts.loadPrompt(request.promptsDatabase, request.prompt, {
    references: referenceTokens > 0,
  });
  const settings = parseReviewSettings(prompt, deps.settingDefaults, request.overrides);
  const provider = await deps.provider(settings.provider);
  const capabilities = checkModel(prompt.title, settings, provider);
  deps.onProgress?.({ kind: "prompt_loaded", prompt, settings });
  return { prompt, settings, provider, capabilities };
}

/**
 * What the reviewer remembers of the page, after completing its earlier run there if one was left partly
 * posted (not in a dry run, which posts nothing).
 */
async function recall(
  request: PrepareRequest,
  promptId: string,
  reviewerName: string,
  deps: ReviewDependencies,
): Promise<{ memory?: PageMemory; earlierRun?: EarlierRun }> {
  const { ledger } = deps;
  const memory = await ledger?.memory(request.pageId, promptId);
  if (!ledger || !memory?.unfinishedRunId || memory.unfinishedRunId === request.runId || request.dryRun)
    return { memory };
  const earlierRun = await completeEarlierRun(memory, reviewerName, { ...deps, ledger });
  if (!earlierRun) return { memory: await ledger.memory(request.pageId, promptId) };
  deps.onProgress?.({ kind: "earlier_run_completed", run: earlierRun });
  return { memory: await ledger.memory(request.pageId, promptId), earlierRun };
}

/** What every result of a prepared review carries. */
export function resultOf(
  prepared: PreparedReview,
): Omit<ReviewResult, "outcome" | "usage" | "roundTrips" | "rejected"> {
  const { document, prompt } = prepared;
  return {
    runId: prepared.runId,
    page: { id: document.page.id, title: document.page.title, url: document.page.url },
    prompt: { id: prompt.id, title: prompt.title },
    settings: prepared.settings,
    document,
    rendered: prepared.rendered,
    references: prepared.references,
    renderedTokens: prepared.renderedTokens,
    ...(prepared.earlierRun ? { earlierRun: prepared.earlierRun } : {}),
    ...(prepared.fates ? { fates: prepared.fates } : {}),
  };
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
