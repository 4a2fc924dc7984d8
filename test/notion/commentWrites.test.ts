/**
 * What one comment write may cost when Notion keeps failing: retries have one owner per layer (the SDK
 * retries a rate limit, honouring Retry-After; Margin retries only an outcome it cannot know, after looking
 * on the page), and each write is bounded in requests and in time, as the README states.
 */
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { NotionWriteError } from "../../lambda/errors.ts";
import { createNotionClient, SDK_RETRIES } from "../../lambda/notion/createNotionClient.ts";
import { WRITE_ATTEMPTS } from "../../lambda/notion/NotionCommentWriter.ts";
import { notionAdapters } from "../../lambda/notion/notionAdapters.ts";
import { ReviewWorld, TOKEN, textOf } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function writer() {
  world = await ReviewWorld.start({ provider: "openai" });
  const client = createNotionClient({
    token: TOKEN,
    baseUrl: world.emulator.url,
    requestsPerMinute: 100_000,
  });
  return notionAdapters(client, { writePauseMs: 0 }).comments;
}

/** A writer that knows of no earlier comment on the page. */
const NONE_KNOWN = async () => new Set<string>();

const requestsTo = (endpoint: string) =>
  world!.emulator.counters.snapshot().endpoints[endpoint]?.requests ?? 0;

describe("one comment write against a failing Notion", () => {
  it("answered 429 forever, makes the SDK's retries and no more", async () => {
    const comments = await writer();
    world!.emulator.faults.script({ endpoint: "POST /v1/comments", status: 429, count: 1_000 });

    const failure = await comments
      .postComment({ kind: "block", blockId: idFor("weekend") }, "No rollback.", "RFC Reviewer", NONE_KNOWN)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NotionWriteError);
    expect((failure as NotionWriteError).status).toBe(429);
    expect(requestsTo("POST /v1/comments")).toBe(1 + SDK_RETRIES);
  });

  it("told to wait an hour, fails the write at once as worth trying later instead of waiting", async () => {
    // Retry-After pauses the token's budget for everyone; a wait longer than a request may wait
    // (MAX_BUDGET_WAIT_MS) is left to the queue's next attempt. Were it waited for, this test would time out.
    const comments = await writer();
    world!.emulator.faults.script({
      endpoint: "POST /v1/comments",
      status: 429,
      count: 1_000,
      retryAfterSeconds: 3_600,
    });

    const failure = await comments
      .postComment({ kind: "block", blockId: idFor("weekend") }, "No rollback.", "RFC Reviewer", NONE_KNOWN)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NotionWriteError);
    expect((failure as NotionWriteError).transient).toBe(true);
    expect((failure as NotionWriteError).message).toMatch(/rate limit holds Margin's requests until/);
    expect(requestsTo("POST /v1/comments")).toBe(1);
  });

  it("answered 503 forever (an outcome it cannot know), looks on the page before each retry, and stops after its attempts", async () => {
    const comments = await writer();
    world!.emulator.faults.script({ endpoint: "POST /v1/comments", status: 503, count: 1_000 });

    const failure = await comments
      .postComment({ kind: "block", blockId: idFor("weekend") }, "No rollback.", "RFC Reviewer", NONE_KNOWN)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NotionWriteError);
    expect(requestsTo("POST /v1/comments")).toBe(WRITE_ATTEMPTS);
    expect(requestsTo("GET /v1/comments")).toBe(WRITE_ATTEMPTS - 1);
    expect(world!.botComments()).toEqual([]);
  });

  it.each([
    ["a mention", `Ask <mention-user url="user://${idFor("ana")}">Ana</mention-user> about it.`],
    [
      "a link, code and an equation",
      "See [the runbook](https://example.com/runbook), run `make cutover`, $x^2$.",
    ],
    ["escapes and emoji", "Keep \\*stars\\* and 5 \\< 6 literal 🚀"],
  ])(
    "recognises its own comment holding %s after a 5xx that committed it, and posts it once",
    async (_what, text) => {
      const comments = await writer();
      world!.emulator.faults.script({ endpoint: "POST /v1/comments", status: 503, afterCommit: true });

      const written = await comments.postComment(
        { kind: "block", blockId: idFor("weekend") },
        text,
        "RFC Reviewer",
        NONE_KNOWN,
      );

      const posted = world!.botComments();
      expect(posted).toHaveLength(1);
      expect(written.id).toBe(posted[0]!.id);
      expect(requestsTo("POST /v1/comments")).toBe(1);
    },
  );

  it("does not take a note it left on the page under the same name for the summary it is writing", async () => {
    const comments = await writer();
    const page = { kind: "page", pageId: world!.pageId } as const;
    // A note Margin keeps no record of (the queue gave up on a review), posted the same minute.
    await comments.postComment(
      page,
      "I could not review this page: Notion kept failing.",
      "RFC Reviewer",
      NONE_KNOWN,
    );
    world!.emulator.faults.script({ endpoint: "POST /v1/comments", status: 503 });

    const written = await comments.postComment(page, "**Verdict:** not ready.", "RFC Reviewer", NONE_KNOWN);

    const posted = world!.botComments();
    expect(posted.map(textOf)).toEqual([
      "I could not review this page: Notion kept failing.",
      "Verdict: not ready.",
    ]);
    expect(written.id).toBe(posted[1]!.id);
  });

  it("does not take a comment it posted a moment before on the same block for the one it is writing", async () => {
    const comments = await writer();
    const first = await comments.postComment(
      { kind: "block", blockId: idFor("weekend") },
      "First point.",
      "RFC Reviewer",
      NONE_KNOWN,
    );
    // The second comment's first attempt fails before Notion writes anything.
    world!.emulator.faults.script({ endpoint: "POST /v1/comments", status: 503 });

    const second = await comments.postComment(
      { kind: "block", blockId: idFor("weekend") },
      "Second point.",
      "RFC Reviewer",
      async () => new Set([first.id]),
    );

    expect(second.id).not.toBe(first.id);
    expect(world!.botComments().map(textOf)).toEqual(["First point.", "Second point."]);
  });

  it("does not write again blind when the page cannot be checked after an unknown outcome", async () => {
    const comments = await writer();
    world!.emulator.faults.script({ endpoint: "POST /v1/comments", status: 503, afterCommit: true });
    world!.emulator.faults.script({ endpoint: "GET /v1/comments", status: 502, count: 1_000 });

    const failure = await comments
      .postComment({ kind: "block", blockId: idFor("weekend") }, "No rollback.", "RFC Reviewer", NONE_KNOWN)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NotionWriteError);
    expect((failure as Error).message).toMatch(/could not be checked/);
    expect(requestsTo("POST /v1/comments")).toBe(1);
    expect(world!.botComments()).toHaveLength(1);
  });
});
