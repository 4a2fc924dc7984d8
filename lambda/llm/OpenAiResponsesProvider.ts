/**
 * The OpenAI Responses adapter (`POST /v1/responses`), what OpenAI recommends for its reasoning models and
 * the only way its newest ones take function tools. Margin keeps no state at OpenAI (`store: false`): a
 * turn's output items, encrypted reasoning included, are sent back as they came, so the model keeps its
 * reasoning across tool turns. `prompt_cache_key` (one per reviewer) routes reviews that share their
 * instructions to the same cache.
 */
import type OpenAI from "openai";
import type {
  ResponseCreateParamsNonStreaming,
  ResponseInputItem,
  ResponseOutputItem,
} from "openai/resources/responses/responses";
import { ProviderError } from "../errors.ts";
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

export class OpenAiResponsesProvider implements LlmProvider {
  readonly name = "openai";

  constructor(
    private readonly client: OpenAI,
    private readonly options: { compatibleServer: boolean },
  ) {}

  capabilities(model: string): ModelCapabilities {
    return modelCapabilities(
      { provider: "openai", openaiApi: "responses", compatibleServer: this.options.compatibleServer },
      model,
    );
  }

  async complete(request: ModelRequest): Promise<ModelTurn> {
    let response: OpenAI.Responses.Response;
    try {
      response = await this.client.responses.create(this.bodyFor(request));
    } catch (error) {
      throw openAiProviderError(error, this.client.baseURL);
    }
    if (response.status === "failed") {
      throw new ProviderError(
        `OpenAI could not complete the response: ${response.error?.message ?? "no reason given"}`,
        500,
      );
    }
    return toModelTurn(response);
  }

  private bodyFor(request: ModelRequest): ResponseCreateParamsNonStreaming {
    const capabilities = this.capabilities(request.model);
    const reasoning = capabilities.reasoningEfforts.length > 0;
    const effort = request.reasoningEffort ?? capabilities.defaultReasoningEffort;
    return {
      model: request.model,
      instructions: request.system,
      input: toInput(request),
      ...(request.tools.length > 0
        ? {
            tools: request.tools.map((tool) => ({
              type: "function" as const,
              name: tool.name,
              description: tool.description,
              parameters: tool.parameters,
              strict: false,
            })),
            tool_choice: toolChoice(request.toolChoice, capabilities),
            ...(capabilities.parallelToolCalls ? { parallel_tool_calls: true } : {}),
          }
        : {}),
      max_output_tokens: Math.min(request.maxOutputTokens, capabilities.maxOutputTokens),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(effort ? { reasoning: { effort: effort as NonNullable<OpenAI.Reasoning["effort"]> } } : {}),
      store: false,
      // Without storage, reasoning crosses tool turns only as encrypted items sent back with the input.
      ...(reasoning ? { include: ["reasoning.encrypted_content" as const] } : {}),
      ...(request.cacheKey && !this.options.compatibleServer ? { prompt_cache_key: request.cacheKey } : {}),
    };
  }
}

/** What the model said and did in a response: text, tool calls, a refusal, and the tokens it cost. */
function toModelTurn(response: OpenAI.Responses.Response): ModelTurn {
  const toolCalls: ToolCall[] = response.output.flatMap((item) =>
    item.type === "function_call" ? [parseToolCall(item.call_id, item.name, item.arguments)] : [],
  );
  const texts: string[] = [];
  const refusals: string[] = [];
  for (const item of response.output) {
    if (item.type !== "message") continue;
    for (const part of item.content) {
      if (part.type === "output_text") texts.push(part.text);
      else if (part.type === "refusal") refusals.push(part.refusal);
    }
  }
  const usage = response.usage;
  const details = usage?.input_tokens_details as
    | { cached_tokens?: number; cache_write_tokens?: number }
    | undefined;
  const cacheReadTokens = details?.cached_tokens ?? 0;
  const cacheWriteTokens = details?.cache_write_tokens ?? 0;
  const refusal = refusals.join("\n") || undefined;
  return {
    text: texts.join("\n"),
    toolCalls,
    stopReason: refusal ? "refusal" : stopReason(response, toolCalls.length),
    refusal,
    usage: {
      uncachedInputTokens: Math.max(0, (usage?.input_tokens ?? 0) - cacheReadTokens - cacheWriteTokens),
      cacheReadTokens,
      cacheWriteTokens,
      outputTokens: usage?.output_tokens ?? 0,
    },
    replay: response.output,
  };
}

function toInput(request: ModelRequest): ResponseInputItem[] {
  const input: ResponseInputItem[] = [];
  for (const item of request.conversation) {
    if (item.role === "user") input.push({ role: "user", content: item.text });
    else if (item.role === "assistant") {
      if (Array.isArray(item.replay)) {
        // The turn as the API gave it: reasoning, calls and text, in order.
        input.push(...(item.replay as ResponseOutputItem[] as ResponseInputItem[]));
        continue;
      }
      if (item.text) input.push({ role: "assistant", content: item.text });
      for (const call of item.toolCalls) {
        input.push({
          type: "function_call",
          call_id: call.id,
          name: call.name,
          arguments: call.rawArguments,
        });
      }
    } else {
      for (const result of item.results) {
        input.push({ type: "function_call_output", call_id: result.callId, output: result.content });
      }
      if (item.note) input.push({ role: "user", content: item.note });
    }
  }
  return input;
}

function toolChoice(
  choice: ToolChoice,
  capabilities: ModelCapabilities,
): ResponseCreateParamsNonStreaming["tool_choice"] {
  if (choice.kind === "auto" || !capabilities.forcedToolChoice) return "auto";
  return choice.kind === "required" ? "required" : { type: "function", name: choice.name };
}

function stopReason(response: OpenAI.Responses.Response, calls: number): StopReason {
  if (response.status === "incomplete") {
    return response.incomplete_details?.reason === "content_filter" ? "refusal" : "max_tokens";
  }
  return calls > 0 ? "tool_calls" : "end";
}
