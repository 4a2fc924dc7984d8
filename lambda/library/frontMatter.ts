/**
 * The front matter of the library's markdown files: YAML between `---` lines, then the body. Reading
 * validates the YAML with a zod schema and reports every problem with the file and the field; writing puts
 * the fields in the order given, so a file pulled from Notion reads like one written by hand.
 */

import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { closestTo } from "../didYouMean.ts";
import { InvalidInputError } from "../errors.ts";
import type * as z from "../schema.ts";

export interface FrontMatterFile<T> {
  fields: T;
  /** The body, trimmed. */
  body: string;
}

export function parseFrontMatter<T>(
  text: string,
  fileName: string,
  schema: z.ZodMiniType<T>,
): FrontMatterFile<T> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  if (!match)
    throw new InvalidInputError(
      `${fileName}: starts without front matter; begin the file with --- , a title: line and the settings, then ---.`,
    );
  let raw: unknown;
  try {
    raw = parseYaml(match[1]!);
  } catch (error) {
    throw new InvalidInputError(
      `${fileName}: the front matter is not valid YAML (${(error as Error).message.split("\n")[0]}).`,
    );
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    // The fields the file may have, for the closest to one misspelt.
    const known = Object.keys((schema as { shape?: Record<string, unknown> }).shape ?? {});
    const unknown = (key: string) => {
      const closest = closestTo(key, known);
      return closest ? `${key} (did you mean ${closest}?)` : key;
    };
    const problems = parsed.error.issues.map((issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map(unknown).join(", ")}`
        : `field ${issue.path.join(".") || "(front matter)"}: ${issue.message}`,
    );
    throw new InvalidInputError(`${fileName}: ${problems.join("; ")}.`);
  }
  return { fields: parsed.data, body: match[2]!.trim() };
}

/** Fields (undefined ones left out, in the order given) as front matter, then the body. */
export function formatFrontMatter(fields: Record<string, unknown>, body: string): string {
  const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const yaml = stringifyYaml(present, { lineWidth: 0 }).trimEnd();
  return `---\n${yaml}\n---\n${body.trim()}\n`;
}
