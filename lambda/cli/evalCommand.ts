/**
 * `margin eval`: reviews the library's labelled documents (`prompts/eval/<reviewer>/`) with the configured
 * model, or replays recorded answers, and scores every review without a model as judge. Prints a table per
 * reviewer and document (progress on stderr while it runs), and exits 1 when a gate fails: the labels'
 * gates, or the command line's, which win. With `--runs n` the gates judge the worst of the runs.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readConfig } from "../config/config.ts";
import { InvalidInputError } from "../errors.ts";
import { type EvalDocument, type EvalGates, readEvalDocuments } from "../eval/evalDocument.ts";
import { type Recording, recordingSchema } from "../eval/ModelRecorder.ts";
import { type EvalModel, runEvalDocument } from "../eval/runEval.ts";
import { type DocumentScore, failedGates, percent, scoreReview, worstOf } from "../eval/scoreReview.ts";
import { readPromptLibrary } from "../library/PromptLibrary.ts";
import { PROVIDERS, type ProviderName } from "../review/prompt/reviewSettings.ts";
import * as z from "../schema.ts";
import type { CliIo } from "./CliIo.ts";

export const EVAL_USAGE = `margin eval [--reviewer <file name>...] [--provider ${PROVIDERS.join("|")}] [--model <model>] [--runs <n>] [--json]
              [--record <dir>] [--replay <dir>] [--min-recall <0..1>] [--max-decoy-hits <n>] [--gate-summary] [--folder prompts]`;

export interface DocumentReport {
  reviewer: string;
  document: string;
  angle: EvalDocument["labels"]["angle"];
  runs: DocumentScore[];
  worst: DocumentScore;
  failed: string[];
}

const flagsSchema = z.object({
  runs: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(20)), 1),
  "min-recall": z.optional(z.coerce.number().check(z.minimum(0), z.maximum(1))),
  "max-decoy-hits": z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
});

export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      reviewer: { type: "string", multiple: true },
      provider: { type: "string" },
      model: { type: "string" },
      runs: { type: "string" },
      json: { type: "boolean", default: false },
      record: { type: "string" },
      replay: { type: "string" },
      "min-recall": { type: "string" },
      "max-decoy-hits": { type: "string" },
      "gate-summary": { type: "boolean", default: false },
      folder: { type: "string", default: "prompts" },
    },
  });
  if (positionals.length > 0)
    throw new InvalidInputError(`Unexpected argument "${positionals[0]}". Usage: ${EVAL_USAGE}`);
  const flags = flagsSchema.safeParse(values);
  if (!flags.success)
    throw new InvalidInputError(`--${z.firstProblem(flags.error, "flags")}. Usage: ${EVAL_USAGE}`);
  if (values.record && values.replay) throw new InvalidInputError("Give --record or --replay, not both.");
  const provider = values.provider?.trim().toLowerCase();
  if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider))
    throw new InvalidInputError(`--provider should be ${PROVIDERS.join(", ")}. Usage: ${EVAL_USAGE}`);
  const folder = resolve(io.cwd, values.folder);
  const documents = evalDocumentsIn(folder, values.reviewer);
  const reports: DocumentReport[] = [];
  for (const document of documents) {
    reports.push(
      await evaluate(document, {
        folder,
        io,
        runs: flags.data.runs,
        model: { provider: provider as ProviderName | undefined, model: values.model?.trim() || undefined },
        replay: values.replay ? resolve(io.cwd, values.replay) : undefined,
        record: values.record ? resolve(io.cwd, values.record) : undefined,
        gates: { min_recall: flags.data["min-recall"], max_decoy_hits: flags.data["max-decoy-hits"] },
        gateSummary: values["gate-summary"],
      }),
    );
  }
  io.stdout(values.json ? `${JSON.stringify(reports, null, 2)}\n` : reportTable(reports));
  return reports.some((report) => report.failed.length > 0) ? 1 : 0;
}

/** The labelled documents to run: all of them, or the named reviewers'; a problem in any stops the run. */
function evalDocumentsIn(folder: string, reviewers: string[] | undefined): EvalDocument[] {
  const { documents, problems } = readEvalDocuments(join(folder, "eval"), reviewers);
  if (problems.length > 0)
    throw new InvalidInputError(`The labelled documents have problems:\n  ${problems.join("\n  ")}`);
  const missing = (reviewers ?? []).filter(
    (name) => !documents.some((document) => document.reviewer === name),
  );
  if (missing.length > 0)
    throw new InvalidInputError(
      `No labelled documents for ${missing.join(", ")} in ${join(folder, "eval")}: give the reviewer's file name, such as rfc-reviewer.`,
    );
  if (documents.length === 0)
    throw new InvalidInputError(`No labelled documents in ${join(folder, "eval")}.`);
  return documents;
}

