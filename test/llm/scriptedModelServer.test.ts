import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../../emulators/llm/ScriptedModelServer.ts";

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
      model: "gpt-test",
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
    expect(completion.model).toBe("gpt-test");
    expect(completion.usage?.prompt_tokens).toBe(1200);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({
      model: "gpt-test",
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
      model: "gpt-test",
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
      .create({ model: "m", messages: [{ role: "user", content: "Hi" }] })
      .catch((error: unknown) => error);
    const second = await openai.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "Hi" }] })
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
      model: "claude-test",
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
    expect(server.requests[0]!.body).toMatchObject({ model: "claude-test", max_tokens: 1000 });
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
      model: "claude-test",
      max_tokens: 10,
      messages: [{ role: "user", content: "Hi" }],
    });
    const failure = await noRetry.messages
      .create({ model: "claude-test", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })
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
