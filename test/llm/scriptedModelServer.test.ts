import { AnthropicBedrock } from "@anthropic-ai/bedrock-sdk";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Behaviour,
  type ScriptedModelServer,
  startScriptedModelServer,
  TEXT_REFUSAL,
} from "../../emulators/llm/ScriptedModelServer.ts";
import { ScriptError } from "../../emulators/llm/scriptSchema.ts";
import { withAwsCredentials } from "../support/reviewWorld.ts";

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const commentTool = {
  name: "comment_on_block",
  description: "Comment on one block",
  schema: {
    type: "object",
    properties: { block: { type: "string" }, comment: { type: "string" } },
    required: ["block", "comment"],
  },
};

describe("the scripted OpenAI server through the openai SDK", () => {
  it("answers a chat completion with tool calls and records the request", async () => {
    server = await startScriptedModelServer({
      provider: "openai",
      script: [
        {
          choices: [
            {
              finish_reason: "tool_calls",
              message: {
                role: "assistant",
                content: null,
                tool_calls: [
                  {
                    id: "call_1",
                    type: "function",
                    function: {
                      name: "comment_on_block",
                      arguments: '{"block":"b3","comment":"Who approves this?"}',
                    },
                  },
                ],
              },
            },
          ],
          usage: { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240 },
        },
      ],
    });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });

    const completion = await openai.chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "Review this." }],
      tools: [
        {
          type: "function",
          function: {
            name: commentTool.name,
            description: commentTool.description,
            parameters: commentTool.schema,
          },
        },
      ],
    });

    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type === "function" && JSON.parse(call.function.arguments)).toEqual({
      block: "b3",
      comment: "Who approves this?",
    });
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
    expect(completion.model).toBe("gpt-4.1");
    expect(completion.usage?.prompt_tokens).toBe(1200);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "Review this." }],
    });
    expect(server.requests[0]!.headers.authorization).toBe("[redacted]");
  });

  it("answers a scripted 429 with retry-after, which the SDK retries", async () => {
    server = await startScriptedModelServer({
      provider: "openai",
      script: [
        { $error: { status: 429, retry_after: 0.01, message: "Slow down" } },
        { choices: [{ message: { role: "assistant", content: "Done." } }] },
      ],
    });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 1 });

    const completion = await openai.chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "Hi" }],
    });

    expect(completion.choices[0]!.message.content).toBe("Done.");
    expect(server.requests).toHaveLength(2);
  });

  it("surfaces a scripted 500 as the SDK's error, and says when the script ran out", async () => {
    server = await startScriptedModelServer({
      provider: "openai",
      script: [{ $error: { status: 500, message: "Boom" } }],
    });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });

    const first = await openai.chat.completions
      .create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] })
      .catch((error: unknown) => error);
    const second = await openai.chat.completions
      .create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] })
      .catch((error: unknown) => error);

    expect(first).toBeInstanceOf(OpenAI.InternalServerError);
    expect((first as Error).message).toContain("Boom");
    expect(second).toBeInstanceOf(OpenAI.BadRequestError);
    expect((second as Error).message).toContain("The script ran out");
  });
});

