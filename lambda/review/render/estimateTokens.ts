/**
 * A quick, deterministic token estimate for budgets: one token per 3.5 characters. English prose and
 * markdown run at about 4 to 4.5 characters a token in the o200k and Claude tokenizers, so the estimate
 * errs on the high side and a budget is not overrun. (`countTokens` loads a real tokenizer, for reports.)
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}
