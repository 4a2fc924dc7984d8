/**
 * A reviewer kept as a markdown file in `prompts/`: YAML front matter with its title, its settings and the
 * titles of its reference pages, and a body with its instructions. Problems are reported with the file and
 * the field.
 */

import {
  PROMPT_PROPERTIES,
  type PromptSettingKey,
  type PromptSettingValue,
  REFERENCE_PAGES,
} from "../review/prompt/promptProperties.ts";
import * as z from "../schema.ts";
import { formatFrontMatter, parseFrontMatter } from "./frontMatter.ts";

export type PromptSettings = Partial<Record<PromptSettingKey, PromptSettingValue>>;

export interface PromptFile {
  title: string;
  settings: PromptSettings;
  /** Titles (or Notion ids / URLs) of pages in the Reviewer references database. */
  referencePages: string[];
  /** The instructions, as markdown. */
  body: string;
}

const SETTING_KEYS = Object.keys(PROMPT_PROPERTIES) as PromptSettingKey[];

function settingSchema(key: PromptSettingKey): z.ZodMiniType<PromptSettingValue> {
  const definition = PROMPT_PROPERTIES[key];
  switch (definition.type) {
    case "select":
      return z.enum(
        definition.options as unknown as [string, ...string[]],
        `should be one of: ${definition.allowed}`,
      );
    case "rich_text":
      return z.string(`should be ${definition.allowed}`).check(z.minLength(1));
    case "number":
      return key === "maxInlineComments"
        ? z.int(`should be ${definition.allowed}`).check(z.minimum(0), z.maximum(50))
        : z.number(`should be ${definition.allowed}`).check(z.minimum(0), z.maximum(2));
    case "checkbox":
      return z.boolean(`should be true or false`);
  }
}

const frontMatterSchema = z.strictObject({
  title: z
    .string("should be the reviewer's name")
    .check(z.trim(), z.minLength(1, "should be the reviewer's name")),
  ...Object.fromEntries(
    SETTING_KEYS.map((key) => [PROMPT_PROPERTIES[key].key, z.optional(settingSchema(key))]),
  ),
  [REFERENCE_PAGES.key]: z.optional(
    z.array(
      z
        .string("should be the title of a reference page")
        .check(z.trim(), z.minLength(1, "should be the title of a reference page")),
      "should be a list of reference page titles",
    ),
  ),
});

export function parsePromptFile(text: string, fileName: string): PromptFile {
  const { fields, body } = parseFrontMatter(text, fileName, frontMatterSchema);
  const values = fields as Record<string, unknown>;
  const settings: PromptSettings = {};
  for (const key of SETTING_KEYS) {
    const value = values[PROMPT_PROPERTIES[key].key] as PromptSettingValue | undefined;
    if (value !== undefined) settings[key] = value;
  }
  return {
    title: fields.title,
    settings,
    referencePages: (values[REFERENCE_PAGES.key] as string[] | undefined) ?? [],
    body,
  };
}

/** The file's text: front matter in the table's order, then the instructions. */
export function formatPromptFile(prompt: PromptFile): string {
  const fields: Record<string, unknown> = { title: prompt.title };
  for (const key of SETTING_KEYS) fields[PROMPT_PROPERTIES[key].key] = prompt.settings[key];
  if (prompt.referencePages.length > 0) fields[REFERENCE_PAGES.key] = prompt.referencePages;
  return formatFrontMatter(fields, prompt.body);
}
