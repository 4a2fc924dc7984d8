/**
 * The `fetch` Margin gives `@notionhq/client`, where every request meets Notion's limits before it leaves:
 *
 * - a read answered in an earlier invocation of the same review is answered from its journal, costing
 *   nothing;
 * - a request waits for a slot (a few in flight per client) and a permit from the token's shared budget,
 *   but never past the time it must start by (the invocation's deadline, or a bounded wait), failing
 *   instead so the work can go on later;
 * - a 429 or 529 pauses the whole budget until Notion's Retry-After, for every process using the token,
 *   and goes back to the SDK, which tries again (and so waits for the budget);
 * - reads that fail in ways the SDK does not retry (a 502 or 504 or a dropped connection on a GET, any
 *   server error on a POST that only queries) are retried here a few times. Writes are retried only where
 *   their outcome can be checked (NotionCommentWriter).
 *
 * Each attempt has its own network timeout here: the SDK's clock would also count the wait for the budget.
 */
import { RequestTimeoutError } from "@notionhq/client";
import { BudgetWaitTooLong, type Clock, type RequestBudget, systemClock } from "../budget/RequestBudget.ts";
import { NotionBusyError, NotionUnreachableError } from "../errors.ts";
import { ConcurrencyLimit } from "./ConcurrencyLimit.ts";
import type { ReadJournal } from "./ReadJournal.ts";
import type { WorkDeadline } from "./WorkDeadline.ts";

type Fetch = typeof fetch;

/** The SDK itself retries 500 and 503 on GET (and 429 and 529 everywhere); these are left to Margin. */
const RETRYABLE_GET_STATUSES = new Set([502, 504]);
const RETRYABLE_READ_POST_STATUSES = new Set([500, 502, 503, 504]);
const READ_ONLY_POSTS = [
  /\/v1\/data_sources\/[^/]+\/query$/,
  /\/v1\/search$/,
  /\/v1\/databases\/[^/]+\/query$/,
];
const COMMENT_WRITES = /\/v1\/comments(\/|$)/;

/** Notion's answer when Margin must wait: the limit that was hit and for how long. */
export interface RateLimitEvent {
  status: number;
  retryAfterSeconds: number;
  /** `additional_data.rate_limit_reason` (which limit was hit), when Notion gives one. */
  reason?: string;
}

/** One request Notion answered: for counting requests and 429s, and for showing time spent waiting for the budget. */
export interface NotionRequestEvent {
  method: string;
  status: number;
  /** Time this request waited for a permit from the budget before it was sent. */
  waitedMs: number;
}

export interface NotionFetchOptions {
  budget: RequestBudget;
  /** Requests of this client in flight at once. */
  maxConcurrent: number;
  journal?: ReadJournal;
  deadline?: WorkDeadline;
  /** The longest a request waits for the budget when no deadline says otherwise. */
  maxWaitMs: number;
  /** One attempt's network timeout. */
  attemptTimeoutMs: number;
  onRateLimited?(event: RateLimitEvent): void;
  onRequest?(event: NotionRequestEvent): void;
  /** Send anyway when the budget cannot give a permit within `maxWaitMs` (the webhook's few requests). */
  overdraw?: boolean;
  /** Extra attempts for a read that failed at the gateway. */
  readRetries?: number;
  retryDelayMs?: number;
  baseFetch?: Fetch;
  clock?: Clock;
}

export function notionFetch(options: NotionFetchOptions): Fetch {
  const limit = new ConcurrencyLimit(options.maxConcurrent);
  const send = sender(options, limit);
  const readRetries = options.readRetries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const clock = options.clock ?? systemClock;
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    const url = new URL(input instanceof Request ? input.url : String(input));
    const readOnlyPost = method === "POST" && READ_ONLY_POSTS.some((pattern) => pattern.test(url.pathname));
    const isRead = method === "GET" || readOnlyPost;
    const key = `${method} ${url.pathname}${url.search}${readOnlyPost ? ` ${String(init?.body ?? "")}` : ""}`;
    if (isRead) {
      const answered = options.journal?.answer(key);
      if (answered !== undefined) return jsonResponse(answered);
    } else if (COMMENT_WRITES.test(url.pathname)) {
      options.journal?.close();
    }
    const retryable =
      method === "GET" ? RETRYABLE_GET_STATUSES : readOnlyPost ? RETRYABLE_READ_POST_STATUSES : undefined;
    for (let attempt = 0; ; attempt++) {
      const last = !retryable || attempt >= readRetries;
      try {
        const response = await send(input, init, isRead);
        if (last || !retryable.has(response.status)) {
          return isRead && response.status === 200 ? recorded(response, key, options.journal) : response;
        }
        await response.body?.cancel();
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        // A write's dropped connection stays a TypeError: its outcome is unknown, and the writer looks first.
        if (last) throw retryable ? unreachable(url, error) : error;
      }
      await clock.sleep(retryDelayMs * 2 ** attempt);
    }
  };
}

