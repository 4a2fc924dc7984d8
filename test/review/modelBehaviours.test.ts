/**
 * What real models do, and how a review ends: a refusal in plain words, tool calls written as JSON text,
 * `<think>` blocks, one call per turn, a model that must be reminded to use its tools. Nothing wrong is
 * ever posted, and a review whose calls were valid is posted whole.
 */
import { afterEach, describe, expect, it } from "vitest";
import { TEXT_REFUSAL } from "../../emulators/llm/ScriptedModelServer.ts";
import { USE_THE_TOOLS } from "../../lambda/review/agent/runAgent.ts";
import { anthropicTurn, ReviewWorld, textOf, turn } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const LOCAL_MODEL = { MARGIN_MODEL: "qwen3:8b" };
const weekend = [
  "comment_on_block",
  {
    block: "b5",
    quote: "one weekend",
    severity: "critical",
    comment: "What is the way back if the cutover fails?",
  },
] as const;
const owners = [
  "comment_on_block",
  {
    block: "b9",
    quote: "identity team",
    severity: "major",
    comment: "Who on the identity team approves this?",
  },
] as const;
const finish = ["finish_review", { summary: "**Verdict:** not ready: no rollback." }] as const;

type Calls = Parameters<typeof turn>[0];
const review = (calls: Calls, extra: Parameters<typeof turn>[1] = {}) => turn(calls, extra);

/** The texts of the reviewer's comments on the page, oldest first. */
const posted = (world: ReviewWorld) => world.botComments().map(textOf);

