import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.ts";
import { metricsNamespaceFor } from "../../lambda/observability/metricNames.ts";

let template: Template;
let report: {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations: Array<{ ruleName: string; reason: string }>;
  }>;
};

beforeAll(() => {
  const outdir = mkdtempSync(join(tmpdir(), "margin-cdk-"));
  const { app, stack } = buildApp(
    new App({
      outdir,
      context: {
        workerTimeoutSeconds: "240",
        workerReservedConcurrency: "3",
        alarmEmail: "oncall@example.com",
      },
    }),
  );
  template = Template.fromStack(stack);
  app.synth();
  report = JSON.parse(readFileSync(join(outdir, "validation-report.json"), "utf8"));
}, 120_000);

describe("the CDK stack", () => {
  it("passes cdk-nag's AWS Solutions checks, every accepted finding with its reason", () => {
    const nag = report.pluginReports.find((plugin) => plugin.pluginName === "AwsSolutions")!;

    expect(nag.conclusion).toBe("success");
    expect(nag.violations).toEqual([]);
    expect(nag.suppressedViolations.length).toBeGreaterThan(0);
    for (const finding of nag.suppressedViolations)
      expect(finding.reason.length, finding.ruleName).toBeGreaterThan(20);
  });

  it("runs both functions on arm64 with the newest Node runtime, bundled as ESM", () => {
    template.resourcePropertiesCountIs(
      "AWS::Lambda::Function",
      { Runtime: "nodejs24.x", Architectures: ["arm64"], Handler: "index.handler" },
      2,
    );
  });

  it("exposes the webhook through a Function URL without IAM auth, as a stack output", () => {
    template.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE" });
    template.hasOutput("WebhookUrl", {
      Value: { "Fn::GetAtt": [Match.stringLikeRegexp("WebhookFunctionFunctionUrl"), "FunctionUrl"] },
    });
  });

  it("queues reviews on an encrypted, SSL-only FIFO queue with a dead-letter queue and a visibility timeout six times the worker's", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 240 * 6,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
    });
    template.resourceCountIs("AWS::SQS::Queue", 2);
    template.resourcePropertiesCountIs(
      "AWS::SQS::QueuePolicy",
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      },
      2,
    );
  });

  it("gives the worker its timeout, reserved concurrency and a FIFO event source reporting partial batch failures, and both functions the Notion budget", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 240,
      ReservedConcurrentExecutions: 3,
      MemorySize: 1024,
      // The same timeout to stop reading by, the queue to continue on, and the token's shared Notion budget.
      Environment: {
        Variables: Match.objectLike({
          MARGIN_WORKER_TIMEOUT_SECONDS: "240",
          MARGIN_QUEUE_URL: Match.anyValue(),
          MARGIN_NOTION_REQUESTS_PER_MINUTE: "180",
        }),
      },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 10,
      Environment: { Variables: Match.objectLike({ MARGIN_NOTION_REQUESTS_PER_MINUTE: "180" }) },
    });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });

  it("gives the functions parameter names, never secrets, and read access to only the parameters each needs", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          NOTION_TOKEN_PARAMETER: "/margin/notion-token",
          WEBHOOK_SECRET_PARAMETER: "/margin/webhook-secret",
        }),
      },
    });
    const readable = (logicalPrefix: string) =>
      policyStatements(logicalPrefix)
        .filter((statement) => [statement.Action].flat().some((action) => action.startsWith("ssm:")))
        .map((statement) => JSON.stringify(statement.Resource));
    const webhook = readable("WebhookFunction").join(" ");
    const worker = readable("WorkerFunction").join(" ");
    expect(webhook).toContain("/margin/webhook-secret");
    expect(webhook).not.toContain("/margin/openai-api-key");
    expect(worker).toContain("/margin/openai-api-key");
    expect(worker).not.toContain("/margin/webhook-secret");
  });

  it("keeps the ledger in one on-demand DynamoDB table with point-in-time recovery and expiring records", () => {
    template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  it("lets the webhook write the ledger (reading only the Notion budget's item) and store the Notion webhook token, and the worker read and write the ledger and queue continuations", () => {
    const statements = policyStatements;
    const actions = (prefix: string, service: string) =>
      statements(prefix)
        .flatMap((statement) => [statement.Action].flat())
        .filter((action) => action.startsWith(service))
        .sort();
    expect(actions("WebhookFunction", "dynamodb:")).toEqual([
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
    ]);
    expect(actions("WorkerFunction", "dynamodb:")).toEqual(
      expect.arrayContaining([
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
      ]),
    );
    expect(actions("WorkerFunction", "sqs:")).toEqual(expect.arrayContaining(["sqs:SendMessage"]));
    const writes = (prefix: string) =>
      statements(prefix)
        .filter((statement) => [statement.Action].flat().includes("ssm:PutParameter"))
        .map((statement) => JSON.stringify(statement.Resource));
    // The webhook writes verification candidates, never the key events are verified with.
    expect(writes("WebhookFunction").join(" ")).toContain("/margin/notion-webhook-candidates");
    expect(writes("WebhookFunction").join(" ")).not.toContain("/margin/notion-webhook-token");
    expect(writes("WorkerFunction")).toEqual([]);
  });

  it("keeps logs for a month and alarms on dead letters, worker errors, webhook 5xx and old reviews", () => {
    template.resourcePropertiesCountIs("AWS::Logs::LogGroup", { RetentionInDays: 30 }, 2);
    template.resourceCountIs("AWS::CloudWatch::Alarm", 4);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "Url5xxCount",
      Namespace: "AWS/Lambda",
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateAgeOfOldestMessage",
      Threshold: 900,
    });
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "oncall@example.com",
    });
  });
});

