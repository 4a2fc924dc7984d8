/**
 * The settings of a prompt that the model it runs on cannot take, each in words its author can act on:
 * the property, its value, the model, and what to do. A review with such a setting does not start: the
 * setting is never sent (the provider would answer 400) and never silently dropped (the author would
 * believe it applied).
 */
import type { ModelCapabilities } from "../ports/LlmProvider.ts";
import { PROMPT_PROPERTIES } from "./promptProperties.ts";
import type { ReviewSettings } from "./reviewSettings.ts";

const TEMPERATURE = PROMPT_PROPERTIES.temperature.property;
const EFFORT = PROMPT_PROPERTIES.reasoningEffort.property;

const VENDOR_NAMES = { openai: "an OpenAI", anthropic: "an Anthropic" } as const;
const EXAMPLE_MODELS = { openai: "gpt-6.2-sol", anthropic: "claude-sonnet-5-5" } as const;

export function modelSettingProblems(
  settings: Pick<ReviewSettings, "provider" | "model" | "temperature" | "reasoningEffort">,
  capabilities: ModelCapabilities,
): string[] {
  const problems: string[] = [];
  const { model, temperature, reasoningEffort } = settings;
  const vendor = capabilities.otherProvider;
  if (vendor) {
    const expected = vendor === "openai" ? "anthropic" : "openai";
    problems.push(
      `Model "${model}" is ${VENDOR_NAMES[vendor]} model, but the provider is ${settings.provider}: set Model to ${VENDOR_NAMES[expected]} model (such as ${EXAMPLE_MODELS[expected]}), or Provider to ${vendor === "openai" ? "openai" : "anthropic or bedrock"}.`,
    );
    return problems;
  }
  const effort = reasoningEffort ?? capabilities.defaultReasoningEffort;
  if (temperature !== undefined) {
    if (capabilities.temperature === "never") {
      problems.push(
        `${TEMPERATURE} is ${temperature}, but ${capabilities.temperatureAdvice}: clear ${TEMPERATURE}.`,
      );
    } else if (capabilities.temperature === "with_effort_none" && effort !== "none") {
      problems.push(
        `${TEMPERATURE} is ${temperature}, but ${capabilities.temperatureAdvice}: clear ${TEMPERATURE}, or set ${EFFORT} to none.`,
      );
    } else if (temperature > capabilities.temperatureMax) {
      problems.push(
        `${TEMPERATURE} is ${temperature}, but ${model} takes at most ${capabilities.temperatureMax}: lower it.`,
      );
    }
  }
  if (reasoningEffort !== undefined && !capabilities.reasoningEfforts.includes(reasoningEffort)) {
    const allowed = capabilities.reasoningEfforts;
    if (allowed.length === 0) {
      problems.push(
        `${EFFORT} is ${reasoningEffort}, but ${model} (${capabilities.family}) takes no reasoning effort: clear ${EFFORT}.`,
      );
    } else if (capabilities.defaultReasoningEffort && allowed.length === 1) {
      problems.push(
        `${EFFORT} is ${reasoningEffort}, but over Chat Completions ${model} takes tools only with effort ${allowed[0]}: clear ${EFFORT}, or reach it through the Responses API (MARGIN_OPENAI_API=responses).`,
      );
    } else {
      problems.push(
        `${EFFORT} is ${reasoningEffort}, but ${model} (${capabilities.family}) takes ${allowed.join(", ")}: choose one of those, or clear ${EFFORT}.`,
      );
    }
  }
  return problems;
}