describe("the scripted Anthropic server through @anthropic-ai/sdk", () => {
  it("answers a message with tool_use blocks and records the request", async () => {
    server = await startScriptedModelServer({
      provider: "anthropic",
      script: [
        {
          stop_reason: "tool_use",
          content: [
            { type: "text", text: "Two points." },
            {
              type: "tool_use",
              id: "toolu_1",
              name: "comment_on_block",
              input: { block: "b7", comment: "Name the owner." },
            },
          ],
          usage: { input_tokens: 900, output_tokens: 30, cache_read_input_tokens: 800 },
        },
      ],
    });
    const anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.url, maxRetries: 0 });

    const message = await anthropic.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 1000,
      messages: [{ role: "user", content: "Review this." }],
      tools: [
        {
          name: commentTool.name,
          description: commentTool.description,
          input_schema: commentTool.schema as Anthropic.Tool.InputSchema,
        },
      ],
    });

    expect(message.stop_reason).toBe("tool_use");
    expect(message.content[1]).toMatchObject({
      type: "tool_use",
      name: "comment_on_block",
      input: { block: "b7", comment: "Name the owner." },
    });
    expect(message.usage.cache_read_input_tokens).toBe(800);
    expect(server.requests[0]!.body).toMatchObject({ model: "claude-haiku-4-5", max_tokens: 1000 });
    expect(JSON.stringify(server.requests[0]!.headers)).not.toContain("sk-ant-test");
  });

  it("answers a scripted 529 overload that the SDK retries, and a 500 that surfaces", async () => {
    server = await startScriptedModelServer({
      provider: "anthropic",
      script: [
        { $error: { status: 529, retry_after: 0.01 } },
        { content: [{ type: "text", text: "ok" }] },
        { $error: { status: 500, message: "Internal" } },
      ],
    });
    const anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.url, maxRetries: 1 });
    const noRetry = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.url, maxRetries: 0 });

    const message = await anthropic.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "Hi" }],
    });
    const failure = await noRetry.messages
      .create({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })
      .catch((error: unknown) => error);

    expect(message.content[0]).toMatchObject({ type: "text", text: "ok" });
    expect(failure).toBeInstanceOf(Anthropic.InternalServerError);
    expect(server.requests).toHaveLength(3);
  });

  it("rejects requests without an API key the way the provider does", async () => {
    server = await startScriptedModelServer({ provider: "anthropic", script: [] });

    const response = await fetch(`${server.url}/v1/messages`, { method: "POST", body: "{}" });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });
});

/** A turn in neutral terms, served in the format of the API that was called. */
const scripted = (
  calls: Array<{ name: string; arguments: unknown }>,
  extra: Record<string, unknown> = {},
) => ({
  $turn: { calls, ...extra },
});
const finish = { name: "finish_review", arguments: { summary: "Fine." } };
const finishTool = {
  name: "finish_review",
  description: "End the review",
  parameters: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"] },
};

/** The SDK error of a request that should fail: its status and the API's own message. */
async function failureOf(promise: Promise<unknown>): Promise<{ status?: number; message: string }> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as
    | { status?: number; message: string; error?: { message?: string; error?: { message?: string } } }
    | undefined;
  if (!error) throw new Error("expected the request to fail");
  return {
    status: error.status,
    message: error.error?.error?.message ?? error.error?.message ?? error.message,
  };
}

