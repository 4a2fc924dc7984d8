import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { createWebhookHandler, type WebhookHandler } from "../../lambda/handlers/webhookHandler.ts";
import { AwsWorld, functionUrlEvent, WEBHOOK_SECRET } from "../support/awsWorld.ts";
import { loadWebhook } from "../support/fixtures.ts";
import { embeddedMetrics, printed } from "../support/printedLines.ts";
import { ReviewWorld } from "../support/reviewWorld.ts";

let review: ReviewWorld;
let aws: AwsWorld;
let handler: WebhookHandler;

let tables = 0;

beforeAll(async () => {
  review = await ReviewWorld.start({ provider: "openai" });
  aws = await AwsWorld.start(review);
});
afterAll(async () => {
  await Promise.all([review.close(), aws.close()]);
});
beforeEach(async () => {
  // Each test starts with an empty queue and an empty memory of deliveries.
  const table = `ledger-${++tables}`;
  await aws.dynamo.createTable(table);
  handler = createWebhookHandler(aws.env(review, { MARGIN_LEDGER_TABLE: table }));
  aws.sqs.queues.clear();
  aws.sqs.createQueue("margin-reviews.fifo", { maxReceiveCount: 3 });
});

const auth = { authorization: `Bearer ${WEBHOOK_SECRET}` };

async function deliver(request: Parameters<typeof functionUrlEvent>[0]) {
  const result = await handler(functionUrlEvent(request));
  return { status: result.statusCode, body: JSON.parse(String(result.body)) };
}

