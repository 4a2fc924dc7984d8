/**
 * The one place that knows what each model accepts: by provider and model family, which parameters a
 * request may carry (temperature, reasoning effort, `parallel_tool_calls`, which output-cap field, a forced
 * tool choice, Bedrock's body version), each model's output cap and context window, and the default model
 * of each provider. The adapters shape every request from it, and a prompt setting a model cannot take is
 * reported from it before anything is sent.
 *
 * Sources (December 2026): OpenAI's model pages and deployment checklist, Anthropic's models overview, API
 * versioning (2026-10-21) and per-model "what's new" pages, AWS's Bedrock request reference; summarised
 * with links in `../shared/provider-api-facts.md`. Families are matched by model-name prefix, most
 * specific first; a model the table does not know gets its provider's most cautious rules.
 */

import type { ModelCapabilities, ReasoningEffort } from "../review/ports/LlmProvider.ts";
import type { PROVIDERS } from "../review/prompt/promptProperties.ts";

type ProviderName = (typeof PROVIDERS)[number];

/** Each provider's default model, for prompts and commands that name none. */
export const DEFAULT_MODELS: Record<ProviderName, string> = {
  // OpenAI's "balance of intelligence and cost" model; reasoning, tools through the Responses API.
  openai: "gpt-6.2-sol",
  // Anthropic's mid-size current model (Sonnet 4.5, the earlier default, retired on 2026-11-30).
  anthropic: "claude-sonnet-5-5",
  // The same model on Bedrock, through the global cross-region inference profile (`us.`/`eu.` keep data in a region).
  bedrock: "global.anthropic.claude-sonnet-5-5",
};

/** How Margin reaches OpenAI models: the Responses API, or Chat Completions (what compatible servers speak). */
export type OpenAiApi = "responses" | "chat";

/** Whether the OpenAI base URL is OpenAI itself or a compatible server; MARGIN_OPENAI_SERVER can say. */
export type OpenAiServer = "openai" | "compatible";

/**
 * Whether OpenAI requests go to another server than OpenAI's own (a local or compatible one): any base URL
 * but OpenAI's hosts (`api.openai.com`, and its regional ones such as `eu.api.openai.com`), unless
 * configuration declares which it is (a proxy in front of OpenAI is OpenAI, as far as models go).
 */
export function isCompatibleServer(openaiBaseUrl: string | undefined, declared?: OpenAiServer): boolean {
  if (declared) return declared === "compatible";
  return openaiBaseUrl !== undefined && !/(^|\.)api\.openai\.com$/.test(new URL(openaiBaseUrl).hostname);
}

/** Which OpenAI API a configuration uses: Responses for OpenAI itself, Chat Completions for other servers. */
export function openAiApiFor(credentials: {
  openaiApi?: OpenAiApi;
  openaiBaseUrl?: string;
  openaiServer?: OpenAiServer;
}): OpenAiApi {
  return (
    credentials.openaiApi ??
    (isCompatibleServer(credentials.openaiBaseUrl, credentials.openaiServer) ? "chat" : "responses")
  );
}

/** Where requests go: the provider, and for OpenAI which API and whether the server is OpenAI's own. */
export interface ModelEndpoint {
  provider: ProviderName;
  openaiApi?: OpenAiApi;
  /** `OPENAI_BASE_URL` is set: an OpenAI-compatible server (Ollama, vLLM, a proxy), not api.openai.com. */
  compatibleServer?: boolean;
}

/** The Anthropic Messages API version `@anthropic-ai/sdk` 1.x sends, and what Bedrock's body must say instead. */
export const ANTHROPIC_API_VERSION = "2026-10-21";
export const BEDROCK_BODY_VERSION = "bedrock-2023-05-31";

const ALL_EFFORTS: readonly ReasoningEffort[] = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];
const LOW_TO_MAX: readonly ReasoningEffort[] = ["low", "medium", "high", "xhigh", "max"];
const NONE_TO_MAX: readonly ReasoningEffort[] = ["none", ...LOW_TO_MAX];
const NONE_TO_XHIGH: readonly ReasoningEffort[] = ["none", "low", "medium", "high", "xhigh"];

