/**
 * Wires the review core from configuration: Notion's adapters over a client on the token's budget, and provider
 * adapters built on demand with their secrets. The command line uses it as it is; the worker (and so
 * `margin serve`) through `buildWorkerDependencies`.
 */

import type { MarginConfig } from "../config/config.ts";
import { modelKeyOf } from "../config/requireConfiguration.ts";
import { requireSecret, type Secrets } from "../config/secrets.ts";
import { createLlmProvider } from "../llm/createLlmProvider.ts";
import { inputOnlyProvider } from "../llm/inputOnlyProvider.ts";
import { DEFAULT_MODELS, isCompatibleServer, openAiApiFor } from "../llm/modelCapabilities.ts";
import { type NotionAdapters, notionAdapters } from "../notion/notionAdapters.ts";
import type { LlmProvider } from "../review/ports/LlmProvider.ts";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import type { ReviewDependencies } from "../review/ReviewDependencies.ts";
import { type JobClientOptions, notionClientFor } from "./notionClientFor.ts";

export type Wiring = Pick<ReviewDependencies, "onProgress" | "countTokens" | "ledger"> & {
  /** Models are never asked (`--print-input`): their capabilities are known, and no key is needed. */
  inputOnly?: boolean;
};

export async function buildReviewDependencies(
  config: MarginConfig,
  secrets: Secrets,
  { inputOnly, ...wiring }: Wiring = {},
  job?: JobClientOptions,
): Promise<ReviewDependencies & { notion: NotionAdapters }> {
  const notion = notionAdapters(await notionClientFor(config, secrets, job));
  const endpoint = {
    openaiApi: openAiApiFor({
      openaiApi: config.MARGIN_OPENAI_API,
      openaiBaseUrl: config.OPENAI_BASE_URL,
      openaiServer: config.MARGIN_OPENAI_SERVER,
    }),
    compatibleServer: isCompatibleServer(config.OPENAI_BASE_URL, config.MARGIN_OPENAI_SERVER),
  };
  return {
    notion,
    pages: notion.pages,
    prompts: notion.prompts,
    comments: notion.comments,
    learnings: notion.learnings,
    provider: inputOnly
      ? async (provider) => inputOnlyProvider({ provider, ...endpoint })
      : providersFor(config, secrets),
    settingDefaults: {
      provider: config.MARGIN_PROVIDER,
      model: config.MARGIN_MODEL,
      models: DEFAULT_MODELS,
    },
    maxTurns: config.MARGIN_MAX_TURNS,
    contextTokens: config.MARGIN_CONTEXT_TOKENS,
    compatibleServer: endpoint.compatibleServer,
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
      provider = (async () => {
        const key = modelKeyOf(name, config);
        const required = key ? await requireSecret(secrets, key) : undefined;
        return createLlmProvider(name, {
          // A local OpenAI-compatible server (OPENAI_BASE_URL) may need no key, but is given one if set.
          openaiApiKey: name === "openai" ? (required ?? (await secrets.get("openaiApiKey"))) : undefined,
          openaiBaseUrl: config.OPENAI_BASE_URL,
          openaiApi: config.MARGIN_OPENAI_API,
          openaiServer: config.MARGIN_OPENAI_SERVER,
          anthropicApiKey: name === "anthropic" ? required : undefined,
          anthropicBaseUrl: config.ANTHROPIC_BASE_URL,
          bedrockRegion: config.BEDROCK_REGION ?? config.AWS_REGION,
          bedrockBaseUrl: config.ANTHROPIC_BEDROCK_BASE_URL,
        });
      })();
      providers.set(name, provider);
      provider.catch(() => providers.delete(name));
    }
    return provider;
  };
}
