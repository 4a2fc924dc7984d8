/**
 * `margin review <page id or URL> --prompt <name or id> [...]`: reviews one page with one prompt and prints
 * what was posted (or, with --print-input, what the model would be sent, asking no model).
 */
import { parseArgs } from "node:util";
import { ledgerFor, type MarginConfig, requireSetting } from "../config/config.ts";
import { requireConfiguration } from "../config/requireConfiguration.ts";
import { EnvironmentSecrets } from "../config/secrets.ts";
import { InvalidInputError } from "../errors.ts";
import { ReadOnlyLedger } from "../ledger/ReadOnlyLedger.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import { previewModelInput } from "../review/previewModelInput.ts";
import { PROVIDERS } from "../review/prompt/reviewSettings.ts";
import type { ReviewResult } from "../review/ReviewResult.ts";
import { countTokens } from "../review/render/countTokens.ts";
import { reviewPage } from "../review/reviewPage.ts";
import * as z from "../schema.ts";
import { buildReviewDependencies } from "../wiring/buildReviewDependencies.ts";
import type { CliIo } from "./CliIo.ts";
import { describeProgress } from "./describeProgress.ts";
import { ProgressDisplay } from "./ProgressDisplay.ts";
import { inputAsText } from "./printModelInput.ts";
import { reviewAsJson, reviewAsText } from "./printReview.ts";

export const REVIEW_USAGE = `margin review <page id or URL> --prompt <name or id> [--provider ${PROVIDERS.join("|")}] [--model <model>] [--dry-run] [--print-input] [--json] [--quiet]`;

const optionsSchema = z.object({
  prompt: z
    .string({ error: "--prompt is required: the prompt's title or page id" })
    .check(z.trim(), z.minLength(1, "--prompt is required: the prompt's title or page id")),
  provider: z.optional(z.enum(PROVIDERS, `--provider should be ${PROVIDERS.join(", ")}`)),
  model: z.optional(z.string().check(z.trim(), z.minLength(1, "--model should name a model"))),
  "dry-run": z.optional(z.boolean()),
  "print-input": z.optional(z.boolean()),
  json: z.optional(z.boolean()),
  quiet: z.optional(z.boolean()),
});

export async function reviewCommand(argv: string[], io: CliIo): Promise<number> {
  const { pageId, data } = parseArguments(argv);
  const printInput = data["print-input"] === true;

  // Everything this review needs, said at once before any of Notion is read: the model's key when the
  // provider is known now (--provider, MARGIN_PROVIDER; else the prompt's, checked when it is loaded, before
  // the page is read); none to print the input.
  const config = await requireConfiguration(io.env, {
    settings: ["MARGIN_PROMPTS_DATABASE"],
    secrets: ["notionToken"],
    modelKey: printInput ? undefined : (data.provider ?? true),
    earlier: io.dotEnvProblems,
  });
  const display = progressDisplayFor(io, config, data.quiet);
  try {
    const deps = await buildReviewDependencies(
      config,
      new EnvironmentSecrets(io.env),
      {
        countTokens,
        onProgress: display.event,
        inputOnly: printInput,
        // A dry run (and a look at the input) sees what the reviewer remembers, and remembers nothing new.
        ledger:
          data["dry-run"] || printInput
            ? new ReadOnlyLedger(ledgerFor(config, io.cwd))
            : ledgerFor(config, io.cwd),
      },
      { onRequest: display.notionRequest, onRateLimited: display.rateLimited },
    );
    const request = {
      pageId,
      prompt: data.prompt,
      promptsDatabase: requireSetting(config, "MARGIN_PROMPTS_DATABASE"),
      overrides: { provider: data.provider, model: data.model },
    };
    if (printInput) {
      const preview = await previewModelInput(request, deps);
      display.stop();
      io.stdout(data.json ? `${JSON.stringify(preview, null, 2)}\n` : inputAsText(preview));
      return 0;
    }
    const result = await reviewPage({ ...request, dryRun: data["dry-run"] }, deps);
    display.stop();
    return printResult(result, data.json, io);
  } finally {
    display.stop();
  }
}

function parseArguments(argv: string[]): { pageId: string; data: z.infer<typeof optionsSchema> } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      prompt: { type: "string" },
      provider: { type: "string" },
      model: { type: "string" },
      "dry-run": { type: "boolean" },
      "print-input": { type: "boolean" },
      json: { type: "boolean" },
      quiet: { type: "boolean", short: "q" },
    },
  });
  const options = optionsSchema.safeParse(values);
  if (!options.success)
    throw new InvalidInputError(`${options.error.issues[0]!.message}. Usage: ${REVIEW_USAGE}`);
  if (positionals.length !== 1)
    throw new InvalidInputError(`Give exactly one page to review. Usage: ${REVIEW_USAGE}`);
  const pageId = parseNotionId(positionals[0]!);
  if (!pageId) throw new InvalidInputError(`"${positionals[0]}" is not a Notion page id or URL.`);
  return { pageId, data: options.data };
}

/** The progress of a review on stderr: a live line on a terminal, a line every MARGIN_PROGRESS_SECONDS otherwise. */
function progressDisplayFor(io: CliIo, config: MarginConfig, quiet: boolean | undefined): ProgressDisplay {
  return new ProgressDisplay({
    write: io.stderr,
    live: io.terminal !== undefined,
    columns: io.terminal?.columns,
    intervalMs: config.MARGIN_PROGRESS_SECONDS * 1000,
    quiet,
    requestsPerMinute: config.MARGIN_NOTION_REQUESTS_PER_MINUTE,
  });
}

/** What the review did on stdout; 1 when it did not complete (said on stderr). */
function printResult(result: ReviewResult, json: boolean | undefined, io: CliIo): number {
  io.stdout(json ? `${JSON.stringify(reviewAsJson(result), null, 2)}\n` : reviewAsText(result));
  const ok =
    (result.outcome.kind === "reviewed" && !result.publish?.failed) || result.outcome.kind === "dry_run";
  if (!ok) io.stderr(`Review incomplete: ${outcomeReason(result)}\n`);
  return ok ? 0 : 1;
}

/** Progress lines on stderr (for the demo: a short page, so steps only). */
export function progressTo(io: CliIo) {
  return (event: Parameters<typeof describeProgress>[0]) => {
    const line = describeProgress(event);
    if (line) io.stderr(`${line}\n`);
  };
}
