import { Logger } from "@aws-lambda-powertools/logger";
import { signWebhookPayload } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { ledgerFor, readConfig } from "../../lambda/config/config.ts";
import { createWebhookHandler } from "../../lambda/handlers/webhookHandler.ts";
import { createWorkerHandler } from "../../lambda/handlers/workerHandler.ts";
import { NO_METRICS } from "../../lambda/observability/Metrics.ts";
import { AwsWorld, functionUrlEvent, lambdaContext, sqsEvent } from "../support/awsWorld.ts";
import { ReviewWorld, reviewJob, textOf, turnFor } from "../support/reviewWorld.ts";
import { runMargin } from "../support/runMargin.ts";

const TOKEN = "secret_verification_token_from_notion";

let review: ReviewWorld | undefined;
let aws: AwsWorld | undefined;
afterEach(async () => {
  await Promise.all([review?.close(), aws?.close()]);
  review = undefined;
  aws = undefined;
});

/** A page the RFC Reviewer reviewed (one comment, on the "weekend" item), and the functions around it. */
async function reviewedPage(script: Parameters<typeof turnFor>[1][], env: Record<string, string> = {}) {
  review = await ReviewWorld.start({
    provider: "openai",
    script: [
      turnFor("openai", [
        [
          "comment_on_block",
          { block: "b5", quote: "one weekend", severity: "critical", comment: "What is the rollback?" },
        ],
        ["finish_review", { summary: "Not ready." }],
      ]),
      ...script.map((calls) => turnFor("openai", calls)),
    ],
  });
  aws = await AwsWorld.start(review);
  const webhook = createWebhookHandler(aws.env(review, env), new Logger({ logLevel: "SILENT" }), NO_METRICS);
  const worker = createWorkerHandler(
    aws.env(review, env),
    new Logger({ logLevel: process.env.DEBUG_MARGIN ? "INFO" : "SILENT" }),
    NO_METRICS,
  );
  const job = reviewJob(review.pageId, { eventId: "automation-1", correlationId: "c1" });
  await worker(sqsEvent([{ body: job, groupId: review.pageId }]), lambdaContext());
  const verification = await webhook(
    functionUrlEvent({ path: "/events", body: JSON.stringify({ verification_token: TOKEN }) }),
  );
  expect(verification.statusCode).toBe(200);
  // The operator confirms the token Notion sent, as the README says.
  const confirmed = await runMargin(["events", "confirm", TOKEN], aws.env(review, env));
  expect(confirmed.code, confirmed.stderr).toBe(0);
  const reviewerComment = review
    .botComments()
    .find((comment) => comment.parent.block_id === idFor("weekend"))!;
  const world = review;
  const queues = aws;

  /** Notion's comment.created event for a comment, signed as Notion signs it. */
  const event = async (
    comment: Record<string, unknown>,
    author: { id: string; type: string },
    extra: { id?: string; timestamp?: string; token?: string } = {},
  ) => {
    const parent = comment.parent as { page_id?: string; block_id?: string };
    const body = JSON.stringify({
      id: extra.id ?? `evt-${comment.id}`,
      timestamp: extra.timestamp ?? new Date().toISOString(),
      workspace_id: "w",
      subscription_id: "s",
      integration_id: "i",
      type: "comment.created",
      authors: [author],
      attempt_number: 1,
      api_version: "2025-09-03",
      entity: { id: comment.id, type: "comment" },
      data: {
        page_id: world.pageId,
        parent: parent.block_id
          ? { id: parent.block_id, type: "block" }
          : { id: parent.page_id, type: "page" },
      },
    });
    const signature = await signWebhookPayload({ body, verificationToken: extra.token ?? TOKEN });
    const result = await webhook(
      functionUrlEvent({ path: "/events", headers: { "x-notion-signature": signature }, body }),
    );
    return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
  };
  /** Runs the worker on whatever the webhook queued. */
  const work = async () => {
    const queued = queues.queued();
    queues.sqs.queues.clear();
    queues.sqs.createQueue("margin-reviews.fifo", { maxReceiveCount: 3 });
    if (queued.length === 0) return;
    await worker(
      sqsEvent(
        queued.map(({ groupId, deduplicationId: _dedup, ...body }) => ({ body, groupId: String(groupId) })),
      ),
      lambdaContext(),
    );
  };
  const person = (name: string) => ({ id: idFor(name), type: "person" });
  return { world, queues, reviewerComment, event, work, person };
}

