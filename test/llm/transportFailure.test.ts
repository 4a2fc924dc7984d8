/**
 * A provider failure without an HTTP status, said for what it was: only a connection nothing answered is
 * "could not be reached"; a timeout and anything else say so in their own words.
 */
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { openAiProviderError } from "../../lambda/llm/openAiProviderError.ts";

const address = "http://localhost:11434/v1";

describe("a provider failure without a status", () => {
  it("names the address and the system's reason when nothing answered", () => {
    const refused = new OpenAI.APIConnectionError({
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });

    expect(openAiProviderError(refused, address).message).toBe(
      "OpenAI could not be reached at http://localhost:11434/v1: Connection error (ECONNREFUSED). Check OPENAI_BASE_URL (unset for api.openai.com) and the network.",
    );
  });

  it("says a server that was reached did not answer in time, not that it could not be reached", () => {
    const message = openAiProviderError(new OpenAI.APIConnectionTimeoutError(), address).message;

    expect(message).toMatch(/^OpenAI did not answer in time at http:\/\/localhost:11434\/v1/);
    expect(message).not.toContain("could not be reached");
  });

  it("gives anything else in its own words", () => {
    expect(openAiProviderError(new Error("OpenAI answered without a choice."), address).message).toBe(
      "OpenAI failed: OpenAI answered without a choice.",
    );
  });
});
