/**
 * What is asked of a review, and what a review or a reply comes to: how it ended, what it read, what the
 * reviewer decided, what was posted, and what it cost.
 */
import type { RejectedCall } from "./agent/ReviewActions.ts";
import type { EarlierRun } from "./completeEarlierRun.ts";
import type { ReviewDocument } from "./model/ReviewDocument.ts";
import type { TokenUsage } from "./ports/LlmProvider.ts";
import type { ReviewSettings, SettingOverrides } from "./prompt/reviewSettings.ts";
import type { PublicationPlan } from "./publish/planPublication.ts";
import type { PublishReport } from "./publish/publishRun.ts";
import type { ObservedFates } from "./read/observeFates.ts";
import type { RenderedDocument } from "./render/renderDocument.ts";
import type { ReferenceMaterial } from "./render/renderReferences.ts";

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
}

/** A reply in one discussion of the page, by the reviewer asked for. */
export interface ReplyRequest extends Omit<ReviewRequest, "dryRun" | "overrides"> {
  discussionId: string;
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
  | { kind: "too_large"; estimatedTokens: number; contextTokens: number; advice: string };

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
  /** What the reviewer decided; undefined when the model did not finish. */
  plan?: PublicationPlan;
  rejected: RejectedCall[];
  publish?: PublishReport;
  /** The reviewer's earlier run on the page, partly posted, which was completed before this review. */
  earlierRun?: EarlierRun;
  /** A re-review: what became of the reviewer's earlier comments on blocks, as its read of the page saw it. */
  fates?: ObservedFates;
  /** Usage and round trips of every pass of the model, the summary's included. */
  usage: TokenUsage;
  roundTrips: number;
  renderedTokens?: number;
  /**
   * A page review: the parts the page was reviewed in, 1 when the model read it whole (more when it was
   * longer than MARGIN_MAX_DOCUMENT_TOKENS). Absent for a reply.
   */
  parts?: number;
}