describe("a model that answers in text instead of tools", () => {
  it("gets one reminder, and a refusal in plain words after it ends the review as declined, posting nothing", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      compatible: true,
      behaviours: ["refuse-as-text"],
      script: [review([finish]), review([finish])],
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env(LOCAL_MODEL),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Review incomplete: the model declined: ${TEXT_REFUSAL}`);
    expect(run.stdout).toContain("Nothing was posted");
    expect(world.model.requests).toHaveLength(2);
    const second = world.model.requests[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(second.at(-2)).toMatchObject({ role: "assistant", content: TEXT_REFUSAL });
    expect(second.at(-1)).toEqual({ role: "user", content: USE_THE_TOOLS });
    expect(posted(world)).toEqual([]);
  });

  it("finishes the review once reminded, and posts none of the text", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      compatible: true,
      behaviours: ["ignore-tool-choice"],
      script: [review([], { text: "The RFC looks fine to me overall." }), review([weekend, finish])],
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env(LOCAL_MODEL),
    );

    expect(run.code, run.stderr).toBe(0);
    expect(posted(world)).toEqual([
      expect.stringContaining("What is the way back if the cutover fails?"),
      expect.stringContaining("Verdict: not ready: no rollback."),
    ]);
    expect(posted(world).join("\n")).not.toContain("looks fine to me");
  });

  it("a refusal the provider reports (Anthropic's refusal stop) ends the review as declined", async () => {
    world = await ReviewWorld.start({
      provider: "anthropic",
      script: [anthropicTurn([], { stop_reason: "refusal", content: [] })],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the model declined");
    expect(world.model.requests).toHaveLength(1);
    expect(posted(world)).toEqual([]);
  });
});

describe("an empty answer", () => {
  it("is not sent back (the APIs refuse empty messages): the reminder follows, and the review completes", async () => {
    world = await ReviewWorld.start({ provider: "anthropic", script: [turn([]), turn([weekend, finish])] });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code, run.stderr).toBe(0);
    expect(world.model.requests.map((request) => request.rejected)).toEqual([undefined, undefined]);
    const messages = world.model.requests[1]!.body.messages as Array<{ role: string; content: unknown }>;
    expect(messages.map((message) => message.role)).toEqual(["user", "user"]);
    expect(posted(world)).toHaveLength(2);
  });

  it("on the last turn, before any reminder, means the model ran out of turns, not that it declined", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      compatible: true,
      script: [review([weekend]), review([], { text: "I need more time." })],
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env({ ...LOCAL_MODEL, MARGIN_MAX_TURNS: "2" }),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("used all 2 turns without finishing");
    expect(posted(world)).toEqual([]);
  });
});

describe("local models' habits", () => {
  it("takes tool calls written as JSON text as the calls they are, behind <think> blocks, and posts the review", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      compatible: true,
      behaviours: ["tool-calls-as-text", "think"],
      script: [review([weekend, owners, finish])],
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env(LOCAL_MODEL),
    );

    expect(run.code, run.stderr).toBe(0);
    expect(world.model.requests).toHaveLength(1);
    const texts = posted(world);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain("What is the way back if the cutover fails?");
    expect(texts[1]).toContain("Who on the identity team approves this?");
    expect(texts[2]).toMatch(/^Verdict: not ready: no rollback\./);
    expect(texts.join("\n")).not.toMatch(/<think>|"name"|finish_review/);
    expect(world.discussion(world.botComments()[0]!.discussion_id)[0]!.parent).toMatchObject({
      block_id: expect.any(String),
    });
  });

  it("lets a model that makes one call per turn finish a review of the default size", async () => {
    const comment = (block: string, quote: string) =>
      ["comment_on_block", { block, quote, severity: "minor", comment: `About “${quote}”.` }] as const;
    const five = [
      comment("b2", "Monday"),
      comment("b4", "four shards"),
      comment("b5", "one weekend"),
      comment("b6", "fallback"),
      comment("b7", "latency"),
    ];
    world = await ReviewWorld.start({
      provider: "openai",
      compatible: true,
      behaviours: ["one-call-per-turn"],
      script: [review([...five, finish])],
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env(LOCAL_MODEL),
    );

    expect(run.code, run.stderr).toBe(0);
    expect(world.model.requests).toHaveLength(6);
    expect(posted(world)).toHaveLength(6);
    expect(run.stdout).toContain("6 model round trips");
  });
});

describe("the turns of a review", () => {
  it("requires a tool call on every turn and allows only finish_review on the last", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      script: [
        review([["comment_on_block", { block: "b99", quote: "x", severity: "minor", comment: "Nope." }]]),
        review([finish]),
      ],
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env({ MARGIN_MAX_TURNS: "2" }),
    );

    expect(run.code, run.stderr).toBe(0);
    expect(world.model.requests.map((request) => request.body.tool_choice)).toEqual([
      "required",
      { type: "function", function: { name: "finish_review" } },
    ]);
    // On the last turn only the finishing tool is offered, for servers that ignore tool_choice.
    const offered = (request: number) =>
      (world!.model.requests[request]!.body.tools as Array<{ function: { name: string } }>).map(
        (tool) => tool.function.name,
      );
    expect(offered(0)).toEqual(["comment_on_block", "reply_in_thread", "finish_review"]);
    expect(offered(1)).toEqual(["finish_review"]);
    const messages = world.model.requests[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(messages.at(-1)).toEqual({
      role: "user",
      content:
        "You have one turn left: call finish_review now, and put anything you have not raised yet in the summary.",
    });
  });

  it("gives Anthropic models that refuse a forced tool the choice, and the reminder instead", async () => {
    world = await ReviewWorld.start({ provider: "anthropic", script: [review([finish])] });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code, run.stderr).toBe(0);
    expect(world.model.requests[0]!.body.tool_choice).toEqual({ type: "auto" });
    const haiku = await ReviewWorld.start({ provider: "anthropic", script: [review([finish])] });
    try {
      const forced = await haiku.margin(
        ["review", haiku.pageId, "--prompt", "RFC Reviewer"],
        haiku.env({ MARGIN_MODEL: "claude-haiku-4-5" }),
      );
      expect(forced.code, forced.stderr).toBe(0);
      expect(haiku.model.requests[0]!.body.tool_choice).toEqual({ type: "any" });
    } finally {
      await haiku.close();
    }
  });
});
