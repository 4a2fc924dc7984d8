/**
 * The provider-neutral agent loop: ask the model, hand each tool call to the review's handler, send the
 * results back, until the model finishes, declines, or runs out of turns. A review whose first turn ends
 * with `finish_review` takes exactly one round trip.
 *
 * A review is done through the tools or not at all: the model must call a tool on every turn (where the
 * server honours `tool_choice`), the last turn may only finish, and text alone is never published. A turn
 * of text gets one reminder to use the tools; a second ends the review as declined. Weaker models' habits
 * (tool calls written as JSON text, `<think>` blocks) are undone by `readModelTurn` before anything else.
 */
import {
  addUsage,
  type ConversationItem,
  type LlmProvider,
  type ModelRequest,
  NO_USAGE,
  type TokenUsage,
  type ToolCall,
  type ToolChoice,
  type ToolResult,
} from "../ports/LlmProvider.ts";
import { readModelTurn } from "./readModelTurn.ts";

/** What the handler says about one call: accepted (and whether it finishes the review) or refused. */
export type ToolOutcome = { ok: true; message: string; finishes?: boolean } | { ok: false; message: string };

export interface AgentInput {
  provider: LlmProvider;
  request: Omit<ModelRequest, "conversation" | "toolChoice">;
  firstMessage: string;
  maxTurns: number;
  /**
   * `review`: the model must act through the tools and end with the finishing tool. `reply`: it may also
   * decline to answer by calling no tool.
   */
  mode: "review" | "reply";
  /** The tool that ends the run (`finish_review`, or `reply_in_thread` in reply mode). */
  finishTool: string;
  /** Validates and records one call. Calls that finish the review are handled after the others of their turn. */
  handle(call: ToolCall): ToolOutcome;
  /** A request is on its way to the model. */
  onTurnStarted?(turn: number): void;
  onRoundTrip?(turn: number, usage: TokenUsage): void;
}

export type AgentEnding =
  /** The model called the finishing tool. */
  | { kind: "finished" }
  /** Reply mode: the model answered without calling any tool (nothing called for an answer). */
  | { kind: "no_tool_calls"; text: string }
  | { kind: "turn_limit" }
  | { kind: "truncated" }
  /** The model refused (the provider said so), or answered in text again after being told to use the tools. */
  | { kind: "refused"; reason: string };

export interface AgentResult {
  ending: AgentEnding;
  roundTrips: number;
  usage: TokenUsage;
}

/** Sent once after a turn of text without tool calls. */
export const USE_THE_TOOLS =
  "Your answer was not posted: this review is done only through the tools. Call comment_on_block for each point worth raising on a block, then finish_review with the summary. Write nothing outside tool calls.";

export async function runAgent(input: AgentInput): Promise<AgentResult> {
  const conversation: ConversationItem[] = [{ role: "user", text: input.firstMessage }];
  const toolNames = input.request.tools.map((tool) => tool.name);
  let usage = NO_USAGE;
  let reminded = false;
  for (let turn = 1; turn <= input.maxTurns; turn++) {
    const last = turn === input.maxTurns;
    input.onTurnStarted?.(turn);
    const reply = readModelTurn(
      await input.provider.complete(requestFor(input, conversation, last)),
      toolNames,
      turn,
    );
    usage = addUsage(usage, reply.usage);
    input.onRoundTrip?.(turn, usage);
    const done = (ending: AgentEnding): AgentResult => ({ ending, roundTrips: turn, usage });
    if (reply.stopReason === "refusal") {
      return done({
        kind: "refused",
        reason: reply.refusal || reply.text || "The model declined to answer.",
      });
    }
    // Calls cut off by the token limit may be incomplete: none of them is trusted.
    if (reply.stopReason === "max_tokens") return done({ kind: "truncated" });
    if (reply.toolCalls.length === 0) {
      if (input.mode === "reply") return done({ kind: "no_tool_calls", text: reply.text });
      if (reminded) {
        return done({ kind: "refused", reason: reply.text || "The model answered without using its tools." });
      }
      // Out of turns before the reminder could be given: the model did not finish, it did not decline.
      if (last) return done({ kind: "turn_limit" });
      reminded = true;
      // An empty answer is not sent back: the APIs refuse an assistant message without content.
      if (reply.text.trim())
        conversation.push({ role: "assistant", text: reply.text, toolCalls: [], replay: reply.replay });
      conversation.push({ role: "user", text: USE_THE_TOOLS });
      continue;
    }
    conversation.push({
      role: "assistant",
      text: reply.text,
      toolCalls: reply.toolCalls,
      replay: reply.replay,
    });

    const { results, finished } = handleCalls(input, reply.toolCalls, last);
    if (finished) return done({ kind: "finished" });
    conversation.push({
      role: "tool_results",
      results: reply.toolCalls.map((call) => results.get(call.id)!),
      note:
        turn + 1 === input.maxTurns && input.mode === "review"
          ? `You have one turn left: call ${input.finishTool} now, and put anything you have not raised yet in the summary.`
          : undefined,
    });
  }
  return { ending: { kind: "turn_limit" }, roundTrips: input.maxTurns, usage };
}

/**
 * In a review the model must call a tool, and on the last turn it may only finish: it is offered only the
 * finishing tool then, so even a model or server that ignores a forced `tool_choice` has nothing else to
 * call.
 */
function requestFor(input: AgentInput, conversation: ConversationItem[], last: boolean): ModelRequest {
  if (input.mode === "reply") return { ...input.request, conversation, toolChoice: { kind: "auto" } };
  if (!last) return { ...input.request, conversation, toolChoice: { kind: "required" } };
  const toolChoice: ToolChoice = { kind: "tool", name: input.finishTool };
  const tools = input.request.tools.filter((tool) => tool.name === input.finishTool);
  return { ...input.request, tools, conversation, toolChoice };
}

function handleCalls(
  input: AgentInput,
  calls: ToolCall[],
  last: boolean,
): { results: Map<string, ToolResult>; finished: boolean } {
  const results = new Map<string, ToolResult>();
  const isFinish = (call: ToolCall) => call.name === input.finishTool;
  let failures = 0;
  for (const call of calls.filter((call) => !isFinish(call))) {
    const outcome = input.handle(call);
    if (!outcome.ok) failures += 1;
    results.set(call.id, { callId: call.id, content: outcome.message, isError: !outcome.ok });
  }
  let finished = false;
  for (const call of calls.filter(isFinish)) {
    // With turns left, a finish is held back while other calls of its turn failed, so they can be fixed.
    if (failures > 0 && !last) {
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
  return { results, finished };
}
