import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { createWebhookHandler } from "../../lambda/handlers/webhookHandler.ts";
import { createWorkerHandler } from "../../lambda/handlers/workerHandler.ts";
import { DynamoLedger } from "../../lambda/ledger/DynamoLedger.ts";
import { deduplicationIdOf } from "../../lambda/queue/ReviewJob.ts";
import { DECLINED } from "../../lambda/worker/runReviewJob.ts";
import {
  AwsWorld,
  functionUrlEvent,
  LEDGER_TABLE,
  lambdaContext,
  sqsEvent,
  WEBHOOK_SECRET,
} from "../support/awsWorld.ts";
import { loadWebhook } from "../support/fixtures.ts";
import { embeddedMetrics, jsonLines, printed } from "../support/printedLines.ts";
import { ReviewWorld, reviewJob, textOf, turn, turnFor, type WorldOptions } from "../support/reviewWorld.ts";

let review: ReviewWorld | undefined;
let aws: AwsWorld | undefined;
afterEach(async () => {
  await Promise.all([review?.close(), aws?.close()]);
  review = undefined;
  aws = undefined;
});

async function start(options: Omit<WorldOptions, "provider"> & { provider?: "openai" | "anthropic" }) {
  review = await ReviewWorld.start({ provider: "openai", statusProperties: true, ...options });
  aws = await AwsWorld.start(review);
  return { review, aws, handler: createWorkerHandler(aws.env(review), new Logger({ logLevel: "SILENT" })) };
}

function pageProperty(world: ReviewWorld, page: string, name: string): unknown {
  const value = world.emulator.workspace.pageView(idFor(page)).properties[name];
  return value?.[value.type]?.name ?? value?.[value.type]?.start ?? null;
}

const serverError = { $error: { status: 500, message: "upstream failure" } };
const finish = turnFor("openai", [
  [
    "comment_on_block",
    { block: "b1", quote: "rename", severity: "major", comment: "Who migrates the callers?" },
  ],
  ["finish_review", { summary: "Nearly ready." }],
]);