interface OpenAiFamily {
  prefix: string;
  family: string;
  efforts: readonly ReasoningEffort[];
  temperature: ModelCapabilities["temperature"];
  /**
   * Function tools on Chat Completions: always, only with reasoning effort `none` (gpt-5.4 and later,
   * whose default effort is not none), or never (models without `none`: Responses only).
   */
  chatTools: "always" | "effort_none" | "never";
  parallelToolCalls: boolean;
  maxOutputTokens: number;
  contextTokens: number;
  /** The effort the model works at when a request names none, where that matters (it is `none`). */
  defaultEffort?: ReasoningEffort;
}

const GPT_6: Omit<OpenAiFamily, "prefix" | "family"> = {
  efforts: NONE_TO_MAX,
  temperature: "with_effort_none",
  chatTools: "effort_none",
  parallelToolCalls: true,
  maxOutputTokens: 128_000,
  contextTokens: 1_050_000,
};
const GPT_6_NO_NONE: typeof GPT_6 = {
  ...GPT_6,
  efforts: LOW_TO_MAX,
  temperature: "never",
  chatTools: "never",
};
const GPT_5_4: typeof GPT_6 = { ...GPT_6, efforts: NONE_TO_XHIGH };

/** Most specific prefix first. */
const OPENAI_FAMILIES: OpenAiFamily[] = [
  { prefix: "gpt-6.2", family: "gpt-6.2", ...GPT_6_NO_NONE },
  { prefix: "gpt-6.1-sol", family: "gpt-6.1-sol", ...GPT_6_NO_NONE },
  { prefix: "gpt-6.1", family: "gpt-6.1", ...GPT_6 },
  { prefix: "gpt-6-astra", family: "gpt-6-astra", ...GPT_6_NO_NONE },
  { prefix: "gpt-6", family: "gpt-6", ...GPT_6 },
  { prefix: "gpt-5.6", family: "gpt-5.6", ...GPT_6 },
  { prefix: "gpt-5.5", family: "gpt-5.5", ...GPT_5_4 },
  { prefix: "gpt-5.4", family: "gpt-5.4", ...GPT_5_4 },
  ...["gpt-5.3", "gpt-5.2"].map((prefix) => ({
    prefix,
    family: prefix,
    ...GPT_5_4,
    defaultEffort: "none" as const,
    chatTools: "always" as const,
    contextTokens: 400_000,
  })),
  {
    prefix: "gpt-5.1",
    family: "gpt-5.1",
    ...GPT_5_4,
    defaultEffort: "none",
    efforts: ["none", "low", "medium", "high"],
    chatTools: "always",
    contextTokens: 400_000,
  },
  {
    prefix: "gpt-5",
    family: "gpt-5",
    efforts: ["minimal", "low", "medium", "high"],
    temperature: "never",
    chatTools: "always",
    parallelToolCalls: true,
    maxOutputTokens: 128_000,
    contextTokens: 400_000,
  },
  ...["o1", "o3", "o4"].map((prefix) => ({
    prefix,
    family: "o-series",
    efforts: ["low", "medium", "high"] as ReasoningEffort[],
    temperature: "never" as const,
    chatTools: "always" as const,
    parallelToolCalls: false,
    maxOutputTokens: 100_000,
    contextTokens: 200_000,
  })),
  {
    prefix: "gpt-4.1",
    family: "gpt-4.1",
    efforts: [],
    temperature: "always",
    chatTools: "always",
    parallelToolCalls: true,
    maxOutputTokens: 32_768,
    contextTokens: 1_047_576,
  },
  {
    prefix: "gpt-4o",
    family: "gpt-4o",
    efforts: [],
    temperature: "always",
    chatTools: "always",
    parallelToolCalls: true,
    maxOutputTokens: 16_384,
    contextTokens: 128_000,
  },
];

/** An OpenAI model newer than the table: the rules of the newest family, which are the strictest. */
const UNKNOWN_OPENAI: OpenAiFamily = { prefix: "", family: "an unlisted OpenAI model", ...GPT_6_NO_NONE };

interface ClaudeFamily {
  prefix: string;
  family: string;
  efforts: readonly ReasoningEffort[];
  /** `tool_choice` `any` / `tool` is accepted (the 5.5 generation and Fable answer 400 to it). */
  forcedToolChoice: boolean;
  /** Bedrock's `bedrock-2023-05-31` body still takes `temperature` (models before Opus 4.7). */
  temperatureOnBedrock: boolean;
  maxOutputTokens: number;
  contextTokens: number;
}

