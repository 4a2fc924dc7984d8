/**
 * Builds a provider adapter from configuration: the official SDK client with its own retries, pointed at
 * the provider or at any compatible server (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, a Bedrock endpoint).
 * OpenAI's own endpoint is reached through the Responses API; a compatible server through Chat
 * Completions, which they all speak; `MARGIN_OPENAI_API` chooses otherwise.
 */

import { AnthropicBedrock } from "@anthropic-ai/bedrock-sdk";
import { BaseAnthropic } from "@anthropic-ai/sdk/client";
import { Messages } from "@anthropic-ai/sdk/resources/messages";
import OpenAI from "openai";
import { ConfigurationError } from "../errors.ts";
import type { LlmProvider } from "../review/ports/LlmProvider.ts";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import { AnthropicMessagesProvider } from "./AnthropicMessagesProvider.ts";
import { isCompatibleServer, type OpenAiApi, type OpenAiServer, openAiApiFor } from "./modelCapabilities.ts";
import { OpenAiChatProvider } from "./OpenAiChatProvider.ts";
import { OpenAiResponsesProvider } from "./OpenAiResponsesProvider.ts";

export interface ProviderCredentials {
  openaiApiKey?: string;
  openaiBaseUrl?: string;
  /** Which OpenAI API to use; by default Responses for OpenAI itself, Chat Completions for a compatible server. */
  openaiApi?: OpenAiApi;
  /** Whether `openaiBaseUrl` is OpenAI itself (a proxy in front of it) or a compatible server; by default from its host. */
  openaiServer?: OpenAiServer;
  anthropicApiKey?: string;
  anthropicBaseUrl?: string;
  /** Anthropic models on Amazon Bedrock use the AWS credentials of the environment (the function's role). */
  bedrockRegion?: string;
  /** Another Bedrock runtime endpoint (tests, VPC endpoints). */
  bedrockBaseUrl?: string;
  /** SDK retries for rate limits and server errors (default 2). */
  maxRetries?: number;
  timeoutMs?: number;
}

/**
 * Anthropic's client with the one resource Margin calls, Messages, on the SDK's own base client (as the
 * Bedrock SDK builds its client): the full client also builds files, models, skills and other resources,
 * 40 KB more in the worker's bundle.
 */
class AnthropicMessagesClient extends BaseAnthropic {
  readonly messages = new Messages(this);
}

export function createLlmProvider(name: ProviderName, credentials: ProviderCredentials): LlmProvider {
  const common = { maxRetries: credentials.maxRetries ?? 2, timeout: credentials.timeoutMs ?? 300_000 };
  if (name === "openai") {
    if (!credentials.openaiApiKey && !credentials.openaiBaseUrl) {
      throw new ConfigurationError(
        "Set OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server): the prompt uses OpenAI.",
      );
    }
    // A local compatible server usually wants no key, but the SDK insists on one.
    const client = new OpenAI({
      apiKey: credentials.openaiApiKey ?? "no-key",
      baseURL: credentials.openaiBaseUrl,
      ...common,
    });
    const options = {
      compatibleServer: isCompatibleServer(credentials.openaiBaseUrl, credentials.openaiServer),
    };
    return openAiApiFor(credentials) === "responses"
      ? new OpenAiResponsesProvider(client, options)
      : new OpenAiChatProvider(client, options);
  }
  if (name === "bedrock") {
    return new AnthropicMessagesProvider(
      new AnthropicBedrock({
        awsRegion: credentials.bedrockRegion,
        ...(credentials.bedrockBaseUrl ? { baseURL: credentials.bedrockBaseUrl } : {}),
        ...common,
      }),
      "bedrock",
    );
  }
  if (!credentials.anthropicApiKey) {
    throw new ConfigurationError("Set ANTHROPIC_API_KEY: the prompt uses Anthropic.");
  }
  return new AnthropicMessagesProvider(
    new AnthropicMessagesClient({
      apiKey: credentials.anthropicApiKey,
      baseURL: credentials.anthropicBaseUrl,
      ...common,
    }),
  );
}
