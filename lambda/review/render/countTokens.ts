/**
 * Token counts with the o200k tokenizer: a fair estimate for every provider Margin uses, for reporting
 * the size of what the model reads.
 */
import { countTokens as countO200k } from "gpt-tokenizer/encoding/o200k_base";

export function countTokens(text: string): number {
  return countO200k(text);
}
