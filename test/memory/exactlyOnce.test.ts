/**
 * A worker killed half way through posting a review: the queue delivers the job again, and the retry
 * posts what is missing, nothing twice, without asking the model again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { esbuildOptions } from "../../infra/lambdaBundling.ts";
import { createWorkerHandler } from "../../lambda/handlers/workerHandler.ts";
import { FileLedger } from "../../lambda/ledger/FileLedger.ts";
import { createNotionClient } from "../../lambda/notion/createNotionClient.ts";
import { notionAdapters } from "../../lambda/notion/notionAdapters.ts";
import { NO_METRICS } from "../../lambda/observability/Metrics.ts";
import { publishRun } from "../../lambda/review/publish/publishRun.ts";
import { AwsWorld, lambdaContext, lambdaContextSource, sqsEvent } from "../support/awsWorld.ts";
import { ReviewWorld, reviewJob, textOf, turnFor } from "../support/reviewWorld.ts";

const root = resolve(import.meta.dirname, "../..");
let review: ReviewWorld | undefined;
let aws: AwsWorld | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill("SIGKILL");
  await Promise.all([review?.close(), aws?.close()]);
  review = undefined;
  aws = undefined;
});

async function workerBundle(): Promise<string> {
  const cache = join(root, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const file = join(mkdtempSync(join(cache, "margin-worker-")), "worker.mjs");
  await build({
    ...esbuildOptions(join(root, "lambda/handlers/workerHandler.ts"), file),
    absWorkingDir: root,
  });
  return file;
}

/** The reviewer's points on the default document, as the model's tool calls. */
const POINT = {
  slow: ["comment_on_block", { block: "b2", quote: "slow", severity: "major", comment: "How slow?" }],
  four: ["comment_on_block", { block: "b4", quote: "four shards", severity: "major", comment: "Why four?" }],
  rollback: [
    "comment_on_block",
    { block: "b5", quote: "one weekend", severity: "critical", comment: "No rollback." },
  ],
  onCall: [
    "comment_on_block",
    { block: "b9", quote: "identity team", severity: "major", comment: "Who is on call?" },
  ],
} satisfies Record<string, Parameters<typeof turnFor>[1][number]>;

const finish = (summary: string): Parameters<typeof turnFor>[1][number] => ["finish_review", { summary }];

/** The queue's delivery of a review of the document for one automation event. */
function delivery(pageId: string, eventId: string, receiveCount = 1) {
  return sqsEvent([{ body: reviewJob("doc", { eventId }), groupId: pageId, receiveCount }]);
}

