/**
 * What a review needs from the world, in the core's own terms: the page, the prompts and the comments
 * through Notion's ports, the model through its provider, the memory through the ledger, and the settings
 * and limits configuration gives. Entry points build it (`lambda/config/`); the core never does.
 */
import type { EarlierRun } from "./completeEarlierRun.ts";
import type { PromptPage } from "./model/PromptPage.ts";
import type { CommentWriter } from "./ports/CommentWriter.ts";
import type { LearningsWriter, WrittenLearnings } from "./ports/LearningsWriter.ts";
import type { Ledger } from "./ports/Ledger.ts";
import type { LlmProvider, TokenUsage } from "./ports/LlmProvider.ts";
import type { PageReader, ReadingProgress } from "./ports/PageReader.ts";
import type { PromptSource } from "./ports/PromptSource.ts";
import type { ProviderName, ReviewSettings, SettingDefaults } from "./prompt/reviewSettings.ts";
import type { ReferenceMaterial } from "./render/renderReferences.ts";

export type ProgressEvent =
  | { kind: "prompt_loaded"; prompt: PromptPage; settings: ReviewSettings }
  /** The page is being read: told at every block and discussion listing (a display keeps its own pace). */
  | ({ kind: "reading" } & ReadingProgress)
  | {
      kind: "document_read";
      title: string;
      blocks: number;
      threads: number;
      changed?: number;
      added?: number;
    }
  | { kind: "document_rendered"; tokens?: number }
  /** The input may not fit the model's context window, which is not known (a compatible server). */
  | { kind: "context_unknown"; estimatedTokens: number; typicalContextTokens: number }
  /** `tokens`: counted with the model's tokenizer where one is known (the material's own figure is an estimate). */
  | { kind: "references_rendered"; references: ReferenceMaterial; tokens?: number }
  /** A request to the model is on its way (`turn` of at most `maxTurns`). */
  | { kind: "asking_model"; turn: number; maxTurns: number }
  | { kind: "round_trip"; turn: number; usage: TokenUsage }
  /** Publishing: `done` of `planned` comments and replies are on the page. */
  | { kind: "posted"; what: string; done: number; planned: number }
  | { kind: "earlier_run_completed"; run: EarlierRun }
  /** Keep learnings: lines written to the reviewer's Learnings page, or (a warning) why they were not. */
  | ({ kind: "learnings_written"; lines: number } & WrittenLearnings)
  | { kind: "learnings_not_written"; lines: number; reason: string };

export interface ReviewDependencies {
  /** Reading the page under review. */
  pages: PageReader;
  /** The Prompts database. */
  prompts: PromptSource;
  /** Writing the review's comments. */
  comments: CommentWriter;
  /** The reviewers' Learnings pages (Keep learnings); without it nothing is written there. */
  learnings?: LearningsWriter;
  /** The model provider for a reviewer's settings (built, with its credentials, on first use). */
  provider(name: ProviderName): Promise<LlmProvider>;
  /** Memory of earlier reviews and runs; without it every review is a first review. */
  ledger?: Ledger;
  /** The environment's provider and model, and each provider's default model. */
  settingDefaults: SettingDefaults;
  /** Model round trips allowed; by default sized from the reviewer's limits (see `turnBudget`). */
  maxTurns?: number;
  maxOutputTokens?: number;
  /** The model's context window in tokens, where configuration knows it better than the capability table. */
  contextTokens?: number;
  /** Whether OpenAI requests go to a compatible server (a proxy may serve other vendors' models). */
  compatibleServer?: boolean;
  /** Every secret value this process holds: redacted from the model's input and from all it writes. */
  secretValues?: () => readonly string[];
  /** List every block's discussions again when the last full listing is older than this (hours). */
  fullScanAfterHours?: number;
  /** The reference pages' token budget (estimated); 0 leaves them out. */
  referenceTokens?: number;
  /**
   * The most tokens of rendered document one pass of the model reads (by `countTokens`, else estimated);
   * a longer page is reviewed in parts (default `DEFAULT_MAX_DOCUMENT_TOKENS`).
   */
  maxDocumentTokens?: number;
  /** Counts tokens of the rendering, for reports (optional: it loads a tokenizer). */
  countTokens?: (text: string) => number;
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
}
