/**
 * `margin serve`: the webhook handler and the worker in one process, with a queue that keeps SQS FIFO's
 * grouping and deduplication and lives in a file beside the ledger, so a killed serve resumes its jobs when
 * it starts again. Configured from the environment, like the command line; it works against the emulator
 * (`NOTION_BASE_URL`) and a scripted model server, or against real Notion through a tunnel. Its log says
 * what became of each delivery, and gives each job's figures (the worker's metrics in Lambda) in one line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { readConfig, secretsFor } from "../config/config.ts";
import { requireSecret } from "../config/secrets.ts";
import { ConfigurationError } from "../errors.ts";
import type { Log } from "../observability/Log.ts";
import { logMetrics } from "../observability/logMetrics.ts";
import { DurableFifoQueue } from "../queue/DurableFifoQueue.ts";
import type { FifoQueue } from "../queue/FifoQueue.ts";
import { LocalReviewQueue } from "../queue/LocalReviewQueue.ts";
import { type HttpRequest, type HttpResponse, refuse } from "../webhook/HttpExchange.ts";
import { handleWebhookRequest } from "../webhook/handleWebhookRequest.ts";
import { MAX_BODY_BYTES } from "../webhook/limits.ts";
import { buildWebhookDependencies } from "../wiring/buildWebhookDependencies.ts";
import { buildWorkerDependencies } from "../wiring/buildWorkerDependencies.ts";
import { LocalWorker } from "./LocalWorker.ts";

export interface LocalServiceOptions {
  env: NodeJS.ProcessEnv;
  port?: number;
  host?: string;
  log: Log;
  retryDelayMs?: number;
  /** Where a relative MARGIN_LEDGER_FILE is (default: the working directory). */
  cwd?: string;
}

export interface LocalService {
  url: string;
  queue: FifoQueue;
  /** Resolves when every queued review has finished. */
  idle(): Promise<void>;
  /** The reviewers of the Prompts database, as the webhook sees them (and keeps for its first deliveries). */
  reviewers(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const config = readConfig(options.env);
  const cwd = options.cwd ?? process.cwd();
  const secrets = secretsFor(config, options.env, cwd);
  await requireSecret(secrets, "webhookSecret");
  // Kept beside the ledger: a serve that is killed picks up, when it starts again, where it stopped.
  const fifo = new DurableFifoQueue(join(dirname(resolve(cwd, config.MARGIN_LEDGER_FILE)), "queue.json"), {
    maxReceiveCount: config.MARGIN_MAX_ATTEMPTS,
  });
  // The webhook's and the worker's own wiring, with the queue between them.
  const queue = new LocalReviewQueue(fifo);
  const webhook = await buildWebhookDependencies(config, secrets, queue, cwd);
  const worker = new LocalWorker({
    queue: fifo,
    log: options.log,
    retryDelayMs: options.retryDelayMs,
    timeoutMs: config.MARGIN_WORKER_TIMEOUT_SECONDS * 1000,
    dependencies: await buildWorkerDependencies(
      config,
      secrets,
      options.log,
      cwd,
      queue,
      logMetrics(options.log),
    ),
  });

  const server = webhookServer(webhook, worker, options.log);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, options)));
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  // Jobs an earlier serve left queued or in flight start now.
  worker.poke();
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    queue: fifo,
    idle: () => worker.idle(),
    reviewers: () => webhook.prompts.titles(),
    async close() {
      await worker.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

type WebhookWiring = Awaited<ReturnType<typeof buildWebhookDependencies>>;

/** The HTTP server in front of the webhook's logic; an accepted job wakes the worker. */
function webhookServer(webhook: WebhookWiring, worker: LocalWorker, log: Log): Server {
  return createServer((request, response) => {
    void respond(request, response, webhook, worker, log).catch((error: unknown) => {
      log.error("The webhook failed", { error: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "Margin could not take the delivery; see its log." }));
    });
  });
}

async function respond(
  request: IncomingMessage,
  response: ServerResponse,
  webhook: WebhookWiring,
  worker: LocalWorker,
  log: Log,
): Promise<void> {
  log.info(`Delivery ${request.method} ${request.url?.split("?")[0]}`, {
    bytes: Number(request.headers["content-length"] ?? 0) || undefined,
  });
  const read = await toHttpRequest(request);
  const answer =
    "refusal" in read
      ? read.refusal
      : await handleWebhookRequest(read.request, {
          ...webhook,
          revealCandidates: true,
          log,
          correlationId: request.headers["x-correlation-id"]?.toString(),
        });
  log.info(`Answered ${answer.status}`, {
    outcome: answer.outcome,
    ...(answer.status >= 400 ? { error: answer.body.error } : {}),
  });
  response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
  response.end(JSON.stringify(answer.body));
  // A review (202) or a reply (200 from /events) may have been queued: the worker looks.
  if (answer.status < 300) worker.poke();
}

/**
 * The request in the webhook's terms, its body read only up to MAX_BODY_BYTES: a bigger one is refused
 * while it arrives (by its Content-Length, or once it passes the limit), before anything reads it whole.
 */
async function toHttpRequest(
  request: IncomingMessage,
): Promise<{ request: HttpRequest } | { refusal: HttpResponse }> {
  const tooBig = {
    refusal: refuse(413, `The body is over ${MAX_BODY_BYTES / 1024} KB; a Notion webhook sends far less.`),
  };
  if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
    request.resume();
    return tooBig;
  }
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === undefined) return tooBig;
  // Split by hand: `new URL` reads a path such as `//` as the start of another host, and throws.
  const [path = "/", search = ""] = (request.url ?? "/").split("?", 2);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return {
    request: {
      method: request.method ?? "GET",
      path,
      headers,
      query: [...new URLSearchParams(search).entries()],
      body: body.toString("utf8"),
    },
  };
}

/** The body, or undefined once it passes `limit`: the rest is let through unread, and not kept. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      if (bytes > limit) return;
      bytes += chunk.length;
      if (bytes > limit) resolve(undefined);
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(bytes > limit ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** A port that cannot be listened on, in one line that says what to do. */
function listenError(error: NodeJS.ErrnoException, options: LocalServiceOptions): Error {
  const where = `${options.host ?? "127.0.0.1"}:${options.port ?? 0}`;
  if (error.code === "EADDRINUSE")
    return new ConfigurationError(
      `${where} is in use: stop what listens there, or choose another port with --port.`,
    );
  if (error.code === "EACCES")
    return new ConfigurationError(
      `${where} may not be listened on by this user: choose a port above 1023 with --port.`,
    );
  if (error.code === "EADDRNOTAVAIL")
    return new ConfigurationError(
      `${options.host} is not an address of this machine: choose another with --host.`,
    );
  return error;
}