const CLAUDE_5: Omit<ClaudeFamily, "prefix" | "family"> = {
  efforts: LOW_TO_MAX,
  forcedToolChoice: true,
  temperatureOnBedrock: false,
  maxOutputTokens: 128_000,
  contextTokens: 1_000_000,
};

/** Matched against the model id with any Bedrock prefix (`global.anthropic.`) removed. Most specific first. */
const CLAUDE_FAMILIES: ClaudeFamily[] = [
  { prefix: "claude-fable", family: "Claude Fable", ...CLAUDE_5, forcedToolChoice: false },
  { prefix: "claude-mythos", family: "Claude Mythos", ...CLAUDE_5, forcedToolChoice: false },
  { prefix: "claude-opus-5-5", family: "Claude Opus 5.5", ...CLAUDE_5, forcedToolChoice: false },
  { prefix: "claude-sonnet-5-5", family: "Claude Sonnet 5.5", ...CLAUDE_5, forcedToolChoice: false },
  { prefix: "claude-haiku-5-5", family: "Claude Haiku 5.5", ...CLAUDE_5 },
  { prefix: "claude-opus-5", family: "Claude Opus 5", ...CLAUDE_5 },
  { prefix: "claude-sonnet-5", family: "Claude Sonnet 5", ...CLAUDE_5 },
  { prefix: "claude-opus-4-8", family: "Claude Opus 4.8", ...CLAUDE_5 },
  { prefix: "claude-opus-4-7", family: "Claude Opus 4.7", ...CLAUDE_5 },
  {
    prefix: "claude-opus-4-6",
    family: "Claude Opus 4.6",
    ...CLAUDE_5,
    efforts: ["low", "medium", "high", "max"],
    temperatureOnBedrock: true,
  },
  {
    prefix: "claude-sonnet-4-6",
    family: "Claude Sonnet 4.6",
    ...CLAUDE_5,
    efforts: ["low", "medium", "high", "max"],
    temperatureOnBedrock: true,
  },
  {
    prefix: "claude-opus-4-5",
    family: "Claude Opus 4.5",
    efforts: ["low", "medium", "high"],
    forcedToolChoice: true,
    temperatureOnBedrock: true,
    maxOutputTokens: 64_000,
    contextTokens: 200_000,
  },
  {
    prefix: "claude-haiku-4-5",
    family: "Claude Haiku 4.5",
    efforts: [],
    forcedToolChoice: true,
    temperatureOnBedrock: true,
    maxOutputTokens: 64_000,
    contextTokens: 200_000,
  },
  {
    prefix: "claude-sonnet-4-5",
    family: "Claude Sonnet 4.5 (retired 2026-11-30)",
    efforts: [],
    forcedToolChoice: true,
    temperatureOnBedrock: true,
    maxOutputTokens: 64_000,
    contextTokens: 200_000,
  },
];

/** A Claude model newer than the table: the rules of the newest generation, which are the strictest. */
const UNKNOWN_CLAUDE: ClaudeFamily = {
  prefix: "",
  family: "an unlisted Claude model",
  ...CLAUDE_5,
  forcedToolChoice: false,
};

/** Output cap Margin asks of a server it knows nothing about. */
const COMPATIBLE_MAX_OUTPUT_TOKENS = 16_000;

/** Which provider's models a name belongs to, when it plainly belongs to one. */
export function modelVendor(model: string): "openai" | "anthropic" | undefined {
  const name = bareModelName(model);
  if (/^claude-/.test(name)) return "anthropic";
  if (/^(gpt-[4-9]|o[1-9]\b|o[1-9]-|chatgpt-)/.test(name)) return "openai";
  return undefined;
}

/** The model's name without Bedrock's region and vendor prefixes or its ARN version suffix. */
function bareModelName(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^arn:[^/]+\//, "")
    .replace(/^(?:(?:global|us|eu|apac|jp|au|ca)\.)?anthropic\./, "")
    .replace(/-v\d+(:\d+)?$/, "");
}

