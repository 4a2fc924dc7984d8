import {
  APIErrorCode,
  APIResponseError,
  type BlockObjectResponse,
  type Client,
  isFullBlock,
  isFullComment,
  iteratePaginatedAPI,
} from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { type NotionEmulator, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { emulatorClient, TEST_TOKEN } from "../support/notionClient.ts";

let emulator: NotionEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const users = [
  { id: "alice", name: "Alice Author" },
  { id: "bob", name: "Bob Builder" },
  { id: "margin-bot", name: "Margin", type: "bot" },
];

/** 120 top-level blocks; 40 lists with 2 children each; 10 of those children with 5 children: 250 blocks. */
function nestedSeed() {
  const blocks: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 120; i++) {
    const isList = i % 3 === 0;
    blocks.push({
      id: `top-${i}`,
      parent: { page_id: "doc" },
      type: isList ? "bulleted_list_item" : "paragraph",
      [isList ? "bulleted_list_item" : "paragraph"]: { rich_text: `Block ${i}` },
    });
    if (!isList) continue;
    for (let j = 0; j < 2; j++) {
      blocks.push({
        id: `child-${i}-${j}`,
        parent: { block_id: `top-${i}` },
        type: "to_do",
        to_do: { rich_text: `Child ${i}.${j}`, checked: j === 1 },
      });
      if (j === 0 && i < 30) {
        for (let k = 0; k < 5; k++) {
          blocks.push({
            id: `grand-${i}-${k}`,
            parent: { block_id: `child-${i}-${j}` },
            type: "paragraph",
            paragraph: { rich_text: `Grandchild ${i}.${j}.${k}` },
          });
        }
      }
    }
  }
  return { users, pages: [{ id: "doc", parent: { workspace: true }, title: "Design doc" }], blocks };
}

async function readTree(
  notion: Client,
  id: string,
  depth = 0,
): Promise<Array<{ block: BlockObjectResponse; depth: number }>> {
  const out: Array<{ block: BlockObjectResponse; depth: number }> = [];
  for await (const block of iteratePaginatedAPI(notion.blocks.children.list, { block_id: id })) {
    if (!isFullBlock(block)) throw new Error("partial block");
    out.push({ block, depth });
    if (block.has_children) out.push(...(await readTree(notion, block.id, depth + 1)));
  }
  return out;
}

function text(block: BlockObjectResponse): string {
  const content = (block as unknown as Record<string, { rich_text: Array<{ plain_text: string }> }>)[
    block.type
  ];
  return content?.rich_text.map((item) => item.plain_text).join("") ?? "";
}

async function expectNotionError(promise: Promise<unknown>, status: number, code: string, message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(
    APIResponseError.isAPIResponseError(error),
    `expected a Notion API error, got ${String(error)}`,
  ).toBe(true);
  const apiError = error as APIResponseError;
  expect(apiError.status).toBe(status);
  expect(apiError.code).toBe(code);
  if (message) expect(apiError.message).toMatch(message);
}

