/**
 * What `margin prompts check` says about the models the library's reviewers would run on: for each
 * reviewer, its provider and model (its own settings, the environment's defaults, or the ones asked for
 * with `--provider` and `--model`) and every setting that model cannot take, with the file it is in.
 */
import { type ModelEndpoint, modelCapabilities } from "../llm/modelCapabilities.ts";
import type { PromptProperty } from "../review/model/PromptPage.ts";
import { modelSettingProblems } from "../review/prompt/modelSettingProblems.ts";
import { PROMPT_PROPERTIES, type PromptSettingKey } from "../review/prompt/promptProperties.ts";
import {
  type ProviderName,
  parseReviewSettings,
  type SettingDefaults,
  type SettingOverrides,
} from "../review/prompt/reviewSettings.ts";
import type { LibraryEntry } from "./PromptLibrary.ts";
import type { PromptFile } from "./promptFile.ts";

export interface ModelCheck {
  defaults: SettingDefaults;
  overrides: SettingOverrides;
  /** How OpenAI is reached (API, compatible server), from the configuration. */
  openai: Omit<ModelEndpoint, "provider">;
}

export function libraryModelProblems(prompts: LibraryEntry<PromptFile>[], check: ModelCheck): string[] {
  return prompts.flatMap((entry) => {
    const settings = parseReviewSettings(
      { title: entry.value.title, properties: propertiesOf(entry.value) },
      check.defaults,
      check.overrides,
    );
    const capabilities = modelCapabilities(endpointFor(settings.provider, check), settings.model);
    const problems = modelSettingProblems(settings, capabilities);
    if (capabilities.toolsUnavailable) problems.push(`${capabilities.toolsUnavailable}.`);
    return problems.map((problem) => `${entry.file}: on ${settings.provider} ${settings.model}: ${problem}`);
  });
}

function endpointFor(provider: ProviderName, check: ModelCheck): ModelEndpoint {
  return provider === "openai" ? { provider, ...check.openai } : { provider };
}

/** A prompt file's settings as the Prompts database would hold them. */
function propertiesOf(file: PromptFile): Record<string, PromptProperty> {
  const properties: Record<string, PromptProperty> = {};
  for (const [key, value] of Object.entries(file.settings)) {
    const definition = PROMPT_PROPERTIES[key as PromptSettingKey];
    properties[definition.property] = { type: definition.type, value };
  }
  return properties;
}
