/**
 * Reading and rendering: for pages of 50, 300 and 1000 blocks, the Notion requests and the time to read them
 * with Notion's limit as documented (window mode at 180 requests a minute, 100 ms latency, time-scaled and
 * measured as in budgetBench.ts) against the floor that limit sets; the rendering's tokens against the page's
 * plain text; and the model round trips of a review.
 */

import { startScriptedModelServer } from "../emulators/llm/ScriptedModelServer.ts";
import { idFor } from "../emulators/notion/model/notionIds.ts";
import { startNotionEmulator } from "../emulators/notion/NotionEmulator.ts";
import { promptsDatabaseSchema } from "../lambda/notion/promptsDatabaseSchema.ts";
import { flattenBlocks, type ReviewDocument } from "../lambda/review/model/ReviewDocument.ts";
import { countTokens } from "../lambda/review/render/countTokens.ts";
import { renderDocument } from "../lambda/review/render/renderDocument.ts";
import { reviewPage } from "../lambda/review/reviewPage.ts";
import { benchDependencies } from "./benchDependencies.ts";
import { measureFirstRead } from "./budgetBench.ts";
import { syntheticDocument } from "./syntheticDocument.ts";

export interface ReadingFigures {
  blocks: number;
  threads: number;
  requests: number;
  rateLimited: number;
  seconds: number;
  floorSeconds: number;
  renderedTokens: number;
  plainTokens: number;
  roundTrips: number;
}

/** The page's own text: title, properties, every block's text and every comment, one per line. */
export function plainTextOf(document: ReviewDocument): string {
  return [
    document.page.title,
    ...document.page.properties.map((property) => `${property.name}: ${property.value}`),
    ...flattenBlocks(document.blocks).map((block) => block.plainText),
    ...document.threads.flatMap((thread) => thread.comments.map((comment) => comment.text)),
  ].join("\n");
}

export async function measureReading(size: number, threads: number): Promise<ReadingFigures> {
  const synthetic = syntheticDocument(size, threads);
  const { result: document, ...read } = await measureFirstRead(synthetic.seed);
  return {
    blocks: flattenBlocks(document.blocks).length,
    threads: document.threads.length,
    ...read,
    renderedTokens: countTokens(renderDocument(document).text),
    plainTokens: countTokens(plainTextOf(document)),
    roundTrips: await measureRoundTrips(synthetic.seed),
  };
}

/** A whole review of the same page, the model finishing in its first turn: how many round trips it takes. */
async function measureRoundTrips(seed: Record<string, unknown>): Promise<number> {
  const withPrompts = structuredClone(seed) as { pages: unknown[]; databases: unknown[] };
  withPrompts.databases.push({
    id: "prompts",
    parent: { page_id: "home" },
    title: "Prompts",
    properties: promptsDatabaseSchema(),
  });
  withPrompts.pages.push({
    id: "reviewer",
    parent: { database_id: "prompts" },
    title: "RFC Reviewer",
    markdown: "Review it.",
  });
  const emulator = await startNotionEmulator({ seed: withPrompts });
  const model = await startScriptedModelServer({
    provider: "openai",
    script: [
      {
        choices: [
          {
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: "1",
                  type: "function",
                  function: {
                    name: "comment_on_block",
                    arguments: JSON.stringify({
                      block: "b1",
                      quote: "Section 1",
                      severity: "major",
                      comment: "Say why.",
                    }),
                  },
                },
                {
                  id: "2",
                  type: "function",
                  function: { name: "finish_review", arguments: JSON.stringify({ summary: "Not ready." }) },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  try {
    const result = await reviewPage(
      { pageId: idFor("doc"), prompt: "RFC Reviewer", promptsDatabase: idFor("prompts"), dryRun: true },
      { ...benchDependencies(emulator.url, model.url) },
    );
    if (result.outcome.kind !== "dry_run")
      throw new Error(`The benchmark review did not finish: ${JSON.stringify(result.outcome)}`);
    return result.roundTrips;
  } finally {
    await Promise.all([emulator.close(), model.close()]);
  }
}
