/**
 * Margin's configuration, in one place: every environment variable the command line, `margin serve` and
 * the Lambda functions read, validated with zod. Secrets are not here: they come through `Secrets`
 * (the environment locally, SSM Parameter Store in AWS). A malformed variable is refused at once; a
 * missing one is reported, naming it, where it is needed.
 */

import { dirname, join, resolve } from "node:path";
import { ConfigurationError } from "../errors.ts";
import type { CheckpointStore } from "../ledger/CheckpointStore.ts";
import { DynamoLedger } from "../ledger/DynamoLedger.ts";
import { FileLedger } from "../ledger/FileLedger.ts";
import { DEFAULT_REQUESTS_PER_MINUTE } from "../notion/createNotionClient.ts";
import { SqsReviewQueue } from "../queue/SqsReviewQueue.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { Ledger } from "../review/ports/Ledger.ts";
import { PROVIDERS } from "../review/prompt/promptProperties.ts";
import { DEFAULT_REFERENCE_TOKENS } from "../review/render/renderReferences.ts";
import { DEFAULT_MAX_DOCUMENT_TOKENS } from "../review/render/splitDocument.ts";
import * as z from "../schema.ts";
import { EnvironmentSecrets, type Secrets, SsmSecrets, ssmProvider } from "./secrets.ts";
import type { VerificationCandidates } from "./VerificationCandidates.ts";
import { FileVerificationCandidates, SsmVerificationCandidates } from "./verificationCandidateStores.ts";

const url = z.optional(z.url("should be a URL, such as http://127.0.0.1:4010"));
const text = z.optional(z.string().check(z.trim(), z.minLength(1)));
/** Trimmed and lower-cased first, so `OpenAI ` reads as `openai`; empty reads as unset. */
const lowerCase = z.transform((value: unknown) =>
  typeof value === "string" ? value.trim().toLowerCase() || undefined : value,
);
const choice = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.pipe(lowerCase, z.optional(z.enum(values, message)));
/**
 * A number, whole for `count`: `unit` says what it counts, in the message for a value that is not one; a
 * value out of range gets zod's own message, which says the range.
 */
const amount = (unit: string) =>
  z.coerce.number({
    error: (issue) => (issue.code === "invalid_type" ? `should be ${unit}` : undefined),
  });
const count = (unit: string) => amount(unit).check(z.refine(Number.isSafeInteger, `should be ${unit}`));

/** Lambda's longest: a 3,000-block page then reads in two invocations at 180 requests a minute. */
export const DEFAULT_WORKER_TIMEOUT_SECONDS = 900;

