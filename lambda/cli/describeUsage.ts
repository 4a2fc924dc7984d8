/**
 * Token usage in a line a person reads: the input with its cache reads, cache writes and uncached part,
 * the output, and the cost estimate where the model's prices are known.
 */
import { estimateCostUsd } from "../llm/estimateCost.ts";
import { inputTokensOf, type TokenUsage } from "../review/ports/LlmProvider.ts";

export function describeUsage(usage: TokenUsage, model?: string): string {
  const count = (n: number) => n.toLocaleString("en-US");
  const cost = model === undefined ? undefined : estimateCostUsd(model, usage);
  return [
    `${count(inputTokensOf(usage))} input tokens (${count(usage.cacheReadTokens)} read from cache, ${count(usage.cacheWriteTokens)} written to cache, ${count(usage.uncachedInputTokens)} uncached)`,
    `${count(usage.outputTokens)} output tokens`,
    ...(cost === undefined ? [] : [`about $${cost.toFixed(4)}`]),
  ].join(" · ");
}
