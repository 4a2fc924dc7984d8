/**
 * Margin's configuration, in one place: every environment variable the command line, `margin serve` and
 * the Lambda functions read, validated with zod. Secrets are not here: they come through `Secrets`
 * (the environment locally, SSM Parameter Store in AWS). A malformed variable is refused at once; a
 * missing one is reported, naming it, where it is needed.
 */

import { resolve } from "node:path";
import * as z from "zod";
import { ConfigurationError } from "../errors.ts";
import { DynamoLedger } from "../ledger/DynamoLedger.ts";
import { FileLedger } from "../ledger/FileLedger.ts";
import type { Ledger } from "../review/ports/Ledger.ts";
import { PROVIDERS } from "../review/prompt/promptProperties.ts";
import { DEFAULT_REFERENCE_TOKENS } from "../review/render/renderReferences.ts";
import { EnvironmentSecrets, type Secrets, SsmSecrets } from "./secrets.ts";

const url = (name: string) => z.url(`${name} should be a URL, such as http://127.0.0.1:4010`).optional();
const text = z.string().trim().min(1).optional();
const lowerProvider = z.preprocess(
  (value) => (typeof value === "string" ? value.trim().toLowerCase() || undefined : value),
  z.enum(PROVIDERS, `MARGIN_PROVIDER should be ${PROVIDERS.join(", ")}`).optional(),
);

const configSchema = z.object({
  // Notion
  NOTION_BASE_URL: url("NOTION_BASE_URL"),
  MARGIN_NOTION_RPS: z.coerce
    .number("MARGIN_NOTION_RPS should be a number of requests per second")
    .positive()
    .optional(),
  MARGIN_PROMPTS_DATABASE: text,
  MARGIN_DEFAULT_PROMPT: text,
  MARGIN_REVIEWERS_PROPERTY: z.string().trim().min(1).default("Reviewers"),
  // Models
  OPENAI_BASE_URL: url("OPENAI_BASE_URL"),
  ANTHROPIC_BASE_URL: url("ANTHROPIC_BASE_URL"),
  BEDROCK_REGION: text,
  MARGIN_PROVIDER: lowerProvider,
  MARGIN_MODEL: text,
  MARGIN_REFERENCE_TOKENS: z.coerce
    .number()
    .int("MARGIN_REFERENCE_TOKENS should be a whole number of tokens")
    .min(0)
    .max(200_000)
    .default(DEFAULT_REFERENCE_TOKENS),
  MARGIN_MAX_TURNS: z.coerce
    .number()
    .int("MARGIN_MAX_TURNS should be a whole number")
    .min(1)
    .max(60)
    .optional(),
  MARGIN_OPENAI_SERVER: z.preprocess(
    (value) => (typeof value === "string" ? value.trim().toLowerCase() : value),
    z.enum(["openai", "compatible"], "MARGIN_OPENAI_SERVER should be openai or compatible").optional(),
  ),
  MARGIN_OPENAI_API: z.preprocess(
    (value) => (typeof value === "string" ? value.trim().toLowerCase() : value),
    z.enum(["responses", "chat"], "MARGIN_OPENAI_API should be responses or chat").optional(),
  ),
  MARGIN_CONTEXT_TOKENS: z.coerce
    .number()
    .int("MARGIN_CONTEXT_TOKENS should be a whole number of tokens, such as 32768")
    .min(1_024)
    .optional(),
  ANTHROPIC_BEDROCK_BASE_URL: url("ANTHROPIC_BEDROCK_BASE_URL"),
  // The service
  MARGIN_QUEUE_URL: url("MARGIN_QUEUE_URL"),
  MARGIN_MAX_ATTEMPTS: z.coerce
    .number()
    .int("MARGIN_MAX_ATTEMPTS should be a whole number")
    .min(1)
    .max(10)
    .default(3),
  // Memory: DynamoDB in AWS, a file locally
  MARGIN_LEDGER_TABLE: text,
  MARGIN_LEDGER_FILE: z.string().trim().min(1).default(".margin/ledger.json"),
  MARGIN_FULL_SCAN_HOURS: z.coerce
    .number("MARGIN_FULL_SCAN_HOURS should be a number of hours")
    .min(0)
    .default(24),
  // Conversations
  MARGIN_MAX_REPLIES_PER_THREAD: z.coerce
    .number()
    .int("MARGIN_MAX_REPLIES_PER_THREAD should be a whole number")
    .min(0)
    .default(3),
  MARGIN_MAX_EVENT_AGE_MINUTES: z.coerce
    .number("MARGIN_MAX_EVENT_AGE_MINUTES should be a number of minutes")
    .positive()
    .default(60),
  // SSM parameter names (in AWS; locally the secrets are environment variables)
  NOTION_TOKEN_PARAMETER: text,
  OPENAI_API_KEY_PARAMETER: text,
  ANTHROPIC_API_KEY_PARAMETER: text,
  WEBHOOK_SECRET_PARAMETER: text,
  NOTION_WEBHOOK_TOKEN_PARAMETER: text,
  // Other endpoints for AWS services (tests and local runs)
  SSM_ENDPOINT: url("SSM_ENDPOINT"),
  SQS_ENDPOINT: url("SQS_ENDPOINT"),
  DYNAMODB_ENDPOINT: url("DYNAMODB_ENDPOINT"),
  AWS_REGION: text,
});

