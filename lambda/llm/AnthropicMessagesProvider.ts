/**
 * The Anthropic Messages adapter, for Anthropic's API and for Amazon Bedrock (whose SDK has the same
 * shape). Every request is shaped by the capability table: no sampling parameters under API 2026-10-21,
 * a forced tool choice only for models that take one, reasoning effort as `output_config.effort`, and on
 * Bedrock the body version Bedrock documents.
 *
 * Caching: the tools and the system message (Margin's instructions, the reviewer's, its references) form
 * a prefix that is the same for every review by one reviewer, so a breakpoint ends it; a second ends the
 * first user message (the document), so a later turn of the same review reads the document from cache;
 * a third follows the newest tool results. Usage reports cache writes, reads and uncached input apart.
 */
import type Anthropic from "@anthropic-ai/sdk";
import { APIConnectionError, APIConnectionTimeoutError } from "@anthropic-ai/sdk/core/error";
import { ProviderError } from "../errors.ts";
import type {
  ConversationItem,
  LlmProvider,
  ModelCapabilities,
  ModelRequest,
  ModelTurn,
  StopReason,
  ToolCall,
  ToolChoice,
} from "../review/ports/LlmProvider.ts";
import { modelCapabilities } from "./modelCapabilities.ts";
import { transportFailure } from "./openAiProviderError.ts";

/** What the adapter uses of a client: the Anthropic SDK's, or the Bedrock SDK's, which has the same shape. */
export type MessagesClient = {
  messages: { create(body: Anthropic.MessageCreateParamsNonStreaming): PromiseLike<Anthropic.Message> };
  /** Where requests go (both SDK clients have it), for a message when nothing answers there. */
  baseURL?: string;
};

const CACHED = { type: "ephemeral" } as const;

export class AnthropicMessagesProvider implements LlmProvider {
  constructor(
    private readonly client: MessagesClient,
    readonly name: "anthropic" | "bedrock" = "anthropic",
  ) {}

  capabilities(model: string): ModelCapabilities {
    return modelCapabilities({ provider: this.name }, model);
  }

  async complete(request: ModelRequest): Promise<ModelTurn> {
    let message: Anthropic.Message;
    try {
      message = await this.client.messages.create(this.bodyFor(request));
    } catch (error) {
      throw toProviderError(error, this.name, this.client.baseURL);
    }
    return toModelTurn(message);
  }

  private bodyFor(
    request: ModelRequest,
  ): Anthropic.MessageCreateParamsNonStreaming & { anthropic_version?: string } {
    const capabilities = this.capabilities(request.model);
    return {
      model: request.model,
      max_tokens: Math.min(request.maxOutputTokens, capabilities.maxOutputTokens),
      system: [{ type: "text", text: request.system, cache_control: CACHED }],
      messages: toMessages(request.conversation),
      ...(request.tools.length > 0
        ? {
            tools: request.tools.map((tool) => ({
              name: tool.name,
              description: tool.description,
              input_schema: tool.parameters as Anthropic.Tool.InputSchema,
            })),
            tool_choice: toolChoice(request.toolChoice, capabilities),
          }
        : {}),
      ...(request.reasoningEffort
        ? { output_config: { effort: request.reasoningEffort as Anthropic.OutputConfig["effort"] } }
        : {}),
      // Only Bedrock's older models take a temperature; the capability check keeps it off everywhere else.
      ...(request.temperature !== undefined && capabilities.temperature === "always"
        ? ({ temperature: request.temperature } as object)
        : {}),
      // The Bedrock SDK would otherwise copy the Messages API version into the body.
      ...(capabilities.bedrockBodyVersion ? { anthropic_version: capabilities.bedrockBodyVersion } : {}),
    };
  }
}

