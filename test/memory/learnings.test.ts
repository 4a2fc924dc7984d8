/**
 * Learnings people can edit: with Keep learnings on, a comment a person resolves without changing its block
 * (dismissed) becomes one line on the reviewer's Learnings page, a child page of its prompt page created on
 * first use and kept in the prompt page's Learnings property, and that page reaches the model as reference
 * material. A dismissal is written once; with the setting off, or in a dry run, nothing is written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { ledgerFor, readConfig } from "../../lambda/config/config.ts";
import { EnvironmentSecrets } from "../../lambda/config/secrets.ts";
import { createNotionClient } from "../../lambda/notion/createNotionClient.ts";
import { replyInThread } from "../../lambda/review/replyInThread.ts";
import { buildReviewDependencies } from "../../lambda/wiring/buildReviewDependencies.ts";
import { ReviewWorld, TOKEN, turnFor } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const twoComments = turnFor("openai", [
  ["comment_on_block", { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." }],
  [
    "comment_on_block",
    { block: "b9", quote: "identity team", severity: "major", comment: "Who is on call for the cluster?" },
  ],
  ["finish_review", { summary: "Not ready." }],
]);
const nothingNew = turnFor("openai", [["finish_review", { summary: "Same as before." }]]);

const LINE = `Dismissed on "RFC: Shard logins" (`;

async function start(
  keepLearnings: boolean,
  reviews: number,
): Promise<{ world: ReviewWorld; notion: Client }> {
  world = await ReviewWorld.start({
    provider: "openai",
    script: [twoComments, ...Array.from({ length: reviews - 1 }, () => nothingNew)],
    settings: { keepLearnings },
  });
  const notion = createNotionClient({
    token: TOKEN,
    baseUrl: world.emulator.url,
    requestsPerMinute: 100_000,
  });
  return { world, notion };
}

const review = (current: ReviewWorld, ...extra: string[]) =>
  current.margin(["review", current.pageId, "--prompt", "RFC Reviewer", ...extra]);

/** A person resolves the reviewer's discussion on the block (a seed name), leaving the block as it was. */
function dismiss(current: ReviewWorld, block: string): void {
  const comment = current.botComments().find((posted) => posted.parent.block_id === idFor(block))!;
  current.emulator.control.resolveDiscussion(comment.discussion_id);
}

/** The prompt page's Learnings property, and the child pages of the prompt page, read through the API. */
async function learningsOf(notion: Client) {
  const prompt = await notion.pages.retrieve({ page_id: idFor("rfc-reviewer") });
  const property = "properties" in prompt ? prompt.properties.Learnings : undefined;
  const url = property?.type === "url" ? property.url : null;
  const children = await notion.blocks.children.list({ block_id: idFor("rfc-reviewer") });
  const pages = children.results.flatMap((block) =>
    "type" in block && block.type === "child_page" ? [{ id: block.id, title: block.child_page.title }] : [],
  );
  return { url, pages };
}

/** The lines of a page, as plain text. */
async function linesOf(notion: Client, pageId: string): Promise<string[]> {
  const blocks = await notion.blocks.children.list({ block_id: pageId });
  return blocks.results.flatMap((block) =>
    "type" in block && block.type === "bulleted_list_item"
      ? [block.bulleted_list_item.rich_text.map((item) => item.plain_text).join("")]
      : [],
  );
}

/** The reference material the model read on its latest request (the system message's part). */
function referenceMaterial(current: ReviewWorld): string {
  const body = current.model.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
  const system = body.messages.find((message) => message.role === "system")!.content;
  const start = system.indexOf("<reference-material>");
  return start === -1 ? "" : system.slice(start);
}