describe("the webhook function", () => {
  it.each([
    [
      "the recorded 2025 automation body",
      "automation-2025-07-recorded",
      "23cac777-210d-80a8-a27d-e505f0cdf316",
    ],
    ["the 2026 automation body", "automation-2026-shape", "2a1c4e6f-9b3d-8099-a1b2-c3d4e5f6a7b8"],
  ])("queues one review per prompt for %s and answers 202", async (_name, fixture, pageId) => {
    const body = JSON.stringify(loadWebhook(fixture));

    const answer = await deliver({
      headers: auth,
      query: "prompt=rfc%20reviewer&prompt=Plan%20Reviewer&model=gpt-test",
      body,
    });

    expect(answer).toEqual({
      status: 202,
      body: {
        queued: [
          { page: pageId, prompt: "RFC Reviewer" },
          { page: pageId, prompt: "Plan Reviewer" },
        ],
      },
    });
    const queued = aws.queued();
    expect(queued).toHaveLength(2);
    expect(queued[0]).toMatchObject({
      version: 1,
      kind: "review",
      pageId,
      promptId: idFor("rfc-reviewer"),
      overrides: { model: "gpt-test" },
      groupId: pageId,
    });
    expect(queued[0]!.deduplicationId).not.toBe(queued[1]!.deduplicationId);
    expect(queued[0]!.correlationId).toBe(queued[1]!.correlationId);
  });

  it("queues nothing new when Notion retries a delivery with the same event id", async () => {
    const body = JSON.stringify(loadWebhook("automation-2026-shape"));

    const first = await deliver({ headers: auth, query: "prompt=RFC%20Reviewer", body });
    const retry = await deliver({
      headers: auth,
      query: "prompt=RFC%20Reviewer",
      body: body.replace('"attempt": 1', '"attempt": 2'),
    });

    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(aws.queued()).toHaveLength(1);
  });

  it("queues a second reviewer sent for the same event, and each reviewer once", async () => {
    const body = JSON.stringify(loadWebhook("automation-2026-shape"));

    const rfc = await deliver({ headers: auth, query: "prompt=RFC%20Reviewer", body });
    const plan = await deliver({ headers: auth, query: "prompt=Plan%20Reviewer", body });
    const both = await deliver({
      headers: auth,
      query: "prompt=RFC%20Reviewer&prompt=Plan%20Reviewer",
      body,
    });

    expect(rfc.body.queued).toEqual([expect.objectContaining({ prompt: "RFC Reviewer" })]);
    expect(plan.body.queued).toEqual([expect.objectContaining({ prompt: "Plan Reviewer" })]);
    expect(both.body).toEqual({
      queued: [],
      duplicate:
        "This delivery was already taken for RFC Reviewer, Plan Reviewer; their reviews are queued or done.",
    });
    expect(aws.queued().map((job) => job.promptTitle)).toEqual(["RFC Reviewer", "Plan Reviewer"]);
  });

  it("refuses an event id no Notion delivery has, and queues nothing", async () => {
    const delivery = loadWebhook("automation-2026-shape") as { source: Record<string, unknown> };

    const answer = await deliver({
      headers: auth,
      query: "prompt=RFC%20Reviewer",
      body: JSON.stringify({ ...delivery, source: { ...delivery.source, event_id: "e".repeat(200_000) } }),
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(
      "The body is not a Notion automation delivery: source.event_id is longer than 200 characters: not a Notion id.",
    );
    expect(aws.queued()).toEqual([]);
  });

  it("takes the reviewers from the page's Reviewers relation, else the default reviewer", async () => {
    const delivery = loadWebhook("automation-2026-shape") as {
      data: { properties: Record<string, unknown> };
    };
    delivery.data.properties.Reviewers = {
      id: "rel",
      type: "relation",
      relation: [{ id: idFor("plan-reviewer") }],
      has_more: false,
    };
    const withDefault = createWebhookHandler(aws.env(review, { MARGIN_DEFAULT_PROMPT: "RFC Reviewer" }));

    const fromRelation = await deliver({ headers: auth, body: JSON.stringify(delivery) });
    const fromDefault = await withDefault(
      functionUrlEvent({ headers: auth, body: JSON.stringify(loadWebhook("automation-2025-07-recorded")) }),
    );

    expect(fromRelation.body).toEqual({
      queued: [{ page: "2a1c4e6f-9b3d-8099-a1b2-c3d4e5f6a7b8", prompt: "Plan Reviewer" }],
    });
    expect(JSON.parse(String(fromDefault.body))).toEqual({
      queued: [{ page: "23cac777-210d-80a8-a27d-e505f0cdf316", prompt: "RFC Reviewer" }],
    });
  });

  it("acknowledges a page in the trash and queues nothing", async () => {
    const delivery = loadWebhook("automation-2026-shape") as { data: Record<string, unknown> };
    delivery.data.in_trash = true;

    const answer = await deliver({
      headers: auth,
      query: "prompt=RFC%20Reviewer",
      body: JSON.stringify(delivery),
    });

    expect(answer).toEqual({ status: 202, body: { queued: [], skipped: "The page is in the trash." } });
    expect(aws.queued()).toEqual([]);
  });

  const body = JSON.stringify(loadWebhook("automation-2026-shape"));
  const noPage = JSON.stringify({ source: { type: "automation", event_id: "e1" }, data: { object: "page" } });
  it.each([
    ["no secret", { body }, 401, "Missing or wrong secret"],
    [
      "a wrong secret",
      { headers: { authorization: "Bearer not-the-secret" }, body },
      401,
      "Missing or wrong secret",
    ],
    [
      "a secret without Bearer",
      { headers: { authorization: WEBHOOK_SECRET }, body },
      401,
      "Missing or wrong secret",
    ],
    ["the wrong method", { method: "GET", headers: auth }, 405, "Use POST"],
    ["another path", { path: "/admin", headers: auth, body }, 404, "Nothing at /admin"],
    ["a body that is not JSON", { headers: auth, body: "status=in-review" }, 400, "The body is not JSON"],
    [
      "JSON of the wrong shape",
      { headers: auth, body: JSON.stringify({ hello: "world" }) },
      400,
      "source is missing",
    ],
    [
      "a delivery without the page id",
      { headers: auth, body: noPage },
      400,
      "data.id is missing: the automation must send the page",
    ],
    ["a huge body", { headers: auth, body: `{"padding":"${"x".repeat(300 * 1024)}"}` }, 413, "over 256 KB"],
    [
      "an unknown prompt name",
      { headers: auth, query: "prompt=Security%20Reviewer", body },
      400,
      'Unknown prompt "Security Reviewer"; prompts available: "Plan Reviewer", "RFC Reviewer".',
    ],
    [
      "a misspelled prompt name",
      { headers: auth, query: "prompt=RFC%20Reveiwer", body },
      400,
      'Unknown prompt "RFC Reveiwer" (did you mean "RFC Reviewer"?); prompts available: "Plan Reviewer", "RFC Reviewer".',
    ],
    [
      "an unknown query parameter",
      { headers: auth, query: "prompt=RFC%20Reviewer&reviewer=x", body },
      400,
      'Unknown query parameter "reviewer"',
    ],
    [
      "a bad override",
      { headers: auth, query: "prompt=RFC%20Reviewer&summary=sometimes", body },
      400,
      'The query parameter "summary" is "sometimes"',
    ],
    ["no reviewer at all", { headers: auth, body }, 400, "No reviewer for this page"],
  ])("refuses a request with %s, queueing nothing", async (_case, request, status, message) => {
    const answer = await deliver(request);

    expect(answer.status).toBe(status);
    expect(answer.body.error).toContain(message);
    expect(aws.queued()).toEqual([]);
  });

  it("counts each request by what became of it, as a CloudWatch embedded metric", async () => {
    const trashed = loadWebhook("automation-2026-shape") as { data: Record<string, unknown> };
    trashed.data.in_trash = true;
    const misconfigured = createWebhookHandler(aws.env(review, { MARGIN_PROMPTS_DATABASE: "" }));

    const lines = await printed(async () => {
      await deliver({ headers: auth, query: "prompt=RFC%20Reviewer", body });
      await deliver({ headers: auth, query: "prompt=RFC%20Reviewer", body });
      await deliver({ headers: auth, query: "prompt=RFC%20Reviewer", body: JSON.stringify(trashed) });
      await deliver({ body });
      await deliver({ headers: auth, body: "status=in-review" });
      await misconfigured(functionUrlEvent({ headers: auth, query: "prompt=RFC%20Reviewer", body }));
    });

    const records = embeddedMetrics(lines);
    expect(records.map((record) => record.outcome)).toEqual([
      "queued",
      "duplicate",
      "skipped",
      "unauthorized",
      "rejected",
      "error",
    ]);
    expect(records[0]).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: "Margin",
            Dimensions: [["service", "outcome"]],
            Metrics: [{ Name: "Deliveries", Unit: "Count" }],
          },
        ],
      },
      service: "margin-webhook",
      outcome: "queued",
      Deliveries: 1,
    });
  });

  it("reads its secrets from SSM once per container, not once per request", async () => {
    const fresh = createWebhookHandler(aws.env(review));
    const before = aws.ssm.reads;

    for (let i = 0; i < 3; i++)
      await fresh(functionUrlEvent({ headers: auth, query: "prompt=RFC%20Reviewer", body }));

    expect(aws.ssm.reads - before).toBe(2);
  });
});
