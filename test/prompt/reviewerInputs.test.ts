/**
 * What each reviewer in the library sends the model, on a sample document of its type: the system message
 * (Margin's fixed instructions, the reviewer's own, its reference material), the rendered document and the
 * tool definitions, exactly as the OpenAI endpoint received them. Kept as golden files, so a change to a
 * prompt, to the fixed instructions or to the rendering shows up in review; and held to a token budget.
 */
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../../emulators/llm/ScriptedModelServer.ts";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import type { NotionEmulator } from "../../emulators/notion/NotionEmulator.ts";

import { readPromptLibrary } from "../../lambda/library/PromptLibrary.ts";
import { countTokens } from "../../lambda/review/render/countTokens.ts";
import { expectGolden } from "../support/golden.ts";
import {
  LIBRARY_FOLDER,
  LIBRARY_TOKEN,
  libraryWorkspace,
  sampleDocuments,
  startWorkspace,
} from "../support/libraryWorld.ts";
import { openAiTurn, WORLD_MODELS } from "../support/reviewWorld.ts";
import { runMargin } from "../support/runMargin.ts";

/**
 * The most a reviewer's whole first-review input may take on its sample document (o200k tokens: fixed
 * instructions, reviewer instructions, reference pages, the document, tool definitions). The samples are
 * 300-450 words, a typical RFC or plan; a reviewer whose input outgrows this is carrying too much.
 */
const INPUT_BUDGET_TOKENS = 4_000;

const GOLDEN = join(import.meta.dirname, "golden");
const library = readPromptLibrary(LIBRARY_FOLDER).library;
const samples = sampleDocuments();

let notion: NotionEmulator;
let model: ScriptedModelServer;
beforeAll(async () => {
  notion = await startWorkspace(libraryWorkspace());
  model = await startScriptedModelServer({ provider: "openai", script: [] });
});
afterAll(async () => {
  await Promise.all([notion?.close(), model?.close()]);
});

describe("each reviewer's model input on a sample document of its type", () => {
  it("has a sample document for every reviewer in the library, and a reviewer for every sample", () => {
    const reviewers = library.prompts.map((entry) => basename(entry.path, ".md")).sort();
    expect(samples.map((sample) => sample.reviewer)).toEqual(reviewers);
  });

  it.each(samples.map((sample) => [sample.reviewer, sample] as const))(
    "%s: stays within the token budget and matches its golden file",
    async (reviewer, sample) => {
      const prompt = library.prompts.find((entry) => basename(entry.path, ".md") === reviewer)!.value;
      model.reset([openAiTurn([["finish_review", { summary: "**Verdict:** ready." }]])]);
      const run = await review(sample.pageId, prompt.title);
      expect(run.code, run.stderr).toBe(0);

      const body = model.requests[0]!.body as {
        messages: Array<{ role: string; content: string }>;
        tools: Array<{ function: { name: string } }>;
      };
      const system = body.messages.find((message) => message.role === "system")!.content;
      const user = body.messages.find((message) => message.role === "user")!.content;
      const tools = JSON.stringify(body.tools);
      const tokens = { system: countTokens(system), user: countTokens(user), tools: countTokens(tools) };
      const total = tokens.system + tokens.user + tokens.tools;

      expect(system).toContain(`<reviewer-instructions>\n${prompt.body.split("\n")[0]}`);
      expect(user).toContain(`# ${sample.title}`);
      if (prompt.referencePages.length > 0) {
        expect(system).toContain("<reference-material>");
        for (const title of prompt.referencePages) expect(system).toContain(`<page title="${title}">`);
        expect(system).not.toContain("(Cut here");
      }
      expect(total).toBeLessThanOrEqual(INPUT_BUDGET_TOKENS);
      expectGolden(
        join(GOLDEN, `${reviewer}.txt`),
        [
          `Model input of "${prompt.title}" reviewing "${sample.title}" (test/fixtures/sample-documents/${reviewer}.md)`,
          `Tokens (o200k): system ${tokens.system} + user ${tokens.user} + tools ${tokens.tools} = ${total}; budget ${INPUT_BUDGET_TOKENS}`,
          `Tools: ${body.tools.map((tool) => tool.function.name).join(", ")}`,
          "",
          "=== system ===",
          system,
          "",
          "=== user ===",
          user,
          "",
        ].join("\n"),
      );
    },
  );
});

function review(pageId: string, prompt: string) {
  return runMargin(["review", pageId, "--prompt", prompt, "--dry-run"], {
    NOTION_TOKEN: LIBRARY_TOKEN,
    NOTION_BASE_URL: notion.url,
    MARGIN_PROMPTS_DATABASE: idFor("prompts"),
    MARGIN_NOTION_REQUESTS_PER_MINUTE: "100000",
    OPENAI_API_KEY: "sk-test-key",
    OPENAI_BASE_URL: model.url,
    MARGIN_PROVIDER: "openai",
    MARGIN_MODEL: WORLD_MODELS.openai,
  });
}
