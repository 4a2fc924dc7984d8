/**
 * What the agent loop needs from a model provider, in neutral terms: one round trip that may return text
 * and tool calls. Adapters (OpenAI Chat Completions, Anthropic Messages) translate to and from the wire.
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
  | { role: "assistant"; text: string; toolCalls: ToolCall[] }
  | { role: "tool_results"; results: ToolResult[] };

export interface ModelRequest {
  model: string;
  system: string;
  conversation: ConversationItem[];
  tools: ToolSpec[];
  maxOutputTokens: number;
  temperature?: number;
  reasoningEffort?: "minimal" | "low" | "medium" | "high";
}

/** Why the model stopped: it called tools, it was done, it ran out of tokens, or it refused. */
export type StopReason = "tool_calls" | "end" | "max_tokens" | "refusal" | "other";

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (part of `inputTokens`). */
  cachedInputTokens: number;
}

export interface ModelTurn {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  /** The model's own words when it refused. */
  refusal?: string;
  usage: TokenUsage;
}

export interface LlmProvider {
  /** `openai` or `anthropic`, for reports. */
  readonly name: string;
  /** One round trip. Throws ProviderError when the provider fails after its SDK's retries. */
  complete(request: ModelRequest): Promise<ModelTurn>;
}

export function addUsage(total: TokenUsage, more: TokenUsage): TokenUsage {
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    cachedInputTokens: total.cachedInputTokens + more.cachedInputTokens,
  };
}

export const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