describe("exactly-once publishing", () => {
  it("ends a run killed after half its comments, and retried, with each comment exactly once and one model call", async () => {
    review = await ReviewWorld.start({
      provider: "openai",
      script: [
        turnFor("openai", [POINT.slow, POINT.four, POINT.rollback, POINT.onCall, finish("Not ready.")]),
      ],
    });
    aws = await AwsWorld.start(review);
    const job = reviewJob(review.pageId, { eventId: "automation-9", correlationId: "c9" });
    const event = sqsEvent([{ body: job, groupId: review.pageId }]);
    const bundle = await workerBundle();
    const world = review;
    const blockComments = () => world.botComments().filter((comment) => comment.parent.block_id).length;

    // The first attempt runs in its own process, as a Lambda invocation does, and dies while its third
    // comment is on the way to Notion; that comment still lands, as a write can after its sender died.
    const third = review.emulator.holds.hold("POST /v1/comments", { skip: 2 });
    const script = `const { handler } = await import(${JSON.stringify(bundle)}); await handler(${JSON.stringify(event)}, ${lambdaContextSource()});`;
    child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH, ...aws.env(review), POWERTOOLS_LOG_LEVEL: "SILENT" },
      stdio: "ignore",
    });
    await third.reached;
    child.kill("SIGKILL");
    await once(child, "exit");
    const postedBeforeTheKill = blockComments();
    await third.release();
    // The queue delivers the message again after its visibility timeout.
    const retried = await createWorkerHandler(
      aws.env(review),
      new Logger({ logLevel: "SILENT" }),
      NO_METRICS,
    )(sqsEvent([{ body: job, groupId: review.pageId, receiveCount: 2 }]), lambdaContext());

    expect(postedBeforeTheKill).toBe(2);
    expect(retried).toEqual({ batchItemFailures: [] });
    const texts = review.botComments().map(textOf);
    expect(texts.filter((text) => !text.startsWith("Not ready.")).sort()).toEqual([
      "Critical: No rollback.",
      "Major: How slow?",
      "Major: Who is on call?",
      "Major: Why four?",
    ]);
    expect(texts.filter((text) => text.startsWith("Not ready."))).toHaveLength(1);
    expect(review.model.requests).toHaveLength(1);
  }, 60_000);

  it("looks on the page before posting an action an earlier attempt sent without recording the outcome", async () => {
    review = await ReviewWorld.start({ provider: "openai" });
    const ledger = new FileLedger(review.ledgerFile);
    const { comments } = notionAdapters(
      createNotionClient({
        token: "ntn_world_token",
        baseUrl: review.emulator.url,
        requestsPerMinute: 100_000,
      }),
    );
    const attemptedAt = new Date();
    // The earlier attempt's post went through; the process died before it could write "posted".
    await comments.postComment(
      { kind: "block", blockId: idFor("weekend") },
      "No rollback.",
      "RFC Reviewer",
      async () => new Set(),
    );
    const run = await ledger.startRun({
      runId: "run-x",
      pageId: review.pageId,
      promptId: idFor("rfc-reviewer"),
      createdAt: attemptedAt.toISOString(),
      mode: "review",
      status: "planned",
      comments: [
        { key: "comment:w:0", kind: "comment", ref: "b5", blockId: idFor("weekend"), text: "No rollback." },
        { key: "comment:o:0", kind: "comment", ref: "b9", blockId: idFor("owners"), text: "Who is on call?" },
      ],
      states: { "comment:w:0": { state: "attempted", at: attemptedAt.toISOString() } },
      fingerprints: {},
    });

    const report = await publishRun(run, { comments, ledger, reviewerName: "RFC Reviewer" });

    expect(report.posted.map((comment) => comment.earlier ?? false)).toEqual([true, false]);
    expect(review.botComments().map(textOf)).toEqual(["No rollback.", "Who is on call?"]);
    expect((await ledger.run("run-x"))?.status).toBe("done");
  });

  it("completes a run the queue gave up on when the next delivery comes, posting nothing twice", async () => {
    review = await ReviewWorld.start({
      provider: "openai",
      script: [
        turnFor("openai", [POINT.slow, POINT.four, POINT.rollback, POINT.onCall, finish("Not ready.")]),
        // The next review's model makes the same points again, as a model that forgot would; they are
        // refused (the blocks are unchanged since they were raised), and it finishes.
        turnFor("openai", [POINT.slow, POINT.four, POINT.rollback, POINT.onCall, finish("Still not ready.")]),
        turnFor("openai", [finish("Still not ready.")]),
      ],
    });
    aws = await AwsWorld.start(review);
    const worker = createWorkerHandler(aws.env(review), new Logger({ logLevel: "SILENT" }), NO_METRICS);
    // Two comments go through, then Notion fails the third's three attempts: the last delivery gives up.
    review.emulator.faults.script({ endpoint: "POST /v1/comments", status: 503, skip: 2, count: 3 });

    await worker(delivery(review.pageId, "automation-1", 3), lambdaContext());
    const afterTheFailure = review.botComments().map(textOf);
    await worker(delivery(review.pageId, "automation-2"), lambdaContext());

    expect(afterTheFailure).toEqual([
      "Major: How slow?",
      "Major: Why four?",
      "I could not review this page: Notion kept failing while the review was being posted: 2 of 5 comments are on the page. The rest will be posted when this page is next reviewed.",
    ]);
    const blockComments = review
      .botComments()
      .filter((comment) => comment.parent.block_id)
      .map(textOf)
      .sort();
    expect(blockComments).toEqual([
      "Critical: No rollback.",
      "Major: How slow?",
      "Major: Who is on call?",
      "Major: Why four?",
    ]);
    const summaries = review
      .botComments()
      .filter((comment) => comment.parent.page_id && !textOf(comment).startsWith("I could not"))
      .map(textOf);
    expect(summaries).toEqual([expect.stringMatching(/^Still not ready\./)]);
    // The earlier run was completed from its plan: the model was asked once for it, twice for the new one.
    expect(review.model.requests).toHaveLength(3);
  });

  it("closes a run Notion refuses for good, says so on the page, and lets the next review raise the rest", async () => {
    review = await ReviewWorld.start({
      provider: "openai",
      script: [
        turnFor("openai", [POINT.slow, POINT.rollback, finish("Not ready.")]),
        turnFor("openai", [POINT.rollback, finish("Still not ready.")]),
      ],
    });
    aws = await AwsWorld.start(review);
    const worker = createWorkerHandler(aws.env(review), new Logger({ logLevel: "SILENT" }), NO_METRICS);
    // Notion takes the first comment, and refuses the second for good.
    review.emulator.faults.script({ endpoint: "POST /v1/comments", status: 400, skip: 1 });

    await worker(delivery(review.pageId, "automation-1"), lambdaContext());
    const afterTheRefusal = review.botComments().map(textOf);
    await worker(delivery(review.pageId, "automation-2"), lambdaContext());

    expect(afterTheRefusal).toEqual([
      "Major: How slow?",
      "I could not review this page: 1 of 3 comments are on the page; Notion would not take the rest. Notion refused the review's comments. Check that the integration may insert comments on this page.",
    ]);
    const onBlocks = review
      .botComments()
      .filter((comment) => comment.parent.block_id)
      .map(textOf);
    expect(onBlocks).toEqual(["Major: How slow?", "Critical: No rollback."]);
    expect(review.model.requests).toHaveLength(2);
  });

  it("does nothing for a second delivery of a job whose review is done", async () => {
    review = await ReviewWorld.start({
      provider: "anthropic",
      script: [turnFor("anthropic", [["finish_review", { summary: "Fine." }]])],
    });
    aws = await AwsWorld.start(review);
    const worker = createWorkerHandler(aws.env(review), new Logger({ logLevel: "SILENT" }), NO_METRICS);
    const job = reviewJob(review.pageId, { eventId: "automation-10", correlationId: "c10" });

    await worker(sqsEvent([{ body: job, groupId: review.pageId }]), lambdaContext());
    const again = await worker(sqsEvent([{ body: job, groupId: review.pageId }]), lambdaContext());

    expect(again).toEqual({ batchItemFailures: [] });
    expect(review.botComments()).toHaveLength(1);
    expect(review.model.requests).toHaveLength(1);
  });
});
