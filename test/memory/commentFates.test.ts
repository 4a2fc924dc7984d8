import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { ledgerFor, readConfig, secretsFor } from "../../lambda/config/config.ts";
import type { Log } from "../../lambda/observability/Log.ts";
import { buildWorkerDependencies } from "../../lambda/wiring/buildWorkerDependencies.ts";
import { runReviewJob } from "../../lambda/worker/runReviewJob.ts";
import { ledgerKinds } from "../support/ledgerKinds.ts";
import { ReviewWorld, reviewJob, turnFor } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The first review: four comments on four blocks of the default document. */
const fourComments = turnFor("openai", [
  ["comment_on_block", { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." }],
  [
    "comment_on_block",
    { block: "b9", quote: "identity team", severity: "major", comment: "Who is on call?" },
  ],
  ["comment_on_block", { block: "b2", quote: "Monday morning", severity: "major", comment: "How slow?" }],
  ["comment_on_block", { block: "b7", quote: "per shard", severity: "minor", comment: "Which percentile?" }],
  ["finish_review", { summary: "Not ready." }],
]);
const nothingNew = turnFor("openai", [["finish_review", { summary: "Same as before." }]]);

/** The same behaviour with the memory in a local file and in DynamoDB. */
const LEDGERS = ledgerKinds("fates");

const review = (env: NodeJS.ProcessEnv) =>
  world!.margin(["review", world!.pageId, "--prompt", "RFC Reviewer"], env);

/** The discussion the reviewer opened on a block (a seed name). */
const discussionOn = (block: string) =>
  world!.botComments().find((comment) => comment.parent.block_id === idFor(block))!.discussion_id;

/** The table's lines with their columns' padding collapsed. */
const linesOf = (stdout: string) => stdout.split("\n").map((line) => line.replace(/\s+/g, " ").trim());

/** The fate the ledger holds of the reviewer's comment on each block (by seed name). */
async function fatesInLedger(env: NodeJS.ProcessEnv): Promise<Record<string, string | undefined>> {
  const memory = await ledgerFor(readConfig(env), process.cwd()).memory(world!.pageId, idFor("rfc-reviewer"));
  const names = ["weekend", "owners", "problem", "monitor"];
  return Object.fromEntries(
    names.map((name) => [
      name,
      memory?.comments.find((comment) => comment.blockId === idFor(name))?.fate?.fate,
    ]),
  );
}

describe.each(LEDGERS)("the fate of each comment, with the memory in %s", (_name, ledgerEnv) => {
  it("is decided on a re-review from what people did, and margin stats prints the rates per reviewer and severity", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: [fourComments, nothingNew] });
    const env = world.env(await ledgerEnv());
    await review(env);
    world.emulator.control.editBlock("weekend", {
      bulleted_list_item: { rich_text: [{ text: { content: "Move users over three weekends." } }] },
    });
    world.emulator.control.resolveDiscussion(discussionOn("weekend"));
    world.emulator.control.resolveDiscussion(discussionOn("owners"));
    world.emulator.control.addComment({
      author: "ana",
      discussion_id: discussionOn("problem"),
      text: "About four seconds at p95.",
    });

    const second = await review(env);
    const stats = await world.margin(["stats"], env);

    expect(second.code, second.stderr).toBe(0);
    expect(await fatesInLedger(env)).toEqual({
      weekend: "addressed",
      owners: "dismissed",
      problem: "answered",
      monitor: "open",
    });
    expect(stats.code, stats.stderr).toBe(0);
    expect(linesOf(stats.stdout)).toEqual(
      expect.arrayContaining([
        "Reviewer Severity Comments Addressed Dismissed Answered Open",
        "RFC Reviewer critical 1 100% 0% 0% 0%",
        "RFC Reviewer major 2 0% 50% 50% 0%",
        "RFC Reviewer minor 1 0% 0% 0% 100%",
        "Total 4 25% 25% 25% 25%",
      ]),
    );
  });

  it("prints the same as JSON, and only the reviewer and the dates asked for", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: [fourComments, nothingNew] });
    const env = world.env(await ledgerEnv());
    await review(env);
    world.emulator.control.resolveDiscussion(discussionOn("owners"));
    await review(env);

    const json = await world.margin(["stats", "--json", "--reviewer", "rfc reviewer"], env);
    const later = await world.margin(["stats", "--since", "2999-01-01"], env);
    const someoneElse = await world.margin(["stats", "--reviewer", "Plan Reviewer"], env);

    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.total).toEqual({
      comments: 4,
      counts: { addressed: 0, dismissed: 1, answered: 0, open: 3 },
      rates: { addressed: 0, dismissed: 0.25, answered: 0, open: 0.75 },
    });
    expect(
      parsed.rows.map((row: { severity: string; comments: number }) => [row.severity, row.comments]),
    ).toEqual([
      ["critical", 1],
      ["major", 2],
      ["minor", 1],
    ]);
    expect(later.stdout).toContain("No comments on blocks yet.");
    expect(someoneElse.stdout).toContain('No comments on blocks by a reviewer named "Plan Reviewer".');
  });

  it("keeps addressed and dismissed for good, and counts an edit seen while the discussion was open", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: [fourComments, nothingNew, nothingNew] });
    const env = world.env(await ledgerEnv());
    await review(env);
    world.emulator.control.editBlock("weekend", {
      bulleted_list_item: { rich_text: [{ text: { content: "Move users over three weekends." } }] },
    });
    world.emulator.control.resolveDiscussion(discussionOn("owners"));
    await review(env);
    const between = await fatesInLedger(env);
    // The block was edited before the last review; only now is its discussion resolved.
    world.emulator.control.resolveDiscussion(discussionOn("weekend"));
    world.emulator.control.reopenDiscussion(discussionOn("owners"));

    const third = await review(env);

    expect(third.code, third.stderr).toBe(0);
    expect(between).toMatchObject({ weekend: "open", owners: "dismissed" });
    expect(await fatesInLedger(env)).toMatchObject({ weekend: "addressed", owners: "dismissed" });
  });

  it("says so when the ledger holds no comments", async () => {
    world = await ReviewWorld.start({ provider: "openai" });

    const stats = await world.margin(["stats"], world.env(await ledgerEnv()));

    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toContain("No comments on blocks yet.");
  });
});

