/**
 * The CDK app: one stack, `Margin` (rename with `-c stackName=...`), checked with cdk-nag's AWS Solutions
 * rules. Settings come from context (`-c key=value` or cdk.json); see README "Deploying to AWS". Each is
 * checked here against what CloudFormation, Lambda, CloudWatch and SSM would take, so a value a deploy would
 * refuse (or a misspelt key the stack would ignore) stops `cdk synth` with one message naming all of them.
 */
import { App, Validations } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import { closestTo } from "../lambda/didYouMean.ts";
import { ConfigurationError } from "../lambda/errors.ts";
import { PROVIDERS } from "../lambda/review/prompt/promptProperties.ts";
import * as z from "../lambda/schema.ts";
import { DEFAULT_SETTINGS, MarginStack, type MarginStackSettings } from "./MarginStack.ts";

/**
 * The retention periods CloudWatch Logs offers, in days, as aws-cdk-lib's `RetentionDays` lists them
 * (without its `INFINITE`, which is CDK's way of setting none).
 */
export const LOG_RETENTION_DAYS: readonly number[] = Object.values(RetentionDays)
  .filter((days): days is number => typeof days === "number" && days !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

/** Lambda's longest timeout. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** The same bounds as the worker's MARGIN_MAX_ATTEMPTS and MARGIN_NOTION_REQUESTS_PER_MINUTE. */
const MAX_ATTEMPTS = 10;
const MAX_REQUESTS_PER_MINUTE = 100_000;

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.optional(z.coerce.number().check(z.refine(Number.isSafeInteger), z.minimum(min), z.maximum(max)));

/**
 * SSM's rules for a parameter name: letters, digits, `_`, `.` and `-`; a name with levels starts each with
 * `/` (at most 15); at most 1,011 characters; nothing that begins with `aws` or `ssm`, which AWS keeps.
 */
const parameterName = z.optional(
  z.string().check(
    z.maxLength(1011),
    z.regex(/^(?:[A-Za-z0-9_.-]+|(?:\/[A-Za-z0-9_.-]+){1,15})$/),
    z.refine((name) => !/^\/?(?:aws|ssm)/i.test(name)),
  ),
);

const contextSchema = z.object({
  stackName: z.optional(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/))),
  notionTokenParameter: parameterName,
  openaiApiKeyParameter: parameterName,
  anthropicApiKeyParameter: parameterName,
  webhookSecretParameter: parameterName,
  notionWebhookTokenParameter: parameterName,
  notionWebhookCandidatesParameter: parameterName,
  workerTimeoutSeconds: wholeNumber(1, LAMBDA_MAX_TIMEOUT_SECONDS),
  workerReservedConcurrency: wholeNumber(1),
  notionRequestsPerMinute: wholeNumber(1, MAX_REQUESTS_PER_MINUTE),
  maxAttempts: wholeNumber(1, MAX_ATTEMPTS),
  logRetentionDays: z.optional(
    z.coerce.number().check(z.refine((days) => LOG_RETENTION_DAYS.includes(days))),
  ),
  oldestMessageAlarmSeconds: wholeNumber(1),
  alarmEmail: z.optional(z.email()),
  defaultProvider: z.optional(z.pipe(z.string().check(z.toLowerCase()), z.enum(PROVIDERS))),
  defaultModel: z.optional(z.string()),
});

type StackContext = z.infer<typeof contextSchema>;

const PARAMETER_NAME =
  "an SSM parameter name such as /margin/notion-token: letters, digits, _ . and -, with a / before each level (at most 15), not beginning with aws or ssm";

/** What each context key allows, in the words the message for a value that does not fit uses. */
const ALLOWED: Record<keyof StackContext, string> = {
  stackName: "a CloudFormation stack name: a letter, then letters, digits and hyphens (at most 128)",
  notionTokenParameter: PARAMETER_NAME,
  openaiApiKeyParameter: PARAMETER_NAME,
  anthropicApiKeyParameter: PARAMETER_NAME,
  webhookSecretParameter: PARAMETER_NAME,
  notionWebhookTokenParameter: PARAMETER_NAME,
  notionWebhookCandidatesParameter: PARAMETER_NAME,
  workerTimeoutSeconds: `a whole number of seconds from 1 to ${LAMBDA_MAX_TIMEOUT_SECONDS} (Lambda's longest timeout)`,
  workerReservedConcurrency: "a whole number, 1 or more",
  notionRequestsPerMinute: `a whole number from 1 to ${MAX_REQUESTS_PER_MINUTE}`,
  maxAttempts: `a whole number from 1 to ${MAX_ATTEMPTS}`,
  logRetentionDays: `one of ${LOG_RETENTION_DAYS.join(", ")} (the retention periods CloudWatch Logs offers, in days)`,
  oldestMessageAlarmSeconds: "a whole number of seconds, 1 or more",
  alarmEmail: "an email address",
  defaultProvider: `one of ${PROVIDERS.join(", ")}`,
  defaultModel: "a model name",
};

