import { APIResponseError, type Client } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import {
  type NotionEmulator,
  type NotionEmulatorOptions,
  startNotionEmulator,
} from "../../emulators/notion/NotionEmulator.ts";
import { emulatorClient } from "../support/notionClient.ts";

let emulator: NotionEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const users = [{ id: "margin-bot", name: "Margin", type: "bot" }];

/** The emulator's clock, which only moves when a test says so: windows reset without anyone waiting. */
let now = 0;
const START = Date.parse("2026-11-02T09:00:00.000Z");
function advanceSeconds(seconds: number): void {
  now += seconds * 1000;
}

async function start(options: NotionEmulatorOptions): Promise<NotionEmulator> {
  now = START;
  emulator = await startNotionEmulator({ seed: { users }, clock: () => new Date(now), ...options });
  return emulator;
}

/** A real SDK client that surfaces every 429 instead of retrying it. */
function connection(token: string): Client {
  return emulatorClient(emulator!.url, { retry: false, auth: token });
}

interface Outcome {
  status: number;
  code?: string;
  retryAfter?: string | null;
  reason?: unknown;
}

async function call(client: Client): Promise<Outcome> {
  try {
    await client.users.me({});
    return { status: 200 };
  } catch (error) {
    if (!(error instanceof APIResponseError)) throw error;
    return {
      status: error.status,
      code: error.code,
      retryAfter: (error.headers as Headers).get("retry-after"),
      reason: error.additional_data?.rate_limit_reason,
    };
  }
}

/** `count` requests at once, as a burst; their statuses in order (which of them arrives first is not known). */
async function calls(client: Client, count: number): Promise<number[]> {
  const outcomes = await Promise.all(Array.from({ length: count }, () => call(client)));
  return outcomes.map((outcome) => outcome.status).sort();
}

function limited(reason: string, retryAfter: number): Outcome {
  return { status: 429, code: "rate_limited", retryAfter: String(retryAfter), reason };
}

