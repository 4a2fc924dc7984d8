import { afterEach, describe, expect, it } from "vitest";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../../emulators/llm/ScriptedModelServer.ts";
import { openAiTurn } from "../support/reviewWorld.ts";
import { runMargin } from "../support/runMargin.ts";

let model: ScriptedModelServer | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

function demo(env: NodeJS.ProcessEnv) {
  return runMargin(["demo"], env);
}

describe("margin demo", () => {
  it("shows the RFC as the model reads it, with its token count, and what to set, when no model is configured", async () => {
    const run = await demo({});

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("# RFC: Shard the user-logins database");
    expect(run.stdout).toContain("Approvers: (empty)");
    expect(run.stdout).toMatch(
      /t1 Marcus Chen [A-Z][a-z]{2} \d+: @RFC Reviewer is a single weekend cutover realistic/,
    );
    expect(run.stdout).toMatch(
      /This is the RFC as the reviewer model reads it: \d+ tokens, \d+ blocks, 1 discussion\./,
    );
    expect(run.stdout).toMatch(
      /The RFC Reviewer also reads its reference pages \("Architecture principles"\): \d+ tokens/,
    );
    expect(run.stdout).toContain("OPENAI_API_KEY");
    expect(run.stdout).toContain("OPENAI_BASE_URL=http://localhost:11434/v1");
  });

  it("reviews the RFC with the configured provider and says what was posted", async () => {
    // A local model on an OpenAI-compatible server, as the demo suggests (Ollama).
    model = await startScriptedModelServer({
      provider: "openai",
      compatible: true,
      script: [
        openAiTurn([
          [
            "comment_on_block",
            { block: "b12", quote: "one weekend cutover", severity: "critical", comment: "No rollback." },
          ],
          ["reply_in_thread", { thread: "t1", comment: "Stage it." }],
          ["finish_review", { summary: "Not ready." }],
        ]),
      ],
    });

    const run = await demo({ OPENAI_BASE_URL: model.url, MARGIN_MODEL: "local-model" });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('b12 "Move all users to the new cluster in one weekend cutover." [posted]');
    expect(run.stdout).toContain("The emulated page now carries 3 comments by the reviewer.");
    expect(model.requests[0]!.body).toMatchObject({ model: "local-model" });
    // The library's RFC Reviewer, with its Architecture principles page as knowledge.
    const system = (model.requests[0]!.body as { messages: Array<{ content: string }> }).messages[0]!.content;
    expect(system).toContain("You review RFCs and design documents");
    expect(system).toContain('<page title="Architecture principles">');
    expect(system).toContain("P3. Staged, with a way back.");
  });

  it("gives the RFC and its reference page the same token figures with a model as without", async () => {
    model = await startScriptedModelServer({
      provider: "openai",
      compatible: true,
      script: [openAiTurn([["finish_review", { summary: "Not ready." }]])],
    });

    const without = await demo({});
    const withModel = await demo({ OPENAI_BASE_URL: model.url, MARGIN_MODEL: "local-model" });

    const rfc = /reads it: ([\d,]+) tokens/.exec(without.stdout)![1];
    const reference = /reference pages \("Architecture principles"\): ([\d,]+) tokens/.exec(
      without.stdout,
    )![1];
    expect(withModel.code, withModel.stderr).toBe(0);
    expect(withModel.stderr).toContain(`Document rendered for the model: ${rfc} tokens.`);
    expect(withModel.stderr).toContain(`Reference material: 1 page, ${reference} tokens.`);
  });
});
