/**
 * The review core wired to local servers for benchmarks: Notion's adapters over a client whose throttle
 * never binds (the emulator sets the pace), and providers on the scripted model server.
 */
import { createLlmProvider } from "../lambda/llm/createLlmProvider.ts";
import { DEFAULT_MODELS } from "../lambda/llm/modelCapabilities.ts";
import { createNotionClient } from "../lambda/notion/createNotionClient.ts";
import { notionAdapters } from "../lambda/notion/notionAdapters.ts";
import type { ReviewDependencies } from "../lambda/review/ReviewDependencies.ts";

export function benchDependencies(
  notionUrl: string,
  modelUrl: string,
  model: { provider: "openai" | "anthropic"; name: string } = { provider: "openai", name: "gpt-6-luna" },
): ReviewDependencies {
  const notion = notionAdapters(
    createNotionClient({
      token: "bench",
      baseUrl: notionUrl,
      requestsPerMinute: 100_000,
    }),
  );
  return {
    pages: notion.pages,
    prompts: notion.prompts,
    comments: notion.comments,
    provider: async (name) =>
      createLlmProvider(name, {
        openaiApiKey: "bench",
        openaiBaseUrl: modelUrl,
        anthropicApiKey: "bench",
        anthropicBaseUrl: modelUrl,
      }),
    // A model the scripted server knows (gpt-6-luna is reached over Chat Completions, as a base URL is).
    settingDefaults: { provider: model.provider, model: model.name, models: DEFAULT_MODELS },
  };
}
