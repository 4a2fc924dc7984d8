/**
 * What a command needs, checked before it does anything: every problem at once, and no demand the run would
 * not make.
 */
import { describe, expect, it } from "vitest";
import { requireConfiguration } from "../../lambda/config/requireConfiguration.ts";

async function problems(env: NodeJS.ProcessEnv, modelKey: "openai" | true = true): Promise<string> {
  return requireConfiguration(env, { secrets: ["notionToken"], modelKey }).then(
    () => "",
    (error: Error) => error.message,
  );
}

describe("the configuration a command needs", () => {
  it("says each malformed variable once, however many of its checks it fails", async () => {
    const message = await problems({ NOTION_TOKEN: "ntn_x", MARGIN_MAX_ATTEMPTS: "0.5" });

    expect(message).toBe("MARGIN_MAX_ATTEMPTS: should be a whole number.");
  });

  it("leaves the model's key to the prompt when no provider is configured", async () => {
    expect(await problems({ NOTION_TOKEN: "ntn_x" })).toBe("");
    expect(await problems({ NOTION_TOKEN: "ntn_x", MARGIN_PROVIDER: "anthropic" })).toMatch(
      /^Set ANTHROPIC_API_KEY: .* \(MARGIN_PROVIDER is anthropic\)\.$/,
    );
  });

  it("demands no key it cannot know is needed while the provider's settings are malformed", async () => {
    const message = await problems({ NOTION_TOKEN: "ntn_x", MARGIN_PROVIDER: "antropic" });

    expect(message).toBe("MARGIN_PROVIDER: should be openai, anthropic, bedrock.");
  });

  it("asks for OpenAI's key behind a proxy to OpenAI itself, not for a local compatible server", async () => {
    const proxy = { NOTION_TOKEN: "ntn_x", OPENAI_BASE_URL: "https://llm-proxy.example.com/v1" };

    expect(await problems({ ...proxy, MARGIN_OPENAI_SERVER: "openai" }, "openai")).toMatch(
      /^Set OPENAI_API_KEY/,
    );
    expect(
      await problems({ NOTION_TOKEN: "ntn_x", OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" }, "openai"),
    ).toBe("");
  });
});
