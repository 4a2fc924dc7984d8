/**
 * The Notion emulator: an HTTP server on 127.0.0.1 that answers like the Notion API (version 2025-09-03)
 * for every endpoint Margin uses, with Notion's response shapes, validation, errors, pagination, rate
 * limits (per-connection and per-workspace windows as documented, or the older token bucket; see RateLimits),
 * latency and fault injection. `@notionhq/client` works against it unchanged via `baseUrl`.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { BodyTooLargeError, LoopbackServer, readBody, sendJson as send } from "../shared/LoopbackServer.ts";
import { blocksApi } from "./api/blocksApi.ts";
import { commentsApi } from "./api/commentsApi.ts";
import { type ControlContext, controlApi } from "./api/controlApi.ts";
import { databasesApi } from "./api/databasesApi.ts";
import type { EmulatorContext } from "./api/EmulatorContext.ts";
import { pageMarkdownApi } from "./api/pageMarkdownApi.ts";
import { pagesApi } from "./api/pagesApi.ts";
import { searchApi } from "./api/searchApi.ts";
import { usersApi } from "./api/usersApi.ts";
import { EmulatorControl } from "./control/EmulatorControl.ts";
import { FaultPlan, type InjectedFault } from "./control/FaultPlan.ts";
import { RequestHolds } from "./control/RequestHolds.ts";
import { type RateLimitReason, RateLimits, type WindowSettings } from "./http/RateLimits.ts";
import { RequestCounters } from "./http/RequestCounters.ts";
import { type ApiRequest, type ApiResponse, Router } from "./http/Router.ts";
import type { Json } from "./model/Json.ts";
import { type Seed, seedWorkspace } from "./model/seedWorkspace.ts";
import type { Workspace } from "./model/Workspace.ts";
import { NotionApiError } from "./NotionApiError.ts";

/** Notion rejects bodies over 500 KB. */
export const MAX_BODY_BYTES = 500 * 1024;

/** The API versions Notion accepts in the `Notion-Version` header. */
const NOTION_VERSIONS = [
  "2021-05-11",
  "2021-05-13",
  "2021-08-16",
  "2022-02-22",
  "2022-06-28",
  "2025-09-03",
  "2026-03-11",
];

export interface EmulatorSettings extends WindowSettings {
  /** Requests per second before 429s (token bucket, the older model of Notion's limit); undefined = unlimited. */
  rps: number | undefined;
  /** Bucket size: requests that may arrive at once. */
  burst: number;
  /** Added before every Notion API answer. */
  latencyMs: number;
  /** Fraction of requests that fail with 500, 502, 503 or 429 at random. */
  failRate: number;
  /** Seed of the fault injector's random generator. */
  randomSeed: number;
}

export interface NotionEmulatorOptions extends Partial<EmulatorSettings> {
  /** The seed (see `seedWorkspace`); an empty workspace with one bot when omitted. */
  seed?: Seed | unknown;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** When set, `Authorization: Bearer <token>` must carry exactly this token. */
  token?: string;
  /** The integration's bot user (id or seed name); default: the first bot in the seed. */
  botUser?: string;
  /**
   * Clock for timestamps and for the rate limits' windows and bucket, so a test that moves it sees windows
   * reset without waiting. Default: the wall clock for timestamps, `performance.now()` for the limits.
   */
  clock?: () => Date;
}

/** The settings that, when changed, start the window limits afresh. */
const WINDOW_SETTINGS: Array<keyof WindowSettings> = [
  "requestsPerMinute",
  "workspaceRequestsPerMinute",
  "windowSeconds",
  "workspaceExtraRetrySeconds",
];

const notionRouter = new Router<EmulatorContext>([
  ...usersApi,
  ...pagesApi,
  ...pageMarkdownApi,
  ...blocksApi,
  ...commentsApi,
  ...databasesApi,
  ...searchApi,
]);
const controlRouter = new Router<ControlContext>(controlApi);

/** Whether the emulator implements a Notion endpoint (method and concrete path, e.g. `GET /v1/users/me`). */
export function implementsEndpoint(method: string, path: string): boolean {
  return notionRouter.match(method.toUpperCase(), path).kind === "found";
}

export class NotionEmulator {
  readonly counters = new RequestCounters();
  readonly faults: FaultPlan;
  /** Requests a test holds in flight (see RequestHolds). */
  readonly holds = new RequestHolds();
  readonly control: EmulatorControl;
  private current: Workspace;
  private readonly limits: RateLimits;
  private currentSettings: EmulatorSettings;
  private server: LoopbackServer | undefined;

