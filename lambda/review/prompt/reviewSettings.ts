/**
 * A reviewer's settings, read from its prompt page's properties and validated: Provider, Model, Max inline
 * comments, Minimum inline severity, Summary, Reply in threads, Re-review, Temperature, Reasoning effort, Keep
 * learnings. Empty
 * properties take the defaults (from the environment); a bad value is refused with the property, the
 * value and what is allowed, and so is a property whose name looks like a misspelt setting.
 */

import { PromptError } from "../../errors.ts";
import * as z from "../../schema.ts";
import type { PromptPage, PromptPropertyValue } from "../model/PromptPage.ts";
import { SEVERITIES, type Severity } from "../model/severity.ts";
import {
  PROMPT_PROPERTIES,
  PROMPT_PROPERTY_NAMES,
  PROVIDERS,
  type PromptSettingKey,
  RE_REVIEW_MODES,
  REASONING_EFFORTS,
  SUMMARY_MODES,
} from "./promptProperties.ts";

export { PROVIDERS };
export type ProviderName = (typeof PROVIDERS)[number];
export type SummaryMode = (typeof SUMMARY_MODES)[number];

export interface ReviewSettings {
  provider: ProviderName;
  model: string;
  maxInlineComments: number;
  minimumInlineSeverity: Severity;
  summary: SummaryMode;
  replyInThreads: boolean;
  /** On a re-review: comment only on changed or new blocks (`changed`), or anywhere (`full`). */
  reReview: (typeof RE_REVIEW_MODES)[number];
  temperature?: number;
  reasoningEffort?: (typeof REASONING_EFFORTS)[number];
  /** Write each comment people dismiss to the reviewer's Learnings page, and read that page as a reference. */
  keepLearnings: boolean;
}

/** Defaults for settings a prompt leaves empty. */
export interface SettingDefaults {
  provider?: ProviderName;
  model?: string;
  /** Each provider's default model, for a prompt on a provider `model` is not for. */
  models: Readonly<Record<ProviderName, string>>;
}

/** What a command line or a webhook asks for instead of the prompt's own settings. */
export type SettingOverrides = Partial<Pick<ReviewSettings, "provider" | "model" | "summary">>;

const YES = new Set(["yes", "true", "on"]);
const NO = new Set(["no", "false", "off"]);

/** A checkbox, or a text property saying yes or no. */
function yesNo(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const word = value.trim().toLowerCase();
  return YES.has(word) ? true : NO.has(word) ? false : value;
}

const lowerCase = z.transform((value: unknown) =>
  typeof value === "string" ? value.trim().toLowerCase() : value,
);
const lowerEnum = <T extends readonly [string, ...string[]]>(values: T) => z.pipe(lowerCase, z.enum(values));

/** How each setting's value is read. */
const SCHEMAS = {
  provider: lowerEnum(PROVIDERS),
  model: z.string().check(z.trim(), z.minLength(1)),
  maxInlineComments: z.coerce.number().check(z.refine(Number.isSafeInteger), z.minimum(0), z.maximum(50)),
  minimumInlineSeverity: lowerEnum(SEVERITIES),
  summary: lowerEnum(SUMMARY_MODES),
  replyInThreads: z.pipe(z.transform(yesNo), z.boolean()),
  reReview: lowerEnum(RE_REVIEW_MODES),
  temperature: z.coerce.number().check(z.minimum(0), z.maximum(2)),
  reasoningEffort: lowerEnum(REASONING_EFFORTS),
  keepLearnings: z.pipe(z.transform(yesNo), z.boolean()),
} as const satisfies Record<PromptSettingKey, z.ZodMiniType>;

/** What a setting a prompt leaves empty comes to, where no environment variable decides it. */
/** The provider of a prompt that names none, when MARGIN_PROVIDER names none either. */
export const DEFAULT_PROVIDER: ProviderName = "openai";

export const BASE_DEFAULTS = {
  maxInlineComments: 5,
  minimumInlineSeverity: "minor" as Severity,
  summary: "update" as SummaryMode,
  replyInThreads: true,
  keepLearnings: false,
};

/**
 * The settings of a prompt page. A model always belongs to a provider: the prompt's Model (or
 * MARGIN_MODEL) is used only with the provider it was chosen for, so asking for another provider without
 * a model gets that provider's default model, never the first one's.
 */
export function parseReviewSettings(
  prompt: Pick<PromptPage, "title" | "properties">,
  defaults: SettingDefaults,
  overrides: SettingOverrides = {},
): ReviewSettings {
  const byName = new Map(
    Object.entries(prompt.properties).map(([name, property]) => [
      name.trim().toLowerCase(),
      { name, property },
    ]),
  );
  checkForMisspellings(
    prompt.title,
    [...byName.values()].map((entry) => entry.name),
  );
  const read = <K extends PromptSettingKey>(key: K): z.infer<(typeof SCHEMAS)[K]> | undefined => {
    const setting = PROMPT_PROPERTIES[key];
    const entry = byName.get(setting.property.toLowerCase());
    if (!entry || isEmpty(entry.property.value)) return undefined;
    const parsed = SCHEMAS[key].safeParse(entry.property.value);
    if (!parsed.success) {
      throw new PromptError(
        `Prompt "${prompt.title}": property "${entry.name}" is ${JSON.stringify(entry.property.value)}; allowed: ${setting.allowed}.`,
      );
    }
    return parsed.data as z.infer<(typeof SCHEMAS)[K]>;
  };
  const promptProvider = read("provider") ?? defaults.provider ?? DEFAULT_PROVIDER;
  const provider = overrides.provider ?? promptProvider;
  // MARGIN_MODEL names a model of MARGIN_PROVIDER, and the prompt's Model one of the prompt's provider.
  const promptModel = provider === promptProvider ? read("model") : undefined;
  const defaultModel =
    defaults.model && (!defaults.provider || defaults.provider === provider) ? defaults.model : undefined;
  return {
    provider,
    model: overrides.model ?? promptModel ?? defaultModel ?? defaults.models[provider],
    maxInlineComments: read("maxInlineComments") ?? BASE_DEFAULTS.maxInlineComments,
    minimumInlineSeverity: read("minimumInlineSeverity") ?? BASE_DEFAULTS.minimumInlineSeverity,
    summary: overrides.summary ?? read("summary") ?? BASE_DEFAULTS.summary,
    replyInThreads: read("replyInThreads") ?? BASE_DEFAULTS.replyInThreads,
    reReview: read("reReview") ?? "changed",
    temperature: read("temperature"),
    reasoningEffort: read("reasoningEffort"),
    keepLearnings: read("keepLearnings") ?? BASE_DEFAULTS.keepLearnings,
  };
}

function isEmpty(value: PromptPropertyValue): boolean {
  return value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/** A property one or two letters away from a setting's name is almost certainly that setting, misspelt. */
function checkForMisspellings(title: string, names: string[]): void {
  const known = PROMPT_PROPERTY_NAMES.map((name) => name.toLowerCase());
  for (const name of names) {
    const lower = name.trim().toLowerCase();
    if (known.includes(lower)) continue;
    const near = PROMPT_PROPERTY_NAMES.find((setting) => editDistance(lower, setting.toLowerCase()) <= 2);
    if (near) {
      throw new PromptError(
        `Prompt "${title}": property "${name}" is not a setting; did you mean "${near}"? Rename the property in the Prompts database.`,
      );
    }
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