interface EvaluateOptions {
  folder: string;
  io: CliIo;
  runs: number;
  model: EvalModel;
  replay?: string;
  record?: string;
  gates: EvalGates;
  gateSummary: boolean;
}

/** Every run of one document, scored; the gates judge the worst. */
async function evaluate(document: EvalDocument, options: EvaluateOptions): Promise<DocumentReport> {
  const { io } = options;
  const library = readPromptLibrary(options.folder, io.cwd).library;
  const config = readConfig(io.env);
  const runs: DocumentScore[] = [];
  for (let run = 1; run <= options.runs; run++) {
    io.stderr(`${document.reviewer}/${document.name}: run ${run} of ${options.runs}…\n`);
    const replay = options.replay ? readRecording(recordingPath(options.replay, document, 1)) : undefined;
    const outcome = await runEvalDocument(document, library, config, io.env, {
      ...options.model,
      replay,
      record: options.record !== undefined,
    });
    if (options.record && outcome.recording) {
      const path = recordingPath(options.record, document, run);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(outcome.recording, null, 2)}\n`);
    }
    runs.push(scoreReview(document, outcome.reviewed));
  }
  const worst = worstOf(runs);
  const gates = { ...document.labels.gates, ...definedOnly(options.gates) };
  const failed = [
    ...failedGates(worst, gates),
    ...(options.gateSummary ? worst.summaryProblems.map((problem) => `summary: ${problem}`) : []),
    ...(worst.summaryProblems.some((problem) => problem.startsWith("the review did not finish"))
      ? ["the review did not finish"]
      : []),
  ];
  return {
    reviewer: document.reviewer,
    document: document.name,
    angle: document.labels.angle,
    runs,
    worst,
    failed,
  };
}

function definedOnly(gates: EvalGates): EvalGates {
  return Object.fromEntries(Object.entries(gates).filter(([, value]) => value !== undefined));
}

/** `<dir>/<reviewer>/<document>.json`, and `<document>.run<n>.json` for runs after the first. */
function recordingPath(folder: string, document: EvalDocument, run: number): string {
  return join(folder, document.reviewer, `${document.name}${run > 1 ? `.run${run}` : ""}.json`);
}

function readRecording(path: string): Recording {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read the recording ${path} (${(error as Error).message.split("\n")[0]}): record it first with --record.`,
    );
  }
  const parsed = recordingSchema.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(`${basename(path)}: ${z.firstProblem(parsed.error, "recording")}.`);
  return parsed.data;
}

/** One table per reviewer: a row per document, the worst of its runs. */
export function reportTable(reports: DocumentReport[]): string {
  const lines: string[] = [];
  for (const reviewer of [...new Set(reports.map((report) => report.reviewer))]) {
    lines.push(`\n${reviewer}`);
    lines.push(
      `  ${"document".padEnd(30)} ${"angle".padEnd(9)} recall  precision  decoys  noise  severity  refused  turns   tokens  cost      summary / gates`,
    );
    for (const report of reports.filter((entry) => entry.reviewer === reviewer)) {
      const score = report.worst;
      const cost = score.costUsd === undefined ? "–" : `$${score.costUsd.toFixed(4)}`;
      const notes = [...score.summaryProblems, ...report.failed.map((gate) => `FAILED ${gate}`)];
      lines.push(
        `  ${report.document.padEnd(30)} ${report.angle.padEnd(9)} ${(score.recall === undefined ? "–" : percent(score.recall)).padStart(6)}  ${(score.precision === undefined ? "–" : percent(score.precision)).padStart(9)}  ${String(score.decoyHits).padStart(6)}  ${String(score.cleanNoise).padStart(5)}  ${String(score.severityErrors).padStart(8)}  ${String(score.refusedCalls).padStart(7)}  ${String(score.roundTrips).padStart(5)}  ${String(score.tokens).padStart(7)}  ${cost.padEnd(9)} ${notes.join("; ") || "ok"}`,
      );
      if (score.missed.length > 0) lines.push(`  ${"".padEnd(30)} missed: ${score.missed.join(", ")}`);
    }
  }
  const failed = reports.filter((report) => report.failed.length > 0).length;
  lines.push(`\n${reports.length} documents, ${failed} failing a gate.\n`);
  return lines.join("\n");
}