/** What the model said and did in a message: text, tool calls, a refusal, and the tokens it cost. */
function toModelTurn(message: Anthropic.Message): ModelTurn {
  const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n");
  const toolCalls: ToolCall[] = message.content.flatMap((block) =>
    block.type === "tool_use"
      ? [
          {
            id: block.id,
            name: block.name,
            arguments: block.input,
            rawArguments: JSON.stringify(block.input),
          },
        ]
      : [],
  );
  return {
    text,
    toolCalls,
    stopReason: stopReason(message.stop_reason, toolCalls.length),
    refusal:
      message.stop_reason === "refusal"
        ? text || message.stop_details?.explanation || "The model declined to answer."
        : undefined,
    usage: {
      uncachedInputTokens: message.usage.input_tokens,
      cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
      cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
      outputTokens: message.usage.output_tokens,
    },
    // Thinking blocks must go back with the tool calls they led to, exactly as they came.
    replay: message.content,
  };
}

function toMessages(conversation: ConversationItem[]): Anthropic.MessageParam[] {
  const lastResults = conversation.findLastIndex((item) => item.role === "tool_results");
  return conversation.map((item, index): Anthropic.MessageParam => {
    // Breakpoints: after the first user message (the document) and after the newest tool results.
    const cache = index === 0 || index === lastResults ? { cache_control: CACHED } : {};
    if (item.role === "user") return { role: "user", content: [{ type: "text", text: item.text, ...cache }] };
    if (item.role === "assistant") {
      if (Array.isArray(item.replay))
        return { role: "assistant", content: item.replay as Anthropic.ContentBlock[] };
      const content: Anthropic.ContentBlockParam[] = [];
      if (item.text) content.push({ type: "text", text: item.text });
      for (const call of item.toolCalls) {
        content.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments ?? {} });
      }
      return { role: "assistant", content };
    }
    const content: Array<Anthropic.ToolResultBlockParam | Anthropic.TextBlockParam> = item.results.map(
      (result) => ({
        type: "tool_result" as const,
        tool_use_id: result.callId,
        content: result.content,
        is_error: result.isError,
      }),
    );
    if (item.note) content.push({ type: "text", text: item.note });
    Object.assign(content[content.length - 1]!, cache);
    return { role: "user", content };
  });
}

/** `any` and `tool` force a call; models that refuse a forced choice get `auto` and Margin's reminders. */
function toolChoice(choice: ToolChoice, capabilities: ModelCapabilities): Anthropic.ToolChoice {
  if (choice.kind === "auto" || !capabilities.forcedToolChoice) return { type: "auto" };
  return choice.kind === "required" ? { type: "any" } : { type: "tool", name: choice.name };
}

function stopReason(reason: Anthropic.Message["stop_reason"], calls: number): StopReason {
  switch (reason) {
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "max_tokens";
    case "refusal":
      return "refusal";
    case "end_turn":
    case "stop_sequence":
      return calls > 0 ? "tool_calls" : "end";
    default:
      return calls > 0 ? "tool_calls" : "other";
  }
}

function toProviderError(
  error: unknown,
  provider: "anthropic" | "bedrock",
  address: string | undefined,
): ProviderError {
  const label = provider === "bedrock" ? "Anthropic on Amazon Bedrock" : "Anthropic";
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status === "number") {
    const credentials =
      provider === "bedrock"
        ? "the function's role may not call bedrock:InvokeModel for this model"
        : "the API key was refused; check ANTHROPIC_API_KEY";
    const detail = status === 401 || status === 403 ? credentials : apiMessage(error);
    return new ProviderError(`${label} failed (${status}): ${detail}`, status, { cause: error });
  }
  const setting =
    provider === "bedrock"
      ? "ANTHROPIC_BEDROCK_BASE_URL, BEDROCK_REGION and the AWS credentials"
      : "ANTHROPIC_BASE_URL (unset for api.anthropic.com)";
  const kind =
    error instanceof APIConnectionTimeoutError
      ? "timeout"
      : error instanceof APIConnectionError
        ? "connection"
        : "other";
  return new ProviderError(transportFailure({ label, address, error, kind, setting }), undefined, {
    cause: error,
  });
}

/** The API's own words: Anthropic's `error.message`, or Bedrock's `message`, else the SDK's text. */
function apiMessage(error: unknown): string {
  const body = (error as { error?: { message?: unknown; error?: { message?: unknown } } }).error;
  const said = body?.error?.message ?? body?.message;
  return typeof said === "string" ? said : (error as Error).message;
}