describe("the Notion emulator through @notionhq/client", () => {
  it("reads a seeded page of 250 nested blocks completely, paginating each level", async () => {
    emulator = await startNotionEmulator({ seed: nestedSeed() });
    const notion = emulatorClient(emulator.url);

    const tree = await readTree(notion, idFor("doc"));

    expect(tree).toHaveLength(250);
    expect(tree.filter((entry) => entry.depth === 0)).toHaveLength(120);
    expect(tree.filter((entry) => entry.depth === 2)).toHaveLength(50);
    expect(text(tree[0]!.block)).toBe("Block 0");
    expect(text(tree[1]!.block)).toBe("Child 0.0");
    expect(text(tree[2]!.block)).toBe("Grandchild 0.0.0");
    const lastTop = tree.filter((entry) => entry.depth === 0).at(-1)!;
    expect(text(lastTop.block)).toBe("Block 119");
    const counts = emulator.counters.snapshot().endpoints["GET /v1/blocks/{block_id}/children"]!;
    // 2 pages for the 120 top-level blocks, one call for each of the 40 lists and the 10 parents of grandchildren.
    expect(counts.requests).toBe(2 + 40 + 10);
  });

  it("creates a page comment, a block comment and a reply, and lists each in its discussion", async () => {
    emulator = await startNotionEmulator({
      seed: {
        users,
        pages: [
          {
            id: "doc",
            parent: { workspace: true },
            title: "RFC",
            markdown: "Intro paragraph ^intro\n\n- Rollout in one step ^rollout",
          },
        ],
      },
    });
    const notion = emulatorClient(emulator.url);
    const page = idFor("doc");
    const rollout = idFor("rollout");

    const summary = await notion.comments.create({
      parent: { page_id: page },
      markdown: "**Summary**: two points.",
      display_name: { type: "custom", custom: { name: "RFC Reviewer" } },
    });
    const onBlock = await notion.comments.create({
      parent: { block_id: rollout },
      rich_text: [{ text: { content: "What is the rollback?" } }],
    });
    if (!isFullComment(onBlock) || !isFullComment(summary)) throw new Error("partial comment");
    const person = emulator.control.addComment({
      author: "alice",
      discussion_id: onBlock.discussion_id,
      text: "We can flip the flag back.",
    });
    const reply = await notion.comments.create({
      discussion_id: onBlock.discussion_id,
      markdown: "Thanks, that works.",
    });

    const pageComments = await notion.comments.list({ block_id: page });
    const blockComments = await notion.comments.list({ block_id: rollout });

    expect(pageComments.results.map((comment) => comment.id)).toEqual([summary.id]);
    expect(summary.display_name).toEqual({ type: "custom", resolved_name: "RFC Reviewer" });
    expect(summary.rich_text[0]).toMatchObject({ plain_text: "Summary", annotations: { bold: true } });
    expect(summary.created_by.id).toBe(emulator.botUserId);
    expect(blockComments.results.map((comment) => comment.id)).toEqual([onBlock.id, person.id, reply.id]);
    expect(new Set(blockComments.results.map((comment) => comment.discussion_id))).toEqual(
      new Set([onBlock.discussion_id]),
    );
    expect(blockComments.results[1]).toMatchObject({
      parent: { type: "block_id", block_id: rollout },
      display_name: { type: "user", resolved_name: "Alice Author" },
    });
    expect(onBlock.display_name).toEqual({ type: "integration", resolved_name: "Margin" });
    expect(await notion.comments.list({ block_id: idFor("intro") })).toMatchObject({
      results: [],
      has_more: false,
    });
  });

  it("hides a resolved discussion from listings and keeps the others", async () => {
    emulator = await startNotionEmulator({
      seed: {
        users,
        pages: [{ id: "doc", parent: { workspace: true }, title: "RFC", markdown: "Goals ^goals" }],
        comments: [
          {
            discussion_id: "d1",
            parent: { block_id: "goals" },
            created_by: { id: "alice" },
            text: "Which goal matters most?",
          },
          { discussion_id: "d1", created_by: { id: "bob" }, text: "Latency." },
          {
            discussion_id: "d2",
            parent: { block_id: "goals" },
            created_by: { id: "bob" },
            text: "Add a non-goal.",
          },
        ],
      },
    });
    const notion = emulatorClient(emulator.url);

    const before = await notion.comments.list({ block_id: idFor("goals") });
    emulator.control.resolveDiscussion("d1");
    const after = await notion.comments.list({ block_id: idFor("goals") });

    expect(before.results).toHaveLength(3);
    expect(after.results.map((comment) => comment.discussion_id)).toEqual([idFor("d2")]);
  });

  it("lets the integration edit and delete only its own comments, and removes an emptied discussion", async () => {
    emulator = await startNotionEmulator({
      seed: {
        users,
        pages: [{ id: "doc", parent: { workspace: true }, title: "RFC" }],
        comments: [{ id: "theirs", parent: { page_id: "doc" }, created_by: { id: "alice" }, text: "Mine" }],
      },
    });
    const notion = emulatorClient(emulator.url);
    const own = await notion.comments.create({
      parent: { page_id: idFor("doc") },
      markdown: "First summary",
    });

    const edited = await notion.comments.update({ comment_id: own.id, markdown: "Second summary" });
    await expectNotionError(
      notion.comments.update({ comment_id: idFor("theirs"), markdown: "x" }),
      404,
      APIErrorCode.ObjectNotFound,
      /Could not find comment/,
    );
    await expectNotionError(
      notion.comments.delete({ comment_id: idFor("theirs") }),
      404,
      APIErrorCode.ObjectNotFound,
    );
    await notion.comments.delete({ comment_id: own.id });
    const listed = await notion.comments.list({ block_id: idFor("doc") });

    expect(isFullComment(edited) && edited.rich_text.map((item) => item.plain_text).join("")).toBe(
      "Second summary",
    );
    expect(listed.results.map((comment) => comment.id)).toEqual([idFor("theirs")]);
    await expectNotionError(
      notion.comments.retrieve({ comment_id: own.id }),
      404,
      APIErrorCode.ObjectNotFound,
    );
  });

  it("answers bad requests with Notion's errors", async () => {
    emulator = await startNotionEmulator({
      seed: {
        users,
        pages: [
          { id: "doc", parent: { workspace: true }, title: "RFC", markdown: "Text ^text" },
          { id: "secret", parent: { workspace: true }, title: "Private", shared: false },
        ],
      },
      token: TEST_TOKEN,
    });
    const notion = emulatorClient(emulator.url, { retry: false });
    const page = idFor("doc");

    await expectNotionError(
      notion.pages.retrieve({ page_id: idFor("missing") }),
      404,
      "object_not_found",
      /Could not find page with ID: .*shared with your integration "Margin"/,
    );
    await expectNotionError(notion.pages.retrieve({ page_id: idFor("secret") }), 404, "object_not_found");
    await expectNotionError(
      emulatorClient(emulator.url, { retry: false, auth: "wrong" }).users.me({}),
      401,
      "unauthorized",
      /API token is invalid/,
    );
    await expectNotionError(
      notion.comments.create({
        parent: { page_id: page },
        rich_text: [{ text: { content: "x".repeat(2001) } }],
      }),
      400,
      "validation_error",
      /text\.content\.length should be ≤ `2000`, instead was `2001`/,
    );
    await expectNotionError(
      notion.blocks.children.append({
        block_id: page,
        children: Array.from({ length: 101 }, () => ({ paragraph: { rich_text: [] } })),
      }),
      400,
      "validation_error",
      /body\.children\.length should be ≤ `100`, instead was `101`/,
    );
    await expectNotionError(
      notion.request({
        path: "comments",
        method: "post",
        body: { parent: { page_id: page }, discussion_id: page, markdown: "x" },
      }),
      400,
      "validation_error",
      /Fix one/,
    );
    await expectNotionError(
      notion.request({
        path: "comments",
        method: "post",
        body: { parent: { page_id: page }, markdown: "x", rich_text: [] },
      }),
      400,
      "validation_error",
    );
    await expectNotionError(
      notion.blocks.children.list({ block_id: "not-a-uuid" }),
      400,
      "validation_error",
      /path\.block_id should be a valid uuid/,
    );
    await expectNotionError(
      notion.blocks.children.list({ block_id: page, page_size: 101 }),
      400,
      "validation_error",
      /page_size should be ≤ `100`/,
    );
    await expectNotionError(
      notion.request({ path: "nowhere", method: "get" }),
      400,
      "invalid_request_url",
      /Invalid request URL\./,
    );
    const raw = await fetch(`${emulator.url}/v1/comments`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        "notion-version": "2025-09-03",
        "content-type": "application/json",
      },
      body: "{not json",
    });
    expect(raw.status).toBe(400);
    expect((await raw.json()) as object).toMatchObject({ object: "error", code: "invalid_json" });
    const noVersion = await fetch(`${emulator.url}/v1/users/me`, {
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ code: "missing_version" });
    const huge = await fetch(`${emulator.url}/v1/comments`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "notion-version": "2025-09-03" },
      body: "x".repeat(600 * 1024),
    });
    expect(huge.status).toBe(413);
  });

  it("rate limits at --rps 3 with 429 and Retry-After, which the SDK's own retries absorb", async () => {
    emulator = await startNotionEmulator({ seed: { users }, rps: 3, burst: 3 });
    const direct = emulatorClient(emulator.url, { retry: false });
    const patient = emulatorClient(emulator.url, { retry: { maxRetries: 3 } });

    const burst = await Promise.allSettled(Array.from({ length: 5 }, () => direct.users.me({})));
    const rejected = burst.filter((result) => result.status === "rejected") as PromiseRejectedResult[];
    expect(rejected.length).toBe(2);
    expect(rejected[0]!.reason).toMatchObject({ status: 429, code: "rate_limited" });
    expect((rejected[0]!.reason as { headers: Headers }).headers.get("retry-after")).toBe("1");

    const absorbed = await Promise.all(Array.from({ length: 6 }, () => patient.users.me({})));
    expect(absorbed).toHaveLength(6);
    expect(emulator.counters.snapshot().endpoints["GET /v1/users/me"]!.rateLimited).toBeGreaterThan(2);
  });

  it("fails the next request a fault scripted over the control API names, once unless told otherwise, with its Retry-After", async () => {
    emulator = await startNotionEmulator({ seed: { users } });
    const notion = emulatorClient(emulator.url, { retry: false });
    await fetch(`${emulator.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "GET /v1/users/me", status: 429, retry_after: 30 }),
    });

    const failed = await notion.users.me({}).catch((error: unknown) => error);
    const next = await notion.users.me({});

    expect(failed).toMatchObject({ status: 429, code: "rate_limited" });
    expect((failed as { headers: Headers }).headers.get("retry-after")).toBe("30");
    expect(next).toMatchObject({ object: "user", type: "bot" });
  });

  it("refuses a fault for an endpoint it does not have, which would never fire, naming the endpoints it has", async () => {
    emulator = await startNotionEmulator({ seed: { users } });

    const answer = await fetch(`${emulator.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "GET /v1/blocks/{id}/children", status: 503 }),
    });

    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain("GET /v1/blocks/{block_id}/children");
  });

  it("injects random failures at --fail-rate, reproducibly for the same random seed", async () => {
    const outcomes: number[][] = [];
    for (let round = 0; round < 2; round++) {
      emulator = await startNotionEmulator({ seed: { users }, failRate: 0.5, randomSeed: 7 });
      const notion = emulatorClient(emulator.url, { retry: false });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push(
          await notion.users.me({}).then(
            () => 200,
            (error: { status: number }) => error.status,
          ),
        );
      }
      outcomes.push(statuses);
      await emulator.close();
      emulator = undefined;
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]!.filter((status) => status !== 200).length).toBeGreaterThan(3);
    expect(new Set(outcomes[0]!.filter((status) => status !== 200)).size).toBeGreaterThan(1);
  });
});
