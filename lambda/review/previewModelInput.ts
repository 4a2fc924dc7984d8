/**
 * What the model would be sent for a review of a page, without asking it: the same preparation as a review
 * (the prompt, the page read, the reviewer's references) and the same input, with what each part costs in
 * tokens. Nothing is written anywhere: it runs as a dry run, and the model is never asked.
 */
import { fitContext, modelInputFor } from "./agent/askModel.ts";
import { partInputs } from "./agent/askModelInParts.ts";
import type { ToolSpec } from "./ports/LlmProvider.ts";
import { prepareReview } from "./prepareReview.ts";
import type { ReviewDependencies } from "./ReviewDependencies.ts";
import type { ReviewRequest } from "./ReviewResult.ts";
import { estimateTokens } from "./render/estimateTokens.ts";
import { DEFAULT_MAX_DOCUMENT_TOKENS, splitDocument } from "./render/splitDocument.ts";

export interface ModelInputPreview {
  page: { id: string; title: string; url: string };
  prompt: { id: string; title: string };
  provider: string;
  model: string;
  system: string;
  user: string;
  tools: ToolSpec[];
  tokens: { system: number; user: number; tools: number; total: number };
  /** The model's context window, where it is known. */
  contextTokens?: number;
  /** The output cap a review would ask for; undefined when the input would not fit (`tooLarge`). */
  maxOutputTokens?: number;
  /** Why the model would not be asked at all: the input does not fit its context window. */
  tooLarge?: string;
  /** Parts the page would be reviewed in (more than 1: the input shown is the first part's). */
  parts: number;
}

export async function previewModelInput(
  request: Omit<ReviewRequest, "dryRun">,
  deps: ReviewDependencies,
): Promise<ModelInputPreview> {
  const prepared = await prepareReview({ ...request, dryRun: true }, deps);
  const count = deps.countTokens ?? estimateTokens;
  const split = splitDocument(prepared.rendered, {
    maxTokens: deps.maxDocumentTokens ?? DEFAULT_MAX_DOCUMENT_TOKENS,
    count,
    tokens: prepared.renderedTokens,
  });
  // A page in parts is sent part by part: the first part's input is shown, and every part must fit.
  const whole = modelInputFor(prepared, { kind: "review" });
  const inputs = split.parts.length > 1 ? partInputs(prepared, split) : [whole.input];
  const { tools } = whole;
  const input = inputs[0]!;
  // Warnings (a context window not known) once, for the first part.
  const fits = inputs.map((each, index) =>
    fitContext(
      each,
      tools,
      prepared.capabilities,
      deps,
      index === 0 ? (deps.onProgress ?? (() => {})) : () => {},
    ),
  );
  const tooLarge = fits.find((each) => "kind" in each);
  const caps = fits.flatMap((each) => ("kind" in each ? [] : [each.maxOutputTokens]));
  const fit = tooLarge ?? { maxOutputTokens: Math.min(...caps) };
  const tokens = {
    system: count(input.system),
    user: count(input.user),
    tools: count(JSON.stringify(tools)),
  };
  const { document, prompt, settings } = prepared;
  return {
    page: { id: document.page.id, title: document.page.title, url: document.page.url },
    prompt: { id: prompt.id, title: prompt.title },
    provider: settings.provider,
    model: settings.model,
    system: input.system,
    user: input.user,
    tools,
    tokens: { ...tokens, total: tokens.system + tokens.user + tokens.tools },
    contextTokens: prepared.capabilities.contextTokens ?? deps.contextTokens,
    ...("kind" in fit ? { tooLarge: fit.advice } : { maxOutputTokens: fit.maxOutputTokens }),
    parts: split.parts.length,
  };
}