describe("the scripted servers answer a request that breaks a provider's rule as the provider does", () => {
  it("Anthropic API 2026-10-21: temperature at any value is an extra input", async () => {
    server = await startScriptedModelServer({
      provider: "anthropic",
      script: [scripted([], { text: "Hi" })],
    });
    const anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.url, maxRetries: 0 });

    const failure = await failureOf(
      anthropic.messages.create({
        model: "claude-sonnet-5-5",
        max_tokens: 100,
        messages: [{ role: "user", content: "Hi" }],
        temperature: 1,
      } as Anthropic.MessageCreateParamsNonStreaming),
    );

    expect(failure.status).toBe(400);
    expect(failure.message).toContain("temperature: Extra inputs are not permitted");
    expect(server.requests[0]!.headers["anthropic-version"]).toBe("2026-10-21");
    expect(server.remaining()).toBe(1);
  });

  it("Anthropic: a model of another provider is not found, and forced tool use is refused by the 5.5 models", async () => {
    server = await startScriptedModelServer({ provider: "anthropic", script: [] });
    const anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.url, maxRetries: 0 });
    const ask = (model: string, toolChoice?: Anthropic.ToolChoice) =>
      failureOf(
        anthropic.messages.create({
          model,
          max_tokens: 100,
          messages: [{ role: "user", content: "Hi" }],
          tools: [{ name: "finish_review", input_schema: { type: "object", properties: {} } }],
          ...(toolChoice ? { tool_choice: toolChoice } : {}),
        }),
      );

    const wrongVendor = await ask("gpt-5-mini");
    const forced = await ask("claude-sonnet-5-5", { type: "any" });

    expect(wrongVendor).toMatchObject({ status: 404 });
    expect(wrongVendor.message).toContain("model: gpt-5-mini");
    expect(forced).toMatchObject({ status: 400 });
    expect(forced.message).toContain('tool_choice: type "tool" and "any" are not supported for this model.');
  });

  it("OpenAI: temperature on a reasoning model, parallel_tool_calls on o-series, an unknown model", async () => {
    server = await startScriptedModelServer({ provider: "openai", script: [] });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });
    const messages = [{ role: "user" as const, content: "Hi" }];

    const temperature = await failureOf(
      openai.chat.completions.create({ model: "gpt-6-luna", messages, temperature: 0.2 }),
    );
    const parallel = await failureOf(
      openai.chat.completions.create({
        model: "o3",
        messages,
        tools: [{ type: "function", function: finishTool }],
        parallel_tool_calls: true,
      }),
    );
    const unknown = await failureOf(openai.chat.completions.create({ model: "claude-sonnet-5-5", messages }));
    const maxTokens = await failureOf(
      openai.chat.completions.create({ model: "gpt-6-luna", messages, max_tokens: 10 }),
    );

    expect(temperature).toMatchObject({ status: 400 });
    expect(temperature.message).toContain(
      "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
    );
    expect(parallel.message).toContain(
      "Unsupported parameter: 'parallel_tool_calls' is not supported with this model.",
    );
    expect(unknown).toMatchObject({ status: 404 });
    expect(unknown.message).toContain("The model `claude-sonnet-5-5` does not exist");
    expect(maxTokens.message).toContain("Use 'max_completion_tokens' instead.");
  });

  it("OpenAI Chat Completions: the newest models take tools only with effort none, or not at all", async () => {
    server = await startScriptedModelServer({ provider: "openai", script: [scripted([finish])] });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });
    const request = (model: string, effort?: "none") =>
      openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Review" }],
        tools: [{ type: "function", function: finishTool }],
        ...(effort ? { reasoning_effort: effort } : {}),
      });

    const sol = await failureOf(request("gpt-6.2-sol", "none"));
    const lunaDefault = await failureOf(request("gpt-6-luna"));
    const lunaNone = await request("gpt-6-luna", "none");

    expect(sol.message).toContain("Unsupported value: 'reasoning_effort' does not support 'none'");
    expect(lunaDefault.message).toContain(
      "Function tools with reasoning_effort are not supported for gpt-6-luna in /v1/chat/completions",
    );
    expect(lunaNone.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      function: { name: "finish_review" },
    });
  });

  it("OpenAI Responses: a call sent back without its reasoning item, or an output without its call, is refused", async () => {
    server = await startScriptedModelServer({
      provider: "openai",
      script: [scripted([finish]), scripted([finish])],
    });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });
    const tools = [{ type: "function" as const, strict: false, ...finishTool }];
    const first = await openai.responses.create({
      model: "gpt-6.2-sol",
      input: "Review",
      tools,
      store: false,
      include: ["reasoning.encrypted_content"],
    });
    const [reasoning, call] = first.output as [
      OpenAI.Responses.ResponseReasoningItem,
      OpenAI.Responses.ResponseFunctionToolCall,
    ];
    const output = { type: "function_call_output" as const, call_id: call.call_id, output: "ok" };

    const withoutReasoning = await failureOf(
      openai.responses.create({
        model: "gpt-6.2-sol",
        input: ["Review", call, output] as never,
        tools,
        store: false,
      }),
    );
    const orphanOutput = await failureOf(
      openai.responses.create({ model: "gpt-6.2-sol", input: [output], tools, store: false }),
    );
    const whole = await openai.responses.create({
      model: "gpt-6.2-sol",
      input: [{ role: "user", content: "Review" }, reasoning, call, output] as never,
      tools,
      store: false,
    });

    expect(reasoning).toMatchObject({ type: "reasoning", encrypted_content: expect.any(String) });
    expect(withoutReasoning.message).toContain(
      `provided without its required 'reasoning' item: '${reasoning.id}'`,
    );
    expect(orphanOutput.message).toContain(
      `No tool call found for function call output with call_id ${call.call_id}.`,
    );
    expect(whole.status).toBe("completed");
  });

  it("Bedrock: the Messages API version in the body of an older model, and a body without a version", async () => {
    const restore = withAwsCredentials();
    server = await startScriptedModelServer({ provider: "bedrock", script: [scripted([], { text: "ok" })] });
    const bedrock = new AnthropicBedrock({ awsRegion: "us-east-1", baseURL: server.url, maxRetries: 0 });
    try {
      const request = { max_tokens: 100, messages: [{ role: "user" as const, content: "Hi" }] };
      const sdkDefault = await failureOf(
        bedrock.messages.create({ model: "us.anthropic.claude-haiku-4-5-20251001-v1:0", ...request }),
      );
      const documented = await bedrock.messages.create({
        model: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        ...request,
        anthropic_version: "bedrock-2023-05-31",
      } as Anthropic.MessageCreateParamsNonStreaming);

      expect(sdkDefault).toMatchObject({ status: 400 });
      expect(sdkDefault.message).toContain("Invalid API version: 2026-10-21");
      expect(documented.content[0]).toMatchObject({ type: "text", text: "ok" });
      expect(server.requests[1]!.path).toBe(
        "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke".replace("%3A", ":"),
      );
      expect(server.requests[1]!.headers.authorization).toBe("[redacted]");
    } finally {
      restore();
    }
  });
});

