/**
 * Wires the review core from configuration: Notion's adapters over a client on the token's budget, and provider
 * adapters built on demand with their secrets. The command line uses it as it is; the worker (and so
 * `margin serve`) through `buildWorkerDependencies`.
 */

import type { MarginConfig } from "../config/config.ts";
import { requireSecret, type Secrets } from "../config/secrets.ts";
import { createLlmProvider } from "../llm/createLlmProvider.ts";
import { DEFAULT_MODELS, isCompatibleServer } from "../llm/modelCapabilities.ts";
import { type NotionAdapters, notionAdapters } from "../notion/notionAdapters.ts";
import type { LlmProvider } from "../review/ports/LlmProvider.ts";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import type { ReviewDependencies } from "../review/ReviewDependencies.ts";
import { type JobClientOptions, notionClientFor } from "./notionClientFor.ts";

export type Wiring = Pick<ReviewDependencies, "onProgress" | "countTokens" | "ledger">;

export async function buildReviewDependencies(
  config: MarginConfig,
  secrets: Secrets,
  wiring: Wiring = {},
  job?: JobClientOptions,
): Promise<ReviewDependencies & { notion: NotionAdapters }> {
  const notion = notionAdapters(await notionClientFor(config, secrets, job));
  return {
    notion,
    pages: notion.pages,
    prompts: notion.prompts,
    comments: notion.comments,
    learnings: notion.learnings,
    provider: providersFor(config, secrets),
    settingDefaults: {
      provider: config.MARGIN_PROVIDER,
      model: config.MARGIN_MODEL,
      models: DEFAULT_MODELS,
    },
    maxTurns: config.MARGIN_MAX_TURNS,
    contextTokens: config.MARGIN_CONTEXT_TOKENS,
    compatibleServer: isCompatibleServer(config.OPENAI_BASE_URL, config.MARGIN_OPENAI_SERVER),
    secretValues: () => secrets.known(),
    referenceTokens: config.MARGIN_REFERENCE_TOKENS,
    maxDocumentTokens: config.MARGIN_MAX_DOCUMENT_TOKENS,
    fullScanAfterHours: config.MARGIN_FULL_SCAN_HOURS,
    ...wiring,
  };
}

/** Provider adapters by name, each built (with its key) on first use and kept. */
function providersFor(config: MarginConfig, secrets: Secrets): (name: ProviderName) => Promise<LlmProvider> {
  const providers = new Map<ProviderName, Promise<LlmProvider>>();
  return (name) => {
    let provider = providers.get(name);
    if (!provider) {
      provider = (async () =>
        createLlmProvider(name, {
          // A local OpenAI-compatible server (OPENAI_BASE_URL) may need no key; OpenAI itself does.
          openaiApiKey:
            name !== "openai"
              ? undefined
              : config.OPENAI_BASE_URL
                ? await secrets.get("openaiApiKey")
                : await requireSecret(secrets, "openaiApiKey"),
          openaiBaseUrl: config.OPENAI_BASE_URL,
          openaiApi: config.MARGIN_OPENAI_API,
          openaiServer: config.MARGIN_OPENAI_SERVER,
          anthropicApiKey: name === "anthropic" ? await requireSecret(secrets, "anthropicApiKey") : undefined,
          anthropicBaseUrl: config.ANTHROPIC_BASE_URL,
          bedrockRegion: config.BEDROCK_REGION ?? config.AWS_REGION,
          bedrockBaseUrl: config.ANTHROPIC_BEDROCK_BASE_URL,
        }))();
      providers.set(name, provider);
      provider.catch(() => providers.delete(name));
    }
    return provider;
  };
}
