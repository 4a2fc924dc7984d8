/**
 * Scripted model servers that answer like the real ones: OpenAI (`POST /v1/chat/completions` and
 * `POST /v1/responses`), Anthropic (`POST /v1/messages`) and Anthropic on Amazon Bedrock
 * (`POST /model/{modelId}/invoke`). The official SDKs work against them unchanged via `baseURL`.
 *
 * Every request is first checked against the provider's documented rules (`requestChecks.ts`) and, when
 * it breaks one, answered with the provider's own status and error text; then the next script entry is
 * served, and the request is recorded either way. A script entry is:
 * - `{"$turn": {"text", "calls": [{"name", "arguments"}], "refusal", "stop": "max_tokens", "usage"}}`: a
 *   turn in neutral terms, rendered in the format of whichever API was called, its usage (cache reads and
 *   writes included) worked out from the request as the provider's prompt cache would, unless given;
 * - a response object in the API's own format (`chat.completion`, `response` or `message`), served as is
 *   with missing ids and usage filled in;
 * - `{"$error": {"status": 429, "retry_after": 1, "message": "..."}}` for an HTTP error in the provider's
 *   format.
 * Past the end of the script it answers 400 saying so. A script is checked when it is given
 * (`scriptSchema.ts`): one that is none of these throws ScriptError naming the entry.
 *
 * A server honours `tool_choice` as a real one does: a scripted turn that a forcing request could not get
 * is a mistake in the script, answered 500. Behaviours imitate weaker servers and models:
 * `ignore-tool-choice`, `one-call-per-turn` (a turn's calls come one per request), `tool-calls-as-text`
 * (calls written as JSON in the text), `think` (a `<think>` block before the text), `refuse-as-text` (every
 * answer is a refusal in plain words). `compatible` makes the OpenAI server an OpenAI-compatible one
 * (Ollama): any model name, `tool_choice` ignored.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer, readBody, sendJson as send } from "../shared/LoopbackServer.ts";
import { type CacheUsage, PromptCacheSimulator, tokenCounter } from "./PromptCacheSimulator.ts";
import { claudeModel, claudeModelOnBedrock, openAiModel } from "./providerModels.ts";
import {
  type ApiError,
  checkAnthropicRequest,
  checkBedrockRequest,
  checkChatRequest,
  checkResponsesRequest,
  type IssuedItems,
} from "./requestChecks.ts";
import {
  errorEntrySchema,
  parseScript,
  type ScriptEntry,
  ScriptError,
  turnEntrySchema,
} from "./scriptSchema.ts";
import {
  anthropicMessage,
  anthropicSegments,
  chatCompletion,
  hex,
  openAiSegments,
  responseObject,
  type ScriptedTurn,
  type TurnUsage,
  turnText,
} from "./wireFormats.ts";

export type Provider = "openai" | "anthropic" | "bedrock";
export type Api = "chat" | "responses" | "messages" | "bedrock";

export const BEHAVIOURS = [
  "ignore-tool-choice",
  "one-call-per-turn",
  "tool-calls-as-text",
  "think",
  "refuse-as-text",
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** What a model says when it will not help, in plain text. */
export const TEXT_REFUSAL = "I'm sorry, but I can't help with that.";
const THINKING =
  "<think>The author wants a review. I should check each section against my instructions.</think>\n\n";

export type { ScriptEntry } from "./scriptSchema.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  api: Api;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Bedrock: the model id from the path. */
  modelId?: string;
  /** The provider's answer when the request broke one of its rules. */
  rejected?: ApiError;
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
  /**
   * Holds every answer until this many requests have arrived in all, then answers them: a test that two
   * reviews are with the model at once needs no clock (were they one after the other, the first would never
   * be answered, and the test would time out).
   */
  holdUntil?: number;
  behaviours?: Behaviour[];
  /** OpenAI only: behave as an OpenAI-compatible server (Ollama) rather than OpenAI itself. */
  compatible?: boolean;
}

const ERROR_TYPES: Record<"openai" | "anthropic", Record<number, string>> = {
  openai: {
    400: "invalid_request_error",
    401: "invalid_request_error",
    404: "invalid_request_error",
    429: "rate_limit_exceeded",
    500: "server_error",
    503: "server_error",
  },
  anthropic: {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
  },
};

