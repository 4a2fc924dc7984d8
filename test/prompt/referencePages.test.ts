/**
 * A reviewer's knowledge: the pages of its Reference pages relation and the Notion pages its body mentions
 * or links to are read like documents and given to the model within MARGIN_REFERENCE_TOKENS; what does not
 * fit is cut at a block boundary, and the cut is said in the model input, on the command line and in the
 * worker's log. Pages Margin cannot read are named, not silently dropped.
 */
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { readConfig } from "../../lambda/config/config.ts";
import { EnvironmentSecrets } from "../../lambda/config/secrets.ts";
import { createNotionClient } from "../../lambda/notion/createNotionClient.ts";
import { notionAdapters } from "../../lambda/notion/notionAdapters.ts";
import { consoleLog } from "../../lambda/observability/ConsoleLog.ts";
import { buildWorkerDependencies } from "../../lambda/wiring/buildWorkerDependencies.ts";
import { runReviewJob } from "../../lambda/worker/runReviewJob.ts";
import { ReviewWorld, reviewJob, TOKEN, turnFor } from "../support/reviewWorld.ts";

const PRINCIPLES = [
  "## Ownership",
  "- **P1. One owning team.** Every service and datastore has exactly one accountable team.",
  "- **P2. Services own their data.** No table is written by more than one service.",
  "## Changing production",
  "- **P3. Staged, with a way back.** Every datastore change rolls out in stages and has a rehearsed rollback.",
  "- **P4. See it before you ship it.** Alerts reach the owning team's on-call before launch.",
].join("\n");

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The RFC Reviewer relates to the principles, mentions the ownership map and links to a page kept private. */
async function startWorld(script = [turnFor("openai", [["finish_review", { summary: "Fine." }]])]) {
  world = await ReviewWorld.start({
    provider: "openai",
    script,
    references: [{ id: "principles", title: "Architecture principles", markdown: PRINCIPLES }],
    extraPages: [
      {
        id: "team-map",
        parent: { page_id: "home" },
        title: "Team ownership map",
        markdown: "Identity owns logins.",
      },
      {
        id: "private-plan",
        parent: { page_id: "home" },
        title: "Private plan",
        markdown: "Secret.",
        shared: false,
      },
    ],
    instructions: [
      "Check ownership against the map.",
      `See also [the plan](https://www.notion.so/Private-plan-${idFor("private-plan").replaceAll("-", "")}) and [our blog](https://example.com/blog).`,
    ].join("\n\n"),
  });
  const client = createNotionClient({
    token: TOKEN,
    baseUrl: world.emulator.url,
    requestsPerMinute: 100_000,
  });
  await client.blocks.children.append({
    block_id: idFor("rfc-reviewer"),
    children: [
      {
        paragraph: {
          rich_text: [
            { text: { content: "Owners are listed in " } },
            { mention: { page: { id: idFor("team-map") } } },
          ],
        },
      },
    ],
  });
  return world;
}

function systemPrompt(current: ReviewWorld): string {
  const body = current.model.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
  return body.messages.find((message) => message.role === "system")!.content;
}

