/**
 * The OpenAI Chat Completions adapter (works with any OpenAI-compatible server via `baseURL`): tools as
 * functions, several calls per turn, refusals and truncation reported as such, cached input counted.
 */
import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { ProviderError } from "../errors.ts";
import type { LlmProvider, ModelRequest, ModelTurn, StopReason, ToolCall } from "./LlmProvider.ts";

export class OpenAiChatProvider implements LlmProvider {
  readonly name = "openai";

  constructor(private readonly client: OpenAI) {}

  async complete(request: ModelRequest): Promise<ModelTurn> {
    const messages: ChatCompletionMessageParam[] = [{ role: "system", content: request.system }];
    for (const item of request.conversation) {
      if (item.role === "user") messages.push({ role: "user", content: item.text });
      else if (item.role === "assistant") {
        messages.push({
          role: "assistant",
          content: item.text || null,
          ...(item.toolCalls.length > 0
            ? {
                tool_calls: item.toolCalls.map((call) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.name, arguments: call.rawArguments },
                })),
              }
            : {}),
        });
      } else {
        for (const result of item.results)
          messages.push({ role: "tool", tool_call_id: result.callId, content: result.content });
      }
    }
    const tools: ChatCompletionTool[] = request.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create({
        model: request.model,
        messages,
        ...(tools.length > 0 ? { tools, tool_choice: "auto" as const, parallel_tool_calls: true } : {}),
        max_completion_tokens: request.maxOutputTokens,
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.reasoningEffort ? { reasoning_effort: request.reasoningEffort } : {}),
      });
    } catch (error) {
      throw toProviderError(error);
    }
    const choice = completion.choices[0];
    if (!choice) throw new ProviderError("OpenAI answered without a choice.", undefined);
    const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).flatMap((call) =>
      call.type === "function" ? [parseToolCall(call.id, call.function.name, call.function.arguments)] : [],
    );
    const refusal = choice.message.refusal ?? undefined;
    return {
      text: choice.message.content ?? "",
      toolCalls,
      stopReason: refusal ? "refusal" : stopReason(choice.finish_reason, toolCalls.length),
      refusal,
      usage: {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
        cachedInputTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
      },
    };
  }
}

function stopReason(finish: string, calls: number): StopReason {
  switch (finish) {
    case "length":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    case "tool_calls":
      return "tool_calls";
    case "stop":
      return calls > 0 ? "tool_calls" : "end";
    default:
      return calls > 0 ? "tool_calls" : "other";
  }
}

export function parseToolCall(id: string, name: string, raw: string): ToolCall {
  try {
    return { id, name, arguments: JSON.parse(raw || "{}"), rawArguments: raw };
  } catch (error) {
    return { id, name, arguments: undefined, rawArguments: raw, parseError: (error as Error).message };
  }
}

function toProviderError(error: unknown): ProviderError {
  if (error instanceof OpenAI.APIError) {
    const detail = error.status === 401 ? "the API key was refused; check OPENAI_API_KEY" : error.message;
    return new ProviderError(
      `OpenAI failed${error.status ? ` (${error.status})` : ""}: ${detail}`,
      error.status,
      { cause: error },
    );
  }
  return new ProviderError(`OpenAI could not be reached: ${(error as Error).message}`, undefined, {
    cause: error,
  });
}
