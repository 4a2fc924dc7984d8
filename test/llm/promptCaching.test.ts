/**
 * Caching that pays and shows: a reviewer's instructions and tools come first and are the same, byte for
 * byte, in a first review and a re-review; Anthropic gets breakpoints after them and after the document,
 * so a second turn reads the document from cache; and usage tells cache writes, cache reads and uncached
 * input apart, on the command line and in its JSON.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ReviewWorld, turn, withAwsCredentials } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});
let restoreAws: () => void;
beforeAll(() => {
  restoreAws = withAwsCredentials();
});
afterAll(() => restoreAws());

const comment = [
  "comment_on_block",
  { block: "b5", quote: "one weekend", severity: "critical", comment: "What is the way back?" },
] as const;
const finish = ["finish_review", { summary: "Not ready." }] as const;

type Body = Record<string, unknown>;
/** The scripted server as OpenAI itself: the Responses API, with a prompt cache key per reviewer. */
const RESPONSES = { MARGIN_OPENAI_SERVER: "openai", MARGIN_MODEL: "gpt-6.2-sol" };

describe("the stable prefix", () => {
  it.each([
    ["anthropic", {}, (body: Body) => [body.tools, body.system]],
    ["bedrock", {}, (body: Body) => [body.tools, body.system]],
    ["openai", RESPONSES, (body: Body) => [body.tools, body.instructions, body.prompt_cache_key]],
  ] as const)("is the same in a first review and a re-review (%s)", async (provider, env, prefixOf) => {
    world = await ReviewWorld.start({ provider, script: [turn([comment, finish]), turn([finish])] });

    const first = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], world.env(env));
    const again = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], world.env(env));

    expect(first.code, first.stderr).toBe(0);
    expect(again.code, again.stderr).toBe(0);
    const [review, reReview] = world.model.requests.map((request) => request.body);
    expect(JSON.stringify(prefixOf(reReview!))).toBe(JSON.stringify(prefixOf(review!)));
    expect(prefixOf(review!).every((part) => part !== undefined)).toBe(true);
    expect(JSON.stringify(reReview)).toContain("This is a re-review");
    expect(JSON.stringify(review)).not.toContain("This is a re-review");
  });
});

describe("Anthropic's cache in a review of two turns", () => {
  it("breaks after the instructions, after the document and after the newest results, and the second turn reads them", async () => {
    world = await ReviewWorld.start({
      provider: "anthropic",
      script: [
        turn([
          ["comment_on_block", { block: "b5", quote: "not in the block", severity: "minor", comment: "?" }],
        ]),
        turn([comment, finish]),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer", "--json"]);

    expect(run.code, run.stderr).toBe(0);
    const second = world.model.requests[1]!.body as {
      system: Array<{ cache_control?: unknown }>;
      messages: Array<{ content: Array<{ type: string; cache_control?: unknown }> }>;
    };
    expect(second.system.at(-1)!.cache_control).toEqual({ type: "ephemeral" });
    expect(second.messages[0]!.content.at(-1)!.cache_control).toEqual({ type: "ephemeral" });
    expect(second.messages[2]!.content.at(-1)).toMatchObject({
      type: "tool_result",
      cache_control: { type: "ephemeral" },
    });
    const { usage } = JSON.parse(run.stdout) as {
      usage: Record<
        "inputTokens" | "uncachedInputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "costEstimateUsd",
        number
      >;
    };
    // The first turn wrote the instructions and the document; the second read them back.
    expect(usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(usage.cacheReadTokens).toBeGreaterThan(usage.cacheWriteTokens / 3);
    expect(usage.inputTokens).toBe(
      usage.uncachedInputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
    );
    expect(usage.costEstimateUsd).toBeGreaterThan(0);
  });

  it("says what was read from cache, written to it and left uncached, on the command line's last line", async () => {
    world = await ReviewWorld.start({ provider: "anthropic", script: [turn([finish])] });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.stdout.trim().split("\n").at(-1)).toMatch(
      /^1 model round trip · [\d,]+ input tokens \(0 read from cache, [\d,]+ written to cache, [\d,]+ uncached\) · \d+ output tokens · about \$\d+\.\d{4}$/,
    );
  });
});
