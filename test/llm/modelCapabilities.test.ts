/**
 * The capability table's decisions that shape requests, and the cost estimate that prices each part of
 * the input at its own rate.
 */
import { describe, expect, it } from "vitest";
import { estimateCostUsd } from "../../lambda/llm/estimateCost.ts";
import { DEFAULT_MODELS, modelCapabilities, modelVendor } from "../../lambda/llm/modelCapabilities.ts";

describe("what each model accepts", () => {
  it("keeps every default model a model of its own provider, and one the table knows", () => {
    expect(modelVendor(DEFAULT_MODELS.openai)).toBe("openai");
    expect(modelVendor(DEFAULT_MODELS.anthropic)).toBe("anthropic");
    expect(modelVendor(DEFAULT_MODELS.bedrock)).toBe("anthropic");
    expect(modelCapabilities({ provider: "openai" }, DEFAULT_MODELS.openai).family).toBe("OpenAI gpt-6.2");
    expect(modelCapabilities({ provider: "bedrock" }, DEFAULT_MODELS.bedrock)).toMatchObject({
      family: "Claude Sonnet 5.5 on Amazon Bedrock",
      bedrockBodyVersion: "bedrock-2023-05-31",
    });
  });

  it("gives OpenAI-compatible servers both output-cap fields and sampling, but OpenAI's models OpenAI's rules", () => {
    expect(modelCapabilities({ provider: "openai", compatibleServer: true }, "qwen3:8b")).toMatchObject({
      outputTokenField: "both",
      temperature: "always",
      parallelToolCalls: false,
    });
    expect(
      modelCapabilities({ provider: "openai", openaiApi: "chat", compatibleServer: true }, "gpt-6-luna"),
    ).toMatchObject({
      outputTokenField: "max_completion_tokens",
      reasoningEfforts: ["none"],
      defaultReasoningEffort: "none",
    });
  });

  it("names o-series models as taking no parallel_tool_calls, and the 5.5 Claude models no forced tool", () => {
    expect(modelCapabilities({ provider: "openai" }, "o3").parallelToolCalls).toBe(false);
    expect(modelCapabilities({ provider: "anthropic" }, "claude-opus-5-5").forcedToolChoice).toBe(false);
    expect(modelCapabilities({ provider: "anthropic" }, "claude-haiku-4-5-20251001").forcedToolChoice).toBe(
      true,
    );
  });
});

describe("the cost estimate", () => {
  it("prices cache writes, cache reads and uncached input at their own rates", () => {
    // Claude Sonnet 5.5: $2 in, $2.50 written, $0.20 read, $10 out per million tokens.
    const usage = {
      uncachedInputTokens: 1_000_000,
      cacheWriteTokens: 1_000_000,
      cacheReadTokens: 1_000_000,
      outputTokens: 100_000,
    };

    expect(estimateCostUsd("claude-sonnet-5-5", usage)).toBeCloseTo(2 + 2.5 + 0.2 + 1, 4);
    expect(estimateCostUsd("global.anthropic.claude-sonnet-5-5", usage)).toBeCloseTo(5.7, 4);
    // gpt-5.2 writes at the input rate; gpt-6.2-sol at 1.25x.
    expect(estimateCostUsd("gpt-5.2", usage)).toBeCloseTo(1.75 + 1.75 + 0.175 + 1.4, 4);
    expect(estimateCostUsd("gpt-6.2-sol", usage)).toBeCloseTo(2 + 2.5 + 0.1 + 1, 4);
    expect(estimateCostUsd("qwen3:8b", usage)).toBeUndefined();
  });
});
