/**
 * The rules the real provider APIs enforce on a request, each answered with the status and error text the
 * provider answers (from its documentation and public error reports; see `../shared/provider-api-facts.md`).
 * A scripted server runs these before it serves a scripted turn, so a request Margin shapes wrongly fails
 * in tests as it would against the provider. Model knowledge comes from `providerModels.ts`, never from
 * Margin's own capability table.
 */
import { type ClaudeModel, claudeModel, claudeModelOnBedrock, openAiModel } from "./providerModels.ts";

export interface ApiError {
  status: number;
  message: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

type Json = Record<string, unknown>;

/** What a server remembers of its own answers, to check that a conversation sends them back intact. */
export interface IssuedItems {
  /** Responses: function call item id -> the reasoning item issued with it. */
  reasoningOf: Map<string, string>;
  /** Anthropic: tool_use id -> the signature of the thinking block issued before it. */
  thinkingBefore: Map<string, string>;
}

export const OLLAMA_EFFORTS = ["minimal", "low", "medium", "high", "xhigh", "ultra", "max", "none"];

const invalid = (message: string, param: string | null = null, code: string | null = null): ApiError => ({
  status: 400,
  message,
  type: "invalid_request_error",
  param,
  code,
});

function unsupportedParameter(param: string): ApiError {
  return invalid(
    `Unsupported parameter: '${param}' is not supported with this model.`,
    param,
    "unsupported_parameter",
  );
}

function quoted(values: string[]): string {
  const items = values.map((value) => `'${value}'`);
  return items.length > 1 ? `${items.slice(0, -1).join(", ")}, and ${items.at(-1)}` : (items[0] ?? "");
}

/** OpenAI's checks common to both APIs; `effortParam` is where the request carries the effort. */
function checkOpenAiModel(body: Json, api: "chat" | "responses"): ApiError | undefined {
  const name = String(body.model ?? "");
  const model = openAiModel(name);
  if (!model) {
    return {
      status: 404,
      message: `The model \`${name}\` does not exist or you do not have access to it.`,
      type: "invalid_request_error",
      param: null,
      code: "model_not_found",
    };
  }
  const capParam = ["max_completion_tokens", "max_output_tokens", "max_tokens"].find(
    (param) => typeof body[param] === "number",
  );
  const cap = capParam ? (body[capParam] as number) : undefined;
  if (capParam && cap !== undefined && cap > model.maxOutputTokens) {
    return invalid(
      `max_tokens is too large: ${cap}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${cap}.`,
      capParam,
      "invalid_value",
    );
  }
  const effortParam = api === "chat" ? "reasoning_effort" : "reasoning.effort";
  const requested =
    api === "chat"
      ? (body.reasoning_effort as string | undefined)
      : ((body.reasoning as Json | undefined)?.effort as string | undefined);
  if (!model.reasoning) {
    if (requested !== undefined) return unsupportedParameter(effortParam);
    const temperature = body.temperature as number | undefined;
    if (temperature !== undefined && (temperature < 0 || temperature > 2))
      return invalid(
        `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${temperature} instead.`,
        "temperature",
        "decimal_above_max_value",
      );
    return undefined;
  }
  if (api === "chat" && body.max_tokens !== undefined) {
    return invalid(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      "max_tokens",
      "unsupported_parameter",
    );
  }
  if (requested !== undefined && !model.efforts.includes(requested)) {
    return api === "chat"
      ? invalid(
          `Unsupported value: 'reasoning_effort' does not support '${requested}' with this model. Supported values are: ${quoted(model.efforts)}.`,
          "reasoning_effort",
          "unsupported_value",
        )
      : invalid(
          `Unsupported value: '${requested}' is not supported with the '${name}' model. Supported values are: ${quoted(model.efforts)}.`,
          "reasoning.effort",
          "unsupported_value",
        );
  }
  const effort = requested ?? model.defaultEffort;
  for (const param of ["temperature", "top_p"]) {
    const value = body[param];
    if (value === undefined) continue;
    if (model.oSeries) return unsupportedParameter(param);
    if (value !== 1 && effort !== "none") {
      return invalid(
        `Unsupported value: '${param}' does not support ${value} with this model. Only the default (1) value is supported.`,
        param,
        "unsupported_value",
      );
    }
  }
  if (model.oSeries && body.parallel_tool_calls !== undefined)
    return unsupportedParameter("parallel_tool_calls");
  const tools = (body.tools as unknown[] | undefined) ?? [];
  if (api === "chat" && tools.length > 0) {
    if (model.chatTools === "no")
      return invalid(
        `Function tools with reasoning_effort are not supported for ${name} in /v1/chat/completions. Please use /v1/responses instead.`,
        "reasoning_effort",
      );
    if (model.chatTools === "effort-none" && effort !== "none")
      return invalid(
        `Function tools with reasoning_effort are not supported for ${name} in /v1/chat/completions. To use function tools, use /v1/responses or set reasoning_effort to 'none'.`,
        "reasoning_effort",
      );
  }
  return undefined;
}

/** `POST /v1/chat/completions`, from OpenAI; or from an OpenAI-compatible server (Ollama), which takes any model. */
export function checkChatRequest(body: Json, options: { compatible: boolean }): ApiError | undefined {
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  if (options.compatible) {
    const effort = body.reasoning_effort as string | undefined;
    if (effort !== undefined && !OLLAMA_EFFORTS.includes(effort)) {
      return invalid(
        `invalid reasoning value: '${effort}' (must be ${OLLAMA_EFFORTS.map((value) => `"${value}"`).join(", ")})`,
      );
    }
    return undefined;
  }
  const modelError = checkOpenAiModel(body, "chat");
  if (modelError) return modelError;
  const tools = (body.tools as Array<{ function?: { name?: string } }> | undefined) ?? [];
  const choice = body.tool_choice;
  if (choice !== undefined && tools.length === 0)
    return invalid(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      "tool_choice",
    );
  const forced = (choice as { function?: { name?: string } } | undefined)?.function?.name;
  if (forced && !tools.some((tool) => tool.function?.name === forced))
    return invalid(
      `Invalid value for 'tool_choice': no function named '${forced}' was specified in the 'tools' parameter.`,
      "tool_choice",
    );
  return checkChatPairing(body.messages as Json[]);
}

/** Every tool message answers a call of the assistant message before it, and every call is answered. */
function checkChatPairing(messages: Json[]): ApiError | undefined {
  let open: string[] = [];
  for (const [index, message] of messages.entries()) {
    if (message.role === "tool") {
      const id = String(message.tool_call_id ?? "");
      if (!open.includes(id))
        return invalid(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${index}].role`,
        );
      open = open.filter((other) => other !== id);
      continue;
    }
    if (open.length > 0)
      return invalid(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(", ")}`,
        "messages",
      );
    if (message.role === "assistant") {
      open = ((message.tool_calls as Array<{ id: string }> | undefined) ?? []).map((call) => call.id);
      if (open.length === 0 && (message.content === null || message.content === undefined))
        return invalid(
          "Invalid value for 'content': expected a string, got null.",
          `messages.[${index}].content`,
          "invalid_type",
        );
    }
  }
  return undefined;
}

/** `POST /v1/responses`. */
export function checkResponsesRequest(
  body: Json,
  options: { compatible: boolean },
  issued: IssuedItems,
): ApiError | undefined {
  if (body.input === undefined)
    return invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  const tools = (body.tools as Json[] | undefined) ?? [];
  for (const [index, tool] of tools.entries()) {
    if (tool.type === "function" && typeof tool.name !== "string")
      return invalid(
        `Missing required parameter: 'tools[${index}].name'.`,
        `tools[${index}].name`,
        "missing_required_parameter",
      );
  }
  if (!options.compatible) {
    const modelError = checkOpenAiModel(body, "responses");
    if (modelError) return modelError;
  }
  const forced = (body.tool_choice as Json | undefined)?.name;
  if (typeof forced === "string" && !tools.some((tool) => tool.name === forced))
    return invalid(`Tool choice '${forced}' not found in 'tools' parameter.`, "tool_choice");
  if (!Array.isArray(body.input)) return undefined;
  return checkResponsesItems(body.input as Json[], body.store === false, issued);
}

function checkResponsesItems(items: Json[], stateless: boolean, issued: IssuedItems): ApiError | undefined {
  const calls = new Set<string>();
  const answered = new Set<string>();
  const reasoningSeen = new Set<string>();
  for (const [index, item] of items.entries()) {
    if (item.type === "reasoning") {
      const id = String(item.id ?? "");
      const next = items[index + 1];
      const followed =
        next !== undefined &&
        (next.type === "function_call" || next.type === "message" || next.role === "assistant");
      if (!followed)
        return invalid(
          `Item '${id}' of type 'reasoning' was provided without its required following item.`,
          "input",
        );
      if (stateless && typeof item.encrypted_content !== "string") {
        return {
          status: 404,
          message: `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
          type: "invalid_request_error",
          param: "input",
          code: null,
        };
      }
      reasoningSeen.add(id);
    } else if (item.type === "function_call") {
      const id = typeof item.id === "string" ? item.id : undefined;
      const reasoning = id ? issued.reasoningOf.get(id) : undefined;
      if (id && reasoning && !reasoningSeen.has(reasoning)) {
        return invalid(
          `Item '${id}' of type 'function_call' was provided without its required 'reasoning' item: '${reasoning}'.`,
          "input",
        );
      }
      calls.add(String(item.call_id));
    } else if (item.type === "function_call_output") {
      const callId = String(item.call_id);
      if (!calls.has(callId))
        return invalid(`No tool call found for function call output with call_id ${callId}.`, "input");
      answered.add(callId);
    }
  }
  const unanswered = [...calls].find((call) => !answered.has(call));
  if (unanswered) return invalid(`No tool output found for function call ${unanswered}.`, "input");
  return undefined;
}

/** `POST /v1/messages` on Anthropic's API, under the `anthropic-version` the request carries. */
export function checkAnthropicRequest(
  body: Json,
  version: string | undefined,
  issued: IssuedItems,
): ApiError | undefined {
  if (!version) return anthropicInvalid("anthropic-version: header is required");
  if (version === "2026-10-21") {
    const sampling = ["temperature", "top_p", "top_k"].find((param) => body[param] !== undefined);
    if (sampling) return anthropicInvalid(`${sampling}: Extra inputs are not permitted`);
  }
  const id = String(body.model ?? "");
  const model = claudeModel(id);
  if (!model) return { status: 404, message: `model: ${id}`, type: "not_found_error" };
  return checkMessagesBody(body, id, model, issued);
}

/** `POST /model/{modelId}/invoke` on Amazon Bedrock's runtime: the Messages body with `anthropic_version`. */
export function checkBedrockRequest(
  modelId: string,
  body: Json,
  authorization: string | undefined,
  issued: IssuedItems,
): ApiError | undefined {
  if (!authorization || !/^(AWS4-HMAC-SHA256 Credential=|Bearer )/.test(authorization))
    return { status: 403, message: "Missing Authentication Token", type: "AccessDeniedException" };
  const found = claudeModelOnBedrock(modelId);
  if (!found) return bedrockInvalid("The provided model identifier is invalid.");
  if (body.model !== undefined)
    return bedrockInvalid(
      "Malformed input request: extraneous key [model] is not permitted, please reformat your input and try again.",
    );
  const version = body.anthropic_version;
  if (version === undefined) return bedrockInvalid("anthropic_version: Field required");
  const accepted =
    version === "bedrock-2023-05-31" || (version === "2026-10-21" && found.model.newVersionOnBedrock);
  if (!accepted) return bedrockInvalid(`Invalid API version: ${String(version)}`);
  for (const param of ["temperature", "top_p", "top_k"]) {
    if (body[param] === undefined) continue;
    if (version === "2026-10-21") return bedrockInvalid(`${param}: Extra inputs are not permitted`);
    if (!found.model.samplingOnBedrock)
      return bedrockInvalid(`${param}: non-default values are not supported for this model`);
    if (param === "temperature" && ((body[param] as number) < 0 || (body[param] as number) > 1))
      return bedrockInvalid("temperature: Input should be less than or equal to 1");
  }
  const error = checkMessagesBody(body, found.id, found.model, issued);
  return error ? { ...error, type: "ValidationException" } : undefined;
}

function anthropicInvalid(message: string): ApiError {
  return { status: 400, message, type: "invalid_request_error" };
}

function bedrockInvalid(message: string): ApiError {
  return { status: 400, message, type: "ValidationException" };
}

/** The rules of a Messages body, on Anthropic's API and on Bedrock alike. */
function checkMessagesBody(
  body: Json,
  id: string,
  model: ClaudeModel,
  issued: IssuedItems,
): ApiError | undefined {
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== "number") return anthropicInvalid("max_tokens: Field required");
  if (maxTokens > model.maxOutputTokens)
    return anthropicInvalid(
      `max_tokens: ${maxTokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${id}`,
    );
  const effort = (body.output_config as Json | undefined)?.effort as string | undefined;
  if (effort !== undefined) {
    if (model.efforts.length === 0)
      return anthropicInvalid("This model does not support the effort parameter.");
    if (!model.efforts.includes(effort))
      return anthropicInvalid(
        `output_config.effort: Input should be ${model.efforts.map((value) => `'${value}'`).join(", ")}`,
      );
  }
  const tools = (body.tools as Json[] | undefined) ?? [];
  const choice = body.tool_choice as Json | undefined;
  if (choice && (choice.type === "any" || choice.type === "tool")) {
    if (model.rejectsForcedToolChoice)
      return anthropicInvalid('tool_choice: type "tool" and "any" are not supported for this model.');
    if (choice.type === "tool" && !tools.some((tool) => tool.name === choice.name))
      return anthropicInvalid(`tool_choice.name: Tool '${String(choice.name)}' not found in provided tools`);
  }
  const breakpoints = countCacheControl(body);
  if (breakpoints > 4)
    return anthropicInvalid(
      `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`,
    );
  const messages = (body.messages as Json[] | undefined) ?? [];
  if (messages.length === 0) return anthropicInvalid("messages: at least one message is required");
  if (messages[0]!.role !== "user")
    return anthropicInvalid('messages: first message must use the "user" role');
  if (messages.at(-1)!.role !== "user")
    return anthropicInvalid(
      "This model does not support assistant message prefill. The conversation must end with a user message.",
    );
  return checkMessagePairing(messages, issued);
}

function blocksOf(message: Json): Json[] {
  return typeof message.content === "string"
    ? [{ type: "text", text: message.content }]
    : ((message.content as Json[]) ?? []);
}

function checkMessagePairing(messages: Json[], issued: IssuedItems): ApiError | undefined {
  for (const [index, message] of messages.entries()) {
    const blocks = blocksOf(message);
    if (blocks.length === 0)
      return anthropicInvalid(
        `messages.${index}: all messages must have non-empty content except for the optional final assistant message`,
      );
    const emptyText = blocks.findIndex((block) => block.type === "text" && !String(block.text ?? "").length);
    if (emptyText >= 0)
      return anthropicInvalid(
        `messages.${index}.content.${emptyText}: text content blocks must be non-empty`,
      );
    if (message.role === "assistant") {
      const uses = blocks.filter((block) => block.type === "tool_use");
      const signature = uses.map((block) => issued.thinkingBefore.get(String(block.id))).find(Boolean);
      if (signature && !blocks.some((block) => block.type === "thinking" && block.signature === signature)) {
        return anthropicInvalid(
          `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(blocks[0]?.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns.`,
        );
      }
      const next = messages[index + 1];
      const results = new Set(
        next
          ? blocksOf(next)
              .filter((block) => block.type === "tool_result")
              .map((block) => String(block.tool_use_id))
          : [],
      );
      const missing = uses.map((block) => String(block.id)).filter((id) => !results.has(id));
      if (missing.length > 0)
        return anthropicInvalid(
          `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
    } else {
      const previous = index > 0 ? blocksOf(messages[index - 1]!) : [];
      const uses = new Set(
        previous.filter((block) => block.type === "tool_use").map((block) => String(block.id)),
      );
      for (const [blockIndex, block] of blocks.entries()) {
        if (block.type === "tool_result" && !uses.has(String(block.tool_use_id)))
          return anthropicInvalid(
            `messages.${index}.content.${blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
      }
    }
  }
  return undefined;
}

function countCacheControl(body: Json): number {
  const marked = (items: unknown) =>
    Array.isArray(items) ? items.filter((item) => (item as Json)?.cache_control !== undefined).length : 0;
  let count = (body.cache_control !== undefined ? 1 : 0) + marked(body.tools) + marked(body.system);
  for (const message of (body.messages as Json[] | undefined) ?? []) count += marked(message.content);
  return count;
}
