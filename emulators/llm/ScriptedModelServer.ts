/**
 * Scripted model servers: a local OpenAI Chat Completions (`POST /v1/chat/completions`) or Anthropic
 * Messages (`POST /v1/messages`) endpoint that answers with a script of responses in the API's own format,
 * in order, and records every request. The official `openai` and `@anthropic-ai/sdk` clients work against
 * it unchanged via `baseURL`.
 *
 * A script entry is a response object (`chat.completion` or `message`; missing ids, timestamps, model and
 * usage are filled in), or `{"$error": {"status": 429, "retry_after": 1, "message": "..."}}` for an HTTP
 * error in the provider's error format. Past the end of the script it answers 400 saying so.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { LoopbackServer, readBody, sendJson as send } from "../shared/LoopbackServer.ts";

export type Provider = "openai" | "anthropic";

const errorEntrySchema = z.strictObject({
  $error: z.strictObject({
    status: z.number().int().min(400).max(599),
    message: z.string().optional(),
    retry_after: z.number().min(0).optional(),
    type: z.string().optional(),
  }),
});

export type ScriptEntry = Record<string, unknown>;

export const scriptSchema = z.array(
  z.record(z.string(), z.unknown()),
  "the script should be a JSON array of responses",
);

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** When the request arrived and when it was answered (ms since the epoch). */
  receivedAt: number;
  answeredAt?: number;
}

export interface ScriptedModelServerOptions {
  provider: Provider;
  script?: ScriptEntry[];
  port?: number;
  /** Added before every answer, as a model takes time to think. */
  latencyMs?: number;
}

const ERROR_TYPES: Record<Provider, Record<number, string>> = {
  openai: {
    400: "invalid_request_error",
    401: "invalid_request_error",
    429: "rate_limit_exceeded",
    500: "server_error",
    503: "server_error",
  },
  anthropic: {
    400: "invalid_request_error",
    401: "authentication_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
  },
};

export class ScriptedModelServer {
  readonly requests: RecordedRequest[] = [];
  private script: ScriptEntry[];
  private served = 0;
  private server: LoopbackServer | undefined;

  private constructor(
    readonly provider: Provider,
    script: ScriptEntry[],
    private readonly latencyMs = 0,
  ) {
    this.script = [...script];
  }

  static async start(options: ScriptedModelServerOptions): Promise<ScriptedModelServer> {
    const scripted = new ScriptedModelServer(
      options.provider,
      scriptSchema.parse(options.script ?? []),
      options.latencyMs,
    );
    scripted.server = await LoopbackServer.listen(
      options.port ?? 0,
      (request, response) => scripted.handle(request, response),
      (error) => scripted.errorBody(500, `scripted model server failed: ${String(error)}`),
    );
    return scripted;
  }

  /** The base URL for the SDK: `http://127.0.0.1:<port>/v1` for OpenAI, `http://127.0.0.1:<port>` for Anthropic. */
  get url(): string {
    return this.provider === "openai" ? `${this.origin}/v1` : this.origin;
  }

  get origin(): string {
    return this.server?.origin ?? "";
  }

  /** Adds responses to the end of the script. */
  push(...entries: ScriptEntry[]): void {
    this.script.push(...scriptSchema.parse(entries));
  }

  /** How many script entries are left. */
  remaining(): number {
    return this.script.length - this.served;
  }

