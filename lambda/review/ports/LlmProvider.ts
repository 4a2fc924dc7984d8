/**
 * What the agent loop needs from a model provider, in neutral terms: one round trip that may return text
 * and tool calls, and what a model accepts. Adapters (OpenAI Responses and Chat Completions, Anthropic
 * Messages, also on Bedrock) translate to and from the wire.
 */

/** A tool the model may call; `parameters` is JSON Schema. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Parsed arguments, or undefined when they were not valid JSON (see `parseError`). */
  arguments: unknown;
  /** The arguments as the model wrote them. */
  rawArguments: string;
  parseError?: string;
}

export interface ToolResult {
  callId: string;
  content: string;
  isError: boolean;
}

export type ConversationItem =
  | { role: "user"; text: string }
  | {
      role: "assistant";
      text: string;
      toolCalls: ToolCall[];
      /** The adapter's own record of the turn (reasoning items, thinking blocks), sent back as it came. */
      replay?: unknown;
    }
  | {
      role: "tool_results";
      results: ToolResult[];
      /** A word from Margin after the results, such as "this is your last turn". */
      note?: string;
    };

/** Whether the model may answer in text, must call some tool, or must call one named tool. */
export type ToolChoice = { kind: "auto" } | { kind: "required" } | { kind: "tool"; name: string };

export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export interface ModelRequest {
  model: string;
  system: string;
  conversation: ConversationItem[];
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  maxOutputTokens: number;
  temperature?: number;
  reasoningEffort?: ReasoningEffort;
  /** The same for every request that starts with the same instructions (one reviewer): routes them to one cache. */
  cacheKey?: string;
}

/** Why the model stopped: it called tools, it was done, it ran out of tokens, or it refused. */
export type StopReason = "tool_calls" | "end" | "max_tokens" | "refusal" | "other";

/**
 * Tokens of one round trip or a whole review. Input is counted in three parts, as providers bill them:
 * read fresh, read from the prompt cache, and written to it.
 */
export interface TokenUsage {
  uncachedInputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
}

export interface ModelTurn {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  /** The model's own words when it refused. */
  refusal?: string;
  usage: TokenUsage;
  /** The adapter's record of this turn, to be sent back with the conversation (see ConversationItem). */
  replay?: unknown;
}

/**
 * What a model takes, as far as Margin's requests go. Built from the capability table
 * (`modelCapabilities.ts`), so one place decides what every request may carry.
 */
export interface ModelCapabilities {
  /** Who serves the model and which family it is, for messages ("OpenAI gpt-5 family"). */
  family: string;
  /** Set when the model plainly belongs to another provider than the one asked (a Claude model for OpenAI). */
  otherProvider?: "openai" | "anthropic";
  /**
   * When the model takes a temperature: always (up to `temperatureMax`), never, or only with reasoning
   * effort `none` (OpenAI's newer reasoning models).
   */
  temperature: "always" | "never" | "with_effort_none";
  temperatureMax: number;
  /** Why it takes no temperature, as a clause ("gpt-5 is a reasoning model and ..."), for the prompt's author. */
  temperatureAdvice?: string;
  /** Reasoning effort values it takes; empty when it takes none. */
  reasoningEfforts: readonly ReasoningEffort[];
  /**
   * The effort a request carries when the prompt sets none: the one Chat Completions requires of a model
   * (`none`, where its own default would be refused), or the model's own default where it decides whether
   * a temperature is taken.
   */
  defaultReasoningEffort?: ReasoningEffort;
  /** Set when this model cannot take Margin's tools through this API: why, and what to do. */
  toolsUnavailable?: string;
  /** Whether a request may say `parallel_tool_calls`. */
  parallelToolCalls: boolean;
  /** Which field carries the output cap: OpenAI's newer one, the older one, or both (compatible servers). */
  outputTokenField: "max_completion_tokens" | "max_tokens" | "both";
  /** The most output tokens a request may ask for. */
  maxOutputTokens: number;
  /** Its context window in tokens, where known. */
  contextTokens?: number;
  /** Whether the server is known to honour a forced tool choice (compatible servers often ignore it). */
  forcedToolChoice: boolean;
  /** Amazon Bedrock: the `anthropic_version` its request body carries. */
  bedrockBodyVersion?: string;
}

export interface LlmProvider {
  /** `openai`, `anthropic` or `bedrock`, for reports. */
  readonly name: string;
  /** One round trip. Throws ProviderError when the provider fails after its SDK's retries. */
  complete(request: ModelRequest): Promise<ModelTurn>;
  /** What the named model takes through this provider. */
  capabilities(model: string): ModelCapabilities;
}

export function addUsage(total: TokenUsage, more: TokenUsage): TokenUsage {
  return {
    uncachedInputTokens: total.uncachedInputTokens + more.uncachedInputTokens,
    cacheReadTokens: total.cacheReadTokens + more.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + more.cacheWriteTokens,
    outputTokens: total.outputTokens + more.outputTokens,
  };
}

/** Every input token, however it was billed. */
export function inputTokensOf(usage: TokenUsage): number {
  return usage.uncachedInputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

export const NO_USAGE: TokenUsage = {
  uncachedInputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
};

/** A tool call from the wire: arguments parsed, or the reason they could not be. */
export function parseToolCall(id: string, name: string, raw: string): ToolCall {
  try {
    return { id, name, arguments: JSON.parse(raw || "{}"), rawArguments: raw };
  } catch (error) {
    return { id, name, arguments: undefined, rawArguments: raw, parseError: (error as Error).message };
  }
}
