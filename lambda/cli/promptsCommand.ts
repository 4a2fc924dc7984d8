/**
 * `margin prompts check | push | pull`: the prompt library in `prompts/` as Notion pages.
 * - check: validates every file (front matter, titles, bodies, reference pages) and every setting against
 *   the model the reviewer runs on (or the one given with --provider and --model), and the labelled
 *   documents in `eval/`; each problem with its file and field. `npm test` runs it.
 * - push: creates the Prompts database (with --parent) or completes an existing one, and upserts every
 *   reference page and reviewer by title. A second push changes nothing.
 * - pull: writes the Notion pages back to files, so edits made in Notion can be versioned.
 */
import { existsSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type MarginConfig, readConfig } from "../config/config.ts";
import { requireConfiguration } from "../config/requireConfiguration.ts";
import { EnvironmentSecrets } from "../config/secrets.ts";
import { InvalidInputError } from "../errors.ts";
import { coverageProblems, readEvalDocuments } from "../eval/evalDocument.ts";
import { libraryModelProblems } from "../library/libraryModelProblems.ts";
import { type LibraryReading, readPromptLibrary } from "../library/PromptLibrary.ts";
import { pullPrompts, pushPrompts, type SyncReport } from "../library/syncPrompts.ts";
import { DEFAULT_MODELS, isCompatibleServer, openAiApiFor } from "../llm/modelCapabilities.ts";
import { NotionPromptStore } from "../notion/NotionPromptStore.ts";
import { notionAdapters } from "../notion/notionAdapters.ts";
import { PROVIDERS, type ProviderName, type SettingOverrides } from "../review/prompt/reviewSettings.ts";
import { notionClientFor } from "../wiring/notionClientFor.ts";
import type { CliIo } from "./CliIo.ts";

export const PROMPTS_USAGE = `margin prompts check [--folder prompts] [--provider openai|anthropic|bedrock] [--model <model>]
  margin prompts push [--parent <page id or URL>] [--database <id or URL>] [--folder prompts]
  margin prompts pull [--database <id or URL>] [--folder prompts]`;

export async function promptsCommand(argv: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      folder: { type: "string", default: "prompts" },
      parent: { type: "string" },
      database: { type: "string" },
      provider: { type: "string" },
      model: { type: "string" },
    },
  });
  if (positionals.length > 0)
    throw new InvalidInputError(`Unexpected argument "${positionals[0]}". Usage: ${PROMPTS_USAGE}`);
  const folder = resolve(io.cwd, values.folder);
  const reading = readPromptLibrary(folder, io.cwd);
  const provider = values.provider?.trim().toLowerCase();
  if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider))
    throw new InvalidInputError(`--provider should be ${PROVIDERS.join(", ")}. Usage: ${PROMPTS_USAGE}`);
  const config = readConfig(io.env);
  reading.problems.push(
    ...modelProblems(reading, config, {
      provider: provider as ProviderName | undefined,
      model: values.model?.trim() || undefined,
    }),
  );
  switch (action) {
    case "check":
      reading.problems.push(...evalProblems(folder, reading));
      return check(reading, io);
    case "push":
    case "pull":
      return sync(action, reading, { folder, database: values.database, parent: values.parent }, config, io);
    default:
      throw new InvalidInputError(`margin prompts needs check, push or pull. Usage: ${PROMPTS_USAGE}`);
  }
}

/** Settings a reviewer has that its model cannot take, with the provider and model it would run on. */
function modelProblems(reading: LibraryReading, config: MarginConfig, overrides: SettingOverrides): string[] {
  return libraryModelProblems(reading.library.prompts, {
    defaults: { provider: config.MARGIN_PROVIDER, model: config.MARGIN_MODEL, models: DEFAULT_MODELS },
    overrides,
    openai: {
      openaiApi: openAiApiFor({
        openaiApi: config.MARGIN_OPENAI_API,
        openaiBaseUrl: config.OPENAI_BASE_URL,
        openaiServer: config.MARGIN_OPENAI_SERVER,
      }),
      compatibleServer: isCompatibleServer(config.OPENAI_BASE_URL, config.MARGIN_OPENAI_SERVER),
    },
  });
}