async function control(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator!.url}/__emulator/${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function patchSettings(settings: Record<string, unknown>) {
  return control("settings", { method: "PATCH", body: JSON.stringify(settings) });
}

describe("the emulator's window rate limits (Notion's request-limits page)", () => {
  it("lets a connection spend its whole budget in one burst, then answers 429 until the window resets", async () => {
    await start({ requestsPerMinute: 5 });
    const notion = connection("token-a");

    const burst = await calls(notion, 5);
    advanceSeconds(20.5);
    const over = await call(notion);

    expect(burst).toEqual([200, 200, 200, 200, 200]);
    // 39.5 s are left in the window that started with the burst: Retry-After rounds up.
    expect(over).toEqual(limited("connection_rate_limit", 40));
    expect(emulator!.counters.snapshot().endpoints["GET /v1/users/me"]).toEqual({
      requests: 6,
      rateLimited: 1,
      injectedFailures: 0,
    });
  });

  it("finds the budget whole again once the clock passes the window's reset, and not a moment before", async () => {
    await start({ requestsPerMinute: 3 });
    const notion = connection("token-a");

    await calls(notion, 3);
    advanceSeconds(59.9);
    const justBefore = await call(notion);
    advanceSeconds(0.1);
    const afterReset = await calls(notion, 3);
    const overAgain = await call(notion);

    expect(justBefore).toEqual(limited("connection_rate_limit", 1));
    expect(afterReset).toEqual([200, 200, 200]);
    // The next window runs from the reset, whole: a full minute to wait.
    expect(overAgain).toEqual(limited("connection_rate_limit", 60));
  });

  it("gives each token its own window but makes all of them share the workspace limit, whose wait can pass a minute", async () => {
    await start({ requestsPerMinute: 3, workspaceRequestsPerMinute: 5, workspaceExtraRetrySeconds: 30 });
    const a = connection("token-a");
    const b = connection("token-b");

    const aBurst = await calls(a, 3);
    const aOver = await call(a);
    advanceSeconds(10);
    // Only 2 of the workspace's 5 are left: A's refused request spent none of them.
    const bBurst = await calls(b, 2);
    const bOverWorkspace = await call(b);
    const aOverWorkspace = await call(a);
    advanceSeconds(50);
    // The workspace's and A's windows reset at 60 s; B's started at 10 s and has one request left.
    const bAfterWorkspaceReset = await calls(b, 1);
    const bOverOwn = await call(b);
    const aAfterReset = await calls(a, 3);

    expect(aBurst).toEqual([200, 200, 200]);
    expect(aOver).toEqual(limited("connection_rate_limit", 60));
    expect(bBurst).toEqual([200, 200]);
    expect(bOverWorkspace).toEqual(limited("workspace_rate_limit", 50 + 30));
    expect(aOverWorkspace).toEqual(limited("workspace_rate_limit", 50 + 30));
    expect(bAfterWorkspaceReset).toEqual([200]);
    expect(bOverOwn).toEqual(limited("connection_rate_limit", 10));
    expect(aAfterReset).toEqual([200, 200, 200]);
  });

  it("counts its 429s by reason under GET /__emulator/requests and never limits the control API", async () => {
    await start({ requestsPerMinute: 1, workspaceRequestsPerMinute: 2 });
    const a = connection("token-a");
    const b = connection("token-b");

    await calls(a, 2);
    await calls(b, 3);
    const controlCalls = await Promise.all(Array.from({ length: 5 }, () => control("requests")));

    expect(controlCalls.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(controlCalls[4]!.body).toEqual({
      endpoints: { "GET /v1/users/me": { requests: 5, rateLimited: 3, injectedFailures: 0 } },
      total: { requests: 5, rateLimited: 3, injectedFailures: 0 },
      rateLimitedByReason: { connection_rate_limit: 1, workspace_rate_limit: 2 },
    });
  });

  it("applies the token bucket as well when both are set; a request the bucket refuses spends no window budget", async () => {
    await start({ rps: 1, burst: 2, requestsPerMinute: 4 });
    const notion = connection("token-a");

    const first = await calls(notion, 2);
    const bucketRefused = await call(notion);
    advanceSeconds(2);
    const refilled = await calls(notion, 2);
    advanceSeconds(2);
    const windowRefused = await call(notion);

    expect(first).toEqual([200, 200]);
    expect(bucketRefused).toEqual(limited("connection_rate_limit", 1));
    expect(refilled).toEqual([200, 200]);
    expect(windowRefused).toEqual(limited("connection_rate_limit", 56));
  });

  it("answers a scripted 529 with service_overload and a Retry-After, its own or 1 by default", async () => {
    await start({});
    const notion = connection("token-a");
    await control("faults", {
      method: "POST",
      body: JSON.stringify({ endpoint: "GET /v1/users/me", status: 529, retry_after: 7 }),
    });
    await control("faults", {
      method: "POST",
      body: JSON.stringify({ endpoint: "GET /v1/users/me", status: 529 }),
    });

    const scripted = await call(notion);
    const defaulted = await call(notion);
    const next = await call(notion);

    expect(scripted).toEqual({ status: 529, code: "service_overload", retryAfter: "7", reason: undefined });
    expect(defaulted).toMatchObject({ status: 529, code: "service_overload", retryAfter: "1" });
    expect(next).toEqual({ status: 200 });
  });

  it("gives a scripted 429 a rate_limit_reason, as Notion's 429s carry one", async () => {
    await start({});
    await control("faults", {
      method: "POST",
      body: JSON.stringify({ endpoint: "GET /v1/users/me", status: 429, retry_after: 30 }),
    });

    expect(await call(connection("token-a"))).toEqual(limited("connection_rate_limit", 30));
  });

  it("turns window mode on, time-scaled, and off again at run time through PATCH /__emulator/settings", async () => {
    await start({});
    const notion = connection("token-a");

    const unlimited = await calls(notion, 10);
    const on = await patchSettings({ requests_per_minute: 2, window_seconds: 3 });
    const scaled = await calls(notion, 3);
    advanceSeconds(3);
    const afterScaledReset = await calls(notion, 2);
    const workspaceOn = await patchSettings({ workspace_requests_per_minute: 1 });
    // Changing a window setting starts the windows afresh: the connection's 2 are whole again.
    const underWorkspace = [await call(notion), await call(notion)];
    const off = await patchSettings({ requests_per_minute: null, workspace_requests_per_minute: null });
    const unlimitedAgain = await calls(notion, 10);
    const refused = await patchSettings({ requests_per_minute: 0 });

    expect(unlimited.every((status) => status === 200)).toBe(true);
    expect(on).toMatchObject({ status: 200, body: { requestsPerMinute: 2, windowSeconds: 3 } });
    expect(scaled).toEqual([200, 200, 429]);
    expect(afterScaledReset).toEqual([200, 200]);
    expect(workspaceOn.body).toMatchObject({ requestsPerMinute: 2, workspaceRequestsPerMinute: 1 });
    expect(underWorkspace).toEqual([{ status: 200 }, limited("workspace_rate_limit", 3)]);
    expect([off.body.requestsPerMinute, off.body.workspaceRequestsPerMinute]).toEqual([undefined, undefined]);
    expect(unlimitedAgain.every((status) => status === 200)).toBe(true);
    expect(refused).toMatchObject({ status: 400, body: { code: "validation_error" } });
  });
});
