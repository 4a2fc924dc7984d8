/**
 * The one way Margin makes a Notion client: API version pinned, every request through `notionFetch` (the
 * token's shared budget, a few in flight, the review's journal and deadline), SDK retries on (429 and 529
 * always; 500 and 503 for reads), quiet logs.
 */
import { Client, LogLevel } from "@notionhq/client";
import { MemoryBudgetStore, RequestBudget } from "../budget/RequestBudget.ts";
import { type NotionFetchOptions, notionFetch } from "./notionFetch.ts";

/** The Notion API version Margin is written against (databases hold data sources). */
export const NOTION_VERSION = "2025-09-03";

/**
 * Requests per 60-second window when nothing says otherwise: what the common plans get (Notion's older
 * docs: "an average of three requests per second"). Business and Enterprise plans are reported at 600.
 */
export const DEFAULT_REQUESTS_PER_MINUTE = 180;

/**
 * The SDK's retries of a request Notion asks it to repeat (429, 529; and 500, 503 on reads). Each waits
 * for the budget, which Notion's Retry-After has paused for everyone. Margin adds none of its own for these.
 */
export const SDK_RETRIES = 5;

/**
 * The longest a request waits for the budget when no invocation deadline bounds it: a little over one
 * window, which Notion's per-connection Retry-After never exceeds. A Notion that wants longer (the
 * per-workspace limit) is better left to the queue's next attempt than waited for inside a function.
 */
export const MAX_BUDGET_WAIT_MS = 75_000;

/** Requests of one client in flight at once. */
export const MAX_CONCURRENT = 4;

export interface NotionClientOptions {
  token: string;
  /** Another Notion-compatible server, such as the emulator. */
  baseUrl?: string;
  /** The token's budget; every client of a process should share one (see `wiring/notionBudget.ts`). */
  budget?: RequestBudget;
  /** A budget of this client's own, when no shared one is given (tests, benchmarks). */
  requestsPerMinute?: number;
  maxConcurrent?: number;
  /** SDK retries for rate limits and server errors. */
  maxRetries?: number;
  /** One attempt's network timeout. */
  timeoutMs?: number;
  maxWaitMs?: number;
  journal?: NotionFetchOptions["journal"];
  deadline?: NotionFetchOptions["deadline"];
  onRateLimited?: NotionFetchOptions["onRateLimited"];
  onRequest?: NotionFetchOptions["onRequest"];
  overdraw?: NotionFetchOptions["overdraw"];
  clock?: NotionFetchOptions["clock"];
}

export function createNotionClient(options: NotionClientOptions): Client {
  const budget =
    options.budget ??
    new RequestBudget(
      new MemoryBudgetStore({ limit: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE }),
    );
  return new Client({
    auth: options.token,
    baseUrl: options.baseUrl,
    notionVersion: NOTION_VERSION,
    fetch: notionFetch({
      budget,
      maxConcurrent: options.maxConcurrent ?? MAX_CONCURRENT,
      journal: options.journal,
      deadline: options.deadline,
      maxWaitMs: options.maxWaitMs ?? MAX_BUDGET_WAIT_MS,
      attemptTimeoutMs: options.timeoutMs ?? 30_000,
      onRateLimited: options.onRateLimited,
      onRequest: options.onRequest,
      overdraw: options.overdraw,
      clock: options.clock,
    }),
    // Retry-After is waited for in the budget; the SDK's own wait before a retry only needs to be short.
    retry: { maxRetries: options.maxRetries ?? SDK_RETRIES, maxRetryDelayMs: 1_000 },
    // Each attempt is timed in notionFetch; this only bounds a call's retries and waits together.
    timeoutMs: 15 * 60 * 1000,
    logLevel: LogLevel.ERROR,
    logger: () => {
      // The SDK's own log lines may carry request details; Margin reports failures itself.
    },
  });
}
