/**
 * The functions as deployed: bundled by esbuild with the stack's options, loaded in a fresh Node process
 * (as the Lambda runtime loads them), and invoked with real event shapes against the local stand-ins.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { esbuildOptions } from "../../infra/lambdaBundling.ts";
import {
  AwsWorld,
  functionUrlEvent,
  lambdaContextSource,
  sqsEvent,
  WEBHOOK_SECRET,
} from "../support/awsWorld.ts";
import { loadWebhook } from "../support/fixtures.ts";
import { ReviewWorld, reviewJob, textOf, turnFor } from "../support/reviewWorld.ts";

const root = resolve(import.meta.dirname, "../..");
let review: ReviewWorld;
let aws: AwsWorld;
let bundles: { webhook: string; worker: string };

beforeAll(async () => {
  review = await ReviewWorld.start({
    provider: "anthropic",
    script: [turnFor("anthropic", [["finish_review", { summary: "Bundled review." }]])],
  });
  aws = await AwsWorld.start(review);
  const cache = join(root, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, "margin-bundle-test-"));
  bundles = { webhook: join(dir, "webhook.mjs"), worker: join(dir, "worker.mjs") };
  await build({
    ...esbuildOptions(join(root, "lambda/handlers/webhookHandler.ts"), bundles.webhook),
    absWorkingDir: root,
  });
  await build({
    ...esbuildOptions(join(root, "lambda/handlers/workerHandler.ts"), bundles.worker),
    absWorkingDir: root,
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([review?.close(), aws?.close()]);
});

/** Loads a bundle in a fresh Node process and calls its handler, as the Lambda runtime does. */
async function invoke(
  bundle: string,
  event: unknown,
  /** The context as source (`lambdaContextSource`). */
  context: string,
  env: NodeJS.ProcessEnv = aws.env(review),
): Promise<unknown> {
  return (await invokeWithOutput(bundle, event, context, env)).result;
}

/** The handler's result, and the CloudWatch embedded-metric records it printed before it. */
async function invokeWithOutput(
  bundle: string,
  event: unknown,
  context: string,
  env: NodeJS.ProcessEnv = aws.env(review),
): Promise<{ result: unknown; metrics: Array<Record<string, unknown>> }> {
  const script = `const { handler } = await import(${JSON.stringify(bundle)}); const result = await handler(${JSON.stringify(event)}, ${context}); process.stdout.write("RESULT" + JSON.stringify(result));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, ...env, POWERTOOLS_LOG_LEVEL: "ERROR" },
  });
  const printed = stdout.slice(0, stdout.indexOf("RESULT")).split("\n");
  return {
    result: JSON.parse(stdout.slice(stdout.indexOf("RESULT") + 6)),
    metrics: printed
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line))
      .filter((record) => "_aws" in record),
  };
}

describe("the bundled functions", () => {
  it("take a delivery, queue it, and review the page", async () => {
    const delivery = functionUrlEvent({
      headers: { authorization: `Bearer ${WEBHOOK_SECRET}` },
      query: "prompt=RFC%20Reviewer",
      body: JSON.stringify(loadWebhook("automation-2026-shape")),
    });

    const webhook = await invokeWithOutput(bundles.webhook, delivery, lambdaContextSource("margin-webhook"));
    const answer = webhook.result as { statusCode: number; body: string };
    const queued = aws.queued();
    const job = { ...queued[0]!, pageId: idFor("doc"), groupId: undefined, deduplicationId: undefined };
    const worker = await invokeWithOutput(
      bundles.worker,
      sqsEvent([{ body: JSON.parse(JSON.stringify(job)), groupId: idFor("doc") }]),
      lambdaContextSource(),
    );

    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({
      queued: [{ page: "2a1c4e6f-9b3d-8099-a1b2-c3d4e5f6a7b8", prompt: "RFC Reviewer" }],
    });
    expect(worker.result).toEqual({ batchItemFailures: [] });
    expect(review.botComments().map(textOf)).toEqual([expect.stringMatching(/^Bundled review\./)]);
    // Both bundles publish their metrics as CloudWatch embedded-metric records.
    expect(webhook.metrics).toEqual([
      expect.objectContaining({ service: "margin-webhook", outcome: "queued", Deliveries: 1 }),
    ]);
    expect(worker.metrics).toContainEqual(
      expect.objectContaining({ service: "margin-worker", outcome: "reviewed", Reviews: 1 }),
    );
  });

  it("sign Bedrock requests with the credentials Lambda puts in the function's environment", async () => {
    // The bundles read AWS credentials from the environment only (infra/lambdaCredentials.ts).
    const bedrock = await ReviewWorld.start({
      provider: "bedrock",
      script: [turnFor("bedrock", [["finish_review", { summary: "Reviewed on Bedrock." }]])],
    });
    const bedrockAws = await AwsWorld.start(bedrock);
    try {
      const worked = await invoke(
        bundles.worker,
        sqsEvent([{ body: reviewJob("doc"), groupId: bedrock.pageId }]),
        lambdaContextSource(),
        {
          ...bedrockAws.env(bedrock),
          AWS_ACCESS_KEY_ID: "ASIATESTTESTTESTTEST",
          AWS_SECRET_ACCESS_KEY: "test-secret-access-key-for-signing",
          AWS_SESSION_TOKEN: "test-session-token",
        },
      );

      expect(worked).toEqual({ batchItemFailures: [] });
      expect(bedrock.botComments().map(textOf)).toEqual([expect.stringMatching(/^Reviewed on Bedrock\./)]);
      // The server refuses a request without a SigV4 signature; the session token is signed in beside it.
      expect(bedrock.model.requests[0]?.headers["x-amz-security-token"]).toBe("test-session-token");
    } finally {
      await Promise.all([bedrock.close(), bedrockAws.close()]);
    }
  });
});
