/**
 * Whether prompt caching pays: the RFC Reviewer on the demo RFC through Anthropic's Messages API, against
 * the scripted server, which caches as Anthropic documents (breakpoints, minimum lengths, 20-block
 * lookback). A first review of two turns, then a re-review: how much of their requests is the same prefix,
 * against the stable part (tools, Margin's instructions, the reviewer's instructions and references), and
 * what each turn wrote to the cache, read from it and read uncached.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { startScriptedModelServer } from "../emulators/llm/ScriptedModelServer.ts";
import { anthropicSegments } from "../emulators/llm/wireFormats.ts";
import { startNotionEmulator } from "../emulators/notion/NotionEmulator.ts";
import { DEMO_IDS, demoWorkspace } from "../lambda/cli/demo/demoWorkspace.ts";
import { FileLedger } from "../lambda/ledger/FileLedger.ts";
import { DEFAULT_MODELS } from "../lambda/llm/modelCapabilities.ts";
import type { TokenUsage } from "../lambda/review/ports/LlmProvider.ts";
import { reviewPage } from "../lambda/review/reviewPage.ts";
import { benchDependencies } from "./benchDependencies.ts";

export interface CachingFigures {
  model: string;
  stablePrefixTokens: number;
  sharedPrefixTokens: number;
  turns: Array<{ name: string; usage: TokenUsage }>;
}

const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args });

export async function measureCaching(): Promise<CachingFigures> {
  const model = DEFAULT_MODELS.anthropic;
  const emulator = await startNotionEmulator({ seed: demoWorkspace(), token: "bench" });
  const server = await startScriptedModelServer({
    provider: "anthropic",
    script: [
      // First review, turn 1: a comment whose quote is not in its block, so the review takes a second turn.
      {
        $turn: {
          calls: [
            call("comment_on_block", {
              block: "b12",
              quote: "no such words",
              severity: "major",
              comment: "?",
            }),
          ],
        },
      },
      {
        $turn: {
          calls: [
            call("comment_on_block", {
              block: "b12",
              quote: "one weekend cutover",
              severity: "critical",
              comment: "Where is the way back?",
            }),
            call("finish_review", { summary: "Not ready: the cutover has no rollback." }),
          ],
        },
      },
      // The re-review.
      { $turn: { calls: [call("finish_review", { summary: "Unchanged: still no rollback." })] } },
    ],
  });
  const ledger = new FileLedger(join(mkdtempSync(join(tmpdir(), "margin-bench-")), "ledger.json"));
  const turns: CachingFigures["turns"] = [];
  const review = async (name: string) => {
    let before: TokenUsage | undefined;
    const result = await reviewPage(
      { pageId: DEMO_IDS.rfc, prompt: "RFC Reviewer", promptsDatabase: DEMO_IDS.promptsDatabase },
      {
        ...benchDependencies(emulator.url, server.url, { provider: "anthropic", name: model }),
        ledger,
        onProgress: (event) => {
          if (event.kind !== "round_trip") return;
          turns.push({ name: `${name}, turn ${event.turn}`, usage: minus(event.usage, before) });
          before = event.usage;
        },
      },
    );
    if (result.outcome.kind !== "reviewed")
      throw new Error(`The ${name} did not finish: ${JSON.stringify(result.outcome)}`);
  };
  try {
    await review("first review");
    await review("re-review");
    const first = server.requests[0]!.body;
    const again = server.requests[2]!.body;
    const text = (body: Record<string, unknown>) => anthropicSegments(body).map((segment) => segment.text);
    const stable = text({ tools: first.tools, system: first.system }).join("");
    const [a, b] = [text(first).join(""), text(again).join("")];
    let shared = 0;
    while (shared < a.length && a[shared] === b[shared]) shared += 1;
    return {
      model,
      stablePrefixTokens: countTokens(stable),
      sharedPrefixTokens: countTokens(a.slice(0, shared)),
      turns,
    };
  } finally {
    await Promise.all([emulator.close(), server.close()]);
  }
}

function minus(total: TokenUsage, before: TokenUsage | undefined): TokenUsage {
  if (!before) return total;
  return {
    uncachedInputTokens: total.uncachedInputTokens - before.uncachedInputTokens,
    cacheReadTokens: total.cacheReadTokens - before.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens - before.cacheWriteTokens,
    outputTokens: total.outputTokens - before.outputTokens,
  };
}
