/**
 * `margin eval --replay` over every reviewer's labelled documents: a careful reviewer's answers score
 * full recall, no decoy hits and no noise on the clean twins; a careless one's (comments on the sound
 * decoys, a summary without the reviewer's sections that says a finding twice) score low and fail the gates.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { startScriptedModelServer } from "../../emulators/llm/ScriptedModelServer.ts";
import { readEvalDocuments } from "../../lambda/eval/evalDocument.ts";
import { readPromptLibrary } from "../../lambda/library/PromptLibrary.ts";
import { runMargin } from "../support/runMargin.ts";
import { carefulTurn, carelessTurn, writeReplay } from "./replayScripts.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const library = readPromptLibrary(join(ROOT, "prompts")).library;
const { documents } = readEvalDocuments(join(ROOT, "prompts/eval"));
const instructionsOf = (reviewer: string) =>
  library.prompts.find((entry) => basename(entry.path, ".md") === reviewer)!.value.body;

type Report = {
  reviewer: string;
  document: string;
  angle: string;
  worst: { recall?: number; decoyHits: number; cleanNoise: number; summaryProblems: string[] };
  failed: string[];
};

async function evalWith(replays: string, args: string[] = []) {
  const run = await runMargin(
    ["eval", "--replay", replays, "--json", ...args],
    { PATH: process.env.PATH },
    ROOT,
  );
  return { ...run, reports: run.stdout.startsWith("[") ? (JSON.parse(run.stdout) as Report[]) : [] };
}

describe("margin eval", () => {
  it("scores a careful reviewer's replayed answers on every labelled document: all found, nothing on decoys, clean twins quiet", async () => {
    const replays = mkdtempSync(join(tmpdir(), "margin-eval-"));
    for (const document of documents)
      writeReplay(replays, document, await carefulTurn(document, library, instructionsOf(document.reviewer)));

    const run = await evalWith(replays);

    expect(run.code, run.stderr).toBe(0);
    expect(run.reports).toHaveLength(documents.length);
    for (const report of run.reports) {
      expect(report.failed, `${report.reviewer}/${report.document}`).toEqual([]);
      expect(report.worst.decoyHits).toBe(0);
      expect(report.worst.cleanNoise).toBe(0);
      expect(report.worst.summaryProblems, `${report.reviewer}/${report.document}`).toEqual([]);
      if (report.angle !== "clean") expect(report.worst.recall).toBe(1);
    }
    // Progress while it runs, one line per document.
    expect(run.stderr.split("run 1 of 1").length - 1).toBe(documents.length);
  }, 120_000);

  it("gives a careless reviewer low scores and exits 1, naming the failed gates", async () => {
    const replays = mkdtempSync(join(tmpdir(), "margin-eval-"));
    const planted = documents.filter((document) => document.reviewer === "rfc-reviewer");
    for (const document of planted) writeReplay(replays, document, await carelessTurn(document, library));

    const run = await evalWith(replays, ["--reviewer", "rfc-reviewer"]);
    const table = await runMargin(
      ["eval", "--replay", replays, "--reviewer", "rfc-reviewer"],
      { PATH: process.env.PATH },
      ROOT,
    );

    expect(run.code).toBe(1);
    const withDeviations = run.reports.filter((report) => report.angle !== "clean");
    expect(withDeviations.length).toBeGreaterThan(0);
    for (const report of withDeviations) {
      expect(report.worst.recall).toBe(0);
      expect(report.worst.decoyHits).toBeGreaterThan(0);
      expect(report.failed.join(" ")).toMatch(/recall 0%/);
    }
    const clean = run.reports.find((report) => report.angle === "clean")!;
    expect(clean.worst.cleanNoise).toBeGreaterThan(0);
    // Margin turns a reference the model let slip into words before posting; the shape is still wrong.
    expect(clean.worst.summaryProblems.join(" ")).toMatch(/sections missing: Verdict/);
    expect(clean.worst.summaryProblems.join(" ")).toMatch(/repeats 1 finding/);
    expect(table.stdout).toMatch(/rfc-reviewer\n {2}document/);
    expect(table.stdout).toContain("FAILED");
  }, 120_000);

  it("records a model's answers as scripts, without its key, and replays them to the same scores", async () => {
    const rfc = documents.filter((document) => document.reviewer === "rfc-reviewer");
    const model = await startScriptedModelServer({
      provider: "openai",
      script: await Promise.all(
        rfc.map(async (document) => ({
          $turn: { calls: await carefulTurn(document, library, instructionsOf(document.reviewer)) },
        })),
      ),
    });
    const recordings = mkdtempSync(join(tmpdir(), "margin-eval-"));
    try {
      const env = {
        PATH: process.env.PATH,
        OPENAI_API_KEY: "sk-record-secret",
        OPENAI_BASE_URL: model.url,
        MARGIN_PROVIDER: "openai",
      };
      const recorded = await runMargin(
        ["eval", "--reviewer", "rfc-reviewer", "--record", recordings, "--json"],
        env,
        ROOT,
      );
      const replayed = await evalWith(recordings, ["--reviewer", "rfc-reviewer"]);

      expect(recorded.code, recorded.stderr).toBe(0);
      expect(model.requests).toHaveLength(rfc.length);
      const saved = readFileSync(join(recordings, "rfc-reviewer", `${rfc[0]!.name}.json`), "utf8");
      expect(saved).toContain('"provider": "openai"');
      expect(saved).not.toContain("sk-record-secret");
      const scores = (reports: Report[]) => reports.map((report) => report.worst);
      expect(scores(replayed.reports)).toEqual(scores(JSON.parse(recorded.stdout) as Report[]));
    } finally {
      await model.close();
    }
  }, 120_000);

  it("compares two versions of a reviewer side by side, with the difference in each score", async () => {
    const replays = mkdtempSync(join(tmpdir(), "margin-eval-"));
    const rfc = documents.filter((document) => document.reviewer === "rfc-reviewer");
    for (const document of rfc) {
      writeReplay(
        join(replays, "a"),
        document,
        await carefulTurn(document, library, instructionsOf("rfc-reviewer")),
      );
      writeReplay(join(replays, "b"), document, await carelessTurn(document, library));
    }
    const before = join(ROOT, "prompts/rfc-reviewer.md");
    const after = join(mkdtempSync(join(tmpdir(), "margin-eval-")), "rfc-reviewer-edited.md");
    writeFileSync(after, readFileSync(before, "utf8").replace("## Tone", "## Tone\n\nBe terse."));

    const run = await runMargin(
      ["eval", "--compare", before, after, "--replay", replays],
      { PATH: process.env.PATH },
      ROOT,
    );

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`rfc-reviewer: a = ${before}, b = ${after}`);
    expect(run.stdout).toMatch(/notification-preferences +100% → 0% \(-100 pts\)/);
    expect(run.stdout).toMatch(/failing a gate: a 0, b [1-9]/);
  }, 120_000);
});
