/**
 * Reads a `.env` file in the working directory, if there is one, into the environment. Variables already
 * set win: the file only fills gaps.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

export function loadDotEnv(cwd: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = join(cwd, ".env");
  if (!existsSync(file)) return env;
  const values = parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
  return { ...values, ...env };
}
