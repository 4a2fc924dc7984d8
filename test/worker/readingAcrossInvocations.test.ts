/**
 * A review whose reading outlives one invocation of the worker: `margin serve` enforces the worker's
 * timeout (MARGIN_WORKER_TIMEOUT_SECONDS) as Lambda does, the job keeps what it read when reading must stop,
 * and continuations read only what is left. Compared with the same page read in one go.
 */
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { loadWebhook } from "../support/fixtures.ts";
import { ReviewWorld, textOf, turnFor } from "../support/reviewWorld.ts";
import { type SpawnedServer, spawnServer } from "../support/spawnServer.ts";

const SECRET = "whsec_invocations_test";
/** The page of the recorded automation delivery. */
const PAGE = "2a1c4e6f-9b3d-8099-a1b2-c3d4e5f6a7b8";
const LINES = 240;
/** A long plan: one paragraph per line, each named so a comment can point at it. */
const LONG_PLAN = Array.from(
  { length: LINES },
  (_, index) => `Step ${index + 1} of the migration plan. ^step${index + 1}`,
).join("\n");

let worlds: ReviewWorld[] = [];
let serves: SpawnedServer[] = [];
afterEach(async () => {
  await Promise.all(serves.map((serve) => serve.stop()));
  await Promise.all(worlds.map((world) => world.close()));
  serves = [];
  worlds = [];
});

/** Reviews the long plan through `margin serve` with the given worker timeout; returns what it cost. */
async function reviewThroughServe(timeoutSeconds?: string) {
  const world = await ReviewWorld.start({
    provider: "openai",
    docIds: [PAGE, "doc-2"],
    markdown: LONG_PLAN,
    // Each Notion answer takes a while, as it does over the internet: reading takes several seconds.
    emulator: { latencyMs: 25 },
    script: [
      turnFor("openai", [
        [
          "comment_on_block",
          { block: "b200", quote: "Step 200", severity: "major", comment: "Who runs step 200?" },
        ],
        ["finish_review", { summary: "Mostly ready." }],
      ]),
    ],
  });
  worlds.push(world);
  const env = world.env({
    MARGIN_WEBHOOK_SECRET: SECRET,
    ...(timeoutSeconds ? { MARGIN_WORKER_TIMEOUT_SECONDS: timeoutSeconds } : {}),
  });
  const serve = await spawnServer("bin/margin.js", ["serve", "--port", "0", "--retry-delay-ms", "50"], env);
  serves.push(serve);
  const posted = serve.logged("Review posted");
  const response = await fetch(`${serve.url}/?prompt=RFC%20Reviewer`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify(loadWebhook("automation-2026-shape")),
  });
  expect(response.status).toBe(202);
  await posted;
  const endpoints = world.emulator.counters.snapshot().endpoints;
  const reads = Object.entries(endpoints)
    .filter(([endpoint]) => endpoint.startsWith("GET ") || endpoint.endsWith("/query"))
    .reduce((sum, [, count]) => sum + count.requests, 0);
  return { world, serve, reads };
}

describe("a review whose reading outlives one invocation", () => {
  it("reads across several invocations, asks the model once, posts once, and reads nothing twice", async () => {
    const whole = await reviewThroughServe();
    const split = await reviewThroughServe("1");

    // Reading 240 blocks and their discussions at 25 ms an answer takes seconds: far more than one
    // invocation of one second leaves for reading.
    const continued = split.serve.output().split("the review continues in a new one").length - 1;
    expect(continued).toBeGreaterThanOrEqual(2);
    expect(split.world.model.requests).toHaveLength(1);
    const texts = split.world.botComments().map(textOf);
    expect(texts).toEqual(["Major: Who runs step 200?", expect.stringMatching(/^Mostly ready\./)]);
    expect(split.world.botComments()[0]!.parent.block_id).toBe(idFor("step200"));
    expect(split.reads).toBeGreaterThan(LINES);
    expect(split.reads).toBeLessThanOrEqual(whole.reads * 1.05);
    expect(whole.serve.output()).not.toContain("continues in a new one");
  }, 60_000);
});