export class ScriptedModelServer {
  readonly requests: RecordedRequest[] = [];
  private script: ScriptEntry[];
  private served = 0;
  /** Turns waiting to be served before the script's next entry (one call per turn). */
  private pending: ScriptedTurn[] = [];
  private server: LoopbackServer | undefined;
  private readonly cache = new PromptCacheSimulator();
  private readonly issued: IssuedItems = { reasoningOf: new Map(), thinkingBefore: new Map() };
  private readonly behaviours: Set<Behaviour>;
  /** Answers held until `holdUntil` requests have arrived. */
  private readonly waiting: Array<() => void> = [];

  private constructor(
    readonly provider: Provider,
    script: ScriptEntry[],
    private readonly options: ScriptedModelServerOptions,
  ) {
    this.script = [...script];
    this.behaviours = new Set(options.behaviours ?? []);
  }

  static async start(options: ScriptedModelServerOptions): Promise<ScriptedModelServer> {
    const scripted = new ScriptedModelServer(options.provider, parseScript(options.script ?? []), options);
    scripted.server = await LoopbackServer.listen(
      options.port ?? 0,
      (request, response) => scripted.handle(request, response),
      (error) => scripted.errorBody("chat", 500, `scripted model server failed: ${String(error)}`),
    );
    return scripted;
  }

  /** The base URL for the SDK: `http://127.0.0.1:<port>/v1` for OpenAI, the origin for Anthropic and Bedrock. */
  get url(): string {
    return this.provider === "openai" ? `${this.origin}/v1` : this.origin;
  }

  get origin(): string {
    return this.server?.origin ?? "";
  }

  /** Adds responses to the end of the script. */
  push(...entries: ScriptEntry[]): void {
    this.script.push(...parseScript(entries));
  }

  /** How many script entries are left. */
  remaining(): number {
    return this.script.length - this.served + this.pending.length;
  }

  /** Replaces the script and forgets the recorded requests. */
  reset(script: ScriptEntry[] = []): void {
    this.script = parseScript(script);
    this.served = 0;
    this.pending = [];
    this.requests.length = 0;
  }

  /** Requests the provider would have answered (not rejected by a rule). */
  accepted(): RecordedRequest[] {
    return this.requests.filter((request) => !request.rejected);
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  private apiOf(method: string, path: string): { api: Api; modelId?: string } | undefined {
    if (method !== "POST") return undefined;
    if (this.provider === "openai") {
      if (path === "/v1/chat/completions") return { api: "chat" };
      if (path === "/v1/responses") return { api: "responses" };
      return undefined;
    }
    if (this.provider === "anthropic") return path === "/v1/messages" ? { api: "messages" } : undefined;
    const bedrock = /^\/model\/([^/]+)\/invoke$/.exec(path);
    return bedrock ? { api: "bedrock", modelId: decodeURIComponent(bedrock[1]!) } : undefined;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const raw = await readBody(request);
    if (path === "/__scripted/requests" && request.method === "GET") {
      send(response, 200, { requests: this.requests, remaining: this.remaining() });
      return;
    }
    if ((path === "/__scripted/script" || path === "/__scripted/reset") && request.method === "POST") {
      let entries: ScriptEntry[];
      try {
        entries = parseScript(JSON.parse(raw || "[]"));
      } catch (error) {
        if (!(error instanceof ScriptError || error instanceof SyntaxError)) throw error;
        return this.sendError(response, "chat", { status: 400, message: error.message });
      }
      if (path === "/__scripted/script") this.push(...entries);
      else this.reset(entries);
      send(response, 200, { remaining: this.remaining() });
      return;
    }
    const route = this.apiOf(request.method ?? "", path);
    const fallbackApi: Api =
      this.provider === "openai" ? "chat" : this.provider === "anthropic" ? "messages" : "bedrock";
    if (!route) {
      return this.sendError(response, fallbackApi, {
        status: 404,
        message: `The scripted ${this.provider} server does not answer ${request.method} ${path}.`,
      });
    }
    const { api, modelId } = route;
    if (api !== "bedrock" && !this.authorised(request)) {
      return this.sendError(response, api, {
        status: 401,
        message: api === "messages" ? "invalid x-api-key" : "Incorrect API key provided.",
      });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw);
    } catch {
      return this.sendError(response, api, { status: 400, message: "The request body is not valid JSON." });
    }
    const recorded: RecordedRequest = {
      method: request.method ?? "POST",
      path,
      api,
      headers: redactHeaders(request.headers),
      body,
      ...(modelId ? { modelId } : {}),
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);
    response.once("finish", () => {
      recorded.answeredAt = Date.now();
    });
    await this.held();
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    if (body.stream === true) {
      return this.sendError(response, api, {
        status: 400,
        message: "The scripted model server does not stream; send stream: false.",
      });
    }
    const broken = this.check(api, body, request, modelId);
    if (broken) {
      recorded.rejected = broken;
      return this.sendError(response, api, broken);
    }
    await this.serve(api, body, response, modelId);
  }

