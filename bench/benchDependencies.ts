/**
 * The review core wired to local servers for benchmarks: the gateway over a client whose throttle never
 * binds (the emulator sets the pace), and OpenAI-compatible providers on the scripted model server.
 */
import { createLlmProvider } from "../lambda/llm/createLlmProvider.ts";
import { DEFAULT_MODELS } from "../lambda/llm/modelCapabilities.ts";
import { createNotionClient } from "../lambda/notion/createNotionClient.ts";
import { NotionClientGateway } from "../lambda/notion/NotionClientGateway.ts";
import type { ReviewDependencies } from "../lambda/review/runReview.ts";

export function benchDependencies(notionUrl: string, modelUrl: string): ReviewDependencies {
  return {
    notion: new NotionClientGateway(
      createNotionClient({
        token: "bench",
        baseUrl: notionUrl,
        throttle: { requestsPerSecond: 1000, burst: 1000, maxConcurrent: 8 },
      }),
    ),
    provider: async (name) => createLlmProvider(name, { openaiApiKey: "bench", openaiBaseUrl: modelUrl }),
    // A model the scripted OpenAI server knows, reached over Chat Completions as a base URL is.
    settingDefaults: { provider: "openai", model: "gpt-6-luna", models: DEFAULT_MODELS },
  };
}
