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
import { requireConfiguration } from "../config/requireConfiguration.ts";
import { InvalidInputError, ProviderError } from "../errors.ts";
import { type EvalDocument, type EvalGates, readEvalDocuments } from "../eval/evalDocument.ts";
import { type Recording, recordingSchema } from "../eval/ModelRecorder.ts";
import { type EvalModel, runEvalDocument } from "../eval/runEval.ts";
import { type DocumentScore, failedGates, percent, scoreReview, worstOf } from "../eval/scoreReview.ts";
import { type PromptLibrary, readPromptLibrary, titleKey } from "../library/PromptLibrary.ts";
import { type PromptFile, parsePromptFile } from "../library/promptFile.ts";
import { PROVIDERS, type ProviderName } from "../review/prompt/reviewSettings.ts";
import * as z from "../schema.ts";
import type { CliIo } from "./CliIo.ts";

export const EVAL_USAGE = `margin eval [--reviewer <file name>...] [--provider ${PROVIDERS.join("|")}] [--model <model>] [--runs <n>] [--json]
              [--record <dir>] [--replay <dir>] [--min-recall <0..1>] [--max-decoy-hits <n>] [--gate-summary] [--folder prompts]
  margin eval --compare <prompt file a> <prompt file b> [the same flags]`;

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
      compare: { type: "string" },
    },
  });
  const expected = values.compare === undefined ? 0 : 1;
  if (positionals.length !== expected)
    throw new InvalidInputError(
      `${expected === 1 ? "--compare needs two prompt files" : `Unexpected argument "${positionals[0]}"`}. Usage: ${EVAL_USAGE}`,
    );
  const flags = flagsSchema.safeParse(values);
  if (!flags.success)
    throw new InvalidInputError(`--${z.firstProblem(flags.error, "flags")}. Usage: ${EVAL_USAGE}`);
  if (values.record && values.replay) throw new InvalidInputError("Give --record or --replay, not both.");
  const provider = values.provider?.trim().toLowerCase();
  if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider))
    throw new InvalidInputError(`--provider should be ${PROVIDERS.join(", ")}. Usage: ${EVAL_USAGE}`);
  // A live run needs the model's key (a replay needs none), said before the first document.
  if (!values.replay) await requireConfiguration(io.env, { modelKey: (provider as ProviderName) ?? true });
  const folder = resolve(io.cwd, values.folder);
  const library = readPromptLibrary(folder, io.cwd).library;
  const options: EvaluateOptions = {
    io,
    runs: flags.data.runs,
    model: { provider: provider as ProviderName | undefined, model: values.model?.trim() || undefined },
    replay: values.replay ? resolve(io.cwd, values.replay) : undefined,
    record: values.record ? resolve(io.cwd, values.record) : undefined,
    gates: { min_recall: flags.data["min-recall"], max_decoy_hits: flags.data["max-decoy-hits"] },
    gateSummary: values["gate-summary"],
  };
  if (values.compare !== undefined) {
    const versions = [values.compare, positionals[0]!].map((file) => resolve(io.cwd, file));
    return compareVersions(versions as [string, string], library, folder, values.reviewer, {
      ...options,
      json: values.json,
    });
  }
  const reports = await evaluateAll(evalDocumentsIn(folder, values.reviewer), library, options);
  io.stdout(values.json ? `${JSON.stringify(reports, null, 2)}\n` : reportTable(reports));
  return reports.some((report) => report.failed.length > 0) ? 1 : 0;
}

async function evaluateAll(
  documents: EvalDocument[],
  library: PromptLibrary,
  options: EvaluateOptions,
): Promise<DocumentReport[]> {
  const reports: DocumentReport[] = [];
  for (const document of documents) reports.push(await evaluate(document, library, options));
  return reports;
}

/**
 * Two versions of one reviewer on its labelled documents, side by side: the library with version a in the
 * reviewer's place, then with version b. With `--replay <dir>` their answers come from `<dir>/a` and
 * `<dir>/b`; with `--record <dir>` they go there.
 */
async function compareVersions(
  files: [string, string],
  library: PromptLibrary,
  folder: string,
  reviewers: string[] | undefined,
  options: EvaluateOptions & { json: boolean },
): Promise<number> {
  const versions = files.map((file) => readVersion(file));
  const reviewer = reviewerOf(versions[0]!.title, library, reviewers);
  const documents = evalDocumentsIn(folder, [reviewer]);
  const reports: DocumentReport[][] = [];
  for (const [index, version] of versions.entries()) {
    const side = index === 0 ? "a" : "b";
    options.io.stderr(`Version ${side}: ${files[index]}\n`);
    reports.push(
      await evaluateAll(documents, withPrompt(library, reviewer, version), {
        ...options,
        replay: options.replay && join(options.replay, side),
        record: options.record && join(options.record, side),
      }),
    );
  }
  const [a, b] = reports as [DocumentReport[], DocumentReport[]];
  options.io.stdout(
    options.json ? `${JSON.stringify({ reviewer, a, b }, null, 2)}\n` : compareTable(reviewer, files, a, b),
  );
  return b.some((report) => report.failed.length > 0) ? 1 : 0;
}

