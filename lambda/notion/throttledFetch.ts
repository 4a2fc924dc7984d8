/**
 * The `fetch` Margin gives `@notionhq/client`: every request waits its turn in the throttle, and reads that
 * fail in ways the SDK does not retry are retried here a couple of times: a 502 or 504 or a dropped
 * connection on a GET, and any server error on the POSTs that only read (data source queries, search).
 * Reads are safe to repeat; writes are retried only where their outcome can be checked (NotionCommentWriter).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { RequestThrottle } from "./RequestThrottle.ts";

type Fetch = typeof fetch;

/** The SDK itself retries 500 and 503 on GET (and 429 everywhere); these are left to Margin. */
const RETRYABLE_GET_STATUSES = new Set([502, 504]);
const RETRYABLE_READ_POST_STATUSES = new Set([500, 502, 503, 504]);
const READ_ONLY_POSTS = [
  /\/v1\/data_sources\/[^/]+\/query$/,
  /\/v1\/search$/,
  /\/v1\/databases\/[^/]+\/query$/,
];

export interface ThrottledFetchOptions {
  throttle: RequestThrottle;
  /** Extra attempts for a read that failed at the gateway. */
  readRetries?: number;
  retryDelayMs?: number;
  baseFetch?: Fetch;
}

export function throttledFetch(options: ThrottledFetchOptions): Fetch {
  const baseFetch = options.baseFetch ?? fetch;
  const readRetries = options.readRetries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 500;
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const retryable =
      method === "GET"
        ? RETRYABLE_GET_STATUSES
        : method === "POST" && READ_ONLY_POSTS.some((pattern) => pattern.test(path))
          ? RETRYABLE_READ_POST_STATUSES
          : undefined;
    for (let attempt = 0; ; attempt++) {
      const last = !retryable || attempt >= readRetries;
      try {
        const response = await options.throttle.run(() => baseFetch(input, init));
        if (last || !retryable.has(response.status)) return response;
        await response.body?.cancel();
      } catch (error) {
        if (last || isAbort(error)) throw error;
      }
      await sleep(retryDelayMs * 2 ** attempt);
    }
  };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}
