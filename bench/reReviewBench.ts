/**
 * What memory saves: the Notion requests of a first review of a page and of a re-review of the same,
 * unchanged page (discussions listed only on blocks known to carry them).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startScriptedModelServer } from "../emulators/llm/ScriptedModelServer.ts";
import { idFor } from "../emulators/notion/model/notionIds.ts";
import { startNotionEmulator } from "../emulators/notion/NotionEmulator.ts";
import { FileLedger } from "../lambda/ledger/FileLedger.ts";
import { promptsDatabaseSchema } from "../lambda/notion/promptsDatabaseSchema.ts";
import { reviewPage } from "../lambda/review/reviewPage.ts";
import { benchDependencies } from "./benchDependencies.ts";
import { syntheticDocument } from "./syntheticDocument.ts";

export interface ReReviewFigures {
  blocks: number;
  first: { reads: number; commentLists: number; writes: number };
  again: { reads: number; commentLists: number; writes: number };
}

const turn = (calls: Array<[string, Record<string, unknown>]>) => ({
  choices: [
    {
      finish_reason: "tool_calls",
      message: {
        role: "assistant",
        content: null,
        tool_calls: calls.map(([name, args], index) => ({
          id: `c${index}`,
          type: "function",
          function: { name, arguments: JSON.stringify(args) },
        })),
      },
    },
  ],
});

export async function measureReReview(size: number, threads: number): Promise<ReReviewFigures> {
  const synthetic = syntheticDocument(size, threads);
  const seed = structuredClone(synthetic.seed) as { pages: unknown[]; databases: unknown[] };
  seed.databases.push({
    id: "prompts",
    parent: { page_id: "home" },
    title: "Prompts",
    properties: promptsDatabaseSchema(),
  });
  seed.pages.push({
    id: "reviewer",
    parent: { database_id: "prompts" },
    title: "RFC Reviewer",
    properties: { "Reply in threads": { checkbox: false } },
    markdown: "Review it.",
  });
  const emulator = await startNotionEmulator({ seed });
  const model = await startScriptedModelServer({
    provider: "openai",
    script: [
      turn([
        ["comment_on_block", { block: "b1", quote: "Section 1", severity: "major", comment: "Say why." }],
        ["finish_review", { summary: "Not ready." }],
      ]),
      turn([["finish_review", { summary: "Unchanged." }]]),
    ],
  });
  const ledger = new FileLedger(join(mkdtempSync(join(tmpdir(), "margin-bench-")), "ledger.json"));
  const review = () =>
    reviewPage(
      { pageId: idFor("doc"), prompt: "RFC Reviewer", promptsDatabase: idFor("prompts") },
      { ...benchDependencies(emulator.url, model.url), ledger },
    );
  const counts = () => {
    const endpoints = emulator.counters.snapshot().endpoints;
    const sum = (filter: (endpoint: string) => boolean) =>
      Object.entries(endpoints)
        .filter(([endpoint]) => filter(endpoint))
        .reduce((total, [, count]) => total + count.requests, 0);
    const result = {
      reads: sum((endpoint) => endpoint.startsWith("GET") || endpoint.endsWith("/query")),
      commentLists: sum((endpoint) => endpoint === "GET /v1/comments"),
      writes: sum((endpoint) => !endpoint.startsWith("GET") && !endpoint.endsWith("/query")),
    };
    emulator.counters.reset();
    return result;
  };
  try {
    const first = await review();
    if (first.outcome.kind !== "reviewed")
      throw new Error(`The first review did not finish: ${JSON.stringify(first.outcome)}`);
    const firstCounts = counts();
    const again = await review();
    if (again.outcome.kind !== "reviewed")
      throw new Error(`The re-review did not finish: ${JSON.stringify(again.outcome)}`);
    return { blocks: first.rendered.blocks.size, first: firstCounts, again: counts() };
  } finally {
    await Promise.all([emulator.close(), model.close()]);
  }
}