  private constructor(private readonly options: NotionEmulatorOptions) {
    this.current = this.buildWorkspace();
    this.currentSettings = {
      rps: options.rps,
      burst: options.burst ?? Math.max(1, Math.ceil(options.rps ?? 1)),
      latencyMs: options.latencyMs ?? 0,
      failRate: options.failRate ?? 0,
      randomSeed: options.randomSeed ?? 1,
      requestsPerMinute: options.requestsPerMinute,
      workspaceRequestsPerMinute: options.workspaceRequestsPerMinute,
      windowSeconds: options.windowSeconds ?? 60,
      workspaceExtraRetrySeconds: options.workspaceExtraRetrySeconds ?? 0,
    };
    this.faults = new FaultPlan(
      this.currentSettings.failRate,
      this.currentSettings.randomSeed,
      notionRouter.endpoints(),
    );
    const clock = options.clock;
    this.limits = new RateLimits(clock ? () => clock().getTime() : () => performance.now());
    this.limits.setBucket(this.currentSettings.rps, this.currentSettings.burst);
    this.limits.setWindows(this.currentSettings);
    this.control = new EmulatorControl(() => this.current);
  }

  /** Starts an emulator; throws SeedError (naming the object) when the seed does not fit. */
  static async start(options: NotionEmulatorOptions = {}): Promise<NotionEmulator> {
    const emulator = new NotionEmulator(options);
    emulator.server = await LoopbackServer.listen(
      options.port ?? 0,
      (request, response) => emulator.handle(request, response),
      (error) =>
        new NotionApiError(
          500,
          "internal_server_error",
          `Unexpected error occurred: ${String(error)}`,
        ).toBody(randomUUID()),
    );
    return emulator;
  }

  /** `http://127.0.0.1:<port>`: give it to the SDK as `baseUrl`. */
  get url(): string {
    return this.server?.origin ?? "";
  }

  get workspace(): Workspace {
    return this.current;
  }

  get botUserId(): string {
    return this.current.botUserId;
  }

  settings(): EmulatorSettings {
    return { ...this.currentSettings };
  }

  configure(update: Partial<EmulatorSettings>): void {
    this.currentSettings = { ...this.currentSettings, ...update };
    if ("rps" in update && update.burst === undefined && update.rps !== undefined) {
      this.currentSettings.burst = Math.max(1, Math.ceil(update.rps));
    }
    this.faults.failRate = this.currentSettings.failRate;
    if (update.randomSeed !== undefined) this.faults.reseed(update.randomSeed);
    this.limits.setBucket(this.currentSettings.rps, this.currentSettings.burst);
    if (WINDOW_SETTINGS.some((key) => key in update)) this.limits.setWindows(this.currentSettings);
  }

  /** Back to the seed: state, counters, scripted faults, and the rate limits' windows and bucket. */
  reset(): void {
    this.current = this.buildWorkspace();
    this.counters.reset();
    this.limits.setBucket(this.currentSettings.rps, this.currentSettings.burst);
    this.limits.setWindows(this.currentSettings);
    this.faults.clearScripted();
    this.holds.releaseAll();
  }

  async close(): Promise<void> {
    this.holds.releaseAll();
    await this.server?.close();
    this.server = undefined;
  }