export type MarginConfig = z.infer<typeof configSchema>;

const HELP: Partial<Record<keyof MarginConfig, string>> = {
  MARGIN_PROMPTS_DATABASE: "the id or URL of your Prompts database in Notion",
  MARGIN_QUEUE_URL: "the URL of the review queue",
};

export function readConfig(env: NodeJS.ProcessEnv): MarginConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigurationError(`${issue.path.join(".")}: ${issue.message}.`);
  }
  return parsed.data;
}

/** The value of a variable that must be set for this command. */
export function requireSetting<K extends keyof MarginConfig>(
  config: MarginConfig,
  name: K,
): NonNullable<MarginConfig[K]> {
  const value = config[name];
  if (value === undefined) throw new ConfigurationError(`Set ${name}${HELP[name] ? `: ${HELP[name]}` : ""}.`);
  return value as NonNullable<MarginConfig[K]>;
}

/** The ledger: the DynamoDB table when one is configured (in AWS), else the file (relative to `cwd`). */
export function ledgerFor(config: MarginConfig, cwd: string): Ledger {
  if (config.MARGIN_LEDGER_TABLE) {
    return config.DYNAMODB_ENDPOINT
      ? DynamoLedger.at(config.MARGIN_LEDGER_TABLE, config.DYNAMODB_ENDPOINT, config.AWS_REGION)
      : new DynamoLedger(config.MARGIN_LEDGER_TABLE);
  }
  return new FileLedger(resolve(cwd, config.MARGIN_LEDGER_FILE));
}

/** SSM Parameter Store when parameter names are configured (in AWS), else the environment. */
export function secretsFor(config: MarginConfig, env: NodeJS.ProcessEnv): Secrets {
  const parameters = {
    notionToken: config.NOTION_TOKEN_PARAMETER,
    openaiApiKey: config.OPENAI_API_KEY_PARAMETER,
    anthropicApiKey: config.ANTHROPIC_API_KEY_PARAMETER,
    webhookSecret: config.WEBHOOK_SECRET_PARAMETER,
    notionWebhookToken: config.NOTION_WEBHOOK_TOKEN_PARAMETER,
  };
  if (Object.values(parameters).every((name) => name === undefined)) return new EnvironmentSecrets(env);
  return new SsmSecrets({ parameters, endpoint: config.SSM_ENDPOINT, region: config.AWS_REGION });
}
