/**
 * A scripted turn in each API's own response format: a Chat Completions `chat.completion`, a Responses
 * `response` (reasoning item, function calls, message), or an Anthropic `message` (thinking block, text,
 * tool uses); and the parts of a request in the order a prompt cache reads them.
 */
import { randomBytes } from "node:crypto";
import type { CacheSegment } from "./PromptCacheSimulator.ts";

/** A turn in neutral terms, rendered into whichever API the request used. */
export interface ScriptedTurn {
  text?: string;
  calls?: Array<{ name: string; arguments: unknown }>;
  /** The provider's refusal: Chat's `message.refusal`, a Responses refusal part, Anthropic's refusal stop. */
  refusal?: string;
  /** The answer was cut off at the output limit. */
  stop?: "max_tokens";
}

export interface TurnUsage {
  inputTokens: number;
  readTokens: number;
  writeTokens: number;
  outputTokens: number;
}

type Json = Record<string, unknown>;

export function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

export function chatCompletion(
  turn: ScriptedTurn,
  model: string,
  usage: TurnUsage,
  reportsWrites: boolean,
): Json {
  const calls = turn.calls ?? [];
  return {
    id: `chatcmpl-${hex(12)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        logprobs: null,
        finish_reason: turn.stop === "max_tokens" ? "length" : calls.length > 0 ? "tool_calls" : "stop",
        message: {
          role: "assistant",
          content: turn.text ?? null,
          refusal: turn.refusal ?? null,
          ...(calls.length > 0
            ? {
                tool_calls: calls.map((call) => ({
                  id: `call_${hex(12)}`,
                  type: "function",
                  function: { name: call.name, arguments: JSON.stringify(call.arguments) },
                })),
              }
            : {}),
        },
      },
    ],
    usage: {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
      prompt_tokens_details: {
        cached_tokens: usage.readTokens,
        ...(reportsWrites ? { cache_write_tokens: usage.writeTokens } : {}),
      },
    },
  };
}

/** A Responses `response`; a reasoning model's output starts with a reasoning item. */
export function responseObject(
  turn: ScriptedTurn,
  model: string,
  usage: TurnUsage,
  options: { reasoning: boolean; encrypted: boolean; reportsWrites: boolean },
): { response: Json; reasoningId?: string; callIds: string[] } {
  const output: Json[] = [];
  const reasoningId = options.reasoning ? `rs_${hex(16)}` : undefined;
  if (reasoningId) {
    output.push({
      type: "reasoning",
      id: reasoningId,
      summary: [],
      ...(options.encrypted ? { encrypted_content: `enc_${hex(24)}` } : {}),
    });
  }
  if (turn.text !== undefined || turn.refusal !== undefined) {
    output.push({
      type: "message",
      id: `msg_${hex(16)}`,
      role: "assistant",
      status: "completed",
      content: [
        ...(turn.text !== undefined
          ? [{ type: "output_text", text: turn.text, annotations: [], logprobs: [] }]
          : []),
        ...(turn.refusal !== undefined ? [{ type: "refusal", refusal: turn.refusal }] : []),
      ],
    });
  }
  const callIds: string[] = [];
  for (const call of turn.calls ?? []) {
    const id = `fc_${hex(16)}`;
    callIds.push(id);
    output.push({
      type: "function_call",
      id,
      call_id: `call_${hex(12)}`,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
      status: "completed",
    });
  }
  const incomplete = turn.stop === "max_tokens";
  return {
    reasoningId,
    callIds,
    response: {
      id: `resp_${hex(16)}`,
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      status: incomplete ? "incomplete" : "completed",
      incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
      error: null,
      model,
      output,
      parallel_tool_calls: true,
      tool_choice: "auto",
      tools: [],
      temperature: null,
      top_p: null,
      instructions: null,
      metadata: {},
      usage: {
        input_tokens: usage.inputTokens,
        input_tokens_details: {
          cached_tokens: usage.readTokens,
          ...(options.reportsWrites ? { cache_write_tokens: usage.writeTokens } : {}),
        },
        output_tokens: usage.outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.inputTokens + usage.outputTokens,
      },
    },
  };
}

/** An Anthropic `message`; a model that thinks starts its answer with a (summarised-away) thinking block. */
export function anthropicMessage(
  turn: ScriptedTurn,
  model: string,
  usage: TurnUsage,
  options: { thinking: boolean },
): { message: Json; signature?: string; toolUseIds: string[] } {
  const content: Json[] = [];
  const signature = options.thinking ? `sig_${hex(24)}` : undefined;
  if (signature) content.push({ type: "thinking", thinking: "", signature });
  if (turn.text) content.push({ type: "text", text: turn.text, citations: null });
  const toolUseIds: string[] = [];
  for (const call of turn.calls ?? []) {
    const id = `toolu_${hex(12)}`;
    toolUseIds.push(id);
    content.push({ type: "tool_use", id, name: call.name, input: call.arguments });
  }
  const refused = turn.refusal !== undefined;
  return {
    signature,
    toolUseIds,
    message: {
      id: `msg_${hex(12)}`,
      type: "message",
      role: "assistant",
      model,
      content,
      stop_reason: refused
        ? "refusal"
        : turn.stop === "max_tokens"
          ? "max_tokens"
          : toolUseIds.length > 0
            ? "tool_use"
            : "end_turn",
      stop_sequence: null,
      stop_details: refused ? { type: "refusal", category: null, explanation: turn.refusal || null } : null,
      usage: {
        input_tokens: usage.inputTokens - usage.readTokens - usage.writeTokens,
        cache_creation_input_tokens: usage.writeTokens,
        cache_read_input_tokens: usage.readTokens,
        output_tokens: usage.outputTokens,
      },
    },
  };
}

/** What an answer holds, for counting its output tokens. */
export function turnText(turn: ScriptedTurn): string {
  return [
    turn.text ?? "",
    turn.refusal ?? "",
    ...(turn.calls ?? []).map((call) => JSON.stringify(call)),
  ].join("\n");
}

/** A Messages body as a cache reads it: tools, then system, then each message's blocks, breakpoints marked. */
export function anthropicSegments(body: Json): CacheSegment[] {
  const segments: CacheSegment[] = [];
  const push = (item: unknown) =>
    segments.push({
      text: JSON.stringify(stripCacheControl(item)),
      breakpoint: (item as Json)?.cache_control !== undefined,
    });
  for (const tool of (body.tools as unknown[] | undefined) ?? []) push(tool);
  if (typeof body.system === "string") push({ type: "text", text: body.system });
  else for (const block of (body.system as unknown[] | undefined) ?? []) push(block);
  for (const message of (body.messages as Json[] | undefined) ?? []) {
    const blocks =
      typeof message.content === "string"
        ? [{ type: "text", text: message.content }]
        : (message.content as unknown[]);
    for (const block of blocks ?? []) push({ role: message.role, ...(block as Json) });
  }
  if (body.cache_control !== undefined && segments.length > 0) segments.at(-1)!.breakpoint = true;
  return segments;
}

/** A Chat Completions or Responses body as OpenAI's automatic cache reads it: tools, instructions, items. */
export function openAiSegments(body: Json): CacheSegment[] {
  const segments: CacheSegment[] = [{ text: JSON.stringify(body.tools ?? []) }];
  if (typeof body.instructions === "string") segments.push({ text: body.instructions });
  const items = (body.messages ?? body.input) as unknown;
  if (typeof items === "string") segments.push({ text: items });
  else
    for (const item of (items as unknown[] | undefined) ?? []) segments.push({ text: JSON.stringify(item) });
  return segments;
}

function stripCacheControl(item: unknown): unknown {
  if (typeof item !== "object" || item === null) return item;
  const { cache_control: _ignored, ...rest } = item as Json;
  return rest;
}
