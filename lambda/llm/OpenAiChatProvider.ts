/**
 * The OpenAI Chat Completions adapter: what every OpenAI-compatible server speaks (Ollama, vLLM,
 * llama.cpp, proxies). Requests follow the capability table: `max_completion_tokens` for OpenAI's models
 * and `max_tokens` as well for other servers, `parallel_tool_calls` only where a model takes it, reasoning
 * effort `none` where a model takes tools on this API only without reasoning. Refusals and truncation are
 * reported as such, and cached input and cache writes are counted apart.
 */
import type OpenAI from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";
import type {
  LlmProvider,
  ModelCapabilities,
  ModelRequest,
  ModelTurn,
  StopReason,
  ToolCall,
  ToolChoice,
} from "../review/ports/LlmProvider.ts";
import { parseToolCall } from "../review/ports/LlmProvider.ts";
import { modelCapabilities } from "./modelCapabilities.ts";
import { openAiProviderError } from "./openAiProviderError.ts";

export class OpenAiChatProvider implements LlmProvider {
  readonly name = "openai";

  constructor(
    private readonly client: OpenAI,
    private readonly options: { compatibleServer: boolean },
  ) {}

  capabilities(model: string): ModelCapabilities {
    return modelCapabilities(
      { provider: "openai", openaiApi: "chat", compatibleServer: this.options.compatibleServer },
      model,
    );
  }

  async complete(request: ModelRequest): Promise<ModelTurn> {
    const capabilities = this.capabilities(request.model);
    const maxTokens = Math.min(request.maxOutputTokens, capabilities.maxOutputTokens);
    const effort = request.reasoningEffort ?? capabilities.defaultReasoningEffort;
    const hasTools = request.tools.length > 0;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: request.model,
      messages: toMessages(request),
      ...(hasTools
        ? {
            tools: request.tools.map((tool) => ({
              type: "function" as const,
              function: { name: tool.name, description: tool.description, parameters: tool.parameters },
            })),
            tool_choice: toolChoice(request.toolChoice, capabilities),
            ...(capabilities.parallelToolCalls ? { parallel_tool_calls: true } : {}),
          }
        : {}),
      ...(capabilities.outputTokenField === "max_tokens" ? {} : { max_completion_tokens: maxTokens }),
      // Ollama reads only max_tokens; OpenAI's reasoning models refuse it.
      ...(capabilities.outputTokenField === "max_completion_tokens" ? {} : { max_tokens: maxTokens }),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(effort
        ? { reasoning_effort: effort as ChatCompletionCreateParamsNonStreaming["reasoning_effort"] }
        : {}),
      ...(request.cacheKey && !this.options.compatibleServer ? { prompt_cache_key: request.cacheKey } : {}),
    };
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(body);
    } catch (error) {
      throw openAiProviderError(error, this.client.baseURL);
    }
    const choice = completion.choices[0];
    if (!choice) throw openAiProviderError(new Error("OpenAI answered without a choice."));
    const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).flatMap((call) =>
      call.type === "function" ? [parseToolCall(call.id, call.function.name, call.function.arguments)] : [],
    );
    const refusal = choice.message.refusal ?? undefined;
    const details = completion.usage?.prompt_tokens_details as
      | { cached_tokens?: number; cache_write_tokens?: number }
      | undefined;
    const cacheReadTokens = details?.cached_tokens ?? 0;
    const cacheWriteTokens = details?.cache_write_tokens ?? 0;
    return {
      text: choice.message.content ?? "",
      toolCalls,
      stopReason: refusal ? "refusal" : stopReason(choice.finish_reason, toolCalls.length),
      refusal,
      usage: {
        uncachedInputTokens: Math.max(
          0,
          (completion.usage?.prompt_tokens ?? 0) - cacheReadTokens - cacheWriteTokens,
        ),
        cacheReadTokens,
        cacheWriteTokens,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      },
    };
  }
}

function toMessages(request: ModelRequest): ChatCompletionMessageParam[] {
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
      if (item.note) messages.push({ role: "user", content: item.note });
    }
  }
  return messages;
}

function toolChoice(choice: ToolChoice, capabilities: ModelCapabilities): ChatCompletionToolChoiceOption {
  if (choice.kind === "auto" || !capabilities.forcedToolChoice) return "auto";
  return choice.kind === "required" ? "required" : { type: "function", function: { name: choice.name } };
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