describe("conversations with the reviewer", () => {
  it("answers a person's reply once, in the same discussion, and never twice for the same event", async () => {
    const { world, queues, reviewerComment, event, work, person } = await reviewedPage(
      // Page-level discussions come first: the summary's is t1, the one on "weekend" t2.
      [
        [
          [
            "reply_in_thread",
            { thread: "t2", comment: "Per shard is enough if each shard can be moved back on its own." },
          ],
        ],
      ],
    );
    const reply = world.emulator.control.addComment({
      author: "bo",
      discussion_id: reviewerComment.discussion_id,
      text: "We can roll back per shard. Is that enough?",
    });

    const delivered = await event(reply, person("bo"));
    await work();
    const again = await event(reply, person("bo"));

    expect(delivered).toEqual({ status: 200, body: { queued: [{ page: world.pageId, comment: reply.id }] } });
    const thread = world.discussion(reviewerComment.discussion_id);
    expect(thread.map(textOf)).toEqual([
      "Critical: What is the rollback?",
      "We can roll back per shard. Is that enough?",
      "Per shard is enough if each shard can be moved back on its own.",
    ]);
    expect(thread[2]!.display_name.resolved_name).toBe("RFC Reviewer");
    expect(again.body).toEqual({ ignored: "This event was already taken." });
    expect(queues.queued()).toEqual([]);
    expect(world.model.requests).toHaveLength(2);
    // Events arriving are noted: while they flow, re-reviews trust the discussion index they keep.
    const flow = await ledgerFor(readConfig(queues.env(world)), "/tmp").commentEvents();
    expect(flow?.flowingSince).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Date.now() - Date.parse(flow!.lastSeenAt)).toBeLessThan(60_000);
  });

  it("answers a person who mentions the reviewer by name in a new discussion", async () => {
    const { world, event, work, person } = await reviewedPage([
      [["reply_in_thread", { thread: "t2", comment: "Slow means a 2.4 s p95; say so in the doc." }]],
    ]);
    const question = world.emulator.control.addComment({
      author: "ana",
      block_id: "problem",
      text: "@RFC Reviewer how slow counts as slow here?",
    });

    await event(question, person("ana"));
    await work();

    const thread = world.discussion(question.discussion_id);
    expect(thread.map(textOf)).toEqual([
      "@RFC Reviewer how slow counts as slow here?",
      "Slow means a 2.4 s p95; say so in the doc.",
    ]);
  });

  it("does not answer its own comments, other bots, unsigned, stale, future or malformed events, or comments addressed to nobody", async () => {
    const { world, queues, reviewerComment, event, work, person } = await reviewedPage([]);
    const otherBot = world.emulator.control.addComment({
      author: "other-bot",
      discussion_id: reviewerComment.discussion_id,
      text: "Linked JIRA-42.",
    });
    const unaddressed = world.emulator.control.addComment({
      author: "ana",
      block_id: "problem",
      text: "Bo, can you add numbers?",
    });
    const stale = world.emulator.control.addComment({
      author: "ana",
      discussion_id: reviewerComment.discussion_id,
      text: "Old news.",
    });

    const own = await event(reviewerComment, { id: world.emulator.botUserId, type: "bot" });
    const bot = await event(otherBot, { id: idFor("other-bot"), type: "bot" });
    const forged = await event(unaddressed, person("ana"), { token: "secret_not_the_token" });
    const old = await event(stale, person("ana"), {
      timestamp: new Date(Date.now() - 3 * 3_600_000).toISOString(),
    });
    const future = await event(stale, person("ana"), {
      id: "evt-future",
      timestamp: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const longId = await event(stale, person("ana"), { id: "e".repeat(200_000) });
    const nobody = await event(unaddressed, person("ana"));
    await work();

    expect(own.body).toEqual({ ignored: "The comment was written by a bot or an agent." });
    expect(bot.body).toEqual({ ignored: "The comment was written by a bot or an agent." });
    expect(forged.status).toBe(401);
    expect(old.body).toEqual({ ignored: "The event is too old to answer." });
    expect(future.status).toBe(400);
    expect(future.body.error).toMatch(/in the future/);
    expect(longId.status).toBe(400);
    expect(nobody.status).toBe(200);
    expect(queues.queued()).toEqual([]);
    expect(world.botComments()).toHaveLength(2);
    expect(world.model.requests).toHaveLength(1);
  });

  it("stops answering in a discussion once it reaches the day's reply cap", async () => {
    const { world, reviewerComment, event, work, person } = await reviewedPage(
      [[["reply_in_thread", { thread: "t2", comment: "Yes, per shard." }]]],
      { MARGIN_MAX_REPLIES_PER_THREAD: "1" },
    );
    const first = world.emulator.control.addComment({
      author: "bo",
      discussion_id: reviewerComment.discussion_id,
      text: "Per shard?",
    });
    await event(first, person("bo"));
    await work();
    const second = world.emulator.control.addComment({
      author: "bo",
      discussion_id: reviewerComment.discussion_id,
      text: "And the sessions?",
    });

    const delivered = await event(second, person("bo"));
    await work();

    expect(delivered.status).toBe(200);
    const thread = world.discussion(reviewerComment.discussion_id);
    expect(thread.map(textOf)).toEqual([
      "Critical: What is the rollback?",
      "Per shard?",
      "Yes, per shard.",
      "And the sessions?",
    ]);
    expect(world.model.requests).toHaveLength(2);
  });

  it("never lets a verification request set the events key: its token waits until the operator confirms it", async () => {
    const { world, queues, reviewerComment, event, person } = await reviewedPage([]);
    const webhook = createWebhookHandler(queues.env(review!), new Logger({ logLevel: "SILENT" }), NO_METRICS);
    const reply = world.emulator.control.addComment({
      author: "bo",
      discussion_id: reviewerComment.discussion_id,
      text: "Is that enough?",
    });
    const FORGED = "secret_someone_else";

    const sent = await webhook(
      functionUrlEvent({ path: "/events", body: JSON.stringify({ verification_token: FORGED }) }),
    );
    const signedWithForged = await event(reply, person("bo"), { token: FORGED });
    const listed = await runMargin(["events", "candidates"], queues.env(review!));
    const confirmUnknown = await runMargin(["events", "confirm", "secret_never_sent"], queues.env(review!));

    expect(sent.statusCode).toBe(200);
    // The answer says nothing of where tokens are kept.
    expect(JSON.parse(String(sent.body))).toEqual({ received: "verification token" });
    expect(queues.ssm.parameters.get("/margin/notion-webhook-token")?.value).toBe(TOKEN);
    expect(signedWithForged.status).toBe(401);
    expect(listed.stdout).toContain(FORGED);
    expect(confirmUnknown.code).toBe(2);
    expect(confirmUnknown.stderr).toContain("not a verification token that arrived");
    expect(queues.queued()).toEqual([]);
  });
});
