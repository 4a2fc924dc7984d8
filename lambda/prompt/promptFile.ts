/**
 * A reviewer kept as a markdown file in `prompts/`: YAML front matter with its title and settings, and a
 * body with its instructions. Problems are reported with the file and the field.
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InvalidInputError } from "../errors.ts";
import { PROMPT_PROPERTIES, type PromptSettingKey, type PromptSettingValue } from "./promptProperties.ts";

export interface PromptFile {
  title: string;
  settings: Partial<Record<PromptSettingKey, PromptSettingValue>>;
  /** The instructions, as markdown. */
  body: string;
}

function settingSchema(key: PromptSettingKey): z.ZodType<PromptSettingValue> {
  const definition = PROMPT_PROPERTIES[key];
  switch (definition.type) {
    case "select":
      return z.enum(
        definition.options as unknown as [string, ...string[]],
        `should be one of: ${definition.allowed}`,
      );
    case "rich_text":
      return z.string(`should be ${definition.allowed}`).min(1);
    case "number":
      return key === "maxInlineComments"
        ? z.number(`should be ${definition.allowed}`).int().min(0).max(50)
        : z.number(`should be ${definition.allowed}`).min(0).max(2);
    case "checkbox":
      return z.boolean(`should be true or false`);
  }
}

const frontMatterSchema = z.strictObject({
  title: z.string("should be the reviewer's name").trim().min(1, "should be the reviewer's name"),
  ...Object.fromEntries(
    (Object.keys(PROMPT_PROPERTIES) as PromptSettingKey[]).map((key) => [
      PROMPT_PROPERTIES[key].key,
      settingSchema(key).optional(),
    ]),
  ),
});

export function parsePromptFile(text: string, fileName: string): PromptFile {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
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
  const parsed = frontMatterSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`
        : `field ${issue.path.join(".") || "(front matter)"}: ${issue.message}`,
    );
    throw new InvalidInputError(`${fileName}: ${problems.join("; ")}.`);
  }
  const settings: PromptFile["settings"] = {};
  for (const key of Object.keys(PROMPT_PROPERTIES) as PromptSettingKey[]) {
    const value = (parsed.data as Record<string, PromptSettingValue | undefined>)[PROMPT_PROPERTIES[key].key];
    if (value !== undefined) settings[key] = value;
  }
  return { title: parsed.data.title, settings, body: match[2]!.trim() };
}