describe("a reviewer's learnings", () => {
  it("are the points people dismiss, written once to a Learnings page under the prompt page and read by the model next time", async () => {
    const { world: current, notion } = await start(true, 4);
    const first = await review(current);
    dismiss(current, "owners");

    const second = await review(current);
    const afterSecond = await learningsOf(notion);
    const materialOfSecond = referenceMaterial(current);
    const third = await review(current);
    const fourth = await review(current);

    expect([first.code, second.code, third.code, fourth.code], second.stderr).toEqual([0, 0, 0, 0]);
    expect(afterSecond.pages).toEqual([{ id: expect.any(String), title: "RFC Reviewer: learnings" }]);
    const page = afterSecond.pages[0]!;
    expect(afterSecond.url?.replaceAll("-", "")).toContain(page.id.replaceAll("-", ""));
    const lines = await linesOf(notion, page.id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(LINE);
    expect(lines[0]).toContain(idFor("doc").replaceAll("-", ""));
    expect(lines[0]).toMatch(/: Who is on call for the cluster\?$/);
    expect(second.stderr).toContain('Wrote 1 dismissed point to the new page "RFC Reviewer: learnings"');
    // Written after this run loaded the reviewer: the next run reads it, within the reference budget.
    expect(materialOfSecond).not.toContain(LINE);
    const material = referenceMaterial(current);
    expect(material).toContain('<page title="RFC Reviewer: learnings">');
    expect(material).toContain(lines[0]);
    // Fates are final: later re-reviews do not write the dismissal again, nor make another page.
    expect(await linesOf(notion, page.id)).toEqual(lines);
    expect((await learningsOf(notion)).pages).toHaveLength(1);
    // Not part of the reviewer's instructions.
    expect(JSON.stringify(current.model.requests.at(-1)!.body)).not.toContain("📄 RFC Reviewer: learnings");
  });

  it("are left alone by prompts pull and push: not in the pulled body, not deleted with the old body", async () => {
    const { world: current, notion } = await start(true, 2);
    await review(current);
    dismiss(current, "owners");
    await review(current);
    const before = await learningsOf(notion);
    const folder = join(mkdtempSync(join(tmpdir(), "margin-learnings-")), "prompts");
    const sync = (command: string) =>
      current.margin(["prompts", command, "--database", current.promptsDatabaseId, "--folder", folder]);

    const pull = await sync("pull");
    const file = join(folder, "rfc-reviewer.md");
    const pulled = readFileSync(file, "utf8");
    writeFileSync(file, pulled.replace("missing owners.", "missing owners and dates."));
    const push = await sync("push");

    expect([pull.code, push.code], `${pull.stderr}${push.stderr}`).toEqual([0, 0]);
    expect(pulled).toContain("keep_learnings: true");
    expect(pulled).not.toMatch(/RFC Reviewer: learnings|Learnings|📄/);
    expect(await learningsOf(notion)).toEqual(before);
    const prompt = await notion.blocks.children.list({ block_id: idFor("rfc-reviewer") });
    expect(JSON.stringify(prompt.results)).toContain("missing owners and dates.");
  });

  it("are written nowhere with the setting off, nor in a dry run", async () => {
    const { world: off, notion } = await start(false, 2);
    await review(off);
    dismiss(off, "owners");
    const second = await review(off);

    expect(second.code, second.stderr).toBe(0);
    expect(await learningsOf(notion)).toEqual({ url: null, pages: [] });
    expect(referenceMaterial(off)).not.toContain("learnings");
    await off.close();

    const { world: dry, notion: dryNotion } = await start(true, 2);
    await review(dry);
    dismiss(dry, "owners");
    const dryRun = await review(dry, "--dry-run");

    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(await learningsOf(dryNotion)).toEqual({ url: null, pages: [] });
  });

  it("take a reply saying a point does not apply as its dismissal, written once and read by the model next time", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      // The first review; the reviewer lets the reply stand twice (no tool call); a re-review.
      script: [twoComments, turnFor("openai", []), turnFor("openai", []), nothingNew],
      settings: { keepLearnings: true },
    });
    const current = world;
    const notion = createNotionClient({
      token: TOKEN,
      baseUrl: current.emulator.url,
      requestsPerMinute: 100_000,
    });
    await review(current);
    const onOwners = current.botComments().find((posted) => posted.parent.block_id === idFor("owners"))!;
    current.emulator.control.addComment({
      author: "bo",
      discussion_id: onOwners.discussion_id,
      text: "This does not apply to us: the identity team runs no on-call rotation for this cluster.",
    });
    const env = current.env();
    const config = readConfig(env);
    const deps = await buildReviewDependencies(config, new EnvironmentSecrets(env), {
      ledger: ledgerFor(config, process.cwd()),
    });
    const reply = {
      pageId: current.pageId,
      prompt: "RFC Reviewer",
      promptsDatabase: current.promptsDatabaseId,
      discussionId: onOwners.discussion_id,
    };

    const answered = await replyInThread(reply, deps);
    // The same reply delivered as another event: the point is dismissed already, nothing is written again.
    const again = await replyInThread({ ...reply, runId: "another-event" }, deps);
    const next = await review(current);

    expect(answered.outcome.kind).toBe("no_reply");
    const { pages } = await learningsOf(notion);
    expect(pages).toHaveLength(1);
    const lines = await linesOf(notion, pages[0]!.id);
    expect(lines).toEqual([expect.stringMatching(/: Who is on call for the cluster\?$/)]);
    expect(again.outcome.kind).toBe("no_reply");
    expect(next.code, next.stderr).toBe(0);
    expect(referenceMaterial(current)).toContain(lines[0]);
  });
});
