/**
 * `margin serve`: the webhook handler and the worker in one process, with an in-memory queue that keeps
 * SQS FIFO's grouping and deduplication. Configured from the environment, like the command line; it works
 * against the emulator (`NOTION_BASE_URL`) and a scripted model server, or against real Notion through a
 * tunnel.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readConfig, secretsFor } from "../config/config.ts";
import { requireSecret } from "../config/secrets.ts";
import type { Log } from "../observability/Log.ts";
import { FifoQueue } from "../queue/FifoQueue.ts";
import { InMemoryReviewQueue } from "../queue/InMemoryReviewQueue.ts";
import type { HttpRequest } from "../webhook/HttpExchange.ts";
import { handleWebhookRequest } from "../webhook/handleWebhookRequest.ts";
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
  close(): Promise<void>;
}

export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const config = readConfig(options.env);
  const secrets = secretsFor(config, options.env);
  await requireSecret(secrets, "webhookSecret");
  const cwd = options.cwd ?? process.cwd();
  const fifo = new FifoQueue({ maxReceiveCount: config.MARGIN_MAX_ATTEMPTS });
  // The webhook's and the worker's own wiring, with the in-memory queue between them.
  const webhook = await buildWebhookDependencies(config, secrets, new InMemoryReviewQueue(fifo), cwd);
  const worker = new LocalWorker({
    queue: fifo,
    log: options.log,
    retryDelayMs: options.retryDelayMs,
    dependencies: await buildWorkerDependencies(config, secrets, options.log, cwd),
  });

  const server: Server = createServer((request, response) => {
    void respond(request, response).catch((error: unknown) => {
      options.log.error("The webhook failed", {
        error: error instanceof Error ? error.message : String(error),
      });
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "Margin could not take the delivery; see its log." }));
    });
  });
  const respond = async (request: IncomingMessage, response: ServerResponse) => {
    const exchange = await toHttpRequest(request);
    options.log.info(`Delivery ${exchange.method} ${exchange.path}`, {
      bytes: Buffer.byteLength(exchange.body),
    });
    const answer = await handleWebhookRequest(exchange, {
      ...webhook,
      log: options.log,
      correlationId: request.headers["x-correlation-id"]?.toString(),
    });
    options.log.info(`Answered ${answer.status}`, answer.status >= 400 ? { error: answer.body.error } : {});
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    response.end(JSON.stringify(answer.body));
    if (answer.status === 202) worker.poke();
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    queue: fifo,
    idle: () => worker.idle(),
    async close() {
      await worker.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function toHttpRequest(request: IncomingMessage): Promise<HttpRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const url = new URL(request.url ?? "/", "http://localhost");
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return {
    method: request.method ?? "GET",
    path: url.pathname,
    headers,
    query: [...url.searchParams.entries()],
    body: Buffer.concat(chunks).toString("utf8"),
  };
}
