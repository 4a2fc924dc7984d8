/**
 * Reads a `.env` file in the working directory, if there is one, into the environment. Variables already
 * set win: the file only fills gaps. A line that is not `NAME=value` (nor a comment, nor part of a quoted
 * value spanning lines) is refused with its number: Node's parser would quietly make it part of the next
 * variable's name, and that variable would then seem unset.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { ConfigurationError } from "../errors.ts";

export function loadDotEnv(cwd: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = join(cwd, ".env");
  if (!existsSync(file)) return env;
  const text = readFileSync(file, "utf8");
  const problems = dotEnvProblems(text);
  if (problems.length > 0) {
    throw new ConfigurationError(
      `${file} has ${problems.length === 1 ? "a line" : "lines"} that are not NAME=value: ${problems.join("; ")}. Fix ${problems.length === 1 ? "it" : "them"}, or start a comment with #.`,
    );
  }
  const values = parseEnv(text) as Record<string, string>;
  return { ...values, ...env };
}

const ASSIGNMENT = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=(.*)$/;

/** Every line that is not an assignment, a comment or a blank, as `line N: "text"`. */
export function dotEnvProblems(text: string): string[] {
  const problems: string[] = [];
  let openQuote: string | undefined;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (openQuote) {
      // Inside a quoted value that spans lines: it ends at the line holding the closing quote.
      if (line.includes(openQuote)) openQuote = undefined;
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) {
      problems.push(`line ${index + 1}: "${line.length > 60 ? `${line.slice(0, 60)}…` : line}"`);
      continue;
    }
    const value = assignment[1]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === "`") && !value.slice(1).includes(quote))
      openQuote = quote;
  }
  return problems;
}
