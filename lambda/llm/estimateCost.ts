/**
 * A rough cost estimate of a review from its token usage, for the logs and the command line. Prices are
 * list prices in US dollars per million tokens by model family (December 2026), each input part at its own
 * rate: uncached input, cache reads, and cache writes (Anthropic's 5-minute writes and OpenAI's from the
 * gpt-5.6 family on cost 1.25x input; OpenAI's older models write at the input rate). Unknown models are
 * not estimated. Prices drift: treat the figure as an order of magnitude, not a bill.
 */
import type { TokenUsage } from "../review/ports/LlmProvider.ts";

interface Price {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

/** A family whose cache writes cost 1.25x input. */
const writesAtPremium = (input: number, cacheRead: number, output: number): Price => ({
  input,
  cacheRead,
  cacheWrite: input * 1.25,
  output,
});
/** A family whose cache writes cost the input rate. */
const writesFree = (input: number, cacheRead: number, output: number): Price => ({
  input,
  cacheRead,
  cacheWrite: input,
  output,
});

/** Longest matching prefix wins. */
const PRICES: Array<[prefix: string, price: Price]> = [
  ["gpt-6.2-astra", writesAtPremium(8, 0.8, 40)],
  ["gpt-6.2-sol", writesAtPremium(2, 0.1, 10)],
  ["gpt-6.1-sol", writesAtPremium(2, 0.2, 10)],
  ["gpt-6.1-terra", writesAtPremium(1, 0.05, 5)],
  ["gpt-6-astra", writesAtPremium(10, 1, 50)],
  ["gpt-6-sol", writesAtPremium(2, 0.2, 10)],
  ["gpt-6-luna", writesAtPremium(0.1, 0.01, 0.5)],
  ["gpt-5.6", writesAtPremium(4, 0.4, 20)],
  ["gpt-5.6-terra", writesAtPremium(2, 0.2, 12)],
  ["gpt-5.6-luna", writesAtPremium(0.2, 0.02, 1.2)],
  ["gpt-5.5", writesFree(5, 0.5, 30)],
  ["gpt-5.4", writesFree(2.5, 0.25, 15)],
  ["gpt-5.4-mini", writesFree(0.75, 0.075, 4.5)],
  ["gpt-5.2", writesFree(1.75, 0.175, 14)],
  ["gpt-5.1", writesFree(1.25, 0.125, 10)],
  ["gpt-5", writesFree(1.25, 0.125, 10)],
  ["gpt-5-mini", writesFree(0.25, 0.025, 2)],
  ["gpt-5-nano", writesFree(0.05, 0.005, 0.4)],
  ["o3", writesFree(2, 0.5, 8)],
  ["gpt-4.1", writesFree(2, 0.5, 8)],
  ["gpt-4.1-mini", writesFree(0.4, 0.1, 1.6)],
  ["gpt-4o", writesFree(2.5, 1.25, 10)],
  ["gpt-4o-mini", writesFree(0.15, 0.075, 0.6)],
  ["claude-fable-5-2", writesAtPremium(8, 0.2, 40)],
  ["claude-fable-5-1", writesAtPremium(10, 0.25, 50)],
  ["claude-opus-5-5", writesAtPremium(4, 0.2, 20)],
  ["claude-sonnet-5-5", writesAtPremium(2, 0.2, 10)],
  ["claude-haiku-5-5", writesAtPremium(0.1, 0.01, 0.5)],
  ["claude-opus-5", writesAtPremium(5, 0.5, 25)],
  ["claude-sonnet-5", writesAtPremium(2, 0.2, 10)],
  ["claude-opus-4", writesAtPremium(5, 0.5, 25)],
  ["claude-sonnet-4", writesAtPremium(3, 0.3, 15)],
  ["claude-haiku-4-5", writesAtPremium(1, 0.1, 5)],
];

export function estimateCostUsd(model: string, usage: TokenUsage): number | undefined {
  const name = model.toLowerCase().replace(/^(?:(?:global|us|eu|apac|jp|au|ca)\.)?anthropic\./, "");
  const match = PRICES.filter(([prefix]) => name.startsWith(prefix)).sort(
    (a, b) => b[0].length - a[0].length,
  )[0];
  if (!match) return undefined;
  const price = match[1];
  const dollars =
    (usage.uncachedInputTokens * price.input +
      usage.cacheReadTokens * price.cacheRead +
      usage.cacheWriteTokens * price.cacheWrite +
      usage.outputTokens * price.output) /
    1_000_000;
  return Math.round(dollars * 10_000) / 10_000;
}
