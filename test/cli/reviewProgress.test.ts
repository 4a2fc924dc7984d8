/**
 * `margin review` on long work and before any work: progress while a big page is read at the rate limit,
 * --quiet, --print-input (the model's input, asking no model and writing nothing), and configuration
 * checked whole before anything is read.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ReviewWorld, turnFor } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A page of `count` paragraphs, one block each. */
function longPage(count: number): string {
  return Array.from({ length: count }, (_, index) => `Paragraph ${index + 1} of the plan.`).join("\n\n");
}

const finish = turnFor("openai", [["finish_review", { summary: "Fine." }]]);

/** Requests that change something in Notion: every POST, PATCH and DELETE but the read-only queries. */
function writes(target: ReviewWorld): number {
  const { endpoints } = target.emulator.counters.snapshot();
  return Object.entries(endpoints)
    .filter(([endpoint]) => /^(POST|PATCH|DELETE) /.test(endpoint) && !/query|search/.test(endpoint))
    .reduce((sum, [, count]) => sum + count.requests, 0);
}

describe("margin review while it works", () => {
  it("says how the reading of a 300-block page is going, with growing counts, before the read is done", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      markdown: longPage(300),
      script: [finish],
      // Notion's rate limit on, and Margin pacing itself under it: the reading takes seconds.
      emulator: { rps: 120 },
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer", "--dry-run"],
      world.env({ MARGIN_NOTION_REQUESTS_PER_MINUTE: "6000", MARGIN_PROGRESS_SECONDS: "0.2" }),
    );

    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split("\n");
    const readAt = lines.findIndex((line) => line.startsWith('Read "'));
    const progress = lines
      .slice(0, readAt)
      .filter((line) => line.startsWith("Reading the page:"))
      .map((line) => {
        const blocks = Number(/: ([\d,]+) blocks?/.exec(line)![1]!.replace(",", ""));
        const listed = Number(/discussions of (\d+) of/.exec(line)?.[1] ?? 0);
        return blocks + listed;
      });
    expect(readAt).toBeGreaterThan(0);
    expect(lines[readAt]).toContain("300 blocks");
    expect(progress.length).toBeGreaterThan(1);
    // Each line further on than the one before (blocks read, then discussions listed).
    for (let index = 1; index < progress.length; index++)
      expect(progress[index]).toBeGreaterThanOrEqual(progress[index - 1]!);
    expect(progress.at(-1)).toBeGreaterThan(progress[0]!);
    expect(run.stderr).toMatch(/Notion requests/);
  });

  it("says nothing but the result with --quiet", async () => {
    world = await ReviewWorld.start({ provider: "openai", markdown: longPage(40), script: [finish] });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer", "--dry-run", "--quiet"],
      world.env({ MARGIN_PROGRESS_SECONDS: "0.01" }),
    );

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("Fine.");
  });
});

/** `margin review --print-input --json` on the world's page, parsed. */
async function inputAsJson(target: ReviewWorld) {
  const run = await target.margin([
    "review",
    target.pageId,
    "--prompt",
    "RFC Reviewer",
    "--print-input",
    "--json",
  ]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe("margin review --print-input", () => {
  it("prints what the model would be sent, part by part with token counts, asking no model and writing nothing", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: [finish] });
    const env = world.env();
    // No key is needed to look.
    delete env.OPENAI_API_KEY;
    delete env.OPENAI_BASE_URL;

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer", "--print-input"],
      env,
    );

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^What openai \S+ would be sent to review "RFC: Shard logins" as "RFC Reviewer"/,
    );
    expect(run.stdout).toMatch(/ {2}system +[\d,]+ tokens/);
    expect(run.stdout).toMatch(/ {2}user +[\d,]+ tokens/);
    expect(run.stdout).toMatch(/ {2}tools +[\d,]+ tokens {2}comment_on_block, .*finish_review/);
    expect(run.stdout).toContain("=== system ===");
    expect(run.stdout).toContain("Move every user in one weekend.");
    expect(run.stdout).toContain('"name": "comment_on_block"');
    expect(world.model.requests).toHaveLength(0);
    expect(writes(world)).toBe(0);
  });

  it("gives the same as JSON, with the figures a program needs", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: [finish] });

    const preview = await inputAsJson(world);
    expect(preview.tokens.total).toBe(preview.tokens.system + preview.tokens.user + preview.tokens.tools);
    expect(preview.user).toContain("Move every user in one weekend.");
    expect(preview.tools.map((tool: { name: string }) => tool.name)).toContain("finish_review");
    expect(world.model.requests).toHaveLength(0);
    expect(writes(world)).toBe(0);
  });

  it("shows a re-review's input, with what the reviewer remembers, after a first review", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: [finish] });
    const first = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer", "--quiet"]);
    expect(first.code, first.stderr).toBe(0);
    const postedBefore = writes(world);

    const preview = await inputAsJson(world);
    expect(preview.user).toMatch(/Your last review: .*; 0 blocks changed and 0 new since\./);
    expect(preview.user).toContain("You reviewed this page before.");
    expect(world.model.requests).toHaveLength(1);
    expect(writes(world)).toBe(postedBefore);
  });

  it("shows the first part's input for a page reviewed in parts, and says how many parts", async () => {
    world = await ReviewWorld.start({ provider: "openai", markdown: longPage(400) });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer", "--print-input"],
      world.env({ MARGIN_MAX_DOCUMENT_TOKENS: "1000" }),
    );

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/a review sends it in \d+ parts, .*shown here: part 1\./);
    expect(run.stdout).not.toContain("would not be asked");
    expect(run.stdout).toContain("Paragraph 1 of the plan.");
    expect(run.stdout).not.toContain("Paragraph 400 of the plan.");
  });
});

describe("margin review before it starts", () => {
  it("reports every missing and malformed setting in one message, each with where to get it, reading nothing", async () => {
    world = await ReviewWorld.start({ provider: "openai" });
    const {
      NOTION_TOKEN: _token,
      MARGIN_PROMPTS_DATABASE: _database,
      OPENAI_API_KEY: _key,
      OPENAI_BASE_URL: _url,
      ...env
    } = world.env({ MARGIN_MAX_ATTEMPTS: "three" });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], env);

    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe("margin: 4 settings need attention (in .env or the environment):");
    expect(lines.slice(1)).toEqual([
      "  MARGIN_MAX_ATTEMPTS: should be a whole number.",
      expect.stringMatching(/^ {2}Set MARGIN_PROMPTS_DATABASE: the id or URL of your Prompts database/),
      expect.stringMatching(/^ {2}Set NOTION_TOKEN: .*notion\.so\/developers\/connections/),
      expect.stringMatching(/^ {2}Set OPENAI_API_KEY: .*platform\.openai\.com/),
    ]);
    expect(world.emulator.counters.snapshot().total.requests).toBe(0);
  });

  it("says a database given as the page is a database, and what to give instead", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: [finish] });

    const run = await world.margin(["review", world.promptsDatabaseId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is a database, not a page: give one of its pages instead/);
    expect(world.model.requests).toHaveLength(0);
  });
});
