/**
 * `margin serve [--port <p>] [--host <h>]`: the webhook and the worker in one process (see
 * `startLocalService`), logging each delivery and each review, until interrupted.
 */
import { parseArgs } from "node:util";
import { secretsFor } from "../config/config.ts";
import { requireConfiguration } from "../config/requireConfiguration.ts";
import { InvalidInputError } from "../errors.ts";
import { consoleLog } from "../observability/ConsoleLog.ts";
import * as z from "../schema.ts";
import { startLocalService } from "../serve/startLocalService.ts";
import type { CliIo } from "./CliIo.ts";

export const SERVE_USAGE = "margin serve [--port <port>] [--host <host>] [--retry-delay-ms <ms>]";

const PORT = "--port should be a port number, 0 to 65535 (0: any free one)";

const optionsSchema = z.object({
  port: z._default(
    z.coerce
      .number(PORT)
      .check(z.refine(Number.isSafeInteger, PORT), z.minimum(0, PORT), z.maximum(65535, PORT)),
    8787,
  ),
  host: z._default(z.string(), "127.0.0.1"),
  /** The pause before a failed job is tried again, times its attempt (the fault suite shortens it). */
  "retry-delay-ms": z.optional(
    z.coerce
      .number("--retry-delay-ms should be a number of milliseconds")
      .check(
        z.refine(Number.isSafeInteger, "--retry-delay-ms should be a whole number"),
        z.minimum(0, "--retry-delay-ms should be 0 or more"),
      ),
  ),
});

export async function serveCommand(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: "string" }, host: { type: "string" }, "retry-delay-ms": { type: "string" } },
  });
  const options = optionsSchema.safeParse(values);
  if (!options.success)
    throw new InvalidInputError(`${options.error.issues[0]!.message}. Usage: ${SERVE_USAGE}`);
  // What the webhook and the worker will need, all said at once before anything starts.
  await requireConfiguration(
    io.env,
    {
      settings: ["MARGIN_PROMPTS_DATABASE"],
      secrets: ["notionToken", "webhookSecret"],
      modelKey: true,
      earlier: io.dotEnvProblems,
    },
    (config) => secretsFor(config, io.env, io.cwd),
  );
  const service = await startLocalService({
    env: io.env,
    port: options.data.port,
    host: options.data.host,
    retryDelayMs: options.data["retry-delay-ms"],
    log: consoleLog(io.stderr),
  });
  io.stdout(`listening on ${service.url}\n`);
  try {
    // The Prompts database read once now: a wrong id or a database not shared is said at start, not at the
    // first delivery (whose failure would make Notion pause the automation).
    const titles = await service.reviewers();
    io.stderr(
      `Reviewers in the Prompts database: ${titles.length > 0 ? titles.map((title) => `"${title}"`).join(", ") : "none yet (margin prompts push adds the library's)"}.\n`,
    );
  } catch (error) {
    await service.close();
    throw error;
  }
  io.stderr(
    `Point a Notion automation's "Send webhook" at ${service.url}/ (through a tunnel for real Notion), with the header Authorization: Bearer <MARGIN_WEBHOOK_SECRET>.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      io.stderr(
        "Stopping after the review in progress (Ctrl-C again stops at once: that review then resumes when serve starts again).\n",
      );
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    signal?.addEventListener("abort", stop);
  });
  await service.close();
  return 0;
}
