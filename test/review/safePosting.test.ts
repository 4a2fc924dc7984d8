/**
 * What a model writes is made safe before it reaches Notion or the terminal: mention tags become plain
 * text (nobody is notified, no title of a page outside the review is shown), links that are not http(s)
 * lose their target, secrets Margin holds are redacted, and an oversized summary is cut.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ReviewWorld, TOKEN, textOf, turn } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const finish = (summary: string) => ["finish_review", { summary }] as const;
const commentOnOwners = (comment: string) =>
  ["comment_on_block", { block: "b9", quote: "identity team", severity: "major", comment }] as const;

describe("what the reviewer posts", () => {
  it("turns mention tags and non-web links into plain text, so nobody is notified", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      script: [
        turn([
          commentOnOwners(
            'Ask <mention-user url="user://bo">Bo Builder</mention-user> and see <mention-page url="https://www.notion.so/Board-minutes-0123456789abcdef0123456789abcdef">Board minutes</mention-page>; [run this](javascript:alert(1)) before <mention-date start="2026-12-24"/>.',
          ),
          finish("Fine, but see [the guide](https://example.com/guide)."),
        ]),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code, run.stderr).toBe(0);
    const [comment, summary] = world.botComments();
    expect(comment!.rich_text.map((item) => item.type)).not.toContain("mention");
    expect(textOf(comment!)).toBe("Major: Ask Bo Builder and see Board minutes; run this before 2026-12-24.");
    expect(JSON.stringify(comment!.rich_text)).not.toContain("javascript:");
    // Web links stay links.
    expect(summary!.rich_text.find((item) => item.plain_text === "the guide")).toMatchObject({
      href: "https://example.com/guide",
    });
    expect(run.stdout).not.toMatch(/<mention-|javascript:/);
  });

  it("redacts the secrets Margin holds from the page and the terminal", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      script: [
        turn([
          commentOnOwners(`Rotate the key sk-test-key and the token ${TOKEN} before anyone copies them.`),
          finish(`Secrets in the document: ${TOKEN}.`),
        ]),
      ],
    });

    const text = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);
    const everything = [text.stdout, text.stderr, ...world.botComments().map(textOf)].join("\n");

    expect(text.code, text.stderr).toBe(0);
    expect(everything).not.toContain("sk-test-key");
    expect(everything).not.toContain(TOKEN);
    expect(textOf(world.botComments()[0]!)).toBe(
      "Major: Rotate the key [redacted] and the token [redacted] before anyone copies them.",
    );
  });

  it("redacts a secret from the document's own words quoted in what is posted", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      markdown: `## Runbook\nExport NOTION_TOKEN=${TOKEN} before the import. ^runbook`,
      script: [turn([finish("The step in b2 must not carry a live token.")])],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code, run.stderr).toBe(0);
    const summary = textOf(world.botComments()[0]!);
    expect(summary).toContain("The step in “Export NOTION_TOKEN=[redacted] before the import.” must not");
    expect(summary).not.toContain(TOKEN);
  });

  it("keeps the findings listed under a long summary, within 6,000 characters", async () => {
    const minor = (block: string, quote: string) =>
      [
        "comment_on_block",
        { block, quote, severity: "minor", comment: `Say more about “${quote}”.` },
      ] as const;
    world = await ReviewWorld.start({
      provider: "openai",
      settings: { maxInlineComments: 1 },
      script: [
        turn([
          minor("b2", "Monday"),
          minor("b4", "four shards"),
          minor("b7", "latency"),
          finish("A long summary. ".repeat(1_000)),
        ]),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer", "--json"]);

    expect(run.code, run.stderr).toBe(0);
    const { summary } = JSON.parse(run.stdout) as { summary: string };
    expect(summary.length).toBeLessThanOrEqual(6_000);
    expect(summary).toContain("The summary was longer than Margin posts; it was cut here.");
    expect(summary).toContain("**Also noted**");
    expect(summary).toContain("Say more about “four shards”.");
    expect(summary).toContain("Say more about “latency”.");
    expect(summary).toMatch(/1 comment on the page · 2 more listed above_$/);
  });

  it("cuts a summary of a million characters to one that fits, saying it was cut", async () => {
    const huge = "This paragraph goes on. ".repeat(42_000);
    world = await ReviewWorld.start({ provider: "openai", script: [turn([finish(huge)])] });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer", "--json"]);

    expect(run.code, run.stderr).toBe(0);
    const comments = world.botComments();
    expect(comments.length).toBeLessThanOrEqual(4);
    const posted = comments.map(textOf).join("\n");
    expect(posted.length).toBeLessThanOrEqual(6_000);
    expect(posted).toContain("The summary was longer than Margin posts; it was cut here.");
    expect(posted).toMatch(/Reviewed \d{4}-\d{2}-\d{2} · 0 comments on the page/);
    expect((JSON.parse(run.stdout) as { summary: string }).summary.length).toBeLessThanOrEqual(6_000);
  });
});