function readVersion(file: string): PromptFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "unreadable"}).`,
    );
  }
  return parsePromptFile(text, file);
}

/** The library's reviewer a version is of: the one with its title, or the one named with --reviewer. */
function reviewerOf(title: string, library: PromptLibrary, reviewers: string[] | undefined): string {
  const named = reviewers?.[0];
  const byTitle = library.prompts.find((entry) => titleKey(entry.value.title) === titleKey(title));
  const reviewer = named ?? (byTitle ? basename(byTitle.path, ".md") : undefined);
  if (!reviewer)
    throw new InvalidInputError(
      `No reviewer in the library is titled "${title}": give --reviewer with the file name it is a version of.`,
    );
  return reviewer;
}

function withPrompt(library: PromptLibrary, reviewer: string, version: PromptFile): PromptLibrary {
  return {
    ...library,
    prompts: library.prompts.map((entry) =>
      basename(entry.path, ".md") === reviewer
        ? { ...entry, value: { ...version, title: entry.value.title } }
        : entry,
    ),
  };
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
  io: CliIo;
  runs: number;
  model: EvalModel;
  replay?: string;
  record?: string;
  gates: EvalGates;
  gateSummary: boolean;
}

/** Every run of one document, scored; the gates judge the worst. */
async function evaluate(
  document: EvalDocument,
  library: PromptLibrary,
  options: EvaluateOptions,
): Promise<DocumentReport> {
  const { io } = options;
  const config = readConfig(io.env);
  const runs: DocumentScore[] = [];
  for (let run = 1; run <= options.runs; run++) {
    io.stderr(`${document.reviewer}/${document.name}: run ${run} of ${options.runs}…\n`);
    // Run n replays the n-th recording: worst-of-runs judges as many answers as were recorded.
    const replay = options.replay ? readRecording(recordingPath(options.replay, document, run)) : undefined;
    let outcome: Awaited<ReturnType<typeof runEvalDocument>>;
    try {
      outcome = await runEvalDocument(document, library, config, io.env, {
        ...options.model,
        replay,
        record: options.record !== undefined,
      });
    } catch (error) {
      // One document the provider failed on is a failed document, not a failed evaluation.
      if (!(error instanceof ProviderError)) throw error;
      io.stderr(`${document.reviewer}/${document.name}: the provider failed: ${error.message}\n`);
      runs.push(unfinished(document));
      continue;
    }
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

/** The score of a review that never finished: nothing found, and the summary problem that fails it. */
function unfinished(document: EvalDocument): DocumentScore {
  return scoreReview(document, {
    comments: [],
    summary: "",
    inSummary: [],
    summarySections: [],
    finished: false,
    refusedCalls: 0,
    roundTrips: 0,
    tokens: 0,
  });
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

/** Version a against version b, document by document: each score and its difference. */
export function compareTable(
  reviewer: string,
  files: [string, string],
  a: DocumentReport[],
  b: DocumentReport[],
): string {
  const cell = (x: number | undefined, y: number | undefined, asPercent: boolean) => {
    const show = (value: number | undefined) =>
      value === undefined ? "–" : asPercent ? percent(value) : String(value);
    const delta =
      x === undefined || y === undefined || x === y
        ? ""
        : ` (${y > x ? "+" : ""}${asPercent ? `${Math.round((y - x) * 100)} pts` : y - x})`;
    return `${show(x)} → ${show(y)}${delta}`;
  };
  const lines = [
    `${reviewer}: a = ${files[0]}, b = ${files[1]}`,
    `  ${"document".padEnd(30)} ${"recall".padEnd(20)} ${"precision".padEnd(20)} ${"decoys".padEnd(12)} ${"noise".padEnd(12)} ${"summary problems".padEnd(18)} tokens`,
  ];
  for (const [index, left] of a.entries()) {
    const right = b[index]!;
    const [x, y] = [left.worst, right.worst];
    lines.push(
      `  ${left.document.padEnd(30)} ${cell(x.recall, y.recall, true).padEnd(20)} ${cell(x.precision, y.precision, true).padEnd(20)} ${cell(x.decoyHits, y.decoyHits, false).padEnd(12)} ${cell(x.cleanNoise, y.cleanNoise, false).padEnd(12)} ${cell(x.summaryProblems.length, y.summaryProblems.length, false).padEnd(18)} ${cell(x.tokens, y.tokens, false)}`,
    );
  }
  const failing = (reports: DocumentReport[]) => reports.filter((report) => report.failed.length > 0).length;
  lines.push(`\n${a.length} documents; failing a gate: a ${failing(a)}, b ${failing(b)}.\n`);
  return lines.join("\n");
}
