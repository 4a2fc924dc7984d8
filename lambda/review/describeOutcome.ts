/**
 * Why a review ended without being posted, in words for the page's author (and the command line).
 */
import type { ReviewResult } from "./ReviewResult.ts";

export function outcomeReason(result: Pick<ReviewResult, "outcome" | "publish">): string {
  const outcome = result.outcome;
  switch (outcome.kind) {
    case "reviewed":
      return result.publish?.failed ? "the review was only partly posted." : "the review was posted.";
    case "replied":
      return "the reply was posted.";
    case "no_reply":
      return `no reply: ${outcome.reason}`;
    case "dry_run":
      return "dry run: nothing was posted.";
    case "refused":
      return `the model declined: ${outcome.reason}`;
    case "truncated":
      return "the model's answer was cut off at its output limit, so none of it was trusted. Try again, or shorten the prompt or the document.";
    case "too_large":
      return `the review's input is about ${outcome.estimatedTokens.toLocaleString("en-US")} tokens, more than the model's context window of ${outcome.contextTokens.toLocaleString("en-US")} leaves room for, so the model was not asked. ${outcome.advice}`;
    case "turn_limit":
      return `the model used all ${outcome.turns} turns without finishing the review (MARGIN_MAX_TURNS raises the limit).`;
  }
}
