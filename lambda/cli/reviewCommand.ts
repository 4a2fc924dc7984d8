/**
 * `margin review <page id or URL> --prompt <name or id> [--provider openai|anthropic] [--model <m>]
 *  [--dry-run] [--json]`: reviews one page with one prompt and prints what was posted.
 */
import { parseArgs } from "node:util";
import { ledgerFor, readConfig, requireSetting } from "../config/config.ts";
import { EnvironmentSecrets } from "../config/secrets.ts";
import { InvalidInputError } from "../errors.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import { DEFAULT_PROVIDER, PROVIDERS } from "../review/prompt/reviewSettings.ts";
import { countTokens } from "../review/render/countTokens.ts";
import { reviewPage } from "../review/reviewPage.ts";
import * as z from "../schema.ts";
import { buildReviewDependencies } from "../wiring/buildReviewDependencies.ts";
import type { CliIo } from "./CliIo.ts";
import { describeProgress } from "./describeProgress.ts";
import { reviewAsJson, reviewAsText } from "./printReview.ts";

export const REVIEW_USAGE =
  "margin review <page id or URL> --prompt <name or id> [--provider openai|anthropic] [--model <model>] [--dry-run] [--json]";

const optionsSchema = z.object({
  prompt: z
    .string({ error: "--prompt is required: the prompt's title or page id" })
    .check(z.trim(), z.minLength(1, "--prompt is required: the prompt's title or page id")),
  provider: z.optional(z.enum(PROVIDERS, `--provider should be ${PROVIDERS.join(" or ")}`)),
  model: z.optional(z.string().check(z.trim(), z.minLength(1, "--model should name a model"))),
  "dry-run": z.optional(z.boolean()),
  json: z.optional(z.boolean()),
});

export async function reviewCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      prompt: { type: "string" },
      provider: { type: "string" },
      model: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const options = optionsSchema.safeParse(values);
  if (!options.success)
    throw new InvalidInputError(`${options.error.issues[0]!.message}. Usage: ${REVIEW_USAGE}`);
  if (positionals.length !== 1)
    throw new InvalidInputError(`Give exactly one page to review. Usage: ${REVIEW_USAGE}`);
  const pageId = parseNotionId(positionals[0]!);
  if (!pageId) throw new InvalidInputError(`"${positionals[0]}" is not a Notion page id or URL.`);

  const config = readConfig(io.env);
  const promptsDatabase = requireSetting(config, "MARGIN_PROMPTS_DATABASE");
  const deps = await buildReviewDependencies(config, new EnvironmentSecrets(io.env), {
    countTokens,
    onProgress: progressTo(io),
    // A dry run looks, and remembers nothing.
    ledger: options.data["dry-run"] ? undefined : ledgerFor(config, io.cwd),
  });
  // The model's key, for the provider known before the prompt is read: missing, it is said before any of
  // Notion is read (a prompt that picks another provider has its key checked when it is loaded).
  await deps.provider(options.data.provider ?? config.MARGIN_PROVIDER ?? DEFAULT_PROVIDER);
  const result = await reviewPage(
    {
      pageId,
      prompt: options.data.prompt,
      promptsDatabase,
      overrides: { provider: options.data.provider, model: options.data.model },
      dryRun: options.data["dry-run"],
    },
    deps,
  );
  io.stdout(options.data.json ? `${JSON.stringify(reviewAsJson(result), null, 2)}\n` : reviewAsText(result));
  const ok =
    (result.outcome.kind === "reviewed" && !result.publish?.failed) || result.outcome.kind === "dry_run";
  if (!ok) io.stderr(`Review incomplete: ${outcomeReason(result)}\n`);
  return ok ? 0 : 1;
}

/** Progress lines on stderr. */
export function progressTo(io: CliIo) {
  return (event: Parameters<typeof describeProgress>[0]) => {
    const line = describeProgress(event);
    if (line) io.stderr(`${line}\n`);
  };
}
