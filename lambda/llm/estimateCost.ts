/**
 * A rough cost estimate of a review from its token usage, for the logs. Prices are list prices in US
 * dollars per million tokens, by model family; unknown models are not estimated. They drift: treat the
 * figure as an order of magnitude, not a bill.
 */
import type { TokenUsage } from "./LlmProvider.ts";

interface Price {
  input: number;
  cachedInput: number;
  output: number;
}

/** Longest matching prefix wins. */
const PRICES: Array<[prefix: string, price: Price]> = [
  ["gpt-5-nano", { input: 0.05, cachedInput: 0.005, output: 0.4 }],
  ["gpt-5-mini", { input: 0.25, cachedInput: 0.025, output: 2 }],
  ["gpt-5", { input: 1.25, cachedInput: 0.125, output: 10 }],
  ["gpt-4.1-mini", { input: 0.4, cachedInput: 0.1, output: 1.6 }],
  ["gpt-4.1", { input: 2, cachedInput: 0.5, output: 8 }],
  ["gpt-4o-mini", { input: 0.15, cachedInput: 0.075, output: 0.6 }],
  ["gpt-4o", { input: 2.5, cachedInput: 1.25, output: 10 }],
  ["claude-haiku", { input: 1, cachedInput: 0.1, output: 5 }],
  ["claude-sonnet", { input: 3, cachedInput: 0.3, output: 15 }],
  ["claude-opus", { input: 15, cachedInput: 1.5, output: 75 }],
];

export function estimateCostUsd(model: string, usage: TokenUsage): number | undefined {
  const name = model.toLowerCase().replace(/^(us|eu|apac)\.anthropic\.|^anthropic\./, "");
  const match = PRICES.filter(([prefix]) => name.startsWith(prefix)).sort(
    (a, b) => b[0].length - a[0].length,
  )[0];
  if (!match) return undefined;
  const price = match[1];
  const fresh = Math.max(0, usage.inputTokens - usage.cachedInputTokens);
  const dollars =
    (fresh * price.input + usage.cachedInputTokens * price.cachedInput + usage.outputTokens * price.output) /
    1_000_000;
  return Math.round(dollars * 10_000) / 10_000;
}