describe("the scripted servers refuse conversations and limits the providers refuse", () => {
  it("an empty assistant message (Anthropic), a null one (Chat), a lone reasoning item, an output cap too high", async () => {
    server = await startScriptedModelServer({ provider: "anthropic", script: [] });
    const anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.url, maxRetries: 0 });
    const empty = await failureOf(
      anthropic.messages.create({
        model: "claude-sonnet-5-5",
        max_tokens: 100,
        messages: [
          { role: "user", content: "Review" },
          { role: "assistant", content: [] },
          { role: "user", content: "Use the tools." },
        ],
      }),
    );
    await server.close();
    server = await startScriptedModelServer({ provider: "openai", script: [] });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });
    const nullContent = await failureOf(
      openai.chat.completions.create({
        model: "gpt-4.1",
        messages: [
          { role: "user", content: "Review" },
          { role: "assistant", content: null },
          { role: "user", content: "Use the tools." },
        ],
      }),
    );
    const loneReasoning = await failureOf(
      openai.responses.create({
        model: "gpt-6.2-sol",
        store: false,
        input: [
          { role: "user", content: "Review" },
          { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "enc" },
          { role: "user", content: "Again" },
        ] as never,
      }),
    );
    const cap = await failureOf(
      openai.responses.create({ model: "gpt-6.2-sol", input: "Review", max_output_tokens: 500_000 }),
    );

    expect(empty.message).toBe(
      "messages.1: all messages must have non-empty content except for the optional final assistant message",
    );
    expect(nullContent.message).toBe("Invalid value for 'content': expected a string, got null.");
    expect(loneReasoning.message).toBe(
      "Item 'rs_1' of type 'reasoning' was provided without its required following item.",
    );
    expect(cap.message).toBe(
      "max_tokens is too large: 500000. This model supports at most 128000 completion tokens, whereas you provided 500000.",
    );
  });
});

describe("the scripted servers behave like weaker servers and models when asked", () => {
  const chat = (openai: OpenAI, toolChoice?: "required") =>
    openai.chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "Review" }],
      tools: [{ type: "function", function: finishTool }],
      ...(toolChoice ? { tool_choice: toolChoice } : {}),
    });
  const comment = { name: "comment_on_block", arguments: { block: "b1" } };

  it("honours tool_choice by default: a scripted text answer to a forcing request is a script mistake", async () => {
    server = await startScriptedModelServer({
      provider: "openai",
      script: [scripted([], { text: "Fine." })],
    });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });

    const failure = await failureOf(chat(openai, "required"));

    expect(failure.status).toBe(500);
    expect(failure.message).toContain("start the server with the ignore-tool-choice behaviour");
  });

  it("serves a turn's calls one per request, writes calls as JSON text, thinks aloud, refuses in words", async () => {
    const serve = async (behaviour: Behaviour) => {
      await server?.close();
      server = await startScriptedModelServer({
        provider: "openai",
        script: [scripted([comment, finish])],
        behaviours: [behaviour],
      });
      const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });
      return (await chat(openai)).choices[0]!.message;
    };

    const one = await serve("one-call-per-turn");
    expect(one.tool_calls).toHaveLength(1);
    expect(server!.remaining()).toBe(1);
    const asText = await serve("tool-calls-as-text");
    expect(asText.tool_calls).toBeUndefined();
    expect(asText.content).toContain('{"name":"finish_review","arguments":{"summary":"Fine."}}');
    expect((await serve("think")).content).toMatch(/^<think>.*<\/think>/);
    expect((await serve("refuse-as-text")).content).toBe(TEXT_REFUSAL);
  });
});

