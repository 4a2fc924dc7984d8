/**
 * Reviews labelled documents as Margin would in Notion, and scores each review: every document in a
 * Notion emulator of its own (the library's reviewers in a Prompts database, the document in a Documents
 * database, its existing discussions on their blocks), read and reviewed by the real review core as a dry
 * run (nothing is posted; the plan is what is scored). The model is the configured provider, or a
 * scripted server replaying a recording, or the configured provider behind a recorder.
 */
import { basename } from "node:path";
import { startScriptedModelServer } from "../../emulators/llm/ScriptedModelServer.ts";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import type { MarginConfig } from "../config/config.ts";
import { EnvironmentSecrets } from "../config/secrets.ts";
import { InvalidInputError } from "../errors.ts";
import type { PromptLibrary } from "../library/PromptLibrary.ts";
import { estimateCostUsd } from "../llm/estimateCost.ts";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import type { ReviewResult } from "../review/ReviewResult.ts";
import { countTokens } from "../review/render/countTokens.ts";
import { reviewPage } from "../review/reviewPage.ts";
import { buildReviewDependencies } from "../wiring/buildReviewDependencies.ts";
import { anchorsOf, EVAL_PEOPLE, type EvalDocument } from "./evalDocument.ts";
import { documentsSeed, librarySeed } from "./librarySeed.ts";
import { ModelRecorder, type Recording } from "./ModelRecorder.ts";
import { type ReviewedDocument, summarySectionsOf } from "./scoreReview.ts";

const EVAL_TOKEN = "eval-token";

export interface EvalModel {
  provider?: ProviderName;
  model?: string;
  /** Replay this recording instead of asking a model. */
  replay?: Recording;
  /** Record the model's answers (an OpenAI or Anthropic provider; not Bedrock, whose requests are signed for its host). */
  record?: boolean;
}

export interface EvalRun {
  reviewed: ReviewedDocument;
  result: ReviewResult;
  /** The model's answers, when recording. */
  recording?: Recording;
}

/** One review of one labelled document by its reviewer, as a dry run. */
export async function runEvalDocument(
  document: EvalDocument,
  library: PromptLibrary,
  config: MarginConfig,
  env: NodeJS.ProcessEnv,
  model: EvalModel,
): Promise<EvalRun> {
  const emulator = await startNotionEmulator({ seed: evalWorkspace(document, library), token: EVAL_TOKEN });
  const provider = model.replay?.provider ?? model.provider ?? config.MARGIN_PROVIDER ?? "openai";
  const replay = model.replay
    ? await startScriptedModelServer({ provider, script: model.replay.script })
    : undefined;
  const recorder = model.record
    ? await ModelRecorder.start(provider, upstreamOf(provider, config))
    : undefined;
  try {
    const modelUrl = replay?.url ?? recorder?.url;
    const evalConfig: MarginConfig = {
      ...config,
      NOTION_BASE_URL: emulator.url,
      MARGIN_PROMPTS_DATABASE: idFor("prompts"),
      MARGIN_NOTION_REQUESTS_PER_MINUTE: 100_000,
      MARGIN_LEDGER_TABLE: undefined,
      ...(modelUrl && provider === "openai"
        ? { OPENAI_BASE_URL: modelUrl, MARGIN_OPENAI_SERVER: "openai" }
        : {}),
      ...(modelUrl && provider === "anthropic" ? { ANTHROPIC_BASE_URL: modelUrl } : {}),
      ...(modelUrl && provider === "bedrock" ? { ANTHROPIC_BEDROCK_BASE_URL: modelUrl } : {}),
    };
    const secrets = new EnvironmentSecrets({
      ...env,
      NOTION_TOKEN: EVAL_TOKEN,
      // A replay needs no key: the scripted server checks none.
      ...(replay ? { OPENAI_API_KEY: "replay", ANTHROPIC_API_KEY: "replay" } : {}),
    });
    const deps = await buildReviewDependencies(evalConfig, secrets, { countTokens });
    const result = await reviewPage(
      {
        pageId: idFor("doc"),
        prompt: idFor(`prompt:${document.reviewer}`),
        promptsDatabase: idFor("prompts"),
        overrides: {
          provider,
          ...((model.replay?.model ?? model.model) ? { model: model.replay?.model ?? model.model } : {}),
        },
        dryRun: true,
      },
      deps,
    );
    return {
      reviewed: reviewedFrom(document, result, library),
      result,
      ...(recorder
        ? { recording: { provider, model: result.settings.model, script: recorder.answers } }
        : {}),
    };
  } finally {
    await Promise.all([emulator.close(), replay?.close(), recorder?.close()]);
  }
}

