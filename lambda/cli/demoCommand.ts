/**
 * `margin demo` (and `npm start`): starts the Notion emulator in this process with a small workspace and
 * reviews its RFC with the library's RFC reviewer, using the provider configured in the environment.
 * Without a model key it shows the document as the model would read it, and what to set.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { type MarginConfig, readConfig } from "../config/config.ts";
import { EnvironmentSecrets } from "../config/secrets.ts";
import { FileLedger } from "../ledger/FileLedger.ts";
import { DEFAULT_MODELS } from "../llm/modelCapabilities.ts";
import { notionAdapters } from "../notion/notionAdapters.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import { countTokens } from "../review/render/countTokens.ts";
import { renderDocument } from "../review/render/renderDocument.ts";
import { renderReferences } from "../review/render/renderReferences.ts";
import { reviewPage } from "../review/reviewPage.ts";
import { buildReviewDependencies } from "../wiring/buildReviewDependencies.ts";
import { notionClientFor } from "../wiring/notionClientFor.ts";
import type { CliIo } from "./CliIo.ts";
import { DEMO_IDS, demoWorkspace } from "./demo/demoWorkspace.ts";
import { reviewAsText } from "./printReview.ts";
import { progressTo } from "./reviewCommand.ts";

const DEMO_TOKEN = "demo-token";

export async function demoCommand(_argv: string[], io: CliIo): Promise<number> {
  const config = readConfig(io.env);
  const emulator = await startNotionEmulator({ seed: demoWorkspace(), token: DEMO_TOKEN });
  try {
    io.stderr(`Notion emulator with the demo workspace: ${emulator.url}\n`);
    const provider = chooseProvider(config, io.env);
    const demoConfig: MarginConfig = {
      ...config,
      NOTION_BASE_URL: emulator.url,
      MARGIN_PROMPTS_DATABASE: DEMO_IDS.promptsDatabase,
      // The emulator has no rate limit worth respecting; the demo should not wait on one.
      MARGIN_NOTION_REQUESTS_PER_MINUTE: 100_000,
    };
    const secrets = new EnvironmentSecrets({ ...io.env, NOTION_TOKEN: DEMO_TOKEN });
    // The emulated workspace lives as long as this process: so does the reviewer's memory of it.
    const ledger = new FileLedger(join(mkdtempSync(join(tmpdir(), "margin-demo-")), "ledger.json"));
    if (!provider) {
      await showWhatTheModelReads(demoConfig, secrets, io);
      return 0;
    }
    const result = await reviewPage(
      {
        pageId: DEMO_IDS.rfc,
        prompt: "RFC Reviewer",
        promptsDatabase: DEMO_IDS.promptsDatabase,
        overrides: { provider },
      },
      await buildReviewDependencies(demoConfig, secrets, { countTokens, onProgress: progressTo(io), ledger }),
    );
    io.stdout(reviewAsText(result));
    if (result.outcome.kind !== "reviewed") {
      io.stderr(`The demo review did not complete: ${outcomeReason(result)}\n`);
      return 1;
    }
    const posted = emulator.control
      .state()
      .comments.filter(
        (comment: { created_by: { id: string } }) => comment.created_by.id === emulator.botUserId,
      );
    io.stdout(
      `\nThe emulated page now carries ${posted.length} comment${posted.length === 1 ? "" : "s"} by the reviewer.\n`,
    );
    return 0;
  } finally {
    await emulator.close();
  }
}

/** Without a model: the RFC and its reference pages as the reviewer would read them, and how to add one. */
async function showWhatTheModelReads(
  config: MarginConfig,
  secrets: EnvironmentSecrets,
  io: CliIo,
): Promise<void> {
  const notion = notionAdapters(await notionClientFor(config, secrets));
  const rendered = renderDocument(await notion.pages.readDocument(DEMO_IDS.rfc, "RFC Reviewer"));
  const prompt = await notion.prompts.loadPrompt(DEMO_IDS.promptsDatabase, DEMO_IDS.reviewerPrompt);
  const references = renderReferences(prompt.references, config.MARGIN_REFERENCE_TOKENS);
  io.stdout(`${rendered.text}\n`);
  io.stdout(
    `This is the RFC as the reviewer model reads it: ${countTokens(rendered.text).toLocaleString("en-US")} tokens, ${rendered.blocks.size} blocks, ${rendered.threads.size} discussion.\n`,
  );
  io.stdout(
    `The ${prompt.title} also reads its reference pages (${prompt.references.map((page) => `"${page.title}"`).join(", ")}): ${countTokens(references.text).toLocaleString("en-US")} tokens, given to the model as knowledge to check the RFC against.\n\n`,
  );
  io.stdout(
    [
      "To have a model review it, set one of these (in the environment or a .env file) and run the demo again (`npm start`, or `margin demo`):",
      `  OPENAI_API_KEY=sk-...              OpenAI (model: MARGIN_MODEL, default ${DEFAULT_MODELS.openai})`,
      `  ANTHROPIC_API_KEY=sk-ant-...       Anthropic (model: MARGIN_MODEL, default ${DEFAULT_MODELS.anthropic})`,
      "  OPENAI_BASE_URL=http://localhost:11434/v1 MARGIN_MODEL=<model> MARGIN_CONTEXT_TOKENS=<its context>",
      "                                     any local OpenAI-compatible server (Ollama, llama.cpp, vLLM...)",
      "",
    ].join("\n"),
  );
}

/** The provider the demo can use: MARGIN_PROVIDER, else whichever has credentials. */
function chooseProvider(config: MarginConfig, env: NodeJS.ProcessEnv): ProviderName | undefined {
  const openai = Boolean(env.OPENAI_API_KEY || config.OPENAI_BASE_URL);
  const anthropic = Boolean(env.ANTHROPIC_API_KEY);
  if (config.MARGIN_PROVIDER === "openai" && openai) return "openai";
  if (config.MARGIN_PROVIDER === "anthropic" && anthropic) return "anthropic";
  if (openai) return "openai";
  if (anthropic) return "anthropic";
  return undefined;
}
