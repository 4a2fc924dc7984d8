/**
 * The Anthropic Messages adapter: tools as tool_use blocks, the system prompt cached (the instructions
 * rarely change between reviews), refusals and truncation reported as such.
 */
import type Anthropic from "@anthropic-ai/sdk";
import { ProviderError } from "../errors.ts";
import type { LlmProvider, ModelRequest, ModelTurn, StopReason, ToolCall } from "./LlmProvider.ts";

/** What the adapter uses of a client: the Anthropic SDK's, or the Bedrock SDK's, which has the same shape. */
export type MessagesClient = {
  messages: { create(body: Anthropic.MessageCreateParamsNonStreaming): PromiseLike<Anthropic.Message> };
};

export class AnthropicMessagesProvider implements LlmProvider {
  constructor(
    private readonly client: MessagesClient,
    readonly name: "anthropic" | "bedrock" = "anthropic",
  ) {}

  async complete(request: ModelRequest): Promise<ModelTurn> {
    const messages: Anthropic.MessageParam[] = request.conversation.map((item) => {
      if (item.role === "user") return { role: "user", content: item.text };
      if (item.role === "assistant") {
        const content: Anthropic.ContentBlockParam[] = [];
        if (item.text) content.push({ type: "text", text: item.text });
        for (const call of item.toolCalls) {
          content.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments ?? {} });
        }
        return { role: "assistant", content };
      }
      return {
        role: "user",
        content: item.results.map((result) => ({
          type: "tool_result" as const,
          tool_use_id: result.callId,
          content: result.content,
          is_error: result.isError,
        })),
      };
    });
    let message: Anthropic.Message;
    try {
      message = await this.client.messages.create({
        model: request.model,
        max_tokens: request.maxOutputTokens,
        system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
        messages,
        ...(request.tools.length > 0
          ? {
              tools: request.tools.map((tool) => ({
                name: tool.name,
                description: tool.description,
                input_schema: tool.parameters as Anthropic.Tool.InputSchema,
              })),
            }
          : {}),
        ...(request.temperature !== undefined ? { temperature: Math.min(request.temperature, 1) } : {}),
      });
    } catch (error) {
      throw toProviderError(error, this.name);
    }
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
    const cached = message.usage.cache_read_input_tokens ?? 0;
    return {
      text,
      toolCalls,
      stopReason: stopReason(message.stop_reason, toolCalls.length),
      refusal: message.stop_reason === "refusal" ? text || "The model declined to answer." : undefined,
      usage: {
        inputTokens: message.usage.input_tokens + cached + (message.usage.cache_creation_input_tokens ?? 0),
        outputTokens: message.usage.output_tokens,
        cachedInputTokens: cached,
      },
    };
  }
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

function toProviderError(error: unknown, provider: "anthropic" | "bedrock"): ProviderError {
  const label = provider === "bedrock" ? "Anthropic on Amazon Bedrock" : "Anthropic";
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status === "number") {
    const credentials =
      provider === "bedrock"
        ? "the function's role may not call bedrock:InvokeModel for this model"
        : "the API key was refused; check ANTHROPIC_API_KEY";
    const detail = status === 401 || status === 403 ? credentials : (error as Error).message;
    return new ProviderError(`${label} failed (${status}): ${detail}`, status, { cause: error });
  }
  return new ProviderError(`${label} could not be reached: ${(error as Error).message}`, undefined, {
    cause: error,
  });
}
