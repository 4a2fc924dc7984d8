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
import { publishRun } from "../../lambda/review/publish/publishRun.ts";
import { AwsWorld, lambdaContext, sqsEvent } from "../support/awsWorld.ts";
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

describe("exactly-once publishing", () => {
  it("ends a run killed after half its comments, and retried, with each comment exactly once and one model call", async () => {
    review = await ReviewWorld.start({
      provider: "openai",
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
          [
            "comment_on_block",
            { block: "b9", quote: "identity team", severity: "major", comment: "Who is on call?" },
          ],
          ["finish_review", { summary: "Not ready." }],
        ]),
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
    const script = `const { handler } = await import(${JSON.stringify(bundle)}); await handler(${JSON.stringify(event)}, ${JSON.stringify(lambdaContext())});`;
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
    const retried = await createWorkerHandler(aws.env(review), new Logger({ logLevel: "SILENT" }))(
      sqsEvent([{ body: job, groupId: review.pageId, receiveCount: 2 }]),
      lambdaContext(),
    );

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
        throttle: { requestsPerSecond: 100, burst: 100 },
      }),
    );
    const attemptedAt = new Date();
    // The earlier attempt's post went through; the process died before it could write "posted".
    await comments.postComment({ kind: "block", blockId: idFor("weekend") }, "No rollback.", "RFC Reviewer");
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

  it("does nothing for a second delivery of a job whose review is done", async () => {
    review = await ReviewWorld.start({
      provider: "anthropic",
      script: [turnFor("anthropic", [["finish_review", { summary: "Fine." }]])],
    });
    aws = await AwsWorld.start(review);
    const worker = createWorkerHandler(aws.env(review), new Logger({ logLevel: "SILENT" }));
    const job = reviewJob(review.pageId, { eventId: "automation-10", correlationId: "c10" });

    await worker(sqsEvent([{ body: job, groupId: review.pageId }]), lambdaContext());
    const again = await worker(sqsEvent([{ body: job, groupId: review.pageId }]), lambdaContext());

    expect(again).toEqual({ batchItemFailures: [] });
    expect(review.botComments()).toHaveLength(1);
    expect(review.model.requests).toHaveLength(1);
  });
});
