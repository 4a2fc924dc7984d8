import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { anthropicTurn, openAiTurn, ReviewWorld, textOf, turnFor } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const finishOnly = (provider: "openai" | "anthropic") => [
  turnFor(provider, [["finish_review", { summary: "Fine." }]]),
];

describe("margin review says clearly why it cannot run", () => {
  it("names the page and what to do when the page is not shared with Margin's connection", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: finishOnly("openai") });
    world.emulator.workspace.unshared.add(world.pageId);

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${world.pageId} does not exist or is not shared with Margin's connection`);
    expect(run.stderr).toContain("Connections");
    expect(world.model.requests).toHaveLength(0);
  });

  it("refuses a page in the trash", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: finishOnly("openai") });
    world.emulator.workspace.setTrashed(world.pageId, true, world.emulator.botUserId);

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"RFC: Shard logins"');
    expect(run.stderr).toContain("is in the trash");
  });

  it("lists the prompts that exist when the one asked for does not, suggesting the closest for a slip", async () => {
    world = await ReviewWorld.start({ provider: "openai" });

    const run = await world.margin(["review", world.pageId, "--prompt", "Postmortem Reviewer"]);
    const slip = await world.margin(["review", world.pageId, "--prompt", "RFC Reveiwer"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No prompt named "Postmortem Reviewer" in the Prompts database');
    expect(run.stderr).not.toContain("Did you mean");
    expect(run.stderr).toContain('Prompts available: "Plan Reviewer", "RFC Reviewer".');
    expect(slip.code).toBe(2);
    expect(slip.stderr).toContain('No prompt named "RFC Reveiwer" in the Prompts database');
    expect(slip.stderr).toContain('Did you mean "RFC Reviewer"?');
  });

  it("names the property, the value and what is allowed for a bad setting", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      promptProperties: { Summary: { select: { name: "sometimes" } } },
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Prompt "RFC Reviewer": property "Summary" is "sometimes"; allowed: update, new, off.',
    );
  });

  it("names the address it tried when nothing answers for the model", async () => {
    world = await ReviewWorld.start({ provider: "openai" });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer", "--dry-run", "--quiet"],
      world.env({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` }),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`OpenAI could not be reached at http://127.0.0.1:${port}/v1`);
    expect(run.stderr).toContain("(ECONNREFUSED)");
    expect(run.stderr).toContain("Check OPENAI_BASE_URL");
  });

  it("gives one line naming the variable when configuration is missing", async () => {
    world = await ReviewWorld.start({ provider: "openai" });
    const { NOTION_TOKEN: _token, ...env } = world.env();

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], env);

    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("Set NOTION_TOKEN");
  });

  it("asks for the provider's key only when the prompt uses that provider", async () => {
    world = await ReviewWorld.start({ provider: "openai", settings: { provider: "anthropic" } });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Set ANTHROPIC_API_KEY");
  });

  it("rejects a bad command line with the usage", async () => {
    world = await ReviewWorld.start({ provider: "openai" });

    const missingPrompt = await world.margin(["review", world.pageId]);
    const badProvider = await world.margin(["review", world.pageId, "--prompt", "x", "--provider", "gemini"]);
    const badPage = await world.margin(["review", "not-a-page", "--prompt", "x"]);

    expect(missingPrompt).toMatchObject({ code: 2, stderr: expect.stringContaining("--prompt is required") });
    expect(badProvider).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--provider should be openai, anthropic, bedrock"),
    });
    expect(badPage).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('"not-a-page" is not a Notion page id or URL'),
    });
  });
});

describe("margin review posts nothing when the model does not finish properly", () => {
  it("reports a refusal", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      script: [
        openAiTurn([], {
          choices: [
            {
              finish_reason: "stop",
              message: { role: "assistant", content: null, refusal: "I can't help with that." },
            },
          ],
        }),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the model declined: I can't help with that.");
    expect(world.botComments()).toEqual([]);
  });

  it("trusts nothing from an answer cut off at the output limit", async () => {
    world = await ReviewWorld.start({
      provider: "anthropic",
      script: [
        anthropicTurn(
          [["comment_on_block", { block: "b2", quote: "slow", severity: "major", comment: "How slow?" }]],
          { stop_reason: "max_tokens" },
        ),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cut off at its output limit");
    expect(world.botComments()).toEqual([]);
  });

  it("reports a provider that keeps failing, after the SDK's retries", async () => {
    const failure = { $error: { status: 500, message: "upstream exploded" } };
    world = await ReviewWorld.start({ provider: "openai", script: [failure, failure, failure] });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("OpenAI failed (500)");
    expect(run.stderr).toContain("Try again in a moment.");
    expect(world.model.requests).toHaveLength(3);
    expect(world.botComments()).toEqual([]);
  });

  it("stops after the turn limit without posting", async () => {
    const stubborn = turnFor("anthropic", [
      ["comment_on_block", { block: "b99", quote: "x", severity: "minor", comment: "Nope." }],
    ]);
    world = await ReviewWorld.start({ provider: "anthropic", script: [stubborn, stubborn] });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env({ MARGIN_MAX_TURNS: "2" }),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("used all 2 turns without finishing");
    expect(world.botComments()).toEqual([]);
  });
});

describe("margin review in a page it reviewed before", () => {
  const earlier = [
    {
      discussion_id: "old-summary",
      parent: { page_id: "doc" },
      created_by: { id: "margin-bot" },
      display_name: { type: "custom", custom: { name: "RFC Reviewer" } },
      text: "Old summary.",
    },
    {
      discussion_id: "answered",
      parent: { block_id: "owners" },
      created_by: { id: "bo" },
      text: "Reviewer, who should own it?",
    },
    {
      discussion_id: "answered",
      created_by: { id: "margin-bot" },
      display_name: { type: "custom", custom: { name: "RFC Reviewer" } },
      text: "The identity team.",
    },
  ];

  it("edits its earlier summary in place and does not reply where the last word is its own", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      comments: earlier,
      script: [
        turnFor("openai", [
          ["reply_in_thread", { thread: "t2", comment: "As I said, the identity team." }],
          ["finish_review", { summary: "New summary." }],
        ]),
        turnFor("openai", [["finish_review", { summary: "New summary." }]]),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code, run.stderr).toBe(0);
    const pageComments = world.botComments().filter((comment) => comment.parent.page_id);
    expect(pageComments).toHaveLength(1);
    expect(pageComments[0]!.discussion_id).toBe(idFor("old-summary"));
    expect(textOf(pageComments[0]!)).toMatch(/^New summary\./);
    expect(
      world
        .botComments()
        .filter((comment) => comment.parent.block_id)
        .map(textOf),
    ).toEqual(["The identity team."]);
    expect(JSON.stringify(world.model.requests[1]!.body)).toContain("The last word in t2 is already yours");
  });

  it("shows the model its own earlier comments, marked as its own", async () => {
    world = await ReviewWorld.start({
      provider: "anthropic",
      comments: earlier,
      script: finishOnly("anthropic"),
    });

    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    const input = JSON.stringify(world.model.requests[0]!.body);
    expect(input).toContain("t1 RFC Reviewer (you)");
    expect(input).toMatch(/RFC Reviewer \(you\) [A-Z][a-z]{2} \d{1,2}:/);
  });
});
