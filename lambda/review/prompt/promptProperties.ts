/**
 * The settings a reviewer can carry, in one table: the Notion property that holds each one (name, type,
 * options), the key it has in a prompt file's front matter, and what values it takes. The Prompts database,
 * prompt files and settings validation all read this table.
 */

import { SEVERITIES } from "../model/severity.ts";
import { REASONING_EFFORTS } from "../ports/LlmProvider.ts";

export { REASONING_EFFORTS };

export const PROVIDERS = ["openai", "anthropic", "bedrock"] as const;
export const SUMMARY_MODES = ["update", "new", "off"] as const;
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
    allowed: "a model name, such as gpt-5-mini or claude-sonnet-5",
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
  keepLearnings: {
    property: "Keep learnings",
    key: "keep_learnings",
    type: "checkbox",
    allowed: "a checkbox, or yes / no",
  },
} as const satisfies Record<string, PromptPropertyDefinition>;

export type PromptSettingKey = keyof typeof PROMPT_PROPERTIES;

/** A setting's value as a prompt file holds it. */
export type PromptSettingValue = string | number | boolean;

/**
 * The relation to the pages a reviewer knows (principles, ownership maps, standards): pages of the Reviewer
 * references database. In a prompt file it is `reference_pages`, a list of their titles.
 */
export const REFERENCE_PAGES = { property: "Reference pages", key: "reference_pages" } as const;

/**
 * The address of the reviewer's Learnings page (a `url` property Margin fills in when it creates the page,
 * under the prompt page, with Keep learnings on). Not a prompt-file setting: push and pull leave it alone.
 */
export const LEARNINGS_PAGE = { property: "Learnings", titleSuffix: ": learnings" } as const;

/** The database that holds reference pages, next to the Prompts database. */
export const REFERENCES_DATABASE_TITLE = "Reviewer references";
export const PROMPTS_DATABASE_TITLE = "Prompts";

/** Every property name a prompt page may carry besides its title. */
export const PROMPT_PROPERTY_NAMES: string[] = [
  ...Object.values(PROMPT_PROPERTIES).map((setting) => setting.property),
  REFERENCE_PAGES.property,
  LEARNINGS_PAGE.property,
];
