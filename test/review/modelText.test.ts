/**
 * Reading what a model wrote: tool calls written as text in the shapes local models produce, reasoning
 * blocks removed, and text made safe to post (mentions, links, secrets).
 */
import { describe, expect, it } from "vitest";
import { neutraliseModelText } from "../../lambda/review/agent/neutraliseModelText.ts";
import { recoverToolCalls, stripThinking } from "../../lambda/review/agent/readModelTurn.ts";

const TOOLS = ["comment_on_block", "finish_review"];
const summary = { summary: "Ready." };

describe("tool calls written as text", () => {
  it.each([
    ["a bare object", '{"name": "finish_review", "arguments": {"summary": "Ready."}}'],
    ["Llama's parameters", '{"name": "finish_review", "parameters": {"summary": "Ready."}}'],
    ["a fenced block", '```json\n{"name": "finish_review", "arguments": {"summary": "Ready."}}\n```'],
    [
      "Hermes tags",
      '<tool_call>\n{"name": "finish_review", "arguments": {"summary": "Ready."}}\n</tool_call>',
    ],
    ["arguments as a string", '{"name": "finish_review", "arguments": "{\\"summary\\": \\"Ready.\\"}"}'],
    [
      "the wire's own shape",
      '{"type": "function", "function": {"name": "finish_review", "arguments": {"summary": "Ready."}}}',
    ],
    [
      "Mistral's prefix and a list",
      '[TOOL_CALLS] [{"name": "finish_review", "arguments": {"summary": "Ready."}}]',
    ],
  ])("reads %s", (_shape, text) => {
    const { calls, rest } = recoverToolCalls(text, TOOLS);

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: "finish_review", arguments: summary });
    expect(rest).toBe("");
  });

  it("reads several calls among prose, and keeps the prose", () => {
    const text = [
      "Here is my review.",
      '{"name": "comment_on_block", "arguments": {"block": "b2", "quote": "x", "severity": "minor", "comment": "y"}}',
      '{"name": "finish_review", "arguments": {"summary": "Ready."}}',
    ].join("\n");

    const { calls, rest } = recoverToolCalls(text, TOOLS);

    expect(calls.map((call) => call.name)).toEqual(["comment_on_block", "finish_review"]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect(rest).toBe("Here is my review.");
  });

  it("finds a call after a brace in prose that never closes", () => {
    const text = 'My notes { were long. {"name": "finish_review", "arguments": {"summary": "Ready."}}';

    expect(recoverToolCalls(text, TOOLS).calls).toMatchObject([
      { name: "finish_review", arguments: summary },
    ]);
  });

  it("leaves JSON that names no offered tool as text", () => {
    const text = 'The config is {"name": "rm_rf", "arguments": {}} and {"replicas": 3}.';

    expect(recoverToolCalls(text, TOOLS)).toEqual({ calls: [], rest: text });
  });
});

describe("reasoning written into the answer", () => {
  it.each([
    ["a think block", "<think>Let me look.</think>\n\nThe answer.", "The answer."],
    ["a thinking block", "<thinking>Hmm</thinking>The answer.", "The answer."],
    ["a closing tag whose opening the template swallowed", "Let me look.</think>The answer.", "The answer."],
    ["an opening tag never closed", "The answer.<think>and then I ran out", "The answer."],
  ])("removes %s", (_case, text, expected) => {
    expect(stripThinking(text)).toBe(expected);
  });
});

describe("text made safe to post", () => {
  it("turns mention tags into their text, or a word for what they pointed at", () => {
    expect(
      neutraliseModelText(
        'Ask <mention-user url="user://1">Ana</mention-user> or <mention-user url="user://2"/> about <mention-page url="https://notion.so/x"></mention-page> by <mention-date start="2026-01-05" end="2026-01-09"/>.',
      ),
    ).toBe("Ask Ana or someone about a page by 2026-01-05 – 2026-01-09.");
  });

  it("keeps web links and drops the target of any other", () => {
    expect(
      neutraliseModelText(
        "[docs](https://example.com/a_(b)) [x](javascript:alert(1)) [mail](mailto:a@b.c) <https://example.com> <file:///etc/passwd>",
      ),
    ).toBe("[docs](https://example.com/a_(b)) x mail <https://example.com> file:///etc/passwd");
  });

  it("leaves code spans, generics, bracketed calls and words about thinking tags as written", () => {
    const text =
      "In `handlers[type](event)` and `Map<K:V>` the lookup can fail; arr[0](x) too. The agent wraps its plan in <thinking> tags, and </reasoning> closes nothing.";

    expect(neutraliseModelText(text)).toBe(text);
  });

  it("handles a million characters of unclosed brackets and tags without slowing down", () => {
    const hostile = `${"[x](".repeat(100_000)}${"<mention-user ".repeat(50_000)}${"<a:".repeat(50_000)}`;

    expect(neutraliseModelText(hostile)).toBe(hostile);
    expect(recoverToolCalls("{[".repeat(100_000), TOOLS).calls).toEqual([]);
  });

  it("redacts each secret wherever it appears, and ignores values too short to be one", () => {
    expect(
      neutraliseModelText("key sk-live-123456 and sk-live-123456, pin 1234", ["sk-live-123456", "1234"]),
    ).toBe("key [redacted] and [redacted], pin 1234");
  });
});