/** One attempt: a slot, a permit in time, the request under its own timeout, and any 429 noted. */
function sender(options: NotionFetchOptions, limit: ConcurrencyLimit) {
  const baseFetch = options.baseFetch ?? fetch;
  const clock = options.clock ?? systemClock;
  return async (input: Parameters<Fetch>[0], init: Parameters<Fetch>[1], isRead: boolean) => {
    const done = options.journal?.begin();
    try {
      return await limit.run(async () => {
        const askedAt = clock.now();
        const startBy = options.deadline?.startBy(isRead) ?? askedAt + options.maxWaitMs;
        await permit(options, startBy, isRead, clock);
        const waitedMs = clock.now() - askedAt;
        const timeout = AbortSignal.timeout(options.attemptTimeoutMs);
        let response: Response;
        try {
          response = await baseFetch(input, {
            ...init,
            signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
          });
        } catch (error) {
          if (timeout.aborted) throw new RequestTimeoutError();
          throw error;
        }
        options.onRequest?.({
          method: (init?.method ?? "GET").toUpperCase(),
          status: response.status,
          waitedMs,
        });
        if (response.status === 429 || response.status === 529) await noteRateLimit(response, options, clock);
        return response;
      });
    } finally {
      done?.();
    }
  };
}

async function permit(options: NotionFetchOptions, startBy: number, isRead: boolean, clock: Clock) {
  const { deadline } = options;
  if (deadline && clock.now() > startBy) throw deadline.tooLate(isRead);
  try {
    await options.budget.acquire(startBy);
  } catch (error) {
    if (!(error instanceof BudgetWaitTooLong)) throw error;
    if (deadline) throw deadline.tooLate(isRead);
    // The webhook must answer within seconds: its few requests overdraw the budget rather than wait.
    if (options.overdraw) return;
    throw new NotionBusyError(
      `Notion's rate limit holds Margin's requests until ${new Date(error.permitAt).toISOString()}, longer than a request waits; try again later.`,
      { cause: error },
    );
  }
}

/** Everyone using the token waits out Notion's Retry-After (an integer of seconds; 1 when missing). */
async function noteRateLimit(response: Response, options: NotionFetchOptions, clock: Clock): Promise<void> {
  const header = Number.parseInt(response.headers.get("retry-after") ?? "", 10);
  const retryAfterSeconds = Number.isFinite(header) && header >= 0 ? header : 1;
  await options.budget.pause(clock.now() + retryAfterSeconds * 1000);
  const reason = await response
    .clone()
    .json()
    .then(
      (body) =>
        (body as { additional_data?: { rate_limit_reason?: unknown } })?.additional_data?.rate_limit_reason,
    )
    .catch(() => undefined);
  options.onRateLimited?.({
    status: response.status,
    retryAfterSeconds,
    ...(typeof reason === "string" ? { reason } : {}),
  });
}

async function recorded(
  response: Response,
  key: string,
  journal: ReadJournal | undefined,
): Promise<Response> {
  if (!journal?.usable) return response;
  const body = await response.text();
  journal.record(key, body);
  return jsonResponse(body);
}

function jsonResponse(body: string): Response {
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
}

/** A request that never reached Notion, naming where it went, so a wrong NOTION_BASE_URL shows itself. */
function unreachable(url: URL, error: TypeError): NotionUnreachableError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? error.message;
  return new NotionUnreachableError(
    `Could not reach Notion at ${url.origin} (${why}). Check NOTION_BASE_URL (unset for api.notion.com) and the network.`,
    { cause: error },
  );
}
