/**
 * Wires the review core from configuration: the Notion gateway over a throttled client, and provider
 * adapters built on demand with their secrets. The command line, `margin serve` and the worker all use it.
 */
import type { Client } from "@notionhq/client";
import { createLlmProvider } from "../llm/createLlmProvider.ts";
import { DEFAULT_MODELS, isCompatibleServer } from "../llm/modelCapabilities.ts";
import { createNotionClient } from "../notion/createNotionClient.ts";
import { NotionClientGateway } from "../notion/NotionClientGateway.ts";
import type { LlmProvider } from "../review/ports/LlmProvider.ts";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import type { ReviewDependencies } from "../review/runReview.ts";
import type { MarginConfig } from "./config.ts";
import { requireSecret, type Secrets } from "./secrets.ts";

export type Wiring = Pick<ReviewDependencies, "onProgress" | "countTokens" | "ledger">;

export async function buildReviewDependencies(
  config: MarginConfig,
  secrets: Secrets,
  wiring: Wiring = {},
): Promise<ReviewDependencies & { notion: NotionClientGateway }> {
  const { gateway: notion } = await connectNotion(config, secrets);
  const providers = new Map<ProviderName, Promise<LlmProvider>>();
  return {
    notion,
    provider(name) {
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
            anthropicApiKey:
              name === "anthropic" ? await requireSecret(secrets, "anthropicApiKey") : undefined,
            openaiApi: config.MARGIN_OPENAI_API,
            openaiServer: config.MARGIN_OPENAI_SERVER,
            anthropicBaseUrl: config.ANTHROPIC_BASE_URL,
            bedrockRegion: config.BEDROCK_REGION ?? config.AWS_REGION,
            bedrockBaseUrl: config.ANTHROPIC_BEDROCK_BASE_URL,
          }))();
        providers.set(name, provider);
        provider.catch(() => providers.delete(name));
      }
      return provider;
    },
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
    fullScanAfterHours: config.MARGIN_FULL_SCAN_HOURS,
    ...wiring,
  };
}

/** The Notion client (throttled to the rate limit) and the gateway over it. */
export async function connectNotion(
  config: MarginConfig,
  secrets: Secrets,
): Promise<{ client: Client; gateway: NotionClientGateway }> {
  const client = createNotionClient({
    token: await requireSecret(secrets, "notionToken"),
    baseUrl: config.NOTION_BASE_URL,
    throttle: config.MARGIN_NOTION_RPS
      ? {
          requestsPerSecond: config.MARGIN_NOTION_RPS,
          burst: Math.max(3, Math.ceil(config.MARGIN_NOTION_RPS)),
        }
      : undefined,
  });
  return { client, gateway: new NotionClientGateway(client) };
}
