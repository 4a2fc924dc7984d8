/**
 * What a model turn says, once the habits of weaker models are undone: `<think>` blocks removed from its
 * text, and tool calls written as JSON in the text (as local models do when their server does not parse
 * them) taken as the tool calls they are. Only calls to tools the model was offered count; anything else
 * stays text, and text alone is never published.
 */
import { type ModelTurn, parseToolCall, type ToolCall } from "../ports/LlmProvider.ts";

/** Names under which models write a call's tool and its arguments. */
const NAME_KEYS = ["name", "tool", "tool_name", "function", "recipient_name"] as const;
const ARGUMENT_KEYS = ["arguments", "parameters", "args", "input", "tool_input"] as const;

export function readModelTurn(turn: ModelTurn, toolNames: readonly string[], turnNumber: number): ModelTurn {
  const text = stripThinking(turn.text);
  // Calls in an answer cut off at the token limit are not trusted anyway.
  if (turn.toolCalls.length > 0 || !text || turn.stopReason === "max_tokens") return { ...turn, text };
  const recovered = recoverToolCalls(text, toolNames, turnNumber);
  if (recovered.calls.length === 0) return { ...turn, text };
  // The calls were rebuilt from text: the provider's own record of the turn no longer matches it.
  return {
    ...turn,
    text: recovered.rest,
    toolCalls: recovered.calls,
    stopReason: turn.stopReason === "end" || turn.stopReason === "other" ? "tool_calls" : turn.stopReason,
    replay: undefined,
  };
}

/**
 * Removes reasoning that a model wrote into its answer: `<think>…</think>` (and `<thinking>`, `<reasoning>`)
 * blocks, a lone closing tag whose opening one the chat template swallowed, and an opening tag never closed.
 */
export function stripThinking(text: string): string {
  let rest = text.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, "");
  const lone = rest.match(/<\/(think|thinking|reasoning)>/i);
  if (lone?.index !== undefined) rest = rest.slice(lone.index + lone[0].length);
  const open = rest.search(/<(think|thinking|reasoning)>/i);
  if (open >= 0) rest = rest.slice(0, open);
  return rest.trim();
}

/** Tool calls written as JSON in text, in the shapes local models produce, and the text around them. */
export function recoverToolCalls(
  text: string,
  toolNames: readonly string[],
  turnNumber = 1,
): { calls: ToolCall[]; rest: string } {
  if (text.length > MAX_SEARCHED_CHARACTERS) return { calls: [], rest: text };
  const calls: ToolCall[] = [];
  const spans: Array<[number, number]> = [];
  const visit = (pairs: BracketPair[], depth: number) => {
    for (const pair of pairs) {
      const found = parsedCalls(text.slice(pair.start, pair.end), toolNames);
      if (found.length === 0) {
        // Calls inside a larger structure that is not a call itself (a wrapper, prose in braces).
        if (depth < 3) visit(pair.inner, depth + 1);
        continue;
      }
      for (const call of found) {
        const rawArguments = typeof call.args === "string" ? call.args : JSON.stringify(call.args ?? {});
        calls.push(parseToolCall(`text_call_${turnNumber}_${calls.length + 1}`, call.name, rawArguments));
      }
      spans.push([pair.start, pair.end]);
    }
  };
  visit(bracketPairs(text), 0);
  let rest = text;
  for (const [start, end] of spans.sort((a, b) => b[0] - a[0])) rest = rest.slice(0, start) + rest.slice(end);
  rest = rest.replace(/<\/?tool_call>|\[TOOL_CALLS\]|<\|python_tag\|>|```(?:json)?\s*```/gi, "").trim();
  return { calls, rest };
}

function parsedCalls(json: string, toolNames: readonly string[]): Array<{ name: string; args: unknown }> {
  try {
    return callsIn(JSON.parse(json), toolNames);
  } catch {
    return [];
  }
}

/** The calls a parsed JSON value holds: one call, a list of them, or `{tool_calls: [...]}`. */
function callsIn(value: unknown, toolNames: readonly string[]): Array<{ name: string; args: unknown }> {
  if (Array.isArray(value)) {
    const calls = value.map((item) => asCall(item, toolNames));
    return calls.every((call) => call !== undefined) ? (calls as Array<{ name: string; args: unknown }>) : [];
  }
  if (isRecord(value) && Array.isArray(value.tool_calls)) return callsIn(value.tool_calls, toolNames);
  const call = asCall(value, toolNames);
  return call ? [call] : [];
}

function asCall(value: unknown, toolNames: readonly string[]): { name: string; args: unknown } | undefined {
  if (!isRecord(value)) return undefined;
  // `{"type": "function", "function": {"name": ..., "arguments": ...}}`, as the Chat Completions wire has it.
  if (isRecord(value.function)) return asCall(value.function, toolNames);
  const nameKey = NAME_KEYS.find((key) => typeof value[key] === "string");
  const name = nameKey ? String(value[nameKey]).replace(/^functions\./, "") : undefined;
  if (!name || !toolNames.includes(name)) return undefined;
  const argumentKey = ARGUMENT_KEYS.find((key) => value[key] !== undefined);
  return { name, args: argumentKey ? value[argumentKey] : {} };
}

/** Text longer than this is not searched for calls: no model writes a review's calls at such length. */
const MAX_SEARCHED_CHARACTERS = 200_000;

interface BracketPair {
  start: number;
  end: number;
  inner: BracketPair[];
}

/**
 * The balanced `{…}` and `[…]` spans of the text, outermost first, each with the spans inside it: one pass
 * with a stack (strings are tracked inside brackets only, so quotes in prose do not confuse it).
 */
function bracketPairs(text: string): BracketPair[] {
  const roots: BracketPair[] = [];
  const stack: Array<{ start: number; closer: string; inner: BracketPair[] }> = [];
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"' && stack.length > 0) inString = true;
    else if (char === "{" || char === "[")
      stack.push({ start: index, closer: char === "{" ? "}" : "]", inner: [] });
    else if (char === "}" || char === "]") {
      const open = stack.pop();
      if (!open || open.closer !== char) {
        // Not JSON: what was open is abandoned, and its complete spans stand on their own.
        for (const abandoned of [...stack, ...(open ? [open] : [])]) roots.push(...abandoned.inner);
        stack.length = 0;
        continue;
      }
      const pair = { start: open.start, end: index + 1, inner: open.inner };
      (stack.at(-1)?.inner ?? roots).push(pair);
    }
  }
  // Openers never closed (a brace in prose): their complete spans stand on their own.
  for (const unclosed of stack) roots.push(...unclosed.inner);
  return roots.sort((a, b) => a.start - b.start);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
