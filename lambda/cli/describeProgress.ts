/**
 * One line on stderr for each step of a review, as it happens.
 */

import type { ProgressEvent } from "../review/ReviewDependencies.ts";
import type { ReferenceMaterial } from "../review/render/renderReferences.ts";
import { describeUsage } from "./describeUsage.ts";

export function describeProgress(event: ProgressEvent): string | undefined {
  switch (event.kind) {
    case "prompt_loaded":
      return `Prompt "${event.prompt.title}" loaded (${event.settings.provider} ${event.settings.model}).`;
    case "document_read":
      return `Read "${event.title}": ${event.blocks} blocks, ${event.threads} open discussion${event.threads === 1 ? "" : "s"}.`;
    case "document_rendered":
      return event.tokens === undefined
        ? undefined
        : `Document rendered for the model: ${event.tokens.toLocaleString("en-US")} tokens.`;
    case "references_rendered":
      return describeReferences(event.references, event.tokens);
    case "round_trip":
      return `Model round trip ${event.turn}, so far: ${describeUsage(event.usage)}.`;
    case "context_unknown":
      return `The input is about ${event.estimatedTokens.toLocaleString("en-US")} tokens. A local server with a default context (Ollama's is ${event.typicalContextTokens.toLocaleString("en-US")} tokens on a small GPU) cuts it from the front without a word, losing the instructions: raise its context (OLLAMA_CONTEXT_LENGTH) and set MARGIN_CONTEXT_TOKENS to match, so Margin can check.`;
    case "reading":
    case "asking_model":
    case "posted":
      // The step under way: a status, not a line of its own (see ProgressDisplay).
      return undefined;
    case "earlier_run_completed":
      return `Completed this reviewer's earlier, partly posted review of the page first: ${event.run.posted} more comment${event.run.posted === 1 ? "" : "s"} posted${event.run.notPosted > 0 ? `, ${event.run.notPosted} that Notion would not take left out` : ""}.`;
    case "learnings_written":
      return `Wrote ${event.lines} dismissed point${event.lines === 1 ? "" : "s"} to ${event.created ? "the new page " : ""}"${event.title}" (${event.url}).`;
    case "learnings_not_written":
      return `Warning: could not write ${event.lines} dismissed point${event.lines === 1 ? "" : "s"} to the reviewer's Learnings page (the review goes on): ${event.reason}`;
  }
}

function describeReferences(references: ReferenceMaterial, tokens: number | undefined): string {
  const size =
    tokens === undefined
      ? `about ${references.estimatedTokens.toLocaleString("en-US")} tokens`
      : `${tokens.toLocaleString("en-US")} tokens`;
  const lines = [
    `Reference material: ${references.pages} page${references.pages === 1 ? "" : "s"}, ${size}.`,
  ];
  for (const cut of references.cut) {
    lines.push(
      cut.whole
        ? `  Left out "${cut.title}": it did not fit in the reference budget (MARGIN_REFERENCE_TOKENS).`
        : `  Cut "${cut.title}" short: ${cut.blocksLeftOut} block${cut.blocksLeftOut === 1 ? "" : "s"} did not fit in the reference budget (MARGIN_REFERENCE_TOKENS).`,
    );
  }
  for (const page of references.unavailable) lines.push(`  Not read: ${page}.`);
  return lines.join("\n");
}