  /** Replaces the script and forgets the recorded requests. */
  reset(script: ScriptEntry[] = []): void {
    this.script = scriptSchema.parse(script);
    this.served = 0;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  private endpoint(): string {
    return this.provider === "openai" ? "/v1/chat/completions" : "/v1/messages";
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const raw = await readBody(request);
    if (path === "/__scripted/requests" && request.method === "GET") {
      send(response, 200, { requests: this.requests, remaining: this.remaining() });
      return;
    }
    if (path === "/__scripted/script" && request.method === "POST") {
      const parsed = scriptSchema.safeParse(JSON.parse(raw || "[]"));
      if (!parsed.success) return this.sendError(response, 400, parsed.error.issues[0]!.message);
      this.push(...parsed.data);
      send(response, 200, { remaining: this.remaining() });
      return;
    }
    if (path === "/__scripted/reset" && request.method === "POST") {
      this.reset(JSON.parse(raw || "[]"));
      send(response, 200, { remaining: this.remaining() });
      return;
    }
    if (path !== this.endpoint() || request.method !== "POST") {
      return this.sendError(
        response,
        404,
        `The scripted ${this.provider} server only answers POST ${this.endpoint()}, not ${request.method} ${path}.`,
      );
    }
    if (!this.authorised(request)) {
      return this.sendError(
        response,
        401,
        this.provider === "openai" ? "Incorrect API key provided." : "invalid x-api-key",
      );
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw);
    } catch {
      return this.sendError(response, 400, "The request body is not valid JSON.");
    }
    const recorded: RecordedRequest = {
      method: request.method,
      path,
      headers: redactHeaders(request.headers),
      body,
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);
    response.once("finish", () => {
      recorded.answeredAt = Date.now();
    });
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (body.stream === true) {
      return this.sendError(response, 400, "The scripted model server does not stream; send stream: false.");
    }
    const entry = this.script[this.served];
    if (!entry) {
      return this.sendError(
        response,
        400,
        `The script ran out: it has ${this.script.length} responses and this is request ${this.requests.length}.`,
      );
    }
    this.served += 1;
    const error = errorEntrySchema.safeParse(entry);
    if (error.success) {
      const { status, message, retry_after, type } = error.data.$error;
      const headers: Record<string, string> =
        retry_after === undefined ? {} : { "retry-after": String(retry_after) };
      return this.sendError(response, status, message ?? `Scripted error ${status}.`, headers, type);
    }
    const model = typeof body.model === "string" ? body.model : "scripted-model";
    send(
      response,
      200,
      this.provider === "openai" ? fillChatCompletion(entry, model) : fillMessage(entry, model),
      {
        ...(this.provider === "anthropic"
          ? { "request-id": `req_${hex(12)}` }
          : { "x-request-id": `req_${hex(12)}` }),
      },
    );
  }

  private authorised(request: IncomingMessage): boolean {
    if (this.provider === "openai") return /^Bearer\s+\S+/.test(request.headers.authorization ?? "");
    return (
      typeof request.headers["x-api-key"] === "string" ||
      /^Bearer\s+\S+/.test(request.headers.authorization ?? "")
    );
  }

  private sendError(
    response: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
    type?: string,
  ): void {
    send(response, status, this.errorBody(status, message, type), headers);
  }

  /** An error body in the provider's own format. */
  private errorBody(status: number, message: string, type?: string): unknown {
    const errorType =
      type ?? ERROR_TYPES[this.provider][status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
    if (this.provider === "anthropic") return { type: "error", error: { type: errorType, message } };
    return {
      error: { message, type: errorType, param: null, code: status === 429 ? "rate_limit_exceeded" : null },
    };
  }
}

export function startScriptedModelServer(options: ScriptedModelServerOptions): Promise<ScriptedModelServer> {
  return ScriptedModelServer.start(options);
}

function fillChatCompletion(entry: ScriptEntry, model: string): Record<string, unknown> {
  const choices = (entry.choices as Array<Record<string, unknown>> | undefined) ?? [];
  return {
    id: `chatcmpl-${hex(12)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: null,
    ...entry,
    choices: choices.map((choice, index) => ({ index, logprobs: null, finish_reason: "stop", ...choice })),
    usage: {
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      ...(entry.usage as object | undefined),
    },
  };
}

function fillMessage(entry: ScriptEntry, model: string): Record<string, unknown> {
  return {
    id: `msg_${hex(12)}`,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: "end_turn",
    stop_sequence: null,
    ...entry,
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...(entry.usage as object | undefined),
    },
  };
}

function redactHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    kept[name] = name === "authorization" || name === "x-api-key" ? "[redacted]" : String(value);
  }
  return kept;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
