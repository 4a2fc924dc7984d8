import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { ledgerFor, readConfig } from "../../lambda/config/config.ts";
import { ledgerKinds } from "../support/ledgerKinds.ts";
import { ReviewWorld, textOf, turnFor } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const firstReview = turnFor("openai", [
  [
    "comment_on_block",
    { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback if the move fails." },
  ],
  [
    "comment_on_block",
    { block: "b9", quote: "identity team", severity: "major", comment: "Who is on call for it?" },
  ],
  ["finish_review", { summary: "Not ready." }],
]);

/** A world whose model reviews the page once with two comments, then twice finds nothing new. */
function reviewedThreeTimes(): Promise<ReviewWorld> {
  return ReviewWorld.start({
    provider: "openai",
    script: [
      firstReview,
      turnFor("openai", [["finish_review", { summary: "Same." }]]),
      turnFor("openai", [["finish_review", { summary: "Same." }]]),
    ],
  });
}

/** How many times the page's and its blocks' discussions were listed. */
function commentListings(current: ReviewWorld): number {
  return current.emulator.counters.snapshot().endpoints["GET /v1/comments"]?.requests ?? 0;
}

/** The same behaviour with the memory in a local file and in DynamoDB. */
const LEDGERS = ledgerKinds("rereview");

describe.each(LEDGERS)("a re-review from the reviewer's memory in %s", (_name, ledgerEnv) => {
  it("does not raise again a point a person resolved, and shows the model it was resolved", async () => {
    const ledger = await ledgerEnv();
    world = await ReviewWorld.start({
      provider: "openai",
      settings: { reReview: "full" },
      script: [
        firstReview,
        turnFor("openai", [
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "critical", comment: "Still no rollback." },
          ],
          ["finish_review", { summary: "Still not ready." }],
        ]),
        turnFor("openai", [["finish_review", { summary: "Still not ready." }]]),
      ],
    });
    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], world.env(ledger));
    const onWeekend = world.botComments().find((comment) => comment.parent.block_id === idFor("weekend"))!;
    world.emulator.control.resolveDiscussion(onWeekend.discussion_id);

    const second = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env(ledger),
    );

    expect(second.code, second.stderr).toBe(0);
    expect(
      world
        .botComments()
        .filter((comment) => comment.parent.block_id === idFor("weekend"))
        .map(textOf),
    ).toEqual(["Critical: No rollback if the move fails."]);
    const input = JSON.stringify(world.model.requests[1]!.body);
    expect(input).toContain("(resolved) RFC Reviewer (you)");
    expect(input).toContain("No rollback if the move fails.");
    expect(JSON.stringify(world.model.requests[2]!.body)).toContain(
      "You raised a point on b5 before and someone resolved it",
    );
  });

  it("posts no new inline comment on an unchanged page re-reviewed with changed, and edits its summary in place", async () => {
    const ledger = await ledgerEnv();
    world = await ReviewWorld.start({
      provider: "anthropic",
      settings: { reReview: "changed", summary: "update" },
      script: [
        turnFor("anthropic", [
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." },
          ],
          ["finish_review", { summary: "Not ready." }],
        ]),
        turnFor("anthropic", [
          [
            "comment_on_block",
            { block: "b2", quote: "Logins are slow", severity: "minor", comment: "How slow?" },
          ],
          ["finish_review", { summary: "Nothing changed; still not ready." }],
        ]),
        turnFor("anthropic", [["finish_review", { summary: "Nothing changed; still not ready." }]]),
      ],
    });
    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], world.env(ledger));
    const summaryBefore = world.botComments().find((comment) => comment.parent.page_id)!;

    const second = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env(ledger),
    );

    expect(second.code, second.stderr).toBe(0);
    const comments = world.botComments();
    expect(comments.filter((comment) => comment.parent.block_id).map(textOf)).toEqual([
      "Critical: No rollback.",
    ]);
    const summaries = comments.filter((comment) => comment.parent.page_id);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.id).toBe(summaryBefore.id);
    expect(textOf(summaries[0]!)).toMatch(
      /^Nothing changed; still not ready\.\n\nUpdated \d{4}-\d{2}-\d{2} · 0 blocks changed and 0 new since \d{4}-\d{2}-\d{2} · 1 comment on the page \(0 new\)$/,
    );
    expect(JSON.stringify(world.model.requests[2]!.body)).toContain(
      "b2 has not changed since your last review",
    );
  });

  it("marks the blocks that changed and the new ones, and lets the reviewer comment on those", async () => {
    const ledger = await ledgerEnv();
    world = await ReviewWorld.start({
      provider: "openai",
      script: [
        firstReview,
        turnFor("openai", [
          [
            "comment_on_block",
            {
              block: "b5",
              quote: "three weekends",
              severity: "minor",
              comment: "Better: say how you roll back each stage.",
            },
          ],
          ["finish_review", { summary: "Closer." }],
        ]),
      ],
    });
    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], world.env(ledger));
    world.emulator.control.editBlock("weekend", {
      bulleted_list_item: {
        rich_text: [{ text: { content: "Move users over three weekends, a shard at a time." } }],
      },
    });
    world.emulator.control.insertBlocks({
      parent_id: world.pageId,
      markdown: "A rollback runbook is linked from the plan.",
    });

    const second = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env(ledger),
    );

    expect(second.code, second.stderr).toBe(0);
    const input = JSON.stringify(world.model.requests[1]!.body);
    expect(input).toContain("b5 (changed) - Move users over three weekends");
    expect(input).toContain("(new) A rollback runbook is linked from the plan.");
    expect(input).toContain("1 block changed and 1 new since");
    expect(
      world
        .botComments()
        .filter((comment) => comment.parent.block_id === idFor("weekend"))
        .map(textOf),
    ).toContain("Better: say how you roll back each stage.");
  });

  it("lists discussions only where they can be once the page is known, and all of them again when the index is old", async () => {
    const ledger = await ledgerEnv();
    world = await reviewedThreeTimes();
    const commentReads = () => commentListings(world!);

    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], world.env(ledger));
    const first = commentReads();
    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], world.env(ledger));
    const second = commentReads() - first;
    await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env({ ...ledger, MARGIN_FULL_SCAN_HOURS: "0" }),
    );
    const third = commentReads() - first - second;

    // The page and its 9 blocks at first; then the page and the 2 blocks Margin commented on.
    expect(first).toBe(10);
    expect(second).toBe(3);
    expect(third).toBe(10);
  });

  it("trusts the index comment events keep while they arrive, and lists all discussions again when a flow starts anew", async () => {
    const ledger = await ledgerEnv();
    world = await reviewedThreeTimes();
    const memory = ledgerFor(readConfig(world.env(ledger)), process.cwd());
    const hourAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const commentReads = () => commentListings(world!);
    // The webhook has been receiving comment events since before the first review listed the page.
    await memory.noteCommentEvent(hourAgo(2), hourAgo(74));
    const everyIndexIsOld = world.env({ ...ledger, MARGIN_FULL_SCAN_HOURS: "0" });

    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], world.env(ledger));
    const first = commentReads();
    await memory.noteCommentEvent(new Date().toISOString(), hourAgo(72));
    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], everyIndexIsOld);
    const trusted = commentReads() - first;
    // A silence longer than EVENT_SILENCE_HOURS: the flow that starts now vouches for nothing listed before it.
    await memory.noteCommentEvent(new Date().toISOString(), new Date(Date.now() + 1_000).toISOString());
    await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"], everyIndexIsOld);
    const afterSilence = commentReads() - first - trusted;

    expect(first).toBe(10);
    expect(trusted).toBe(3);
    expect(afterSilence).toBe(10);
  });
});
