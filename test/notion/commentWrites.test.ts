/**
 * What one comment write may cost when Notion keeps failing: retries have one owner per layer (the SDK
 * retries a rate limit, honouring Retry-After; Margin retries only an outcome it cannot know, after looking
 * on the page), and each write is bounded in requests and in time, as the README states.
 */
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { NotionWriteError } from "../../lambda/errors.ts";
import { createNotionClient, SDK_RETRIES } from "../../lambda/notion/createNotionClient.ts";
import { WRITE_ATTEMPTS, WRITE_DEADLINE_MS } from "../../lambda/notion/NotionCommentWriter.ts";
import { notionAdapters } from "../../lambda/notion/notionAdapters.ts";
import { ReviewWorld, TOKEN } from "../support/reviewWorld.ts";

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
    throttle: { requestsPerSecond: 1000, burst: 1000 },
  });
  return notionAdapters(client, { writePauseMs: 0 }).comments;
}

const requestsTo = (endpoint: string) =>
  world!.emulator.counters.snapshot().endpoints[endpoint]?.requests ?? 0;

describe("one comment write against a failing Notion", () => {
  it("answered 429 forever, makes the SDK's retries and no more, within the write's time bound", async () => {
    const comments = await writer();
    world!.emulator.faults.script({ endpoint: "POST /v1/comments", status: 429, count: 1_000 });
    const started = Date.now();

    const failure = await comments
      .postComment({ kind: "block", blockId: idFor("weekend") }, "No rollback.", "RFC Reviewer")
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NotionWriteError);
    expect((failure as NotionWriteError).status).toBe(429);
    expect(requestsTo("POST /v1/comments")).toBe(1 + SDK_RETRIES);
    // The emulator asks for 1 s between tries; the bound is generous so a loaded machine cannot fail it.
    expect(Date.now() - started).toBeLessThan(WRITE_DEADLINE_MS);
  });

  it("answered 503 forever (an outcome it cannot know), looks on the page before each retry, and stops after its attempts", async () => {
    const comments = await writer();
    world!.emulator.faults.script({ endpoint: "POST /v1/comments", status: 503, count: 1_000 });

    const failure = await comments
      .postComment({ kind: "block", blockId: idFor("weekend") }, "No rollback.", "RFC Reviewer")
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NotionWriteError);
    expect(requestsTo("POST /v1/comments")).toBe(WRITE_ATTEMPTS);
    expect(requestsTo("GET /v1/comments")).toBe(WRITE_ATTEMPTS - 1);
    expect(world!.botComments()).toEqual([]);
  });
});
