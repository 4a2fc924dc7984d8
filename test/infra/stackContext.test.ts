import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { buildApp, LOG_RETENTION_DAYS, readStackContext } from "../../infra/app.ts";
import { DEFAULT_SETTINGS } from "../../infra/MarginStack.ts";
import { ConfigurationError } from "../../lambda/errors.ts";

/** What buildApp throws for this context (the stack is never built: nothing is bundled). */
function refusal(context: Record<string, unknown>): Error {
  try {
    buildApp(new App({ context }));
  } catch (error) {
    return error as Error;
  }
  throw new Error("buildApp took the context");
}

describe("the stack's context", () => {
  it("takes MarginStack's defaults for every key not given, or given empty", () => {
    const { stackName, settings } = readStackContext(
      new App({ context: { alarmEmail: "", maxAttempts: " " } }),
    );

    expect(stackName).toBe("Margin");
    expect(settings).toEqual({
      ...DEFAULT_SETTINGS,
      alarmEmail: undefined,
      defaultProvider: undefined,
      defaultModel: undefined,
    });
  });

  it("reads every key, numbers written as -c gives them (strings)", () => {
    const { stackName, settings } = readStackContext(
      new App({
        context: {
          stackName: "Margin-Staging",
          notionTokenParameter: "/staging/margin/notion-token",
          openaiApiKeyParameter: "/staging/margin/openai-api-key",
          anthropicApiKeyParameter: "/staging/margin/anthropic-api-key",
          webhookSecretParameter: "margin-webhook-secret",
          notionWebhookTokenParameter: "/staging/margin/notion-webhook-token",
          notionWebhookCandidatesParameter: "/staging/margin/notion-webhook-candidates",
          workerTimeoutSeconds: "600",
          workerReservedConcurrency: "4",
          notionRequestsPerMinute: "600",
          maxAttempts: "5",
          logRetentionDays: "365",
          oldestMessageAlarmSeconds: "1800",
          alarmEmail: "oncall@example.com",
          defaultProvider: " Anthropic ",
          defaultModel: "claude-opus-5-5",
        },
      }),
    );

    expect(stackName).toBe("Margin-Staging");
    expect(settings).toEqual({
      parameters: {
        notionToken: "/staging/margin/notion-token",
        openaiApiKey: "/staging/margin/openai-api-key",
        anthropicApiKey: "/staging/margin/anthropic-api-key",
        webhookSecret: "margin-webhook-secret",
        notionWebhookToken: "/staging/margin/notion-webhook-token",
        notionWebhookCandidates: "/staging/margin/notion-webhook-candidates",
      },
      workerTimeoutSeconds: 600,
      workerReservedConcurrency: 4,
      notionRequestsPerMinute: 600,
      maxAttempts: 5,
      logRetentionDays: 365,
      oldestMessageAlarmSeconds: 1800,
      alarmEmail: "oncall@example.com",
      defaultProvider: "anthropic",
      defaultModel: "claude-opus-5-5",
    });
  });

  it("allows exactly the retention periods CloudWatch Logs offers", () => {
    expect(LOG_RETENTION_DAYS).toEqual([
      1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]);
  });

  it.each([
    ["workerTimeoutSeconds", "1", "900", ["0", "901", "90.5"]],
    ["workerReservedConcurrency", "1", "1000", ["0", "-1", "1.5"]],
    ["notionRequestsPerMinute", "1", "100000", ["0", "100001"]],
    ["maxAttempts", "1", "10", ["0", "11"]],
    ["oldestMessageAlarmSeconds", "1", "345600", ["0", "60.5"]],
    ["logRetentionDays", "1", "3653", ["0", "45", "9999"]],
  ])("takes %s from %s to %s and refuses what is outside", (key, lowest, highest, refused) => {
    for (const value of [lowest, highest])
      expect(() => readStackContext(new App({ context: { [key]: value } })), value).not.toThrow();
    for (const value of refused)
      expect(() => readStackContext(new App({ context: { [key]: value } })), value).toThrow(
        ConfigurationError,
      );
  });

  it("refuses every value a deploy would refuse at once, each line naming the key, the value and what is allowed", () => {
    const error = refusal({
      stackName: "9lives",
      notionTokenParameter: "margin/notion-token",
      webhookSecretParameter: "/aws/margin-secret",
      workerTimeoutSeconds: "1200",
      workerReservedConcurrency: "0",
      notionRequestsPerMinute: "lots",
      maxAttempts: "2.5",
      logRetentionDays: "45",
      oldestMessageAlarmSeconds: "-60",
      alarmEmail: "oncall",
      defaultProvider: "gemini",
    });

    expect(error).toBeInstanceOf(ConfigurationError);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("The Margin stack's context has 11 values a deploy would refuse or ignore:");
    expect(lines).toEqual(
      expect.arrayContaining([
        "  stackName=9lives: should be a CloudFormation stack name: a letter, then letters, digits and hyphens (at most 128).",
        expect.stringMatching(
          /^ {2}notionTokenParameter=margin\/notion-token: should be an SSM parameter name/,
        ),
        expect.stringMatching(
          /^ {2}webhookSecretParameter=\/aws\/margin-secret: .*not beginning with aws or ssm\.$/,
        ),
        "  workerTimeoutSeconds=1200: should be a whole number of seconds from 1 to 900 (Lambda's longest timeout).",
        "  workerReservedConcurrency=0: should be a whole number, 1 or more.",
        "  notionRequestsPerMinute=lots: should be a whole number from 1 to 100000.",
        "  maxAttempts=2.5: should be a whole number from 1 to 10.",
        "  logRetentionDays=45: should be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (the retention periods CloudWatch Logs offers, in days).",
        "  oldestMessageAlarmSeconds=-60: should be a whole number of seconds, 1 or more.",
        "  alarmEmail=oncall: should be an email address.",
        "  defaultProvider=gemini: should be one of openai, anthropic, bedrock.",
      ]),
    );
    expect(lines.at(-1)).toBe(
      `Set each with -c key=value or in cdk.json's "context"; README "Deploying to AWS" lists every key.`,
    );
  });

  it("refuses a misspelt key, which the stack would otherwise ignore, with the key it is close to", () => {
    const error = refusal({ logRetentionDay: "14", workerconcurrency: "3" });

    expect(error.message).toContain(
      "  logRetentionDay=14: not a setting of the stack; did you mean logRetentionDays?",
    );
    expect(error.message).not.toContain("workerconcurrency");
  });

  it("leaves alone the keys of CDK itself and keys far from any setting", () => {
    const context = {
      "@aws-cdk/core:newStyleStackSynthesis": true,
      "aws:cdk:bundling-stacks": [],
      team: "platform",
    };

    expect(() => readStackContext(new App({ context }))).not.toThrow();
  });

  it("builds the stack with the settings it was given", () => {
    const { stack } = buildApp(
      new App({
        context: {
          // The functions' code is not bundled: the settings are what this test looks at.
          "aws:cdk:bundling-stacks": [],
          stackName: "Margin-Staging",
          logRetentionDays: "14",
          workerTimeoutSeconds: "300",
          defaultProvider: "bedrock",
        },
      }),
    );
    const template = Template.fromStack(stack);

    expect(stack.stackName).toBe("Margin-Staging");
    template.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 14 });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 300,
      Environment: { Variables: { MARGIN_PROVIDER: "bedrock", MARGIN_WORKER_TIMEOUT_SECONDS: "300" } },
    });
  });
});