describe("a reviewer's reference pages", () => {
  it("are the related pages, then the pages its body links to or mentions in reading order, each read like a document", async () => {
    const current = await startWorld();
    const { prompts } = notionAdapters(
      createNotionClient({
        token: TOKEN,
        baseUrl: current.emulator.url,
        requestsPerMinute: 100_000,
      }),
    );

    const prompt = await prompts.loadPrompt(current.promptsDatabaseId, "RFC Reviewer");

    expect(prompt.references.map((page) => [page.title, page.unavailable])).toEqual([
      ["Architecture principles", undefined],
      ["", "not a page shared with Margin's connection (share it: ••• → Connections)"],
      ["Team ownership map", undefined],
    ]);
    expect(prompt.references[0]!.blocks.map((block) => block.plainText)).toContain(
      "P2. Services own their data. No table is written by more than one service.",
    );
  });

  it("reach the model whole within the budget, as knowledge apart from the instructions", async () => {
    const current = await startWorld();
    const run = await current.margin(["review", current.pageId, "--prompt", "RFC Reviewer", "--dry-run"]);

    expect(run.code, run.stderr).toBe(0);
    const system = systemPrompt(current);
    const material = system.slice(system.indexOf("<reference-material>"));
    expect(system.indexOf("</reviewer-instructions>")).toBeLessThan(system.indexOf("<reference-material>"));
    expect(material).toContain(
      '<page title="Architecture principles">\n# Architecture principles\n## Ownership\n- **P1. One owning team.**',
    );
    expect(material).toContain(
      '<page title="Team ownership map">\n# Team ownership map\nIdentity owns logins.\n</page>',
    );
    expect(material).toContain(
      `(Linked but not readable: page ${idFor("private-plan")}: not a page shared with Margin's connection`,
    );
    expect(material).not.toMatch(/\bb\d+ /);
    expect(run.stderr).toMatch(/Reference material: 2 pages, [\d,]+ tokens\./);
  });

  it("are cut at a block boundary to fit MARGIN_REFERENCE_TOKENS, and the cut is said to the model and on the command line", async () => {
    const current = await startWorld();
    const run = await current.margin(
      ["review", current.pageId, "--prompt", "RFC Reviewer", "--dry-run"],
      current.env({ MARGIN_REFERENCE_TOKENS: "90" }),
    );

    expect(run.code, run.stderr).toBe(0);
    const system = systemPrompt(current);
    expect(system).toContain("- **P1. One owning team.**");
    expect(system).not.toContain("P4. See it before you ship it");
    expect(system).toMatch(
      /\(Cut here: the other \d+ blocks of this page did not fit in the reference budget of 90 tokens\.\)\n<\/page>/,
    );
    expect(system).toContain('(Left out, over the reference budget: "Team ownership map".)');
    expect(run.stderr).toMatch(
      /Cut "Architecture principles" short: \d+ blocks did not fit in the reference budget \(MARGIN_REFERENCE_TOKENS\)\./,
    );
    expect(run.stderr).toContain('Left out "Team ownership map"');
  });

  it("are turned off, and not even read, with MARGIN_REFERENCE_TOKENS=0", async () => {
    const current = await startWorld([
      turnFor("openai", [["finish_review", { summary: "Fine." }]]),
      turnFor("openai", [["finish_review", { summary: "Fine." }]]),
    ]);
    current.emulator.counters.reset();
    const run = await current.margin(
      ["review", current.pageId, "--prompt", "RFC Reviewer", "--dry-run"],
      current.env({ MARGIN_REFERENCE_TOKENS: "0" }),
    );

    expect(run.code, run.stderr).toBe(0);
    expect(systemPrompt(current)).not.toContain("<reference-material>");
    expect(run.stderr).not.toContain("Reference material");
    const pageReads = () =>
      current.emulator.counters.snapshot().endpoints["GET /v1/pages/{page_id}"]!.requests;
    const without = pageReads();
    current.emulator.counters.reset();
    await current.margin(["review", current.pageId, "--prompt", "RFC Reviewer", "--dry-run"]);
    // With a budget, the three linked pages are retrieved as well.
    expect(pageReads() - without).toBe(3);
  });

  it("that were cut are reported in the worker's log", async () => {
    const current = await startWorld();
    const env = current.env({ MARGIN_REFERENCE_TOKENS: "90" });
    const lines: string[] = [];
    const deps = await (
      await buildWorkerDependencies(
        readConfig(env),
        new EnvironmentSecrets(env),
        consoleLog((line) => lines.push(line)),
        "/",
      )
    )();

    const outcome = await runReviewJob(reviewJob(current.pageId), 1, deps);

    expect(outcome.kind).toBe("reviewed");
    const warning = lines.find((line) => line.includes("WARN Reference material incomplete"));
    expect(warning).toMatch(/cutShort=\["Architecture principles \(\d+ blocks left out\)"\]/);
    expect(warning).toContain('leftOut=["Team ownership map"]');
    expect(warning).toContain("hint=Raise MARGIN_REFERENCE_TOKENS");
    expect(lines.find((line) => line.includes("Review posted"))).toMatch(
      /referencePages=1 referenceTokens=\d+/,
    );
  });
});
