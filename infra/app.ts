/**
 * The CDK app: one stack, `Margin` (rename with `-c stackName=...`), checked with cdk-nag's AWS Solutions
 * rules. Settings come from context (`-c key=value` or cdk.json); see README "Deploying to AWS".
 */
import { App, Validations } from "aws-cdk-lib";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import { DEFAULT_SETTINGS, MarginStack, type MarginStackSettings } from "./MarginStack.ts";

export function buildApp(app = new App()): { app: App; stack: MarginStack } {
  const context = (key: string): string | undefined => {
    const value = app.node.tryGetContext(key);
    return value === undefined || value === "" ? undefined : String(value);
  };
  const number = (key: string, fallback: number) => {
    const value = context(key);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0)
      throw new Error(`Context ${key} should be a positive number, not "${value}".`);
    return parsed;
  };
  const settings: Partial<MarginStackSettings> = {
    parameters: {
      notionToken: context("notionTokenParameter") ?? DEFAULT_SETTINGS.parameters.notionToken,
      openaiApiKey: context("openaiApiKeyParameter") ?? DEFAULT_SETTINGS.parameters.openaiApiKey,
      anthropicApiKey: context("anthropicApiKeyParameter") ?? DEFAULT_SETTINGS.parameters.anthropicApiKey,
      webhookSecret: context("webhookSecretParameter") ?? DEFAULT_SETTINGS.parameters.webhookSecret,
      notionWebhookToken:
        context("notionWebhookTokenParameter") ?? DEFAULT_SETTINGS.parameters.notionWebhookToken,
      notionWebhookCandidates:
        context("notionWebhookCandidatesParameter") ?? DEFAULT_SETTINGS.parameters.notionWebhookCandidates,
    },
    workerTimeoutSeconds: number("workerTimeoutSeconds", DEFAULT_SETTINGS.workerTimeoutSeconds),
    workerReservedConcurrency: number(
      "workerReservedConcurrency",
      DEFAULT_SETTINGS.workerReservedConcurrency,
    ),
    notionRequestsPerMinute: number("notionRequestsPerMinute", DEFAULT_SETTINGS.notionRequestsPerMinute),
    maxAttempts: number("maxAttempts", DEFAULT_SETTINGS.maxAttempts),
    logRetentionDays: number("logRetentionDays", DEFAULT_SETTINGS.logRetentionDays) as RetentionDays,
    oldestMessageAlarmSeconds: number(
      "oldestMessageAlarmSeconds",
      DEFAULT_SETTINGS.oldestMessageAlarmSeconds,
    ),
    alarmEmail: context("alarmEmail"),
    defaultProvider: context("defaultProvider"),
    defaultModel: context("defaultModel"),
  };
  const stack = new MarginStack(app, context("stackName") ?? "Margin", {
    settings,
    description: "Margin: an LLM reviewer for Notion documents",
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
