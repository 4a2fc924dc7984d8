/**
 * The emulators' command lines: flags parsed with zod (a bad flag is one clear line and exit code 2), and a
 * server that runs until SIGINT or SIGTERM (a port it cannot listen on is one line saying what to do, and
 * exit code 2, as for a bad flag).
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import * as z from "zod";

const PORT = "should be a port number from 0 to 65535 (0 picks a free one)";

/** `--port <p>` on 127.0.0.1; omitted or 0: a free port. */
export const portFlag = z
  .string()
  .regex(/^\d+$/, PORT)
  .transform(Number)
  .pipe(z.number().max(65_535, PORT))
  .default(0);

/** Parses `--name value` flags against a zod object of strings/coercions; prints the problem and returns undefined. */
export function parseFlags<T extends z.ZodObject>(
  program: string,
  argv: string[],
  schema: T,
): z.infer<T> | undefined {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: Object.fromEntries(
        Object.keys(schema.shape).map((name) => [name, { type: "string" as const }]),
      ),
    }));
  } catch (error) {
    console.error(`${program}: ${(error as Error).message}`);
    return undefined;
  }
  const flags = schema.safeParse(values);
  if (!flags.success) {
    const issue = flags.error.issues[0]!;
    console.error(`${program}: --${issue.path.join(".")}: ${issue.message}`);
    return undefined;
  }
  return flags.data;
}

/** Reads a JSON file named by a flag; prints the problem and returns undefined. */
export async function readJsonFile(
  program: string,
  what: string,
  file: string,
): Promise<{ value: unknown } | undefined> {
  try {
    return { value: JSON.parse(await readFile(file, "utf8")) };
  } catch (error) {
    console.error(`${program}: cannot read ${what} ${file}: ${(error as Error).message}`);
    return undefined;
  }
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a server on `port` and serves until the process is asked to stop: prints `listening on <url>`
 * when ready, then `describe`'s lines. A port it cannot listen on is one line on stderr and exit code 2;
 * other failures are thrown. Returns an exit code when it stops at once, undefined while serving.
 */
export async function serveUntilStopped<T extends RunningServer>(
  program: string,
  port: number,
  start: () => Promise<T>,
  describe: (server: T) => string[] = () => [],
): Promise<number | undefined> {
  let server: T;
  try {
    server = await start();
  } catch (error) {
    const problem = cannotListen(error, port);
    if (problem === undefined) throw error;
    console.error(`${program}: ${problem}`);
    return 2;
  }
  console.log([`listening on ${server.url}`, ...describe(server)].join("\n"));
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return undefined;
}

/** Why a server could not listen, and what to do, in one line; undefined for any other error. */
export function cannotListen(error: unknown, port: number): string | undefined {
  const failure = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (failure?.syscall !== "listen") return undefined;
  const host = failure.address ?? "127.0.0.1";
  const where = `port ${failure.port ?? port} on ${host}`;
  switch (failure.code) {
    case "EADDRINUSE":
      return `${where} is in use by another process: stop it, or choose another with --port <p> (0 picks a free one).`;
    case "EACCES":
      return `${where} may not be listened on by this user (ports below 1024 need privileges): choose one above 1023 with --port <p>, or 0 for a free one.`;
    case "EADDRNOTAVAIL":
      return `${host} is not an address of this machine, so ${where} cannot be listened on: check that the loopback interface is up.`;
    default:
      return `cannot listen on ${where}: ${failure.message}`;
  }
}

/** Runs `main` when the module is the process's entry point; a non-negative result is the exit code. */
export async function runIfMain(
  moduleUrl: string,
  main: (argv: string[]) => Promise<number | undefined>,
): Promise<void> {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  const code = await main(process.argv.slice(2));
  if (code !== undefined) process.exit(code);
}