const configSchema = z.object({
  // Notion
  NOTION_BASE_URL: url,
  // The integration's budget per 60-second window, shared by every process that uses its token.
  MARGIN_NOTION_REQUESTS_PER_MINUTE: z._default(
    count("a whole number of requests").check(z.minimum(1), z.maximum(100_000)),
    DEFAULT_REQUESTS_PER_MINUTE,
  ),
  MARGIN_PROMPTS_DATABASE: z.optional(
    z
      .string()
      .check(
        z.refine(
          (value) => parseNotionId(value) !== undefined,
          "should be the id or URL of your Prompts database in Notion (32 hexadecimal digits, or a link to it)",
        ),
      ),
  ),
  MARGIN_DEFAULT_PROMPT: text,
  MARGIN_REVIEWERS_PROPERTY: z._default(z.string().check(z.trim(), z.minLength(1)), "Reviewers"),
  // Models
  OPENAI_BASE_URL: url,
  ANTHROPIC_BASE_URL: url,
  BEDROCK_REGION: text,
  MARGIN_PROVIDER: choice(PROVIDERS, `should be ${PROVIDERS.join(", ")}`),
  MARGIN_MODEL: text,
  MARGIN_REFERENCE_TOKENS: z._default(
    count("a whole number of tokens").check(z.minimum(0), z.maximum(200_000)),
    DEFAULT_REFERENCE_TOKENS,
  ),
  // Longer rendered documents are reviewed in parts; the default and why it is that are in splitDocument.ts.
  MARGIN_MAX_DOCUMENT_TOKENS: z._default(
    count("a whole number of tokens").check(z.minimum(1_000), z.maximum(2_000_000)),
    DEFAULT_MAX_DOCUMENT_TOKENS,
  ),
  MARGIN_MAX_TURNS: z.optional(count("a whole number").check(z.minimum(1), z.maximum(60))),
  MARGIN_OPENAI_SERVER: choice(["openai", "compatible"], "should be openai or compatible"),
  MARGIN_OPENAI_API: choice(["responses", "chat"], "should be responses or chat"),
  MARGIN_CONTEXT_TOKENS: z.optional(count("a whole number of tokens, such as 32768").check(z.minimum(1_024))),
  ANTHROPIC_BEDROCK_BASE_URL: url,
  // The command line: how often `margin review` says where it is, when stderr is not a terminal.
  MARGIN_PROGRESS_SECONDS: z._default(amount("a number of seconds").check(z.positive(), z.maximum(3_600)), 5),
  // The service
  MARGIN_QUEUE_URL: url,
  MARGIN_MAX_ATTEMPTS: z._default(count("a whole number").check(z.minimum(1), z.maximum(10)), 3),
  // One invocation of the worker: Lambda's timeout in AWS; \`margin serve\` enforces the same.
  MARGIN_WORKER_TIMEOUT_SECONDS: z._default(
    amount("a number of seconds").check(z.positive(), z.maximum(900)),
    DEFAULT_WORKER_TIMEOUT_SECONDS,
  ),
  // Memory: DynamoDB in AWS, a file locally
  MARGIN_LEDGER_TABLE: text,
  MARGIN_LEDGER_FILE: z._default(z.string().check(z.trim(), z.minLength(1)), ".margin/ledger.json"),
  MARGIN_FULL_SCAN_HOURS: z._default(amount("a number of hours").check(z.minimum(0)), 24),
  // Conversations
  MARGIN_MAX_REPLIES_PER_THREAD: z._default(count("a whole number").check(z.minimum(0)), 3),
  MARGIN_MAX_EVENT_AGE_MINUTES: z._default(amount("a number of minutes").check(z.positive()), 60),
  // SSM parameter names (in AWS; locally the secrets are environment variables)
  NOTION_TOKEN_PARAMETER: text,
  OPENAI_API_KEY_PARAMETER: text,
  ANTHROPIC_API_KEY_PARAMETER: text,
  WEBHOOK_SECRET_PARAMETER: text,
  NOTION_WEBHOOK_TOKEN_PARAMETER: text,
  // Where the webhook keeps the verification tokens that arrive, until the operator confirms one.
  NOTION_WEBHOOK_CANDIDATES_PARAMETER: text,
  // Other endpoints for AWS services (tests and local runs)
  SSM_ENDPOINT: url,
  SQS_ENDPOINT: url,
  DYNAMODB_ENDPOINT: url,
  AWS_REGION: text,
});

export type MarginConfig = z.infer<typeof configSchema>;

/** What a setting a command needs is, and where to get it, for the message that asks for it. */
export const SETTING_PURPOSES: Partial<Record<keyof MarginConfig, string>> = {
  MARGIN_PROMPTS_DATABASE:
    "the id or URL of your Prompts database in Notion (open it as a full page and copy its link; share it with your connection)",
  MARGIN_QUEUE_URL: "the URL of the review queue",
};

export function readConfig(env: NodeJS.ProcessEnv): MarginConfig {
  const { config, problems } = parseConfig(env);
  if (!config) throw new ConfigurationError(configurationMessage(problems));
  return config;
}

/**
 * The configuration, or every value that is malformed (not only the first), with what the rest says
 * (`rest`: the configuration without the malformed values, so what else is missing can be said too).
 */
