/**
 * One Notion request budget for everything that uses the integration's token, against the emulator in
 * window mode (Notion's per-connection budget per window, time-scaled here to two-second windows): two
 * reviews reading at once through one budget, in one process or in two sharing it through DynamoDB, are
 * almost never answered 429; and a 429's Retry-After pauses everyone until the window resets.
 */
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { type NotionEmulator, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { DynamoBudgetStore } from "../../lambda/budget/DynamoBudgetStore.ts";
import {
  type BudgetOptions,
  type Clock,
  MemoryBudgetStore,
  RequestBudget,
  takeFromWindow,
} from "../../lambda/budget/RequestBudget.ts";
import { dynamoDbClient } from "../../lambda/ledger/dynamoDbClient.ts";
import { createNotionClient } from "../../lambda/notion/createNotionClient.ts";
import { notionAdapters } from "../../lambda/notion/notionAdapters.ts";
import { type LocalDynamo, startLocalDynamo } from "../support/dynamoWorld.ts";

const TOKEN = "ntn_budget_token";
/**
 * Notion's budget, time-scaled: 25 requests per two-second window. The margin (a request's way to Notion,
 * a second in production) stays a whole second here: a request delayed that long on a busy machine still
 * arrives in the window it was counted for, so the outcome does not hang on this machine's speed.
 */
const PER_WINDOW = 25;
const SCALED: BudgetOptions = { limit: PER_WINDOW, windowMs: 2_000, marginMs: 1_000 };

let emulator: NotionEmulator | undefined;
let dynamo: LocalDynamo | undefined;
afterEach(async () => {
  await emulator?.close();
  await dynamo?.close();
  emulator = undefined;
  dynamo = undefined;
});

/** A page of `blocks` paragraphs, a few of them with children. */
function pageSeed(blocks: number) {
  const seedBlocks = Array.from({ length: blocks }, (_, index) => ({
    id: `p${index}`,
    parent: index % 10 === 9 ? { block_id: `p${index - 1}` } : { page_id: "doc" },
    type: "paragraph",
    paragraph: { rich_text: `Paragraph ${index} of the plan.` },
  }));
  return {
    users: [{ id: "bot", type: "bot", name: "Margin" }],
    pages: [{ id: "doc", parent: { workspace: true }, properties: { title: "The plan" } }],
    blocks: seedBlocks,
  };
}

async function windowedEmulator(
  options: { clock?: () => Date; windowSeconds?: number; perWindow?: number } = {},
) {
  emulator = await startNotionEmulator({
    seed: pageSeed(40),
    token: TOKEN,
    requestsPerMinute: options.perWindow ?? PER_WINDOW,
    windowSeconds: options.windowSeconds ?? 2,
    clock: options.clock,
  });
  return emulator;
}

function reader(budget: RequestBudget, clock?: Clock) {
  return notionAdapters(createNotionClient({ token: TOKEN, baseUrl: emulator!.url, budget, clock })).pages;
}

/**
 * Time for the emulator's windows and Margin's waits alike, moved on only by waiting (for one reader at a
 * time: it leaps past requests still in flight).
 */
function virtualClock(): Clock & { date: () => Date } {
  let now = Date.parse("2026-12-01T09:00:00Z");
  return {
    now: () => now,
    date: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Two reviews reading the page at once, each through its own client and the given budgets. */
async function twoReadsAtOnce(budgets: [RequestBudget, RequestBudget]) {
  const documents = await Promise.all(
    budgets.map((budget) => reader(budget).readDocument(idFor("doc"), "Plan Reviewer")),
  );
  const { requests, rateLimited } = emulator!.counters.snapshot().total;
  return { documents, requests, rateLimited };
}

describe("the sliding window every budget store applies", () => {
  it("grants a whole window at once, then one permit as each one's window passes", () => {
    let state = { sent: [] as number[], pausedUntil: 0 };
    const take = (want: number, now: number) => {
      const result = takeFromWindow(state, want, now, { limit: 3, windowMs: 1_000, marginMs: 0 });
      state = result.state;
      return result.grant;
    };

    expect(take(5, 0)).toEqual({ granted: 3, retryAt: 0 });
    expect(take(1, 500)).toEqual({ granted: 0, retryAt: 1_000 });
    expect(take(2, 1_000)).toEqual({ granted: 2, retryAt: 1_000 });
  });

  it("grants nothing while Notion has paused the token", () => {
    const paused = { sent: [], pausedUntil: 60_000 };

    expect(takeFromWindow(paused, 2, 1_000, { limit: 3 }).grant).toEqual({ granted: 0, retryAt: 60_000 });
  });
});

describe("one budget for the token", () => {
  it("keeps two reviews reading at once in one process under Notion's limit", async () => {
    await windowedEmulator();
    const shared = new RequestBudget(new MemoryBudgetStore(SCALED));

    const { documents, requests, rateLimited } = await twoReadsAtOnce([shared, shared]);

    expect(documents.map((document) => document.blocks.length)).toEqual([36, 36]);
    expect(requests).toBeGreaterThan(3 * PER_WINDOW);
    expect(rateLimited / requests).toBeLessThanOrEqual(0.01);
  });

  it("keeps two processes under Notion's limit when they share the budget in DynamoDB", async () => {
    await windowedEmulator();
    dynamo = await startLocalDynamo();
    await dynamo.createTable("ledger");
    // Each "process" has its own DynamoDB client and its own door to the budget; only the table is shared.
    const process = () =>
      new RequestBudget(new DynamoBudgetStore("ledger", dynamoDbClient(dynamo!.endpoint), SCALED));

    const { requests, rateLimited } = await twoReadsAtOnce([process(), process()]);

    expect(requests).toBeGreaterThan(3 * PER_WINDOW);
    expect(rateLimited / requests).toBeLessThanOrEqual(0.01);
  });

  it("is what keeps them under it: two processes each keeping to the budget alone overrun it", async () => {
    await windowedEmulator();

    const { requests, rateLimited } = await twoReadsAtOnce([
      new RequestBudget(new MemoryBudgetStore(SCALED)),
      new RequestBudget(new MemoryBudgetStore(SCALED)),
    ]);

    expect(rateLimited / requests).toBeGreaterThan(0.05);
  });

  it("waits out a Retry-After of 60 seconds for everyone when the plan's budget is smaller than configured", async () => {
    const clock = virtualClock();
    await windowedEmulator({ clock: clock.date, windowSeconds: 60, perWindow: 30 });
    const started = clock.now();
    // Configured for 600 a minute (a Business plan) against a workspace that gets 30.
    const budget = new RequestBudget(new MemoryBudgetStore({ limit: 600 }), clock);

    const document = await reader(budget, clock).readDocument(idFor("doc"), "Plan Reviewer");

    const { requests, rateLimited } = emulator!.counters.snapshot().total;
    expect(document.blocks).toHaveLength(36);
    // About 45 requests need two windows: the first 429 pauses everyone until the window resets, so only
    // the requests already in flight (four at most) are refused, and the read ends a minute later.
    expect(requests - rateLimited).toBeGreaterThan(30);
    expect(rateLimited).toBeGreaterThan(0);
    expect(rateLimited).toBeLessThanOrEqual(4);
    expect(clock.now() - started).toBeGreaterThanOrEqual(60_000);
  });
});