describe("the worker", () => {
  it("logs the fates a re-review observed as counts for the page and reviewer", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      statusProperties: true,
      script: [fourComments, nothingNew],
    });
    const env = world.env();
    const config = readConfig(env);
    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const log: Log = {
      debug() {},
      info: (message, fields) => lines.push({ message, fields }),
      warn() {},
      error() {},
    };
    const dependencies = await buildWorkerDependencies(config, secretsFor(config, env), log, process.cwd());
    await runReviewJob(reviewJob("doc", { eventId: "first" }), 1, await dependencies());
    world.emulator.control.resolveDiscussion(discussionOn("owners"));
    world.emulator.control.addComment({ author: "bo", discussion_id: discussionOn("monitor"), text: "p99." });

    await runReviewJob(reviewJob("doc", { eventId: "second" }), 1, await dependencies());

    const observed = lines.filter((line) => line.message === "Comment fates observed");
    expect(observed).toHaveLength(1);
    expect(observed[0]!.fields).toMatchObject({
      pageId: world.pageId,
      promptId: idFor("rfc-reviewer"),
      addressed: 0,
      dismissed: 1,
      answered: 1,
      open: 2,
      fatesChanged: 4,
    });
  });
});

describe("margin stats", () => {
  it("rejects a --since that is not a date", async () => {
    world = await ReviewWorld.start({ provider: "openai" });

    const stats = await world.margin(["stats", "--since", "last week"], world.env());

    expect(stats.code).toBe(2);
    expect(stats.stderr).toContain("--since should be a date such as 2025-01-31.");
  });
});
