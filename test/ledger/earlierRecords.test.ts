/**
 * Records written by the ledger's earlier layout (a run's `items`, a memory's comments with `postedAt` and
 * `commentIds` at the top, runs without their reviewer's name) are read in the current shape, so a
 * deployment's memory and its unfinished runs survive the upgrade; a record Margin did not write is refused
 * with what is wrong.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { FileLedger } from "../../lambda/ledger/FileLedger.ts";
import { createNotionClient } from "../../lambda/notion/createNotionClient.ts";
import { notionAdapters } from "../../lambda/notion/notionAdapters.ts";
import { resumeRun } from "../../lambda/review/resumeRun.ts";
import { ReviewWorld, TOKEN, textOf } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function ledgerFile(content: Record<string, unknown>): FileLedger {
  const file = join(mkdtempSync(join(tmpdir(), "margin-earlier-")), "ledger.json");
  writeFileSync(
    file,
    JSON.stringify({ memories: {}, discussions: {}, runs: {}, deliveries: {}, replies: {}, ...content }),
  );
  return new FileLedger(file);
}

/** A planned reply in the earlier layout: its plan in `items`, and no reviewer's name. */
function earlierReplyRun(discussionId: string, anchorId: string) {
  return {
    runId: "run-reply",
    pageId: "page-1",
    promptId: "prompt-1",
    createdAt: "2026-11-20T09:00:00.000Z",
    mode: "reply",
    status: "planned",
    states: {},
    fingerprints: {},
    items: [
      {
        key: "reply:t1",
        item: { kind: "reply", text: "Per shard is enough.", ref: "t1", discussionId, anchorId },
      },
    ],
  };
}

describe("ledger records of the earlier layout", () => {
  it("reads a run's items as its comments and a memory's comments as posted ones", async () => {
    const ledger = ledgerFile({
      runs: {
        "run-1": {
          ...earlierReplyRun("discussion-1", "block-1"),
          runId: "run-1",
          mode: "review",
          items: [
            {
              key: "comment:block-1:0",
              item: {
                kind: "comment",
                text: "Stage it.",
                ref: "b1",
                blockId: "block-1",
                replaceCommentId: "c0",
              },
              quote: "one weekend",
              severity: "major",
            },
          ],
        },
      },
      memories: {
        "page-1|prompt-1": {
          pageId: "page-1",
          promptId: "prompt-1",
          lastReviewedAt: "2026-11-20T09:05:00.000Z",
          blocks: { "block-1": "abc" },
          comments: {
            "run-1:comment:block-1:0": {
              key: "run-1:comment:block-1:0",
              kind: "comment",
              blockId: "block-1",
              quote: "one weekend",
              severity: "major",
              discussionId: "discussion-1",
              commentIds: ["c1"],
              text: "Stage it.",
              postedAt: "2026-11-20T09:04:00.000Z",
              runId: "run-1",
            },
          },
        },
      },
    });

    expect((await ledger.run("run-1"))?.comments).toEqual([
      {
        key: "comment:block-1:0",
        kind: "comment",
        text: "Stage it.",
        ref: "b1",
        blockId: "block-1",
        replaces: "c0",
        quote: "one weekend",
        severity: "major",
      },
    ]);
    expect((await ledger.memory("page-1", "prompt-1"))?.comments).toEqual([
      {
        key: "comment:block-1:0",
        kind: "comment",
        text: "Stage it.",
        blockId: "block-1",
        quote: "one weekend",
        severity: "major",
        posted: {
          commentIds: ["c1"],
          discussionId: "discussion-1",
          at: "2026-11-20T09:04:00.000Z",
          runId: "run-1",
        },
      },
    ]);
  });

  it("refuses a record Margin did not write, saying what is wrong and what to do", async () => {
    const ledger = ledgerFile({ runs: { "run-x": { runId: "run-x", status: "sideways" } } });

    await expect(ledger.run("run-x")).rejects.toThrow(
      /The ledger's record of run run-x is not one Margin wrote \(.+\)\. Remove the record, or restore the ledger from a backup\./,
    );
  });

  it("resumes a planned reply kept without its reviewer's name, under the name of the run's prompt", async () => {
    world = await ReviewWorld.start({ provider: "openai" });
    const question = world.emulator.control.addComment({
      author: "bo",
      block_id: idFor("weekend"),
      text: "Is per shard enough?",
    });
    const ledger = ledgerFile({
      runs: { "run-reply": earlierReplyRun(question.discussion_id, idFor("weekend")) },
    });
    const client = createNotionClient({ token: TOKEN, baseUrl: world.emulator.url });
    const names: string[] = [];

    const resumed = await resumeRun(
      "run-reply",
      { comments: notionAdapters(client).comments, ledger },
      async (promptId) => {
        names.push(promptId);
        return "RFC Reviewer";
      },
    );

    expect(names).toEqual(["prompt-1"]);
    expect(resumed?.kind).toBe("resumed");
    const thread = world.discussion(question.discussion_id);
    expect(thread.map(textOf)).toEqual(["Is per shard enough?", "Per shard is enough."]);
    expect(thread[1]!.display_name.resolved_name).toBe("RFC Reviewer");
    expect((await ledger.run("run-reply"))?.status).toBe("done");
  });
});