describe("the CloudWatch dashboard", () => {
  it("shows the functions' metrics in the Margin namespace: deliveries, reviews by outcome and reviewer, comments, tokens, cost, Notion requests and 429s, durations", () => {
    const metrics = dashboardWidgets().flatMap((widget) => widget.properties.metrics ?? []);
    const margin = metrics.filter((metric) => metric[0] === "Margin");
    const named = (name: string, dimensions: string[]) =>
      margin.some((metric) => metric[1] === name && dimensions.every((value) => metric.includes(value)));

    expect(named("Deliveries", ["service", "margin-webhook", "outcome", "queued"])).toBe(true);
    expect(named("Reviews", ["service", "margin-worker", "outcome", "reviewed"])).toBe(true);
    for (const name of [
      "CommentsPosted",
      "RepliesPosted",
      "UncachedInputTokens",
      "CacheReadTokens",
      "CacheWriteTokens",
      "OutputTokens",
      "EstimatedCostUsd",
      "NotionRequests",
      "NotionRateLimited",
      "ReadDuration",
      "ReviewDuration",
    ])
      expect(named(name, ["service", "margin-worker"]), name).toBe(true);
    // Reviewers are pages in Notion: a search finds each one's series.
    const searches = metrics.map((metric) => (metric[0] as { expression?: string }).expression);
    expect(searches).toContain(
      `SEARCH('{"Margin",service,reviewer} service="margin-worker" MetricName="Reviews"', 'Sum', 3600)`,
    );
    // Both functions publish where the dashboard looks.
    template.resourcePropertiesCountIs(
      "AWS::Lambda::Function",
      { Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: "Margin" }) } },
      2,
    );
  });

  it("gives another stack in the same account and region a namespace of its own", () => {
    expect(metricsNamespaceFor("Margin")).toBe("Margin");
    expect(metricsNamespaceFor("MarginStaging")).toBe("Margin/MarginStaging");
  });

  it("shows every alarm beside them, and gives the dashboard's console address as a stack output", () => {
    const widgets = dashboardWidgets();
    const status = widgets.find((widget) => widget.type === "alarm")!;
    const graphed = widgets.flatMap((widget) => widget.properties.annotations?.alarms ?? []);

    expect(status.properties.alarms).toHaveLength(4);
    expect(graphed).toHaveLength(4);
    template.hasOutput("DashboardUrl", {
      Value: {
        "Fn::Join": [
          "",
          [
            "https://",
            { Ref: "AWS::Region" },
            ".console.aws.amazon.com/cloudwatch/home?region=",
            { Ref: "AWS::Region" },
            "#dashboards:name=",
            { Ref: Match.stringLikeRegexp("^Dashboard") },
          ],
        ],
      },
    });
  });
});

interface DashboardWidget {
  type: string;
  properties: { metrics?: unknown[][]; alarms?: string[]; annotations?: { alarms?: string[] } };
}

/** The widgets of the stack's one dashboard, its body read with each CloudFormation reference as `REF`. */
function dashboardWidgets(): DashboardWidget[] {
  const dashboards = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
  expect(dashboards).toHaveLength(1);
  const [, parts] = dashboards[0]!.Properties.DashboardBody["Fn::Join"] as [string, unknown[]];
  const body = parts.map((part) => (typeof part === "string" ? part : "REF")).join("");
  return (JSON.parse(body) as { widgets: DashboardWidget[] }).widgets;
}

/** The IAM statements of the policies whose logical ids start with `prefix` (one function's role). */
function policyStatements(prefix: string): Array<{ Action: string | string[]; Resource: unknown }> {
  return Object.entries(template.findResources("AWS::IAM::Policy"))
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}
