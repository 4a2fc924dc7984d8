/**
 * `npm run emulator -- --port <p> --seed <file.json> [--token <t>] [--rps <n>] [--burst <n>]
 *  [--requests-per-minute <n>] [--workspace-requests-per-minute <n>] [--window-seconds <n>]
 *  [--workspace-extra-retry-seconds <n>] [--latency-ms <n>] [--fail-rate <f>] [--random-seed <n>]
 *  [--bot-user <id>]`
 *
 * Starts the Notion emulator, prints `listening on http://127.0.0.1:<port>` when ready, then a line for each
 * seeded page and database (title, id, and the URL its API answers carry, which `margin review` takes), and
 * serves until killed. A port it cannot listen on, or a seed that does not fit, is one line and exit code 2.
 *
 * Rate limits: `--requests-per-minute` is Notion's documented per-connection budget per window (each bearer
 * token its own), `--workspace-requests-per-minute` the budget all tokens share; `--window-seconds` (default
 * 60) shortens the window to run time-scaled. `--rps`/`--burst` is the older token-bucket model; when both
 * kinds are given, both apply.
 */
import * as z from "zod";
import { parseFlags, portFlag, readJsonFile, runIfMain, serveUntilStopped } from "../shared/commandLine.ts";
import { SeedError } from "./model/seedWorkspace.ts";
import type { Workspace } from "./model/Workspace.ts";
import { startNotionEmulator } from "./NotionEmulator.ts";

const flagsSchema = z.strictObject({
  port: portFlag,
  seed: z.string().optional(),
  token: z.string().min(1).optional(),
  rps: z.coerce.number().positive().optional(),
  burst: z.coerce.number().int().positive().optional(),
  "requests-per-minute": z.coerce.number().int().positive().optional(),
  "workspace-requests-per-minute": z.coerce.number().int().positive().optional(),
  "window-seconds": z.coerce.number().positive().optional(),
  "workspace-extra-retry-seconds": z.coerce.number().int().min(0).optional(),
  "latency-ms": z.coerce.number().min(0).optional(),
  "fail-rate": z.coerce.number().min(0).max(1).optional(),
  "random-seed": z.coerce.number().int().optional(),
  "bot-user": z.string().min(1).optional(),
});

/** Returns an exit code when it stops at once, undefined while serving. */
export async function main(argv: string[]): Promise<number | undefined> {
  const flags = parseFlags("emulator", argv, flagsSchema);
  if (!flags) return 2;
  const seed = flags.seed ? await readJsonFile("emulator", "seed", flags.seed) : { value: {} };
  if (!seed) return 2;
  try {
    return await serveUntilStopped(
      "emulator",
      flags.port,
      () =>
        startNotionEmulator({
          seed: seed.value,
          port: flags.port,
          token: flags.token,
          rps: flags.rps,
          burst: flags.burst,
          requestsPerMinute: flags["requests-per-minute"],
          workspaceRequestsPerMinute: flags["workspace-requests-per-minute"],
          windowSeconds: flags["window-seconds"],
          workspaceExtraRetrySeconds: flags["workspace-extra-retry-seconds"],
          latencyMs: flags["latency-ms"],
          failRate: flags["fail-rate"],
          randomSeed: flags["random-seed"],
          botUser: flags["bot-user"],
        }),
      (emulator) => seededPages(emulator.workspace),
    );
  } catch (error) {
    if (!(error instanceof SeedError)) throw error;
    console.error(`emulator: the seed does not fit: ${error.message}`);
    return 2;
  }
}

/** A line for each page and database of the workspace: what it is, its title, its id and its URL. */
function seededPages(workspace: Workspace): string[] {
  const objects = [
    ...[...workspace.pages.values()].map((page) => ({ kind: "page", object: page })),
    ...[...workspace.databases.values()].map((database) => ({ kind: "database", object: database })),
  ];
  return objects.map(({ kind, object }) => {
    const notes = [
      workspace.isVisible(object.id) ? "" : "not shared with the integration",
      object.in_trash ? "in the trash" : "",
    ].filter(Boolean);
    const title = workspace.pageTitle(object.id) || "(untitled)";
    return `  ${kind} "${title}" ${object.id} ${object.url}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
  });
}

await runIfMain(import.meta.url, main);