describe("the worker function", () => {
  it("runs a queued review and keeps the page's Review status and Last reviewed date current", async () => {
    const { review, handler } = await start({ script: [finish] });

    const response = await handler(
      sqsEvent([{ body: reviewJob("doc-2"), groupId: idFor("doc-2") }]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(review.botComments().map(textOf)).toEqual([
      "Major: Who migrates the callers?",
      expect.stringContaining("Nearly ready."),
    ]);
    expect(pageProperty(review, "doc-2", "Review status")).toBe("Reviewed");
    expect(pageProperty(review, "doc-2", "Last reviewed")).toBe(new Date().toISOString().slice(0, 10));
  });

  it("returns a transiently failed review to the queue while the other pages' reviews go on", async () => {
    // The provider SDK tries three times before the worker sees the failure.
    const { review, handler } = await start({ script: [serverError, serverError, serverError, finish] });

    const response = await handler(
      sqsEvent([
        { body: reviewJob("doc"), groupId: idFor("doc"), messageId: "first" },
        { body: reviewJob("doc-2"), groupId: idFor("doc-2"), messageId: "second" },
      ]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "first" }] });
    expect(pageProperty(review, "doc", "Review status")).toBe("Queued");
    expect(pageProperty(review, "doc-2", "Review status")).toBe("Reviewed");
    expect(review.botComments().filter((comment) => comment.parent.page_id === idFor("doc"))).toEqual([]);
  });

  it("gives up at once on a permanent failure, saying on the page why, without a retry", async () => {
    const { review, handler } = await start({
      promptProperties: { Summary: { select: { name: "sometimes" } } },
    });

    const response = await handler(
      sqsEvent([{ body: reviewJob("doc"), groupId: idFor("doc") }]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    const comments = review.botComments();
    expect(comments).toHaveLength(1);
    expect(comments[0]!.parent.page_id).toBe(idFor("doc"));
    expect(comments[0]!.display_name.resolved_name).toBe("RFC Reviewer");
    expect(textOf(comments[0]!)).toBe(
      'I could not review this page: the reviewer\'s prompt cannot be used. Prompt "RFC Reviewer": property "Summary" is "sometimes"; allowed: update, new, off.',
    );
    expect(pageProperty(review, "doc", "Review status")).toBe("Failed");
  });

  it("explains a transient failure on the page after the last attempt, and does not retry it", async () => {
    const { review, handler } = await start({ script: [serverError, serverError, serverError] });

    const response = await handler(
      sqsEvent([{ body: reviewJob("doc"), groupId: idFor("doc"), receiveCount: 3 }]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(review.botComments().map(textOf)).toEqual([
      "I could not review this page: the model provider kept failing or was too busy. Ask for a review again later.",
    ]);
    expect(pageProperty(review, "doc", "Review status")).toBe("Failed");
  });

  it("says in one short comment that the reviewer declined, when the model refuses", async () => {
    const { review, handler } = await start({
      compatible: true,
      behaviours: ["refuse-as-text"],
      script: [turn([["finish_review", { summary: "x" }]]), turn([["finish_review", { summary: "x" }]])],
    });

    const response = await handler(
      sqsEvent([{ body: reviewJob("doc"), groupId: idFor("doc") }]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(review.botComments().map(textOf)).toEqual([DECLINED]);
    expect(review.botComments()[0]!.display_name.resolved_name).toBe("RFC Reviewer");
    expect(pageProperty(review, "doc", "Review status")).toBe("Failed");
  });

  it("says on the page which setting the reviewer's model cannot take, before asking the model", async () => {
    const { review, handler } = await start({ provider: "anthropic", settings: { temperature: 0.3 } });

    await handler(sqsEvent([{ body: reviewJob("doc"), groupId: idFor("doc") }]), lambdaContext());

    expect(review.model.requests).toEqual([]);
    expect(review.botComments().map(textOf)).toEqual([
      "I could not review this page: the reviewer's prompt cannot be used. Prompt \"RFC Reviewer\" cannot run on anthropic claude-sonnet-5-5: Temperature is 0.3, but Anthropic's API (version 2026-10-21) takes no temperature for any model: clear Temperature.",
    ]);
  });

  it("covers deliveries that come while a review of the page is still waiting with that one review", async () => {
    const { review, aws, handler } = await start({
      script: [
        turnFor("openai", [["finish_review", { summary: "Reviewed." }]]),
        turnFor("openai", [["finish_review", { summary: "Reviewed again." }]]),
      ],
    });
    const webhook = createWebhookHandler(aws.env(review), new Logger({ logLevel: "SILENT" }));
    const automation = loadWebhook("automation-2026-shape") as { source: object; data: object };
    const deliver = async (eventId: string) => {
      const answer = await webhook(
        functionUrlEvent({
          headers: { authorization: `Bearer ${WEBHOOK_SECRET}` },
          query: "prompt=RFC%20Reviewer",
          body: JSON.stringify({
            source: { ...automation.source, event_id: eventId },
            data: { ...automation.data, id: review.pageId },
          }),
        }),
      );
      return JSON.parse(String(answer.body)) as Record<string, unknown>;
    };
    const queuedJobs = () =>
      aws
        .queued()
        .map(({ groupId, deduplicationId: _dedup, ...body }) => ({ body, groupId: String(groupId) }));

    const answers = [await deliver("event-1"), await deliver("event-2"), await deliver("event-3")];
    const waiting = queuedJobs();
    await handler(sqsEvent(waiting), lambdaContext());
    const afterTheReview = await deliver("event-4");

    expect(
      answers.map((answer) => [
        (answer.queued as unknown[]).length,
        (answer.joined as unknown[] | undefined)?.length ?? 0,
      ]),
    ).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(waiting).toHaveLength(1);
    expect(review.model.requests).toHaveLength(1);
    expect((afterTheReview.queued as unknown[]).length).toBe(1);
  });

  it("gives up on a page whose memory holds a record Margin cannot read, saying so on the page", async () => {
    const { review, aws, handler } = await start({ script: [finish] });
    const job = reviewJob("doc");
    // A run record someone edited by hand, under the id this job's run has.
    await new DynamoDBClient({
      endpoint: aws.dynamo.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }).send(
      new PutItemCommand({
        TableName: LEDGER_TABLE,
        Item: { pk: { S: `RUN#${deduplicationIdOf(job)}` }, sk: { S: "RUN" }, status: { S: "sideways" } },
      }),
    );

    const response = await handler(sqsEvent([{ body: job, groupId: idFor("doc") }]), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(review.botComments().map(textOf)).toEqual([
      "I could not review this page: Margin's memory of this page holds a record it cannot read. Ask whoever runs Margin to check the worker's log, which names it.",
    ]);
    expect(review.model.requests).toEqual([]);
  });

  it("leaves a message it cannot understand to the retries and the dead-letter queue", async () => {
    const { review, handler } = await start({});

    const response = await handler(
      sqsEvent([{ body: { version: 2, kind: "review" }, groupId: "g", messageId: "odd", receiveCount: 3 }]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "odd" }] });
    expect(review.botComments()).toEqual([]);
  });

  it("logs the review's counts, usage, cost and correlation id as JSON, without secrets or document text", async () => {
    await start({ script: [finish] });
    const logged = createWorkerHandler(
      aws!.env(review!),
      new Logger({ serviceName: "margin-worker", logLevel: "INFO" }),
    );

    const lines = await printed(() =>
      logged(sqsEvent([{ body: reviewJob("doc-2"), groupId: idFor("doc-2") }]), lambdaContext()),
    );

    const posted = jsonLines(lines).find((record) => record.message === "Review posted");

    expect(posted).toMatchObject({
      level: "INFO",
      service: "margin-worker",
      correlationId: "correlation-doc-2",
      pageId: idFor("doc-2"),
      prompt: "RFC Reviewer",
      commentsPosted: 1,
      summaryPosted: true,
      roundTrips: 1,
      inputTokens: 1000,
      uncachedInputTokens: 800,
      cacheReadTokens: 200,
      cacheWriteTokens: 0,
      outputTokens: 100,
      costEstimateUsd: 0.0001,
    });
    expect(typeof posted!.durationMs).toBe("number");
    const everything = lines.join("");
    expect(everything).not.toContain("ntn_world_token");
    expect(everything).not.toContain("sk-test-key");
    expect(everything).not.toContain("rename the session service");
  });

  it("publishes the review's figures as CloudWatch embedded metrics: by outcome and reviewer, with comments, tokens, cost, Notion requests and durations", async () => {
    const { review, handler } = await start({ script: [finish] });

    const lines = await printed(() =>
      handler(sqsEvent([{ body: reviewJob("doc-2"), groupId: idFor("doc-2") }]), lambdaContext()),
    );

    const [counted, figures, byReviewer, ...more] = embeddedMetrics(lines);
    expect(more).toEqual([]);
    expect(counted).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: "Margin",
            Dimensions: [
              ["service", "outcome"],
              ["service", "reviewer"],
            ],
            Metrics: [{ Name: "Reviews", Unit: "Count" }],
          },
        ],
      },
      service: "margin-worker",
      outcome: "reviewed",
      reviewer: "RFC Reviewer",
      Reviews: 1,
    });
    expect(figures!._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: "Margin",
      Dimensions: [["service"]],
    });
    expect(figures).toMatchObject({
      service: "margin-worker",
      CommentsPosted: 1,
      RepliesPosted: 0,
      UncachedInputTokens: 800,
      CacheReadTokens: 200,
      CacheWriteTokens: 0,
      OutputTokens: 100,
      EstimatedCostUsd: 0.0001,
      // Every request of the job, as the emulator counted them.
      NotionRequests: review.emulator.counters.snapshot().total.requests,
      NotionRateLimited: 0,
    });
    expect(figures!.NotionRequests).toBeGreaterThan(0);
    expect(figures!.ReadDuration).toBeGreaterThanOrEqual(0);
    expect(figures!.ReviewDuration).toBeGreaterThanOrEqual(figures!.ReadDuration as number);
    expect(byReviewer!._aws.CloudWatchMetrics[0]).toMatchObject({ Dimensions: [["service", "reviewer"]] });
    expect(byReviewer).toMatchObject({
      reviewer: "RFC Reviewer",
      CommentsPosted: 1,
      RepliesPosted: 0,
      EstimatedCostUsd: 0.0001,
    });
  });

  it("counts the answers in which Notion asked the job to wait", async () => {
    const { review, handler } = await start({ script: [finish] });
    review.emulator.faults.script({ endpoint: "POST /v1/comments", status: 429, retryAfterSeconds: 0 });

    const lines = await printed(() =>
      handler(sqsEvent([{ body: reviewJob("doc-2"), groupId: idFor("doc-2") }]), lambdaContext()),
    );

    const figures = embeddedMetrics(lines).find((record) => "NotionRequests" in record);
    expect(figures).toMatchObject({
      CommentsPosted: 1,
      NotionRequests: review.emulator.counters.snapshot().total.requests,
      NotionRateLimited: 1,
    });
  });

  it("counts a review that could not run by its outcome and reviewer, with no tokens spent", async () => {
    const { handler } = await start({ promptProperties: { Summary: { select: { name: "sometimes" } } } });

    const lines = await printed(() =>
      handler(sqsEvent([{ body: reviewJob("doc"), groupId: idFor("doc") }]), lambdaContext()),
    );

    const [counted, figures] = embeddedMetrics(lines);
    expect(counted).toMatchObject({ outcome: "failed", reviewer: "RFC Reviewer", Reviews: 1 });
    expect(figures).toMatchObject({ CommentsPosted: 0, UncachedInputTokens: 0, OutputTokens: 0 });
    expect(figures).not.toHaveProperty("EstimatedCostUsd");
  });

  it("reads a long page across invocations: keeps what it read in DynamoDB and continues the review through the queue", async () => {
    const lines = Array.from({ length: 200 }, (_, index) => `Step ${index + 1} of the plan. ^s${index + 1}`);
    const { review, aws, handler } = await start({
      markdown: lines.join("\n"),
      // Each answer takes a while, as over the internet: reading takes longer than the first invocation has.
      emulator: { latencyMs: 25 },
      script: [turnFor("openai", [["finish_review", { summary: "Ready." }]])],
    });
    const job = reviewJob("doc", { eventId: "automation-long" });
    // An invocation with a second left after the worker's own margin (Lambda says what remains).
    const short = { ...lambdaContext(), getRemainingTimeInMillis: () => 16_000 };

    const first = await handler(sqsEvent([{ body: job, groupId: review.pageId }]), short);

    expect(first).toEqual({ batchItemFailures: [] });
    const [continuation, ...others] = aws.queued();
    expect(others).toEqual([]);
    expect(continuation).toMatchObject({ kind: "review", pageId: review.pageId, continuation: 1 });
    expect(continuation!.deduplicationId).not.toBe(deduplicationIdOf(job));
    const kept = await DynamoLedger.at(LEDGER_TABLE, aws.dynamo.endpoint).checkpoint(deduplicationIdOf(job));
    expect(kept?.length).toBeGreaterThan(0);
    expect(review.model.requests).toHaveLength(0);

    // The queue delivers the continuation to an invocation with time enough.
    const { groupId, deduplicationId: _queued, ...body } = continuation!;
    const second = await handler(sqsEvent([{ body, groupId: String(groupId) }]), lambdaContext());

    expect(second).toEqual({ batchItemFailures: [] });
    expect(review.model.requests).toHaveLength(1);
    expect(review.botComments().map(textOf)).toEqual([expect.stringMatching(/^Ready\./)]);
    expect(
      await DynamoLedger.at(LEDGER_TABLE, aws.dynamo.endpoint).checkpoint(deduplicationIdOf(job)),
    ).toBeUndefined();
  });
});
