/**
 * `margin serve [--port <p>] [--host <h>]`: the webhook and the worker in one process (see
 * `startLocalService`), logging each delivery and each review, until interrupted.
 */
import { parseArgs } from "node:util";
import { InvalidInputError } from "../errors.ts";
import { consoleLog } from "../observability/ConsoleLog.ts";
import * as z from "../schema.ts";
import { startLocalService } from "../serve/startLocalService.ts";
import type { CliIo } from "./CliIo.ts";

export const SERVE_USAGE = "margin serve [--port <port>] [--host <host>] [--retry-delay-ms <ms>]";

const optionsSchema = z.object({
  port: z._default(
    z.coerce
      .number("--port should be a port number")
      .check(
        z.refine(Number.isSafeInteger, "--port should be a port number"),
        z.minimum(0),
        z.maximum(65535),
      ),
    8787,
  ),
  host: z._default(z.string(), "127.0.0.1"),
  /** The pause before a failed job is tried again, times its attempt (the fault suite shortens it). */
  "retry-delay-ms": z.optional(
    z.coerce
      .number("--retry-delay-ms should be a number of milliseconds")
      .check(z.refine(Number.isSafeInteger, "--retry-delay-ms should be a whole number"), z.minimum(0)),
  ),
});

export async function serveCommand(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: "string" }, host: { type: "string" }, "retry-delay-ms": { type: "string" } },
  });
  const options = optionsSchema.safeParse(values);
  if (!options.success)
    throw new InvalidInputError(`${z.firstProblem(options.error, "options")}. Usage: ${SERVE_USAGE}`);
  const service = await startLocalService({
    env: io.env,
    port: options.data.port,
    host: options.data.host,
    retryDelayMs: options.data["retry-delay-ms"],
    log: consoleLog(io.stderr),
  });
  io.stdout(`listening on ${service.url}\n`);
  io.stderr(
    `Point a Notion automation's "Send webhook" at ${service.url}/ (through a tunnel for real Notion), with the header Authorization: Bearer <MARGIN_WEBHOOK_SECRET>.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    signal?.addEventListener("abort", stop);
  });
  await service.close();
  return 0;
}
