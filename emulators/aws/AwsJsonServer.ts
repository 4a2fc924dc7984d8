/**
 * The AWS JSON protocol as SDK v3 clients speak it: `POST /` with `X-Amz-Target: <Service>.<Operation>` and
 * a JSON body; errors as `{"__type", "message"}`. Signatures are not checked: these are local stand-ins.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer, readBody, sendJson } from "../shared/LoopbackServer.ts";

export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** SQS's query-compatible error code, `Code;Sender`. */
    readonly queryError?: string,
  ) {
    super(message);
  }
}

export type Operation = (
  input: Record<string, unknown>,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

export async function startAwsJsonServer(
  service: string,
  contentType: string,
  operations: Record<string, Operation>,
  port = 0,
): Promise<LoopbackServer> {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    const [prefix, name] = target.split(".");
    const raw = await readBody(request);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      sendJson(response, status, body, { "content-type": contentType, ...headers });
    const operation = prefix === service && name ? operations[name] : undefined;
    if (!operation) {
      reply(400, {
        __type: "UnknownOperationException",
        message: `${target || "(no X-Amz-Target)"} is not an operation of this ${service} emulator.`,
      });
      return;
    }
    try {
      reply(200, await operation(raw ? JSON.parse(raw) : {}));
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      reply(
        error.status,
        { __type: error.type, message: error.message },
        error.queryError ? { "x-amzn-query-error": error.queryError } : {},
      );
    }
  };
  return LoopbackServer.listen(port, handle, (error) => ({
    __type: "InternalFailure",
    message: String(error),
  }));
}
