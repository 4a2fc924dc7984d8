/**
 * The emulators' command lines: flags parsed with zod (a bad flag is one clear line and exit code 2), and a
 * server that runs until SIGINT or SIGTERM.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type * as z from "zod";

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

/** Prints the ready line and keeps serving until the process is asked to stop. */
export function serveUntilStopped(url: string, close: () => Promise<void>): void {
  console.log(`listening on ${url}`);
  const stop = () => {
    void close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
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