export function parseConfig(env: NodeJS.ProcessEnv): {
  config?: MarginConfig;
  rest?: MarginConfig;
  /** The variables whose values are malformed. */
  malformed: Set<string>;
  problems: string[];
} {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return { config: parsed.data, rest: parsed.data, malformed: new Set(), problems: [] };
  const malformed = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  const rest = configSchema.safeParse(
    Object.fromEntries(Object.entries(present).filter(([name]) => !malformed.has(name))),
  );
  // One problem per variable: zod goes on checking a value after its first failure.
  const seen = new Set<string>();
  const problems = z.describeProblems(parsed.error, "configuration").filter((problem) => {
    const name = problem.split(":")[0]!;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  return { rest: rest.data, malformed, problems };
}

/** One problem in one line; several, each on its own line, so all can be fixed before the next run. */
export function configurationMessage(problems: string[]): string {
  if (problems.length === 1) return `${problems[0]}.`;
  return `${problems.length} settings need attention (in .env or the environment):\n${problems.map((problem) => `  ${problem}.`).join("\n")}`;
}

/** The value of a variable that must be set for this command. */
export function requireSetting<K extends keyof MarginConfig>(
  config: MarginConfig,
  name: K,
): NonNullable<MarginConfig[K]> {
  const value = config[name];
  if (value === undefined) throw new ConfigurationError(`${missingSetting(name)}.`);
  return value as NonNullable<MarginConfig[K]>;
}

export function missingSetting(name: keyof MarginConfig): string {
  return `Set ${name}${SETTING_PURPOSES[name] ? `: ${SETTING_PURPOSES[name]}` : ""}`;
}

/** The review queue in AWS (MARGIN_QUEUE_URL), at SQS_ENDPOINT when that is set. */
export function sqsQueueFor(config: MarginConfig): SqsReviewQueue {
  const url = requireSetting(config, "MARGIN_QUEUE_URL");
  return config.SQS_ENDPOINT
    ? SqsReviewQueue.at(url, config.SQS_ENDPOINT, config.AWS_REGION)
    : new SqsReviewQueue(url);
}

/** The ledger: the DynamoDB table when one is configured (in AWS), else the file (relative to `cwd`). */
export function ledgerFor(config: MarginConfig, cwd: string): Ledger & CheckpointStore {
  if (config.MARGIN_LEDGER_TABLE) {
    return config.DYNAMODB_ENDPOINT
      ? DynamoLedger.at(config.MARGIN_LEDGER_TABLE, config.DYNAMODB_ENDPOINT, config.AWS_REGION)
      : new DynamoLedger(config.MARGIN_LEDGER_TABLE);
  }
  return new FileLedger(resolve(cwd, config.MARGIN_LEDGER_FILE));
}

/**
 * SSM Parameter Store when parameter names are configured (in AWS), else the environment, with the events
 * key an operator confirmed locally in a file beside the ledger (relative to `cwd`).
 */
export function secretsFor(config: MarginConfig, env: NodeJS.ProcessEnv, cwd = process.cwd()): Secrets {
  const parameters = {
    notionToken: config.NOTION_TOKEN_PARAMETER,
    openaiApiKey: config.OPENAI_API_KEY_PARAMETER,
    anthropicApiKey: config.ANTHROPIC_API_KEY_PARAMETER,
    webhookSecret: config.WEBHOOK_SECRET_PARAMETER,
    notionWebhookToken: config.NOTION_WEBHOOK_TOKEN_PARAMETER,
  };
  if (Object.values(parameters).every((name) => name === undefined))
    return new EnvironmentSecrets(env, {
      notionWebhookToken: besideLedger(config, cwd, "notion-webhook-token"),
    });
  return new SsmSecrets({ parameters, endpoint: config.SSM_ENDPOINT, region: config.AWS_REGION });
}

/** Where verification tokens wait for the operator: their SSM parameter in AWS, else a file beside the ledger. */
export function verificationCandidatesFor(config: MarginConfig, cwd = process.cwd()): VerificationCandidates {
  return config.NOTION_WEBHOOK_CANDIDATES_PARAMETER
    ? new SsmVerificationCandidates(
        ssmProvider({ endpoint: config.SSM_ENDPOINT, region: config.AWS_REGION }),
        config.NOTION_WEBHOOK_CANDIDATES_PARAMETER,
      )
    : new FileVerificationCandidates(besideLedger(config, cwd, "notion-webhook-candidates.json"));
}

function besideLedger(config: MarginConfig, cwd: string, name: string): string {
  return join(dirname(resolve(cwd, config.MARGIN_LEDGER_FILE)), name);
}
