/**
 * An HTTP server on 127.0.0.1 for the emulators: listen (port 0 picks a free one), answer JSON, read bodies
 * with a size limit, and close promptly even with keep-alive connections open.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export class LoopbackServer {
  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>` */
    readonly origin: string,
  ) {}

  /** Listens on 127.0.0.1; a listener that throws answers 500 with `onError`'s body. */
  static async listen(
    port: number,
    listener: RequestListener,
    onError: (error: unknown) => unknown,
  ): Promise<LoopbackServer> {
    const server = createServer((request, response) => {
      listener(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, onError(error));
        else response.end();
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    return new LoopbackServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body over ${limit} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

/** The whole body as text; throws BodyTooLargeError past `limit` bytes (after draining the request). */
export async function readBody(request: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
