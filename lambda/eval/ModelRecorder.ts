/**
 * `margin eval --record`: a local HTTP server between the provider's SDK and the provider, which passes
 * every request through unchanged (headers and key included: they are never stored) and keeps each answer
 * body in order. The answers are a script the scripted model servers replay (`--replay`), in the API's
 * own format, so a replay gives the review core exactly what the model said.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import * as z from "../schema.ts";

/** What a recording file holds. */
export const recordingSchema = z.strictObject({
  provider: z.enum(["openai", "anthropic", "bedrock"]),
  model: z.string().check(z.minLength(1)),
  /** The model's answers in order: response objects, `$turn` entries or `$error` entries. */
  script: z.array(z.record(z.string(), z.unknown())),
});

export type Recording = z.infer<typeof recordingSchema>;

/** Request headers not passed on: they belong to this hop. */
const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "accept-encoding"]);

export class ModelRecorder {
  readonly answers: Array<Record<string, unknown>> = [];

  private constructor(
    private readonly server: Server,
    private readonly upstream: string,
  ) {}

  static async start(_provider: ProviderName, upstream: string): Promise<ModelRecorder> {
    let recorder: ModelRecorder | undefined;
    const server = createServer((request, response) => {
      void recorder!.forward(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: { message: `The recorder could not reach the provider: ${String(error)}` },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    recorder = new ModelRecorder(server, upstream.replace(/\/$/, ""));
    return recorder;
  }

  /** The base URL to give the SDK: the same path as the upstream's, on this server. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${new URL(this.upstream).pathname.replace(/\/$/, "")}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const base = new URL(this.upstream);
    const path = (request.url ?? "/").slice(base.pathname.replace(/\/$/, "").length);
    const headers = Object.fromEntries(
      Object.entries(request.headers)
        .filter(([name, value]) => !HOP_HEADERS.has(name) && typeof value === "string")
        .map(([name, value]) => [name, value as string]),
    );
    const answer = await fetch(`${this.upstream}${path}`, {
      method: request.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const text = await answer.text();
    this.answers.push(answerEntry(answer.status, text));
    response.writeHead(answer.status, {
      "content-type": answer.headers.get("content-type") ?? "application/json",
    });
    response.end(text);
  }
}

/** An answer as a script entry: the response object, or an error the scripted server answers alike. */
function answerEntry(status: number, text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status < 400 && body && typeof body === "object") return body as Record<string, unknown>;
  const message =
    (body as { error?: { message?: string } } | undefined)?.error?.message ?? text.slice(0, 200) ?? "error";
  return { $error: { status, message } };
}
