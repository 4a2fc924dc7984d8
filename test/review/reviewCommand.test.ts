import { afterEach, describe, expect, it } from "vitest";
import type { Provider } from "../../emulators/llm/ScriptedModelServer.ts";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { ReviewWorld, textOf, turnFor } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Bo asks the reviewer a question on the nested "weekend" item: thread t1. */
const question = [
  {
    discussion_id: "bo-question",
    parent: { block_id: "weekend" },
    created_by: { id: "bo" },
    text: "Is one weekend enough for the move?",
  },
];

const PROVIDERS: Provider[] = ["openai", "anthropic"];

describe.each(PROVIDERS)("margin review with %s", (provider) => {
  it("posts comments on the intended blocks, a reply in the existing thread and one summary, in one round trip", async () => {
    world = await ReviewWorld.start({
      provider,
      comments: question,
      script: [
        turnFor(provider, [
          [
            "comment_on_block",
            {
              block: "b5",
              quote: "one weekend",
              severity: "critical",
              comment: "There is no way back if the move fails half way. Stage it by shard.",
            },
          ],
          [
            "comment_on_block",
            {
              block: "b9",
              quote: "identity team",
              severity: "major",
              comment: "Name the on-call rotation that owns incidents on the new cluster.",
            },
          ],
          [
            "reply_in_thread",
            { thread: "t1", comment: "Not for every user at once: stage the move shard by shard." },
          ],
          [
            "finish_review",
            { summary: "**Verdict:** not ready.\n- critical: the one-weekend move has no rollback." },
          ],
        ]),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "rfc reviewer"]);

    expect(run.stderr).toContain('Prompt "RFC Reviewer" loaded');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const posted = world.botComments();
    expect(posted).toHaveLength(4);
    expect(posted.every((comment) => comment.display_name.resolved_name === "RFC Reviewer")).toBe(true);
    const onWeekend = posted.filter((comment) => comment.parent.block_id === idFor("weekend"));
    expect(onWeekend.map(textOf)).toEqual([
      "Critical: There is no way back if the move fails half way. Stage it by shard.",
      "Not for every user at once: stage the move shard by shard.",
    ]);
    expect(onWeekend[1]!.discussion_id).toBe(idFor("bo-question"));
    expect(onWeekend[0]!.discussion_id).not.toBe(idFor("bo-question"));
    expect(posted.filter((comment) => comment.parent.block_id === idFor("owners")).map(textOf)).toEqual([
      "Major: Name the on-call rotation that owns incidents on the new cluster.",
    ]);
    const summaries = posted.filter((comment) => comment.parent.page_id === world!.pageId);
    expect(summaries).toHaveLength(1);
    expect(textOf(summaries[0]!)).toMatch(
      /^Verdict: not ready\.\n• critical: the one-weekend move has no rollback\.\n\nReviewed \d{4}-\d{2}-\d{2} · 2 comments on the page$/,
    );
    expect(world.model.requests).toHaveLength(1);
    expect(run.stdout).toContain("1 model round trip");
  });

  it("never posts a comment with an unknown block or a quote that is not in its block, and tells the model why", async () => {
    world = await ReviewWorld.start({
      provider,
      script: [
        turnFor(provider, [
          [
            "comment_on_block",
            { block: "b42", quote: "anything", severity: "major", comment: "Invented block." },
          ],
          [
            "comment_on_block",
            { block: "b2", quote: "every Tuesday", severity: "major", comment: "Misquoted." },
          ],
          ["reply_in_thread", { thread: "t9", comment: "No such thread." }],
          [
            "comment_on_block",
            {
              block: "b2",
              quote: "SLOW  every monday",
              severity: "minor",
              comment: "Say how slow, in numbers.",
            },
          ],
          ["finish_review", { summary: "Needs numbers." }],
        ]),
        turnFor(provider, [["finish_review", { summary: "Needs numbers." }]]),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code, run.stderr + run.stdout).toBe(0);
    const blockComments = world.botComments().filter((comment) => comment.parent.block_id);
    expect(blockComments.map(textOf)).toEqual(["Say how slow, in numbers."]);
    expect(blockComments[0]!.parent.block_id).toBe(idFor("problem"));
    expect(world.model.requests).toHaveLength(2);
    const feedback = JSON.stringify(world.model.requests[1]!.body);
    expect(feedback).toContain("b42 is not a block of this document");
    expect(feedback).toContain("does not occur in b2");
    expect(feedback).toContain("t9 is not a discussion of this document");
    expect(feedback).toContain("Not finished yet: 3 call(s) in this turn failed");
    expect(run.stdout).toContain("Tool calls refused and never posted (3)");
  });

  it("posts at most the configured number of comments, most severe first, and lists the rest in the summary", async () => {
    world = await ReviewWorld.start({
      provider,
      settings: { maxInlineComments: 2, minimumInlineSeverity: "major" },
      script: [
        turnFor(provider, [
          [
            "comment_on_block",
            { block: "b2", quote: "Logins are slow", severity: "minor", comment: "Quantify slow." },
          ],
          [
            "comment_on_block",
            { block: "b9", quote: "identity team", severity: "major", comment: "Who is on call?" },
          ],
          [
            "comment_on_block",
            {
              block: "b7",
              quote: "Monitor latency",
              severity: "major",
              comment: "Which percentile, which threshold?",
            },
          ],
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." },
          ],
          ["finish_review", { summary: "Verdict: not ready." }],
        ]),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code, run.stderr + run.stdout).toBe(0);
    const blockComments = world.botComments().filter((comment) => comment.parent.block_id);
    expect(blockComments.map((comment) => comment.parent.block_id)).toEqual([
      idFor("weekend"),
      idFor("monitor"),
    ]);
    const summary = textOf(world.botComments().find((comment) => comment.parent.page_id)!);
    expect(summary).toContain("Also noted");
    expect(summary).toContain("• major — on “The identity team owns the new cluster.”: Who is on call?");
    expect(summary).toContain("• minor — on “Logins are slow every Monday morning.”: Quantify slow.");
  });

  it("posts nothing on a dry run and prints the review as JSON", async () => {
    world = await ReviewWorld.start({
      provider,
      comments: question,
      script: [
        turnFor(provider, [
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "major", comment: "Stage it." },
          ],
          ["reply_in_thread", { thread: "t1", comment: "Probably not." }],
          ["finish_review", { summary: "Not ready." }],
        ]),
      ],
    });

    const run = await world.margin([
      "review",
      `https://www.notion.so/RFC-${world.pageId.replace(/-/g, "")}`,
      "--prompt",
      "RFC Reviewer",
      "--dry-run",
      "--json",
    ]);

    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(world.botComments()).toEqual([]);
    const output = JSON.parse(run.stdout);
    expect(output.outcome).toEqual({ kind: "dry_run" });
    expect(output.comments).toEqual([
      expect.objectContaining({
        block: "b5",
        excerpt: "Move every user in one weekend.",
        severity: "major",
        comment: "Stage it.",
        posted: null,
      }),
    ]);
    expect(output.replies).toEqual([
      expect.objectContaining({
        thread: "t1",
        question: "Is one weekend enough for the move?",
        reply: "Probably not.",
      }),
    ]);
    expect(output.roundTrips).toBe(1);
    expect(output.usage.inputTokens).toBeGreaterThan(0);
  });
});

describe("margin review against an unreliable Notion", () => {
  it("completes with no duplicate comment when the emulator fails requests at random", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      emulator: { failRate: 0.15, randomSeed: 42 },
      comments: question,
      script: [
        turnFor("openai", [
          [
            "comment_on_block",
            { block: "b4", quote: "four shards", severity: "major", comment: "Why four?" },
          ],
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." },
          ],
          [
            "comment_on_block",
            { block: "b6", quote: "fallback", severity: "minor", comment: "For how long?" },
          ],
          ["reply_in_thread", { thread: "t1", comment: "No." }],
          ["finish_review", { summary: "Not ready." }],
        ]),
      ],
    });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.stderr).not.toContain("unexpected");
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(world.emulator.counters.snapshot().total.injectedFailures).toBeGreaterThan(0);
    const texts = world.botComments().map(textOf).sort();
    expect(texts).toHaveLength(5);
    expect(new Set(texts).size).toBe(5);
  }, 60_000);

  it("does not post a comment again when Notion committed it but answered 503", async () => {
    world = await ReviewWorld.start({
      provider: "anthropic",
      script: [
        turnFor("anthropic", [
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." },
          ],
          ["finish_review", { summary: "Not ready." }],
        ]),
      ],
    });
    world.emulator.faults.script({ endpoint: "POST /v1/comments", status: 503, afterCommit: true });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(world.botComments().map(textOf)).toEqual([
      "Critical: No rollback.",
      expect.stringContaining("Not ready."),
    ]);
    expect(world.emulator.counters.snapshot().endpoints["POST /v1/comments"]!.requests).toBe(2);
  });

  it("reports exactly what was posted when Notion keeps failing", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      script: [
        turnFor("openai", [
          ["comment_on_block", { block: "b2", quote: "slow", severity: "major", comment: "How slow?" }],
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." },
          ],
          ["finish_review", { summary: "Not ready." }],
        ]),
      ],
    });
    world.emulator.faults.script({ endpoint: "POST /v1/comments", status: 400, count: 1 });
    // The first post is refused for good; nothing after it is attempted.

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer", "--json"]);

    expect(run.code, run.stderr + run.stdout).toBe(1);
    const output = JSON.parse(run.stdout);
    expect(output.publishFailure).toMatchObject({
      key: expect.any(String),
      item: 'the comment on b2 ("How slow?")',
    });
    expect(output.notPosted.map((entry: { item: string }) => entry.item)).toEqual([
      'the comment on b5 ("No rollback.")',
      "the summary",
    ]);
    expect(world.botComments()).toEqual([]);
  });

  it("tells two comments on one block apart in its report, the posted one from the one Notion refused", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      script: [
        turnFor("openai", [
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." },
          ],
          [
            "comment_on_block",
            { block: "b5", quote: "weekend", severity: "major", comment: "Who is on call?" },
          ],
          ["finish_review", { summary: "Not ready." }],
        ]),
      ],
    });
    // The first comment goes through; the second is refused for good.
    world.emulator.faults.script({ endpoint: "POST /v1/comments", status: 400, skip: 1 });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer", "--json"]);

    expect(run.code, run.stderr + run.stdout).toBe(1);
    const output = JSON.parse(run.stdout);
    const onPage = world.botComments();
    expect(onPage.map(textOf)).toEqual(["Critical: No rollback."]);
    expect(
      output.comments.map((entry: { comment: string; posted: string[] | null }) => [
        entry.comment,
        entry.posted,
      ]),
    ).toEqual([
      ["No rollback.", [onPage[0]!.id]],
      ["Who is on call?", null],
    ]);
    expect(new Set(output.comments.map((entry: { key: string }) => entry.key)).size).toBe(2);
    expect(output.publishFailure.item).toBe('the comment on b5 ("Who is on call?")');
  });
});