  private buildWorkspace(): Workspace {
    return seedWorkspace(this.options.seed ?? {}, {
      botUserId: this.options.botUser,
      clock: this.options.clock,
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = (request.method ?? "GET").toUpperCase();
    if (url.pathname.startsWith("/__emulator/")) {
      await this.handleControl(method, url, request, response);
      return;
    }
    const requestId = randomUUID();
    const match = notionRouter.match(method, url.pathname);
    const endpoint = match.kind === "found" ? `${method} ${match.route.template}` : `${method} (unknown)`;
    this.counters.request(endpoint);
    let status = 200;
    let body: Json;
    let headers: Record<string, string> = {};
    let answered = () => {};
    try {
      const raw = await readNotionBody(request);
      if (this.currentSettings.latencyMs > 0) await sleep(this.currentSettings.latencyMs);
      answered = await this.holds.pass(endpoint);
      if (match.kind !== "found") throw NotionApiError.invalidUrl();
      const token = this.checkAuth(request);
      this.checkVersion(request);
      this.checkRateLimit(endpoint, token);
      const fault = this.faults.next(endpoint);
      if (fault && !fault.afterCommit) throw this.injected(endpoint, fault);
      const result = await match.route.handler(apiRequest(request, url, match.params, raw), {
        workspace: this.current,
      });
      if (fault?.afterCommit) throw this.injected(endpoint, fault);
      ({ status, body, headers } = normalise(result));
      body = { ...body, request_id: requestId };
    } catch (error) {
      const failure =
        error instanceof NotionApiError
          ? error
          : new NotionApiError(500, "internal_server_error", "Unexpected error occurred.");
      if (!(error instanceof NotionApiError)) console.error("emulator: unexpected error", error);
      const bot = this.current.users.get(this.current.botUserId);
      const named = bot ? failure.withIntegration(bot.name ?? "integration", bot.id) : failure;
      status = named.status;
      body = named.toBody(requestId);
      headers = named.headers;
    }
    send(response, status, body, headers);
    answered();
  }

  private async handleControl(
    method: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const match = controlRouter.match(method, url.pathname);
    try {
      if (match.kind !== "found")
        throw new NotionApiError(
          404,
          "invalid_request_url",
          `No control endpoint ${method} ${url.pathname}.`,
        );
      const raw = await readNotionBody(request);
      const result = await match.route.handler(apiRequest(request, url, match.params, raw), {
        emulator: this,
      });
      const { status, body, headers } = normalise(result);
      send(response, status, body, headers);
    } catch (error) {
      const failure =
        error instanceof NotionApiError
          ? error
          : new NotionApiError(500, "internal_server_error", String(error));
      send(response, failure.status, failure.toBody(randomUUID()));
    }
  }

  /** The bearer token: it names the connection whose budget the request spends. */
  private checkAuth(request: IncomingMessage): string {
    const header = request.headers.authorization ?? "";
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (!token || (this.options.token !== undefined && token !== this.options.token)) {
      throw new NotionApiError(401, "unauthorized", "API token is invalid.");
    }
    return token;
  }

  private checkVersion(request: IncomingMessage): void {
    const version = request.headers["notion-version"];
    if (version === undefined) {
      throw new NotionApiError(
        400,
        "missing_version",
        "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.",
      );
    }
    if (!NOTION_VERSIONS.includes(String(version))) {
      const allowed = NOTION_VERSIONS.map((v) => `"${v}"`);
      throw NotionApiError.validation(
        `Notion-Version header failed validation: Notion-Version header should be ${allowed.slice(0, -1).join(", ")}, or ${allowed.at(-1)}, instead was \`"${String(version)}"\`.`,
      );
    }
  }

  private checkRateLimit(endpoint: string, token: string): void {
    const verdict = this.limits.admit(token);
    if (!verdict.ok) {
      this.counters.rateLimited(endpoint, verdict.reason);
      throw rateLimited(verdict.retryAfterSeconds, verdict.reason);
    }
  }

  private injected(endpoint: string, { status, retryAfterSeconds }: InjectedFault): NotionApiError {
    this.counters.injectedFailure(endpoint);
    switch (status) {
      case 429:
        // A scripted 429 stands for the limit a client most often meets: its connection's.
        return rateLimited(retryAfterSeconds, "connection_rate_limit");
      case 529:
        // Notion's overload answer; clients are to treat it like a 429, Retry-After included.
        return new NotionApiError(
          529,
          "service_overload",
          "Notion is experiencing high load. Please try again later.",
          { "retry-after": String(retryAfterSeconds) },
        );
      case 502:
        return new NotionApiError(502, "bad_gateway", "Bad Gateway");
      case 503:
        return new NotionApiError(
          503,
          "service_unavailable",
          "Notion is unavailable, please try again later.",
        );
      case 504:
        return new NotionApiError(504, "gateway_timeout", "Gateway Timeout");
      case 409:
        return new NotionApiError(409, "conflict_error", "Conflict occurred while saving. Please try again.");
      default:
        return new NotionApiError(status, "internal_server_error", "Unexpected error occurred.");
    }
  }
}

/** Starts a Notion emulator; see `NotionEmulatorOptions`. */
export function startNotionEmulator(options: NotionEmulatorOptions = {}): Promise<NotionEmulator> {
  return NotionEmulator.start(options);
}

function rateLimited(seconds: number, reason: RateLimitReason): NotionApiError {
  const error = new NotionApiError(
    429,
    "rate_limited",
    "You have been rate limited. Please try again in a few minutes.",
    {
      "retry-after": String(seconds),
    },
  );
  error.additionalData = { rate_limit_reason: reason };
  return error;
}

function normalise(result: Json | ApiResponse): {
  status: number;
  body: Json;
  headers: Record<string, string>;
} {
  if ("body" in result && typeof result.body === "object" && ("status" in result || "headers" in result)) {
    const response = result as ApiResponse;
    return { status: response.status ?? 200, body: response.body, headers: response.headers ?? {} };
  }
  return { status: 200, body: result as Json, headers: {} };
}

async function readNotionBody(request: IncomingMessage): Promise<string> {
  try {
    return await readBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    throw new NotionApiError(
      413,
      "validation_error",
      `Request body too large: the limit is ${MAX_BODY_BYTES / 1024} KB.`,
    );
  }
}

function apiRequest(
  request: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  raw: string,
): ApiRequest {
  const method = (request.method ?? "GET").toUpperCase();
  return {
    method,
    path: url.pathname,
    params,
    query: url.searchParams,
    body: parseJson(raw, method),
    headers: request.headers,
  };
}

function parseJson(raw: string, method: string): Json | undefined {
  if (!raw.trim() || method === "GET") return undefined;
  try {
    const parsed = JSON.parse(raw);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw NotionApiError.validation("body failed validation: body should be an object.");
    }
    return parsed;
  } catch (error) {
    if (error instanceof NotionApiError) throw error;
    throw new NotionApiError(400, "invalid_json", "Error parsing JSON body.");
  }
}
