/**
 * The provider-neutral agent loop: ask the model, hand each tool call to the review's handler, send the
 * results back, until the model finishes, stops calling tools, or runs out of turns. A review whose first
 * turn ends with `finish_review` takes exactly one round trip.
 */
import {
  addUsage,
  type ConversationItem,
  type LlmProvider,
  type ModelRequest,
  NO_USAGE,
  type TokenUsage,
  type ToolCall,
  type ToolResult,
} from "../llm/LlmProvider.ts";

/** What the handler says about one call: accepted (and whether it finishes the review) or refused. */
export type ToolOutcome = { ok: true; message: string; finishes?: boolean } | { ok: false; message: string };

export interface AgentInput {
  provider: LlmProvider;
  request: Omit<ModelRequest, "conversation">;
  firstMessage: string;
  maxTurns: number;
  /** Validates and records one call. Calls that finish the review are handled after the others of their turn. */
  handle(call: ToolCall): ToolOutcome;
  /** True for the call that ends the review (`finish_review`). */
  isFinish(call: ToolCall): boolean;
  onRoundTrip?(turn: number, usage: TokenUsage): void;
}

export type AgentEnding =
  /** The model called the finishing tool. */
  | { kind: "finished" }
  /** The model answered without calling any tool. */
  | { kind: "no_tool_calls"; text: string }
  | { kind: "turn_limit" }
  | { kind: "truncated" }
  | { kind: "refused"; reason: string };

export interface AgentResult {
  ending: AgentEnding;
  roundTrips: number;
  usage: TokenUsage;
}

export async function runAgent(input: AgentInput): Promise<AgentResult> {
  const conversation: ConversationItem[] = [{ role: "user", text: input.firstMessage }];
  let usage = NO_USAGE;
  for (let turn = 1; turn <= input.maxTurns; turn++) {
    const reply = await input.provider.complete({ ...input.request, conversation });
    usage = addUsage(usage, reply.usage);
    input.onRoundTrip?.(turn, usage);
    const done = (ending: AgentEnding): AgentResult => ({ ending, roundTrips: turn, usage });
    if (reply.stopReason === "refusal") return done({ kind: "refused", reason: reply.refusal ?? reply.text });
    // Calls cut off by the token limit may be incomplete: none of them is trusted.
    if (reply.stopReason === "max_tokens") return done({ kind: "truncated" });
    if (reply.toolCalls.length === 0) return done({ kind: "no_tool_calls", text: reply.text });
    conversation.push({ role: "assistant", text: reply.text, toolCalls: reply.toolCalls });

    const results = new Map<string, ToolResult>();
    let failures = 0;
    for (const call of reply.toolCalls.filter((call) => !input.isFinish(call))) {
      const outcome = input.handle(call);
      if (!outcome.ok) failures += 1;
      results.set(call.id, { callId: call.id, content: outcome.message, isError: !outcome.ok });
    }
    let finished = false;
    for (const call of reply.toolCalls.filter((call) => input.isFinish(call))) {
      // With turns left, a finish is held back while other calls of its turn failed, so they can be fixed.
      if (failures > 0 && turn < input.maxTurns) {
        results.set(call.id, {
          callId: call.id,
          content: `Not finished yet: ${failures} call(s) in this turn failed (see their results). Fix or drop them, then call ${call.name} again.`,
          isError: true,
        });
        continue;
      }
      const outcome = input.handle(call);
      finished ||= outcome.ok && outcome.finishes === true;
      results.set(call.id, { callId: call.id, content: outcome.message, isError: !outcome.ok });
    }
    if (finished) return done({ kind: "finished" });
    conversation.push({
      role: "tool_results",
      results: reply.toolCalls.map((call) => results.get(call.id)!),
    });
  }
  return { ending: { kind: "turn_limit" }, roundTrips: input.maxTurns, usage };
}
