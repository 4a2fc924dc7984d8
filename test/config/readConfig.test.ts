/**
 * Configuration from the environment: a bad variable is refused at once, naming it and saying what to fix.
 */
import { describe, expect, it } from "vitest";
import { readConfig } from "../../lambda/config/config.ts";

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("The configuration was accepted.");
}

describe("readConfig", () => {
  it("takes defaults for what is unset and reads numbers, choices and URLs", () => {
    const config = readConfig({
      MARGIN_PROVIDER: " Anthropic ",
      MARGIN_MAX_ATTEMPTS: "5",
      MARGIN_NOTION_REQUESTS_PER_MINUTE: "600",
      NOTION_BASE_URL: "http://127.0.0.1:4010",
      MARGIN_OPENAI_API: "",
    });

    expect(config).toMatchObject({
      MARGIN_PROVIDER: "anthropic",
      MARGIN_MAX_ATTEMPTS: 5,
      MARGIN_NOTION_REQUESTS_PER_MINUTE: 600,
      NOTION_BASE_URL: "http://127.0.0.1:4010",
      MARGIN_REVIEWERS_PROPERTY: "Reviewers",
      MARGIN_MAX_REPLIES_PER_THREAD: 3,
    });
    expect(config.MARGIN_OPENAI_API).toBeUndefined();
  });

  it("says what a value should be when it is not a number of the right kind", () => {
    expect(refusal({ MARGIN_MAX_ATTEMPTS: "three" })).toBe("MARGIN_MAX_ATTEMPTS: should be a whole number.");
    expect(refusal({ MARGIN_MAX_ATTEMPTS: "2.5" })).toMatch(/should be a whole number/);
    // Too large to be counted exactly is not a whole number either.
    expect(refusal({ MARGIN_CONTEXT_TOKENS: "1e20" })).toMatch(/should be a whole number of tokens/);
    expect(refusal({ MARGIN_NOTION_REQUESTS_PER_MINUTE: "fast" })).toMatch(
      /should be a whole number of requests/,
    );
  });

  it("says the range when a number is outside it", () => {
    expect(refusal({ MARGIN_MAX_ATTEMPTS: "11" })).toBe(
      "MARGIN_MAX_ATTEMPTS: Too big: expected number to be <=10.",
    );
    expect(refusal({ MARGIN_MAX_TURNS: "0" })).toMatch(
      /^MARGIN_MAX_TURNS: Too small: expected number to be >=1/,
    );
    expect(refusal({ MARGIN_NOTION_REQUESTS_PER_MINUTE: "0" })).toMatch(
      /^MARGIN_NOTION_REQUESTS_PER_MINUTE: Too small: expected number to be >=1/,
    );
  });

  it("names the choices and the URL form", () => {
    expect(refusal({ MARGIN_PROVIDER: "gemini" })).toBe(
      "MARGIN_PROVIDER: should be openai, anthropic, bedrock.",
    );
    expect(refusal({ OPENAI_BASE_URL: "localhost" })).toMatch(
      /^OPENAI_BASE_URL: should be a URL, such as http/,
    );
  });
});
