import { once } from "node:events";
import { signWebhookPayload } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { loadWebhook } from "../support/fixtures.ts";
import { ReviewWorld, textOf, turnFor } from "../support/reviewWorld.ts";
import { runMargin } from "../support/runMargin.ts";
import { type SpawnedServer, spawnServer } from "../support/spawnServer.ts";

const SECRET = "whsec_serve_test";
const RECORDED_PAGE = "23cac777-210d-80a8-a27d-e505f0cdf316";
const SECOND_PAGE = "2a1c4e6f-9b3d-8099-a1b2-c3d4e5f6a7b8";

let world: ReviewWorld | undefined;
let serve: SpawnedServer | undefined;
afterEach(async () => {
  await serve?.stop();
  await world?.close();
  serve = undefined;
  world = undefined;
});

async function post(url: string, body: unknown, query = "prompt=RFC%20Reviewer") {
  const response = await fetch(`${url}/?${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("margin serve", () => {
  it("reviews a page once for a delivery Notion sent twice, other pages at the same time, and explains a review that cannot run", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      docIds: [RECORDED_PAGE, SECOND_PAGE],
      // Neither review is answered until both are with the model: run one after the other, they would wait
      // for ever, and the test would time out.
      modelHoldUntil: 2,
      script: [
        turnFor("openai", [["finish_review", { summary: "Reviewed." }]]),
        turnFor("openai", [["finish_review", { summary: "Reviewed." }]]),
      ],
    });
    const env = world.env({ MARGIN_WEBHOOK_SECRET: SECRET });
    delete env.ANTHROPIC_API_KEY;
    serve = await spawnServer("bin/margin.js", ["serve", "--port", "0"], env);
    await serve.logged('Reviewers in the Prompts database: "Plan Reviewer", "RFC Reviewer".', 1);
    const twoReviews = serve.logged("Review posted", 2);
    const oneFailure = serve.logged("Review could not run", 1);

    const recorded = loadWebhook("automation-2025-07-recorded");
    const first = await post(serve.url, recorded);
    const retried = await post(serve.url, recorded);
    const second = await post(serve.url, loadWebhook("automation-2026-shape"));
    const failing = await post(
      serve.url,
      { ...(recorded as object), source: { type: "automation", event_id: "another-event" } },
      "prompt=Plan%20Reviewer&provider=anthropic",
    );
    await Promise.all([twoReviews, oneFailure]);

    expect(first).toEqual({
      status: 202,
      body: { queued: [{ page: RECORDED_PAGE, prompt: "RFC Reviewer" }] },
    });
    expect(retried).toMatchObject({
      status: 202,
      body: { queued: [], duplicate: expect.stringContaining("already taken") },
    });
    expect(second.status).toBe(202);
    expect(failing.status).toBe(202);
    const onRecorded = world
      .botComments()
      .filter((comment) => comment.parent.page_id === RECORDED_PAGE)
      .map(textOf);
    expect(onRecorded).toEqual([
      expect.stringMatching(/^Reviewed\./),
      "I could not review this page: Margin is not fully set up for this reviewer. Ask whoever runs Margin to check its configuration.",
    ]);
    expect(
      world
        .botComments()
        .filter((comment) => comment.parent.page_id === SECOND_PAGE)
        .map(textOf),
    ).toEqual([expect.stringMatching(/^Reviewed\./)]);
    expect(world.model.requests).toHaveLength(2);
  }, 30_000);

  it("resumes a review it was posting when it is killed and started again, posting every comment once", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      docIds: [SECOND_PAGE, "doc-2"],
      script: [
        turnFor("openai", [
          ["comment_on_block", { block: "b2", quote: "slow", severity: "major", comment: "How slow?" }],
          [
            "comment_on_block",
            { block: "b4", quote: "four shards", severity: "major", comment: "Why four?" },
          ],
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." },
          ],
          ["finish_review", { summary: "Not ready." }],
        ]),
      ],
    });
    const env = world.env({ MARGIN_WEBHOOK_SECRET: SECRET });
    serve = await spawnServer("bin/margin.js", ["serve", "--port", "0"], env);
    // The second comment is on its way to Notion when serve is killed; it still lands.
    const second = world.emulator.holds.hold("POST /v1/comments", { skip: 1 });

    const accepted = await post(serve.url, loadWebhook("automation-2026-shape"));
    await second.reached;
    serve.process.kill("SIGKILL");
    await once(serve.process, "exit");
    await second.release();
    const beforeTheRestart = world.botComments().length;
    serve = await spawnServer("bin/margin.js", ["serve", "--port", "0"], env);
    await serve.logged("Review posted");
    const retried = await post(serve.url, loadWebhook("automation-2026-shape"));

    expect(accepted.status).toBe(202);
    expect(beforeTheRestart).toBe(2);
    expect(world.botComments().map(textOf)).toEqual([
      "Major: How slow?",
      "Major: Why four?",
      "Critical: No rollback.",
      expect.stringMatching(/^Not ready\./),
    ]);
    expect(world.model.requests).toHaveLength(1);
    expect(retried.body).toMatchObject({ queued: [], duplicate: expect.stringContaining("already taken") });
  });

  it("answers a comment from /events by itself, once the operator has confirmed the token Notion sent", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      script: [turnFor("openai", [["reply_in_thread", { thread: "t1", comment: "A 2.4 s p95 is slow." }]])],
    });
    const env = world.env({ MARGIN_WEBHOOK_SECRET: SECRET });
    serve = await spawnServer("bin/margin.js", ["serve", "--port", "0"], env);
    const shown = serve.logged("Notion sent a verification token: secret_from_notion", 1);
    const replied = serve.logged("Reply posted", 1);

    const verification = await fetch(`${serve.url}/events`, {
      method: "POST",
      body: JSON.stringify({ verification_token: "secret_from_notion" }),
    });
    await shown;
    const confirmed = await runMargin(["events", "confirm", "secret_from_notion"], env);
    const question = world.emulator.control.addComment({
      author: "ana",
      block_id: "problem",
      text: "@RFC Reviewer how slow counts as slow here?",
    });
    const body = JSON.stringify({
      id: "evt-question",
      timestamp: new Date().toISOString(),
      type: "comment.created",
      authors: [{ id: idFor("ana"), type: "person" }],
      entity: { id: question.id, type: "comment" },
      data: { page_id: world.pageId, parent: { id: idFor("problem"), type: "block" } },
    });
    const signature = await signWebhookPayload({ body, verificationToken: "secret_from_notion" });
    const delivered = await fetch(`${serve.url}/events`, {
      method: "POST",
      headers: { "x-notion-signature": signature },
      body,
    });
    // No other delivery follows: the event alone must wake the worker.
    await replied;

    expect(verification.status).toBe(200);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(delivered.status).toBe(200);
    expect(world.discussion(question.discussion_id).map(textOf)).toEqual([
      "@RFC Reviewer how slow counts as slow here?",
      "A 2.4 s p95 is slow.",
    ]);
  });

  it("logs each review's figures in one line: outcome, reviewer, comments, replies, tokens, cost, Notion requests and 429s, durations", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      docIds: [SECOND_PAGE, "doc-2"],
      script: [
        turnFor("openai", [
          ["comment_on_block", { block: "b2", quote: "slow", severity: "major", comment: "How slow?" }],
          ["finish_review", { summary: "Nearly ready." }],
        ]),
      ],
    });
    serve = await spawnServer(
      "bin/margin.js",
      ["serve", "--port", "0"],
      world.env({ MARGIN_WEBHOOK_SECRET: SECRET }),
    );
    const counted = serve.logged("Review figures", 1);

    const accepted = await post(serve.url, loadWebhook("automation-2026-shape"));
    await counted;

    expect(accepted.status).toBe(202);
    const lines = serve.output().split("\n");
    expect(lines.find((line) => line.includes("Answered 202"))).toMatch(/outcome=queued/);
    const figures = lines.find((line) => line.includes("Review figures"))!;
    expect(figures).toMatch(
      /^\d\d:\d\d:\d\d Review figures {2}outcome=reviewed reviewer=RFC Reviewer commentsPosted=1 repliesPosted=0 uncachedInputTokens=800 cacheReadTokens=200 cacheWriteTokens=0 outputTokens=100 estimatedCostUsd=0.0001 notionRequests=(\d+) notionRateLimited=0 readMs=\d+ durationMs=\d+$/,
    );
    const notionRequests = Number(/notionRequests=(\d+)/.exec(figures)![1]);
    expect(notionRequests).toBeGreaterThan(0);
    // The job's own requests: the webhook's look-up of the prompt is not the review's.
    expect(notionRequests).toBeLessThan(world.emulator.counters.snapshot().total.requests);
  });

  it("answers a malformed path 404 and an oversized body 413, before the secret is looked at", async () => {
    world = await ReviewWorld.start({ provider: "openai" });
    serve = await spawnServer(
      "bin/margin.js",
      ["serve", "--port", "0"],
      world.env({ MARGIN_WEBHOOK_SECRET: SECRET }),
    );

    const doubleSlash = await fetch(`${serve.url}//`, { method: "POST", body: "{}" });
    const declaredHuge = await fetch(`${serve.url}/`, { method: "POST", body: "x".repeat(10 * 1024 * 1024) });
    const streamedHuge = await fetch(`${serve.url}/`, {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);

    expect(doubleSlash.status).toBe(404);
    expect(declaredHuge.status).toBe(413);
    expect(streamedHuge.status).toBe(413);
  });

  it("refuses a delivery without the secret", async () => {
    world = await ReviewWorld.start({ provider: "openai" });
    serve = await spawnServer(
      "bin/margin.js",
      ["serve", "--port", "0"],
      world.env({ MARGIN_WEBHOOK_SECRET: SECRET }),
    );

    const response = await fetch(`${serve.url}/?prompt=RFC%20Reviewer`, {
      method: "POST",
      body: JSON.stringify(loadWebhook("automation-2026-shape")),
    });

    expect(response.status).toBe(401);
  });
});
