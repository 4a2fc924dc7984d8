/**
 * The same behaviour, checked against both ledgers: the file one, and the DynamoDB one against a real
 * DynamoDB-compatible server.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoLedger } from "../../lambda/ledger/DynamoLedger.ts";
import { FileLedger } from "../../lambda/ledger/FileLedger.ts";
import type { PostedComment } from "../../lambda/review/model/ReviewComment.ts";
import type { Ledger, RunRecord } from "../../lambda/review/ports/Ledger.ts";
import { type LocalDynamo, startLocalDynamo } from "../support/dynamoWorld.ts";

let dynamo: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const ledgers: Array<[string, () => Promise<Ledger>]> = [
  [
    "the file ledger",
    async () => new FileLedger(join(mkdtempSync(join(tmpdir(), "margin-ledger-")), "ledger.json")),
  ],
  [
    "the DynamoDB ledger",
    async () => {
      const table = `ledger-${++tables}`;
      await dynamo.createTable(table);
      return DynamoLedger.at(table, dynamo.endpoint);
    },
  ],
];

const comment = (key: string, postedAt: string, extra: Partial<PostedComment> = {}): PostedComment => ({
  key,
  kind: "comment",
  blockId: "block-1",
  quote: "one weekend",
  severity: "major",
  text: "Stage it.",
  posted: { commentIds: [`comment-${key}`], discussionId: `discussion-${key}`, at: postedAt, runId: "run-1" },
  ...extra,
});

const run = (runId: string): RunRecord => ({
  runId,
  pageId: "page-1",
  promptId: "prompt-1",
  createdAt: "2026-11-22T10:00:00.000Z",
  mode: "review",
  status: "planned",
  comments: [
    {
      key: "comment:block-1:0",
      kind: "comment",
      ref: "b1",
      blockId: "block-1",
      text: "Stage it.",
      severity: "major",
      quote: "one weekend",
    },
  ],
  states: {},
  fingerprints: { "block-1": "abc" },
});

describe.each(ledgers)("%s", (_name, open) => {
  it("remembers a reviewer's review of a page and every comment it posted, once each, oldest first", async () => {
    const ledger = await open();

    await ledger.addComment("page-1", "prompt-1", comment("b", "2026-11-22T10:01:00.000Z"));
    await ledger.addComment("page-1", "prompt-1", comment("a", "2026-11-22T10:00:00.000Z"));
    await ledger.addComment(
      "page-1",
      "prompt-1",
      comment("a", "2026-11-22T10:00:00.000Z", { text: "A second try." }),
    );
    await ledger.saveReview("page-1", "prompt-1", {
      lastReviewedAt: "2026-11-22T10:02:00.000Z",
      blocks: { "block-1": "abc" },
      summary: { commentId: "s1", discussionId: "d1" },
    });
    await ledger.saveReview("page-1", "prompt-2", { lastReviewedAt: "2026-11-22T11:00:00.000Z", blocks: {} });

    const memory = await ledger.memory("page-1", "prompt-1");
    expect(memory).toEqual({
      pageId: "page-1",
      promptId: "prompt-1",
      lastReviewedAt: "2026-11-22T10:02:00.000Z",
      blocks: { "block-1": "abc" },
      summary: { commentId: "s1", discussionId: "d1" },
      comments: [comment("a", "2026-11-22T10:00:00.000Z"), comment("b", "2026-11-22T10:01:00.000Z")],
    });
    expect((await ledger.memoriesOf("page-1")).map((entry) => entry.promptId).sort()).toEqual([
      "prompt-1",
      "prompt-2",
    ]);
    expect(await ledger.memory("page-2", "prompt-1")).toBeUndefined();
  });

  it("keeps the summary it had when a later review records none", async () => {
    const ledger = await open();

    await ledger.saveReview("page-1", "prompt-1", {
      lastReviewedAt: "2026-11-21T00:00:00.000Z",
      blocks: {},
      summary: { commentId: "s1", discussionId: "d1" },
    });
    await ledger.saveReview("page-1", "prompt-1", {
      lastReviewedAt: "2026-11-22T00:00:00.000Z",
      blocks: { x: "1" },
    });

    expect((await ledger.memory("page-1", "prompt-1"))?.summary).toEqual({
      commentId: "s1",
      discussionId: "d1",
    });
  });

  it("remembers the run still being posted until a review is recorded without one", async () => {
    const ledger = await open();

    await ledger.saveReview("page-1", "prompt-1", {
      lastReviewedAt: "2026-11-21T00:00:00.000Z",
      blocks: { x: "1" },
      unfinishedRunId: "run-1",
    });
    const during = await ledger.memory("page-1", "prompt-1");
    await ledger.saveReview("page-1", "prompt-1", {
      lastReviewedAt: "2026-11-21T00:00:00.000Z",
      blocks: { x: "1" },
    });

    expect(during?.unfinishedRunId).toBe("run-1");
    expect((await ledger.memory("page-1", "prompt-1"))?.unfinishedRunId).toBeUndefined();
  });

  it("indexes the blocks known to carry discussions, a full scan replacing the list", async () => {
    const ledger = await open();

    await ledger.indexDiscussions("page-1", ["b2", "b1"]);
    await ledger.indexDiscussions("page-1", ["b3", "b1"]);
    const added = await ledger.discussionIndex("page-1");
    await ledger.indexDiscussions("page-1", ["b9"], "2026-11-22T12:00:00.000Z");

    expect(added).toEqual({ blockIds: ["b1", "b2", "b3"] });
    expect(await ledger.discussionIndex("page-1")).toEqual({
      blockIds: ["b9"],
      scannedAt: "2026-11-22T12:00:00.000Z",
    });
    expect(await ledger.discussionIndex("page-2")).toEqual({ blockIds: [] });
  });

  it("keeps a run's plan from its first attempt, and the state of each comment", async () => {
    const ledger = await open();

    const first = await ledger.startRun(run("run-1"));
    await ledger.setCommentState("run-1", "comment:block-1:0", {
      state: "attempted",
      at: "2026-11-22T10:00:00.000Z",
    });
    const retry = await ledger.startRun({ ...run("run-1"), comments: [] });
    await ledger.setCommentState("run-1", "comment:block-1:0", {
      state: "posted",
      at: "2026-11-22T10:00:01.000Z",
      commentIds: ["c1"],
      discussionId: "d1",
    });
    await ledger.finishRun("run-1");

    expect(first).toEqual(run("run-1"));
    expect(retry.comments).toHaveLength(1);
    expect(retry.states["comment:block-1:0"]).toEqual({ state: "attempted", at: "2026-11-22T10:00:00.000Z" });
    expect(await ledger.run("run-1")).toMatchObject({
      status: "done",
      states: { "comment:block-1:0": { state: "posted", commentIds: ["c1"] } },
    });
    expect(await ledger.run("run-2")).toBeUndefined();
  });

  it("lets a delivery be claimed once until it expires or is given back", async () => {
    const ledger = await open();

    const first = await ledger.claimDelivery("event-1", new Date(Date.now() + 60_000));
    const again = await ledger.claimDelivery("event-1", new Date(Date.now() + 60_000));
    const expired = await ledger.claimDelivery("event-2", new Date(Date.now() - 1000));
    const afterExpiry = await ledger.claimDelivery("event-2", new Date(Date.now() + 60_000));

    await ledger.releaseDelivery("event-1");
    const released = await ledger.claimDelivery("event-1", new Date(Date.now() + 60_000));

    expect([first, again, expired, afterExpiry, released]).toEqual([true, false, true, true, true]);
  });

  it("counts the replies given in a discussion since a time, once per run", async () => {
    const ledger = await open();

    await ledger.recordReply("d1", "2026-11-21T09:00:00.000Z", "run-a");
    await ledger.recordReply("d1", "2026-11-22T09:00:00.000Z", "run-b");
    await ledger.recordReply("d1", "2026-11-22T10:00:00.000Z", "run-c");
    await ledger.recordReply("d2", "2026-11-22T10:00:00.000Z", "run-d");

    expect(await ledger.countReplies("d1", "2026-11-22T00:00:00.000Z")).toBe(2);
    expect(await ledger.countReplies("d3", "2026-11-22T00:00:00.000Z")).toBe(0);
  });
});
