/**
 * Wires the review core for the command line: the Notion gateway over a throttled client, provider
 * adapters built on demand from the environment, progress on stderr, token counts for reports.
 */

import type { CliEnvironment } from "../config/cliConfig.ts";
import { requireSetting } from "../config/cliConfig.ts";
import { createLlmProvider } from "../llm/createLlmProvider.ts";
import type { LlmProvider } from "../llm/LlmProvider.ts";
import { createNotionClient } from "../notion/createNotionClient.ts";
import { NotionClientGateway } from "../notion/NotionClientGateway.ts";
import type { ProviderName } from "../prompt/reviewSettings.ts";
import { countTokens } from "../review/countTokens.ts";
import type { ReviewDependencies } from "../review/runReview.ts";
import type { CliIo } from "./CliIo.ts";
import { describeProgress } from "./describeProgress.ts";

export function reviewDependencies(
  env: CliEnvironment,
  io: CliIo,
  options: { quiet?: boolean } = {},
): ReviewDependencies {
  const notion = new NotionClientGateway(
    createNotionClient({
      token: requireSetting(env, "NOTION_TOKEN"),
      baseUrl: env.NOTION_BASE_URL,
      throttle: env.MARGIN_NOTION_RPS ? { requestsPerSecond: env.MARGIN_NOTION_RPS } : undefined,
    }),
  );
  const providers = new Map<ProviderName, LlmProvider>();
  return {
    notion,
    provider(name) {
      let provider = providers.get(name);
      if (!provider) {
        provider = createLlmProvider(name, {
          openaiApiKey: env.OPENAI_API_KEY,
          openaiBaseUrl: env.OPENAI_BASE_URL,
          anthropicApiKey: env.ANTHROPIC_API_KEY,
          anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
        });
        providers.set(name, provider);
      }
      return provider;
    },
    settingDefaults: { provider: env.MARGIN_PROVIDER, model: env.MARGIN_MODEL },
    maxTurns: env.MARGIN_MAX_TURNS,
    countTokens,
    onProgress: options.quiet
      ? undefined
      : (event) => {
          const line = describeProgress(event);
          if (line) io.stderr(`${line}\n`);
        },
  };
}
