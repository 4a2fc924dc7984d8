/**
 * The settings a reviewer can carry, in one table: the Notion property that holds each one (name, type,
 * options), the key it has in a prompt file's front matter, and what values it takes. The Prompts database,
 * prompt files and settings validation all read this table.
 */
import { SEVERITIES } from "../review/severity.ts";

export const PROVIDERS = ["openai", "anthropic", "bedrock"] as const;
export const SUMMARY_MODES = ["update", "new", "off"] as const;
export const REASONING_EFFORTS = ["minimal", "low", "medium", "high"] as const;
export const RE_REVIEW_MODES = ["changed", "full"] as const;

export interface PromptPropertyDefinition {
  /** The property's name in the Prompts database. */
  property: string;
  /** Its key in a prompt file's front matter. */
  key: string;
  type: "select" | "rich_text" | "number" | "checkbox";
  options?: readonly string[];
  /** What a person may write, for messages. */
  allowed: string;
}

export const PROMPT_PROPERTIES = {
  provider: {
    property: "Provider",
    key: "provider",
    type: "select",
    options: PROVIDERS,
    allowed: PROVIDERS.join(", "),
  },
  model: {
    property: "Model",
    key: "model",
    type: "rich_text",
    allowed: "a model name, such as gpt-5-mini or claude-sonnet-4-5",
  },
  maxInlineComments: {
    property: "Max inline comments",
    key: "max_inline_comments",
    type: "number",
    allowed: "a whole number from 0 to 50",
  },
  minimumInlineSeverity: {
    property: "Minimum inline severity",
    key: "minimum_inline_severity",
    type: "select",
    options: SEVERITIES,
    allowed: SEVERITIES.join(", "),
  },
  summary: {
    property: "Summary",
    key: "summary",
    type: "select",
    options: SUMMARY_MODES,
    allowed: SUMMARY_MODES.join(", "),
  },
  replyInThreads: {
    property: "Reply in threads",
    key: "reply_in_threads",
    type: "checkbox",
    allowed: "a checkbox, or yes / no",
  },
  reReview: {
    property: "Re-review",
    key: "re_review",
    type: "select",
    options: RE_REVIEW_MODES,
    allowed: RE_REVIEW_MODES.join(", "),
  },
  temperature: {
    property: "Temperature",
    key: "temperature",
    type: "number",
    allowed: "a number from 0 to 2",
  },
  reasoningEffort: {
    property: "Reasoning effort",
    key: "reasoning_effort",
    type: "select",
    options: REASONING_EFFORTS,
    allowed: REASONING_EFFORTS.join(", "),
  },
} as const satisfies Record<string, PromptPropertyDefinition>;

export type PromptSettingKey = keyof typeof PROMPT_PROPERTIES;

/** A setting's value as a prompt file holds it. */
export type PromptSettingValue = string | number | boolean;

/** The Prompts database's properties, as a Notion data source schema: a title and one per setting. */
export function promptsDatabaseSchema(): Record<string, Record<string, unknown>> {
  const schema: Record<string, Record<string, unknown>> = { Name: { type: "title", title: {} } };
  for (const definition of Object.values(PROMPT_PROPERTIES) as PromptPropertyDefinition[]) {
    const config = definition.options
      ? { options: definition.options.map((name) => ({ name })) }
      : definition.type === "number"
        ? { format: "number" }
        : {};
    schema[definition.property] = { type: definition.type, [definition.type]: config };
  }
  return schema;
}

/** Settings as Notion property values (request shapes), keyed by property name. */
export function toPropertyValues(
  values: Partial<Record<PromptSettingKey, PromptSettingValue>>,
): Record<string, Record<string, unknown>> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(values) as Array<
    [PromptSettingKey, PromptSettingValue | undefined]
  >) {
    if (value === undefined) continue;
    const definition: PromptPropertyDefinition = PROMPT_PROPERTIES[key];
    switch (definition.type) {
      case "select":
        properties[definition.property] = { select: { name: String(value) } };
        break;
      case "rich_text":
        properties[definition.property] = { rich_text: [{ type: "text", text: { content: String(value) } }] };
        break;
      case "number":
        properties[definition.property] = { number: Number(value) };
        break;
      case "checkbox":
        properties[definition.property] = { checkbox: Boolean(value) };
        break;
    }
  }
  return properties;
}
