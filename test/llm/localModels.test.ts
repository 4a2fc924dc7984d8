/**
 * Local models on an OpenAI-compatible server, as the README's Ollama recipe sets them up: requests a
 * server like Ollama reads (`max_tokens` too), and an input larger than the model's context stopped before
 * the model is asked, instead of being cut from the front without a word.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../../emulators/llm/ScriptedModelServer.ts";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import type { NotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { LIBRARY_TOKEN, libraryWorkspace, sampleDocuments, startWorkspace } from "../support/libraryWorld.ts";
import { turn } from "../support/reviewWorld.ts";
import { runMargin } from "../support/runMargin.ts";

/** The README's recipe: Ollama's OpenAI-compatible endpoint, a local model, its context told to Margin. */
const RECIPE = {
  MARGIN_PROVIDER: "openai",
  MARGIN_MODEL: "qwen3:8b",
  MARGIN_CONTEXT_TOKENS: "16384",
};

let notion: NotionEmulator;
let ollama: ScriptedModelServer;
beforeAll(async () => {
  notion = await startWorkspace(libraryWorkspace());
  ollama = await startScriptedModelServer({ provider: "openai", compatible: true, behaviours: ["think"] });
});
afterAll(async () => {
  await Promise.all([notion?.close(), ollama?.close()]);
});
afterEach(() => ollama.reset());

const rfc = sampleDocuments().find((sample) => sample.reviewer === "rfc-reviewer")!;

function reviewRfc(env: Record<string, string>) {
  return runMargin(["review", rfc.pageId, "--prompt", "RFC Reviewer", "--dry-run"], {
    NOTION_TOKEN: LIBRARY_TOKEN,
    NOTION_BASE_URL: notion.url,
    MARGIN_PROMPTS_DATABASE: idFor("prompts"),
    MARGIN_NOTION_REQUESTS_PER_MINUTE: "100000",
    OPENAI_BASE_URL: ollama.url,
    ...RECIPE,
    ...env,
  });
}

describe("the RFC Reviewer on a local model", () => {
  it("reviews with the recipe's settings, sending what Ollama reads and nothing it ignores", async () => {
    ollama.reset([turn([["finish_review", { summary: "**Verdict:** ready." }]])]);

    const run = await reviewRfc({});

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("**Verdict:** ready.");
    expect(run.stdout).not.toContain("<think>");
    const body = ollama.requests[0]!.body;
    // The output cap leaves the input its room in the 16,384-token context, so nothing is pushed out.
    expect(body).toMatchObject({ model: "qwen3:8b" });
    expect(body.max_tokens).toBe(body.max_completion_tokens);
    expect(body.max_tokens).toBeLessThan(16_384 - 3_000);
    expect(body.max_tokens).toBeGreaterThan(4_000);
    expect(body).not.toHaveProperty("parallel_tool_calls");
    expect(body).not.toHaveProperty("prompt_cache_key");
    expect(ollama.requests[0]!.path).toBe("/v1/chat/completions");
  });

  it("stops before asking the model when the input does not fit Ollama's default context, and says what to raise", async () => {
    const run = await reviewRfc({ MARGIN_CONTEXT_TOKENS: "4096" });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /the review's input is about [\d,]+ tokens, more than the model's context window of 4,096 leaves room for, so the model was not asked\./,
    );
    // About 4,400 tokens of input and room for the answer: the next power of two that holds both.
    expect(run.stderr).toContain("OLLAMA_CONTEXT_LENGTH=16384 ollama serve");
    expect(run.stderr).toContain("set MARGIN_CONTEXT_TOKENS to match, or lower MARGIN_REFERENCE_TOKENS");
    expect(ollama.requests).toEqual([]);
  });

  it("warns when the server's context is not known and the input outgrows a default one", async () => {
    ollama.reset([turn([["finish_review", { summary: "Ready." }]])]);
    const { MARGIN_CONTEXT_TOKENS: _unknown, ...withoutContext } = RECIPE;

    const run = await runMargin(["review", rfc.pageId, "--prompt", "RFC Reviewer", "--dry-run"], {
      NOTION_TOKEN: LIBRARY_TOKEN,
      NOTION_BASE_URL: notion.url,
      MARGIN_PROMPTS_DATABASE: idFor("prompts"),
      MARGIN_NOTION_REQUESTS_PER_MINUTE: "100000",
      OPENAI_BASE_URL: ollama.url,
      ...withoutContext,
    });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /The input is about [\d,]+ tokens\. A local server with a default context \(Ollama's is 4,096 tokens on a small GPU\) cuts it from the front/,
    );
  });
});