/** Push the library to Notion (only when it checks clean), or pull Notion's into it. */
async function sync(
  action: "push" | "pull",
  reading: LibraryReading,
  where: { folder: string; database?: string; parent?: string },
  config: MarginConfig,
  io: CliIo,
): Promise<number> {
  if (action === "push" && check(reading, io, true) !== 0) {
    io.stderr("Nothing was pushed: fix the problems above first.\n");
    return 1;
  }
  if (action === "pull" && where.parent !== undefined)
    throw new InvalidInputError("pull reads an existing Prompts database: give --database, not --parent.");
  // The token, before Notion is asked anything (where the database is, the sync itself asks with its flags).
  await requireConfiguration(io.env, { secrets: ["notionToken"] });
  const client = await notionClientFor(config, new EnvironmentSecrets(io.env));
  const store = new NotionPromptStore(client, notionAdapters(client).tree);
  const location = {
    database: where.database ?? (where.parent ? undefined : config.MARGIN_PROMPTS_DATABASE),
    parent: where.parent,
  };
  const report =
    action === "push"
      ? await pushPrompts(reading.library, store, location)
      : await pullPrompts(reading.library, store, location, io.cwd);
  io.stdout(describeReport(report, action));
  if (action === "pull") {
    const after = readPromptLibrary(where.folder, io.cwd);
    if (after.problems.length > 0) {
      io.stderr(
        `The pulled library has problems for prompts check to report:\n${after.problems.map((line) => `  ${line}`).join("\n")}\n`,
      );
      return 1;
    }
  }
  return 0;
}

/**
 * The labelled documents `margin eval` reviews (`<folder>/eval/`), when the library has them: every label
 * must fit its document, and every reviewer needs a planted document, its clean twin and one from another angle.
 */
function evalProblems(folder: string, reading: LibraryReading): string[] {
  const evalFolder = join(folder, "eval");
  if (!existsSync(evalFolder)) return [];
  const { documents, problems } = readEvalDocuments(evalFolder);
  const reviewers = reading.library.prompts.map((entry) => basename(entry.path, ".md"));
  return [
    ...problems,
    ...coverageProblems(documents, reviewers, relative(process.cwd(), evalFolder) || evalFolder),
  ];
}

function check(reading: LibraryReading, io: CliIo, quiet = false): number {
  const { library, problems } = reading;
  if (problems.length > 0) {
    io.stderr(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the prompt library:\n${problems.map((line) => `  ${line}`).join("\n")}\n`,
    );
    return 1;
  }
  if (library.prompts.length === 0) {
    io.stderr(
      `No reviewers in ${library.folder}: add a markdown file per reviewer, or point --folder at a library (such as <clone>/prompts).\n`,
    );
    return 1;
  }
  if (!quiet) {
    io.stdout(
      `Prompt library checked: ${library.prompts.length} reviewers, ${library.references.length} reference page${library.references.length === 1 ? "" : "s"}, no problems.\n`,
    );
  }
  return 0;
}

function describeReport(report: SyncReport, action: "push" | "pull"): string {
  const counts =
    action === "push"
      ? `Created ${report.created}, updated ${report.updated}, left alone ${report.unchanged}.`
      : `Wrote ${report.created} new file${report.created === 1 ? "" : "s"}, updated ${report.updated}, left ${report.unchanged} unchanged.`;
  const hint =
    action === "push"
      ? `\nThe Prompts database is ${report.store.prompts.url}; set MARGIN_PROMPTS_DATABASE=${report.store.prompts.id.replaceAll("-", "")} for reviews.`
      : "";
  return `${report.lines.join("\n")}\n${counts}${hint}\n`;
}