  /** Resolves once `holdUntil` requests have arrived (at once, without the option). */
  private held(): Promise<void> {
    const enough = this.requests.length >= (this.options.holdUntil ?? 0);
    if (enough) {
      for (const release of this.waiting.splice(0)) release();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private check(api: Api, body: Record<string, unknown>, request: IncomingMessage, modelId?: string) {
    const compatible = this.options.compatible === true;
    switch (api) {
      case "chat":
        return checkChatRequest(body, { compatible });
      case "responses":
        return checkResponsesRequest(body, { compatible }, this.issued);
      case "messages":
        return checkAnthropicRequest(body, header(request, "anthropic-version"), this.issued);
      case "bedrock":
        return checkBedrockRequest(modelId!, body, header(request, "authorization"), this.issued);
    }
  }

  private nextEntry(): ScriptEntry | undefined {
    const pending = this.pending.shift();
    if (pending) return { $turn: pending };
    const entry = this.script[this.served];
    if (entry) this.served += 1;
    return entry;
  }

  private async serve(
    api: Api,
    body: Record<string, unknown>,
    response: ServerResponse,
    modelId?: string,
  ): Promise<void> {
    const entry = this.nextEntry();
    if (!entry) {
      return this.sendError(response, api, {
        status: 400,
        message: `The script ran out: it has ${this.script.length} responses and this is request ${this.requests.length}.`,
      });
    }
    const error = errorEntrySchema.safeParse(entry);
    if (error.success) {
      const { status, message, retry_after, type } = error.data.$error;
      const headers: Record<string, string> =
        retry_after === undefined ? {} : { "retry-after": String(retry_after) };
      return this.sendError(
        response,
        api,
        { status, message: message ?? `Scripted error ${status}.`, type },
        headers,
      );
    }
    const model = modelId ?? (typeof body.model === "string" ? body.model : "scripted-model");
    const parsed = turnEntrySchema.safeParse(entry);
    if (!parsed.success) {
      const mismatch = stopsEarly(entry) ? undefined : this.toolChoiceMismatch(api, body, callNamesOf(entry));
      if (mismatch) return this.sendError(response, api, { status: 500, message: mismatch });
      return this.serveRaw(api, entry, model, response);
    }
    const { usage: given, ...scripted } = parsed.data.$turn;
    const turn = this.behave(scripted);
    const mismatch =
      turn.refusal !== undefined || turn.stop
        ? undefined
        : this.toolChoiceMismatch(
            api,
            body,
            (turn.calls ?? []).map((call) => call.name),
          );
    if (mismatch) return this.sendError(response, api, { status: 500, message: mismatch });
    const usage = given ?? (await this.usageOf(api, body, turn, modelId));
    send(response, 200, this.render(api, body, turn, model, usage, modelId), this.successHeaders(api));
  }

  private toolChoiceMismatch(api: Api, body: Record<string, unknown>, calls: string[]): string | undefined {
    // Servers that write text where calls belong do not constrain their models to the tools.
    const ignores = ["ignore-tool-choice", "tool-calls-as-text", "refuse-as-text"] as const;
    if (ignores.some((behaviour) => this.behaviours.has(behaviour)) || this.options.compatible)
      return undefined;
    return toolChoiceMismatch(api, body, calls);
  }

  /** Imitates weaker servers and models. */
  private behave(turn: ScriptedTurn): ScriptedTurn {
    if (this.behaviours.has("refuse-as-text")) return { text: TEXT_REFUSAL };
    let result = { ...turn };
    const calls = result.calls ?? [];
    if (this.behaviours.has("one-call-per-turn") && calls.length > 1) {
      this.pending.unshift(...calls.slice(1).map((call) => ({ calls: [call] })));
      result = { ...result, calls: calls.slice(0, 1) };
    }
    if (this.behaviours.has("tool-calls-as-text") && (result.calls ?? []).length > 0) {
      const written = (result.calls ?? []).map((call) =>
        JSON.stringify({ name: call.name, arguments: call.arguments }),
      );
      result = { ...result, text: [result.text, ...written].filter(Boolean).join("\n"), calls: [] };
    }
    if (this.behaviours.has("think")) result = { ...result, text: `${THINKING}${result.text ?? ""}` };
    return result;
  }

  private async usageOf(
    api: Api,
    body: Record<string, unknown>,
    turn: ScriptedTurn,
    modelId?: string,
  ): Promise<TurnUsage> {
    const outputTokens = (await tokenCounter())(turnText(turn));
    let cached: CacheUsage;
    if (api === "chat" || api === "responses") {
      cached = await this.cache.openAi(
        openAiSegments(body),
        openAiModel(String(body.model))?.cacheWrites ?? false,
      );
    } else {
      const model =
        api === "bedrock" ? claudeModelOnBedrock(modelId!)?.model : claudeModel(String(body.model));
      cached = await this.cache.anthropic(anthropicSegments(body), model?.minimumCacheableTokens ?? 1_024);
    }
    return {
      inputTokens: cached.readTokens + cached.writeTokens + cached.uncachedTokens,
      readTokens: cached.readTokens,
      writeTokens: cached.writeTokens,
      outputTokens,
    };
  }

  private render(
    api: Api,
    body: Record<string, unknown>,
    turn: ScriptedTurn,
    model: string,
    usage: TurnUsage,
    modelId?: string,
  ): Record<string, unknown> {
    const compatible = this.options.compatible === true;
    const openAi = compatible ? undefined : openAiModel(model);
    if (api === "chat") return chatCompletion(turn, model, usage, openAi?.cacheWrites ?? false);
    if (api === "responses") {
      const include = (body.include as string[] | undefined) ?? [];
      const rendered = responseObject(turn, model, usage, {
        reasoning: openAi?.reasoning ?? false,
        encrypted: include.includes("reasoning.encrypted_content"),
        reportsWrites: openAi?.cacheWrites ?? false,
      });
      if (rendered.reasoningId)
        for (const id of rendered.callIds) this.issued.reasoningOf.set(id, rendered.reasoningId);
      return rendered.response;
    }
    const claude = api === "bedrock" ? claudeModelOnBedrock(modelId!)?.model : claudeModel(model);
    const forced = ["any", "tool"].includes(
      String((body.tool_choice as { type?: string } | undefined)?.type),
    );
    const rendered = anthropicMessage(turn, model, usage, {
      thinking: Boolean(claude?.thinksByDefault) && !forced,
    });
    if (rendered.signature)
      for (const id of rendered.toolUseIds) this.issued.thinkingBefore.set(id, rendered.signature);
    return rendered.message;
  }

  private serveRaw(api: Api, entry: ScriptEntry, model: string, response: ServerResponse): void {
    const expected = api === "chat" ? "choices" : api === "responses" ? "output" : undefined;
    if (expected && !(expected in entry)) {
      this.sendError(response, api, {
        status: 500,
        message: `This script entry is not a ${api === "chat" ? "chat.completion" : "response object"}, but the request went to ${api === "chat" ? "/v1/chat/completions" : "/v1/responses"}.`,
      });
      return;
    }
    const body =
      api === "chat"
        ? fillChatCompletion(entry, model)
        : api === "responses"
          ? fillResponse(entry, model)
          : fillMessage(entry, model);
    send(response, 200, body, this.successHeaders(api));
  }

  private successHeaders(api: Api): Record<string, string> {
    if (api === "messages") return { "request-id": `req_${hex(12)}` };
    if (api === "bedrock") return { "x-amzn-requestid": hex(16) };
    return { "x-request-id": `req_${hex(12)}` };
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
    api: Api,
    error: ApiError,
    headers: Record<string, string> = {},
  ): void {
    if (api === "bedrock") {
      const type = error.type ?? (error.status >= 500 ? "InternalServerException" : "ValidationException");
      send(
        response,
        error.status,
        { message: error.message },
        {
          "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
          ...headers,
        },
      );
      return;
    }
    send(response, error.status, this.errorBody(api, error.status, error.message, error), headers);
  }

  /** An error body in the provider's own format. */
  private errorBody(api: Api, status: number, message: string, error?: Partial<ApiError>): unknown {
    const family = api === "messages" ? "anthropic" : "openai";
    const type =
      error?.type ?? ERROR_TYPES[family][status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
    if (family === "anthropic")
      return { type: "error", error: { type, message }, request_id: `req_${hex(12)}` };
    return {
      error: {
        message,
        type,
        param: error?.param ?? null,
        code: error?.code ?? (status === 429 ? "rate_limit_exceeded" : null),
      },
    };
  }
}

export function startScriptedModelServer(options: ScriptedModelServerOptions): Promise<ScriptedModelServer> {
  return ScriptedModelServer.start(options);
}

/**
 * A refusal or an answer cut off at the output limit: a provider's safety system and its token limit stop
 * a model whatever `tool_choice` asked.
 */
function stopsEarly(entry: ScriptEntry): boolean {
  const choice = (
    entry.choices as Array<{ finish_reason?: string; message?: { refusal?: unknown } }> | undefined
  )?.[0];
  if (choice)
    return (
      Boolean(choice.message?.refusal) ||
      choice.finish_reason === "length" ||
      choice.finish_reason === "content_filter"
    );
  if (entry.stop_reason === "refusal" || entry.stop_reason === "max_tokens") return true;
  return entry.status === "incomplete";
}

/** The tools a raw response object calls, in any of the three formats. */
function callNamesOf(entry: ScriptEntry): string[] {
  const chat = (
    entry.choices as Array<{ message?: { tool_calls?: Array<{ function?: { name?: string } }> } }> | undefined
  )?.[0]?.message?.tool_calls;
  if (chat) return chat.map((call) => call.function?.name ?? "");
  const items = (entry.output ?? entry.content) as Array<{ type?: string; name?: string }> | undefined;
  return (Array.isArray(items) ? items : [])
    .filter((item) => item.type === "function_call" || item.type === "tool_use")
    .map((item) => item.name ?? "");
}

/** Why a server that honours `tool_choice` could not have given this turn, if it could not. */
function toolChoiceMismatch(api: Api, body: Record<string, unknown>, calls: string[]): string | undefined {
  const choice = body.tool_choice as
    | string
    | { type?: string; name?: string; function?: { name?: string } }
    | undefined;
  let forced: string | undefined;
  if (choice === "required") forced = "";
  else if (typeof choice === "object" && choice !== null) {
    if (choice.type === "any") forced = "";
    else if (choice.type === "tool" || (choice.type === "function" && api === "responses"))
      forced = choice.name ?? "";
    else if (choice.type === "function") forced = choice.function?.name ?? "";
  }
  if (forced === undefined) return undefined;
  const wrong = forced ? calls.filter((name) => name !== forced) : [];
  if (calls.length > 0 && wrong.length === 0) return undefined;
  return `The scripted turn cannot answer this request: it forces ${forced ? `a call to ${forced}` : "a tool call"} (tool_choice ${JSON.stringify(choice)}), and a server that honours tool_choice would make one. Script ${forced ? `a ${forced} call` : "a call"}, or start the server with the ignore-tool-choice behaviour.`;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
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

function fillResponse(entry: ScriptEntry, model: string): Record<string, unknown> {
  return {
    id: `resp_${hex(16)}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    incomplete_details: null,
    error: null,
    model,
    ...entry,
    usage: {
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
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