const KEYS = Object.keys(ALLOWED) as Array<keyof StackContext>;

/**
 * The stack's name and settings from the app's context, each key absent or empty taking its default. Every
 * value that does not fit, and every key that looks like a misspelt setting, is reported at once in one
 * ConfigurationError.
 */
export function readStackContext(app: App): { stackName: string; settings: MarginStackSettings } {
  const given: Record<string, unknown> = {};
  for (const key of KEYS) {
    const raw: unknown = app.node.tryGetContext(key);
    const value = typeof raw === "string" ? raw.trim() : raw;
    if (value !== undefined && value !== null && value !== "") given[key] = value;
  }
  const parsed = contextSchema.safeParse(given);
  const wrong = parsed.success
    ? []
    : [...new Set(parsed.error.issues.map((issue) => issue.path[0] as keyof StackContext))];
  const problems = [
    ...wrong.map((key) => `${key}=${shown(given[key])}: should be ${ALLOWED[key]}.`),
    ...misspeltKeys(app),
  ];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigurationError(
      [
        `The Margin stack's context has ${problems.length === 1 ? "a value" : `${problems.length} values`} a deploy would refuse or ignore:`,
        ...problems.map((problem) => `  ${problem}`),
        `Set each with -c key=value or in cdk.json's "context"; README "Deploying to AWS" lists every key.`,
      ].join("\n"),
    );
  }
  const context = parsed.data;
  const defaults = DEFAULT_SETTINGS;
  return {
    stackName: context.stackName ?? "Margin",
    settings: {
      parameters: {
        notionToken: context.notionTokenParameter ?? defaults.parameters.notionToken,
        openaiApiKey: context.openaiApiKeyParameter ?? defaults.parameters.openaiApiKey,
        anthropicApiKey: context.anthropicApiKeyParameter ?? defaults.parameters.anthropicApiKey,
        webhookSecret: context.webhookSecretParameter ?? defaults.parameters.webhookSecret,
        notionWebhookToken: context.notionWebhookTokenParameter ?? defaults.parameters.notionWebhookToken,
        notionWebhookCandidates:
          context.notionWebhookCandidatesParameter ?? defaults.parameters.notionWebhookCandidates,
      },
      workerTimeoutSeconds: context.workerTimeoutSeconds ?? defaults.workerTimeoutSeconds,
      workerReservedConcurrency: context.workerReservedConcurrency ?? defaults.workerReservedConcurrency,
      notionRequestsPerMinute: context.notionRequestsPerMinute ?? defaults.notionRequestsPerMinute,
      maxAttempts: context.maxAttempts ?? defaults.maxAttempts,
      // One of LOG_RETENTION_DAYS, which are RetentionDays' own values.
      logRetentionDays: (context.logRetentionDays ?? defaults.logRetentionDays) as RetentionDays,
      oldestMessageAlarmSeconds: context.oldestMessageAlarmSeconds ?? defaults.oldestMessageAlarmSeconds,
      alarmEmail: context.alarmEmail,
      defaultProvider: context.defaultProvider,
      defaultModel: context.defaultModel,
    },
  };
}

/**
 * Context keys one slip away from a setting's (`logRetentionDay`), which the stack would otherwise ignore.
 * Keys of CDK itself and of other tools (`aws:cdk:...`, `@aws-cdk/...`) are left alone.
 */
function misspeltKeys(app: App): string[] {
  return Object.entries(app.node.getAllContext()).flatMap(([key, value]) => {
    if ((KEYS as string[]).includes(key) || /[:@/]/.test(key)) return [];
    const closest = closestTo(key, KEYS);
    return closest ? [`${key}=${shown(value)}: not a setting of the stack; did you mean ${closest}?`] : [];
  });
}

function shown(value: unknown): string {
  return typeof value === "string" && /^[^\s"]+$/.test(value) ? value : JSON.stringify(value);
}

export function buildApp(app = new App()): { app: App; stack: MarginStack } {
  const { stackName, settings } = readStackContext(app);
  const stack = new MarginStack(app, stackName, {
    settings,
    description: "Margin: an LLM reviewer for Notion documents",
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // A setting that does not fit is said in its own words, without a stack trace.
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
