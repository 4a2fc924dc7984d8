/**
 * Replay scripts for `margin eval --replay`, written from a document's labels the way a model would answer:
 * a careful reviewer that comments on each planted deviation at its severity and names it in the summary,
 * and a careless one that comments on the sound decoys and on blocks nobody asked about, and repeats
 * itself. No model is reachable from CI, so these stand in for recordings (`--record` writes the same
 * format from a real model). The block references are the ones the reviewer reads: the document is read
 * from its emulated workspace and rendered as a review renders it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import type { EvalDocument } from "../../lambda/eval/evalDocument.ts";
import { evalWorkspace } from "../../lambda/eval/runEval.ts";
import { summarySectionsOf } from "../../lambda/eval/scoreReview.ts";
import type { PromptLibrary } from "../../lambda/library/PromptLibrary.ts";
import { createNotionClient } from "../../lambda/notion/createNotionClient.ts";
import { notionAdapters } from "../../lambda/notion/notionAdapters.ts";
import { renderDocument } from "../../lambda/review/render/renderDocument.ts";

type Call = { name: string; arguments: Record<string, unknown> };

/** The reviewer's references and texts for the document's anchors, as a review would render them. */
async function renderedBlocks(document: EvalDocument, library: PromptLibrary) {
  const emulator = await startNotionEmulator({ seed: evalWorkspace(document, library), token: "t" });
  try {
    const { pages } = notionAdapters(
      createNotionClient({ token: "t", baseUrl: emulator.url, requestsPerMinute: 100_000 }),
    );
    const rendered = renderDocument(await pages.readDocument(idFor("doc"), document.reviewer));
    return (anchor: string) => {
      const ref = rendered.blockRefs.get(idFor(anchor))!;
      return { ref, text: rendered.blocks.get(ref)!.plainText };
    };
  } finally {
    await emulator.close();
  }
}

function summaryOf(sections: string[], findings: string[]): string {
  return sections
    .map(
      (section, index) =>
        `**${section}:** ${index === 1 && findings.length > 0 ? findings.join(" ") : index === 0 ? (findings.length > 0 ? "not ready." : "ready for approval.") : "none."}`,
    )
    .join("\n\n");
}

function quoteOf(text: string): string {
  return text.split(/\s+/).slice(0, 3).join(" ");
}

export async function carefulTurn(
  document: EvalDocument,
  library: PromptLibrary,
  instructions: string,
): Promise<Call[]> {
  const block = await renderedBlocks(document, library);
  const calls: Call[] = document.labels.deviations.map((deviation, index) => {
    const { ref, text } = block(deviation.anchors[0]!);
    return {
      name: "comment_on_block",
      arguments: {
        block: ref,
        quote: quoteOf(text),
        severity: deviation.min_severity,
        comment: `Point ${index + 1}: this needs ${deviation.keywords[0]} before approval.`,
      },
    };
  });
  const findings = document.labels.deviations.map(
    (deviation) => `• ${deviation.min_severity}: ${deviation.keywords[0]}.`,
  );
  calls.push({
    name: "finish_review",
    arguments: { summary: summaryOf(summarySectionsOf(instructions), findings) },
  });
  return calls;
}

export async function carelessTurn(document: EvalDocument, library: PromptLibrary): Promise<Call[]> {
  const block = await renderedBlocks(document, library);
  const calls: Call[] = document.labels.must_not_flag.map((anchor) => {
    const { ref, text } = block(anchor);
    return {
      name: "comment_on_block",
      arguments: {
        block: ref,
        quote: quoteOf(text),
        severity: "major",
        comment: "This looks wrong to me and should be redone.",
      },
    };
  });
  const repeated = "The plan is unclear and the document should be rewritten from the start.";
  calls.push({ name: "finish_review", arguments: { summary: `${repeated} ${repeated} See b1.` } });
  return calls;
}

/** Writes one replay per document: `<dir>/<reviewer>/<document>.json`, as `margin eval --record` does. */
export function writeReplay(dir: string, document: EvalDocument, calls: Call[]): void {
  const folder = join(dir, document.reviewer);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, `${document.name}.json`),
    JSON.stringify({ provider: "openai", model: "gpt-5-mini", script: [{ $turn: { calls } }] }),
  );
}