/** The review in the document's terms: comments by anchor, the summary, what the run cost. */
function reviewedFrom(
  document: EvalDocument,
  result: ReviewResult,
  library: PromptLibrary,
): ReviewedDocument {
  const anchorOf = new Map(anchorsOf(document.markdown).map((anchor) => [idFor(anchor), anchor]));
  const comments = result.plan?.comments ?? [];
  const { usage } = result;
  return {
    comments: comments
      .filter((comment) => comment.kind === "comment")
      .map((comment) => ({
        anchor: comment.blockId ? anchorOf.get(comment.blockId) : undefined,
        severity: comment.severity ?? "minor",
        text: comment.point ?? comment.text,
      })),
    summary: comments.find((comment) => comment.kind === "summary")?.text ?? "",
    inSummary: (result.plan?.inSummary ?? []).map((finding) => finding.point),
    summarySections: summarySectionsOf(instructionsOf(document, library)),
    finished: result.plan !== undefined,
    refusedCalls: result.rejected.length,
    roundTrips: result.roundTrips,
    tokens: usage.uncachedInputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens,
    costUsd: estimateCostUsd(result.settings.model, usage),
  };
}

function upstreamOf(provider: ProviderName, config: MarginConfig): string {
  if (provider === "openai") return config.OPENAI_BASE_URL ?? "https://api.openai.com/v1";
  if (provider === "anthropic") return config.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com";
  throw new InvalidInputError(
    "--record works with the openai and anthropic providers: Bedrock's requests are signed for its own host.",
  );
}

/** The reviewer's instructions, as its prompt file holds them. */
function instructionsOf(document: EvalDocument, library: PromptLibrary): string {
  return library.prompts.find((entry) => basename(entry.path, ".md") === document.reviewer)?.value.body ?? "";
}

/** The document's workspace: the people, the library's Prompts database, and the document in a Documents database. */
export function evalWorkspace(document: EvalDocument, library: PromptLibrary): Record<string, unknown> {
  const prompts = librarySeed(library, "home", "priya");
  const documents = documentsSeed("home");
  return {
    users: [...EVAL_PEOPLE, { id: "margin-bot", name: "Margin", type: "bot" }],
    pages: [
      { id: "home", parent: { workspace: true }, title: "Engineering", created_by: { id: "priya" } },
      ...prompts.pages,
      {
        id: "doc",
        parent: { data_source_id: "documents-source" },
        title: document.title,
        properties: { ...document.properties, Reviewers: [`prompt:${document.reviewer}`] },
        markdown: document.markdown,
        created_by: { id: document.properties.Owner[0] ?? "priya" },
      },
    ],
    databases: [...prompts.databases, ...documents.databases],
    data_sources: [...prompts.data_sources, ...documents.data_sources],
    comments: document.comments.map((comment, index) => ({
      parent: { block_id: comment.block },
      created_by: { id: comment.author },
      text: comment.text,
      // Fixed times keep the model's input the same from run to run (and recordings replayable).
      created_time: new Date(Date.UTC(2026, 10, 18, 9, index)).toISOString(),
    })),
  };
}