export function modelCapabilities(endpoint: ModelEndpoint, model: string): ModelCapabilities {
  const capabilities = capabilitiesOf(endpoint, model);
  const vendor = modelVendor(model);
  const expected = endpoint.provider === "openai" ? "openai" : "anthropic";
  // A compatible server (a proxy) may well serve another vendor's models under their own names.
  const proxied = endpoint.provider === "openai" && endpoint.compatibleServer;
  return vendor && vendor !== expected && !proxied
    ? { ...capabilities, otherProvider: vendor }
    : capabilities;
}

function capabilitiesOf(endpoint: ModelEndpoint, model: string): ModelCapabilities {
  const name = bareModelName(model);
  if (endpoint.provider === "openai") {
    const family = OPENAI_FAMILIES.find((entry) => name.startsWith(entry.prefix));
    if (!family && endpoint.compatibleServer) return compatibleServer(model);
    return openAiCapabilities(family ?? UNKNOWN_OPENAI, endpoint.openaiApi ?? "responses", model);
  }
  const family = CLAUDE_FAMILIES.find((entry) => name.startsWith(entry.prefix)) ?? UNKNOWN_CLAUDE;
  const bedrock = endpoint.provider === "bedrock";
  return {
    family: `${family.family}${bedrock ? " on Amazon Bedrock" : ""}`,
    temperature: bedrock && family.temperatureOnBedrock ? "always" : "never",
    temperatureMax: 1,
    temperatureAdvice: bedrock
      ? `${model} takes no temperature (Claude models from Opus 4.7 on answer 400 to one, on Bedrock too)`
      : `Anthropic's API (version ${ANTHROPIC_API_VERSION}) takes no temperature for any model`,
    reasoningEfforts: family.efforts,
    parallelToolCalls: false,
    outputTokenField: "max_tokens",
    maxOutputTokens: family.maxOutputTokens,
    contextTokens: family.contextTokens,
    forcedToolChoice: family.forcedToolChoice,
    ...(bedrock ? { bedrockBodyVersion: BEDROCK_BODY_VERSION } : {}),
  };
}

function openAiCapabilities(family: OpenAiFamily, api: OpenAiApi, model: string): ModelCapabilities {
  const chat = api === "chat";
  const onlyNone = chat && family.chatTools === "effort_none";
  return {
    family: `OpenAI ${family.family}${chat ? " (Chat Completions)" : ""}`,
    temperature: family.temperature,
    temperatureMax: 2,
    temperatureAdvice:
      family.temperature === "never"
        ? `${model} is a reasoning model and takes only its default temperature`
        : `${model} takes a temperature only with Reasoning effort none`,
    // On Chat Completions these models take tools only with effort none, so that is all they may be given.
    reasoningEfforts: onlyNone ? ["none"] : family.efforts,
    ...(onlyNone ? { defaultReasoningEffort: "none" as const } : {}),
    ...(family.defaultEffort ? { defaultReasoningEffort: family.defaultEffort } : {}),
    ...(chat && family.chatTools === "never"
      ? {
          toolsUnavailable: `${model} takes function tools only through the Responses API, not Chat Completions: set MARGIN_OPENAI_API=responses (the server must speak /v1/responses), or choose a model that works over Chat Completions (MARGIN_MODEL, or the prompt's Model property; on a local server, one it serves)`,
        }
      : {}),
    parallelToolCalls: family.parallelToolCalls,
    outputTokenField: "max_completion_tokens",
    maxOutputTokens: family.maxOutputTokens,
    contextTokens: family.contextTokens,
    forcedToolChoice: true,
  };
}

/**
 * A model OpenAI does not serve, on an OpenAI-compatible server (Ollama, vLLM, llama.cpp): sampling and
 * the effort words Ollama knows are fine, both output-cap fields are sent (Ollama reads only `max_tokens`),
 * and a forced tool choice is sent although such servers may ignore it.
 */
function compatibleServer(model: string): ModelCapabilities {
  return {
    family: `${model} on an OpenAI-compatible server`,
    temperature: "always",
    temperatureMax: 2,
    reasoningEfforts: ALL_EFFORTS,
    parallelToolCalls: false,
    outputTokenField: "both",
    maxOutputTokens: COMPATIBLE_MAX_OUTPUT_TOKENS,
    forcedToolChoice: true,
  };
}