describe("the scripted servers check a script when it is given, naming the entry that is wrong", () => {
  it.each([
    [
      "a turn's call with arguments that are not an object",
      [{ $turn: { text: "Hi." } }, { $turn: { calls: [{ name: "finish_review", arguments: "Fine." }] } }],
      "script entry 2 ($turn.calls[0].arguments): should be a JSON object, as a tool's arguments are",
    ],
    [
      "a misspelled field of a turn",
      [{ $turn: { call: [] } }],
      'script entry 1 ($turn): Unrecognized key: "call"',
    ],
    [
      "an entry of no known kind",
      [{ $turns: {} }],
      'script entry 1: "$turns" is not a kind of entry: an entry is {"$turn": {...}}, {"$error": {...}}, or a response object in the API\'s format (a chat.completion with "choices", a response with "output", a message with "content")',
    ],
    [
      "an Anthropic tool use without a name",
      [{ content: [{ type: "tool_use", id: "toolu_1", input: {} }] }],
      "script entry 1 (content[0].name): should be the tool's name",
    ],
    ["a script that is not a list", { $turn: {} }, "script: should be a JSON array of entries"],
  ])("refuses %s at start", async (_case, script, message) => {
    const started = startScriptedModelServer({ provider: "anthropic", script: script as never });

    await expect(started).rejects.toBeInstanceOf(ScriptError);
    await expect(started).rejects.toThrow(message);
  });

  it("takes a model's misbehaviour within the format: call arguments that are not JSON", async () => {
    const garbled = {
      choices: [
        {
          message: {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_1", type: "function", function: { name: "finish_review", arguments: "{oops" } },
            ],
          },
        },
      ],
    };
    server = await startScriptedModelServer({ provider: "openai", script: [garbled] });
    const openai = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });

    const completion = await openai.chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "Review" }],
    });

    expect(completion.choices[0]!.message.tool_calls).toMatchObject([{ function: { arguments: "{oops" } }]);
  });

  it("answers 400 naming the entry when a wrong script is added over HTTP, and keeps the script it had", async () => {
    server = await startScriptedModelServer({ provider: "openai", script: [{ $turn: { text: "Hi." } }] });

    const answer = await fetch(`${server.origin}/__scripted/script`, {
      method: "POST",
      body: JSON.stringify([{ $error: { status: 200 } }]),
    });

    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toBe(
      "script entry 1 ($error.status): should be an HTTP error status, 400 to 599",
    );
    expect(server.remaining()).toBe(1);
  });
});

describe("the scripted servers' prompt caches", () => {
  it("Anthropic: a second request with the same breakpointed prefix reads it, and input_tokens is only the rest", async () => {
    server = await startScriptedModelServer({
      provider: "anthropic",
      script: [scripted([], { text: "a" }), scripted([], { text: "b" })],
    });
    const anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.url, maxRetries: 0 });
    const system = [
      {
        type: "text" as const,
        text: "Review carefully. ".repeat(400),
        cache_control: { type: "ephemeral" as const },
      },
    ];
    const ask = (question: string) =>
      anthropic.messages.create({
        model: "claude-sonnet-5-5",
        max_tokens: 100,
        system,
        messages: [{ role: "user", content: question }],
      });

    const first = await ask("First document");
    const second = await ask("Second document");

    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(512);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.input_tokens).toBeLessThan(20);
  });
});
