/**
 * The one way Margin makes a Notion client: API version pinned, the run's throttle in front of every
 * request, SDK retries on (429 and 529 always; 500 and 503 for reads), quiet logs.
 */
import { Client, LogLevel } from "@notionhq/client";
import { RequestThrottle, type ThrottleOptions } from "./RequestThrottle.ts";
import { throttledFetch } from "./throttledFetch.ts";

/** The Notion API version Margin is written against (databases hold data sources). */
export const NOTION_VERSION = "2025-09-03";

/**
 * The SDK's retries of a request Notion asks it to repeat (429, 529; and 500, 503 on reads), each after the
 * `Retry-After` Notion gives, or its back-off when Notion gives none. Margin adds none of its own for these.
 */
export const SDK_RETRIES = 5;

/**
 * The longest the SDK waits before one retry, whatever Retry-After asks: a Notion that wants longer is
 * better left to the queue's next attempt than waited for inside a function. So one request costs at most
 * 1 + SDK_RETRIES tries and SDK_RETRIES x 10 s of waiting.
 */
export const MAX_RETRY_WAIT_MS = 10_000;

export const DEFAULT_THROTTLE: ThrottleOptions = { requestsPerSecond: 2.8, burst: 3, maxConcurrent: 4 };

export interface NotionClientOptions {
  token: string;
  /** Another Notion-compatible server, such as the emulator. */
  baseUrl?: string;
  throttle?: Partial<ThrottleOptions>;
  /** SDK retries for rate limits and server errors. */
  maxRetries?: number;
  /** The longest wait before one retry (tests shorten it). */
  maxRetryWaitMs?: number;
  timeoutMs?: number;
}

export function createNotionClient(options: NotionClientOptions): Client {
  const throttle = new RequestThrottle({ ...DEFAULT_THROTTLE, ...options.throttle });
  return new Client({
    auth: options.token,
    baseUrl: options.baseUrl,
    notionVersion: NOTION_VERSION,
    fetch: throttledFetch({ throttle }),
    retry: {
      maxRetries: options.maxRetries ?? SDK_RETRIES,
      maxRetryDelayMs: options.maxRetryWaitMs ?? MAX_RETRY_WAIT_MS,
    },
    timeoutMs: options.timeoutMs ?? 30_000,
    logLevel: LogLevel.ERROR,
    logger: () => {
      // The SDK's own log lines may carry request details; Margin reports failures itself.
    },
  });
}
