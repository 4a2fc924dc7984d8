/**
 * Reads a `.env` file in the working directory, if there is one, into the environment. Variables already
 * set win: the file only fills gaps. A line that is not `NAME=value` (nor a comment, nor part of a quoted
 * value spanning lines) is reported with its number and left out: Node's parser would quietly make it part
 * of the next variable's name, and that variable would then seem unset.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

/**
 * The environment with the `.env` file's variables where it leaves gaps, and a problem for each line that
 * is not NAME=value: said with the rest of the configuration's problems, so one edit fixes them all. The
 * lines that are fine still count (a bad line is left out, not merged into the next variable's name).
 */
export function readDotEnv(
  cwd: string,
  env: NodeJS.ProcessEnv,
): { env: NodeJS.ProcessEnv; problems: string[] } {
  const file = join(cwd, ".env");
  if (!existsSync(file)) return { env, problems: [] };
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const bad = badLines(lines);
  const values = parseEnv(lines.map((line, index) => (bad.has(index) ? "" : line)).join("\n")) as Record<
    string,
    string
  >;
  const problems = [...bad].map(
    (index) =>
      `${file} line ${index + 1} is not NAME=value: "${shown(lines[index]!.trim())}" (fix it, or start a comment with #)`,
  );
  return { env: { ...values, ...env }, problems };
}

/** A bad line's start only: its value may be a secret ("NOTION_TOKEN ntn_..." with the = forgotten). */
function shown(line: string): string {
  const start = line.split(/[\s:=]/)[0]!.slice(0, 40);
  return start.length < line.length ? `${start} …` : start;
}

const ASSIGNMENT = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=(.*)$/;

/** The indexes of the lines that are not an assignment, a comment or a blank. */
function badLines(lines: string[]): Set<number> {
  const bad = new Set<number>();
  let openQuote: string | undefined;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (openQuote) {
      // Inside a quoted value that spans lines: it ends at the line holding the closing quote.
      if (line.includes(openQuote)) openQuote = undefined;
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) {
      bad.add(index);
      continue;
    }
    const value = assignment[1]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === "`") && !value.slice(1).includes(quote))
      openQuote = quote;
  }
  return bad;
}
