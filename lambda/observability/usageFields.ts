/**
 * A review's token usage as log fields: every input part apart (uncached, read from the prompt cache,
 * written to it), their total, the output, and the cost estimate that prices each part at its own rate.
 */
import { estimateCostUsd } from "../llm/estimateCost.ts";
import { inputTokensOf, type TokenUsage } from "../review/ports/LlmProvider.ts";

export function usageFields(model: string, usage: TokenUsage) {
  return {
    inputTokens: inputTokensOf(usage),
    uncachedInputTokens: usage.uncachedInputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    outputTokens: usage.outputTokens,
    costEstimateUsd: estimateCostUsd(model, usage),
  };
}
