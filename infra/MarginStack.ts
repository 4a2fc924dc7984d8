/**
 * Margin on AWS: the webhook function behind a Function URL, the SQS FIFO review queue and its dead-letter
 * queue, the worker function, the secrets' SSM parameters (imported by name, read only by the functions
 * that need them), log groups with retention, alarms, and a dashboard of the functions' metrics beside the
 * alarms. Settings come from props, which `app.ts` reads from CDK context, each with a documented default.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CfnOutput,
  CfnParameter,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as ssm from "aws-cdk-lib/aws-ssm";
import type { Construct } from "constructs";
import {
  DELIVERY_OUTCOMES,
  DIMENSIONS,
  METRIC_NAMES,
  metricsNamespaceFor,
  REPLY_OUTCOMES,
  REVIEW_OUTCOMES,
  SERVICE_NAMES,
} from "../lambda/observability/metricNames.ts";
import { LAMBDA_BUNDLING } from "./lambdaBundling.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface MarginStackSettings {
  /** SSM SecureString parameter names of the secrets. */
  parameters: {
    notionToken: string;
    openaiApiKey: string;
    anthropicApiKey: string;
    webhookSecret: string;
    /** The key Notion's integration webhook events are verified with: the operator writes it, the webhook reads. */
    notionWebhookToken: string;
    /** Where the webhook keeps verification tokens that arrive until the operator confirms one (it writes this). */
    notionWebhookCandidates: string;
  };
  /**
   * Worker timeout (seconds): one invocation. A review whose reading outlives it goes on in the next (what
   * was read is kept); the queue's visibility timeout is six times this.
   */
  workerTimeoutSeconds: number;
  /** Reviews at once. They share one Notion request budget, so this bounds model spend more than Notion's load. */
  workerReservedConcurrency: number;
  /** The integration's Notion requests per 60-second window (the workspace plan's budget), shared by both functions. */
  notionRequestsPerMinute: number;
  /** Deliveries of a review before it is given up (and, if unexpected, left in the dead-letter queue). */
  maxAttempts: number;
  logRetentionDays: logs.RetentionDays;
  /** Alarm when the oldest waiting review is older than this (seconds). */
  oldestMessageAlarmSeconds: number;
  /** Where alarms are sent, by email (optional). */
  alarmEmail?: string;
  /** Defaults for prompts that leave Provider or Model empty. */
  defaultProvider?: string;
  defaultModel?: string;
}

export const DEFAULT_SETTINGS: MarginStackSettings = {
  parameters: {
    notionToken: "/margin/notion-token",
    openaiApiKey: "/margin/openai-api-key",
    anthropicApiKey: "/margin/anthropic-api-key",
    webhookSecret: "/margin/webhook-secret",
    notionWebhookToken: "/margin/notion-webhook-token",
    notionWebhookCandidates: "/margin/notion-webhook-candidates",
  },
  workerTimeoutSeconds: 900,
  workerReservedConcurrency: 2,
  notionRequestsPerMinute: 180,
  maxAttempts: 3,
  logRetentionDays: logs.RetentionDays.ONE_MONTH,
  oldestMessageAlarmSeconds: 900,
};

/** The stack's alarms, by what each watches. */
type MarginAlarm = "deadLetters" | "workerErrors" | "webhook5xx" | "oldestReview";

export interface MarginStackProps extends StackProps {
  settings?: Partial<MarginStackSettings>;
}

export class MarginStack extends Stack {
  readonly webhook: NodejsFunction;
  readonly worker: NodejsFunction;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly ledger: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: MarginStackProps = {}) {
    super(scope, id, props);
    const settings = {
      ...DEFAULT_SETTINGS,
      ...props.settings,
      parameters: { ...DEFAULT_SETTINGS.parameters, ...props.settings?.parameters },
    };

    const promptsDatabase = new CfnParameter(this, "PromptsDatabase", {
      type: "String",
      description: "The id or URL of the Notion Prompts database.",
      minLength: 1,
    });
    const defaultPrompt = new CfnParameter(this, "DefaultPrompt", {
      type: "String",
      default: "",
      description: "The reviewer for deliveries that name none (a prompt title or page id); empty for none.",
    });

    this.deadLetterQueue = new sqs.Queue(this, "ReviewDeadLetters", {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the dead-letter queue of the review queue.",
    });
    this.queue = new sqs.Queue(this, "Reviews", {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: Duration.seconds(settings.workerTimeoutSeconds * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxAttempts },
    });

    // The reviewers' memory: one table, on demand, recoverable to any point, with expiring delivery records.
    this.ledger = new dynamodb.TableV2(this, "Ledger", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: "expiresAt",
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const secret = (id: string, name: string) =>
      ssm.StringParameter.fromSecureStringParameterAttributes(this, id, { parameterName: name });
    const notionToken = secret("NotionTokenParameter", settings.parameters.notionToken);
    const webhookSecret = secret("WebhookSecretParameter", settings.parameters.webhookSecret);
    const openaiApiKey = secret("OpenAiApiKeyParameter", settings.parameters.openaiApiKey);
    const anthropicApiKey = secret("AnthropicApiKeyParameter", settings.parameters.anthropicApiKey);
    const notionWebhookToken = secret("NotionWebhookTokenParameter", settings.parameters.notionWebhookToken);
    const notionWebhookCandidates = secret(
      "NotionWebhookCandidatesParameter",
      settings.parameters.notionWebhookCandidates,
    );

    const common = {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      bundling: LAMBDA_BUNDLING,
      depsLockFilePath: join(root, "package-lock.json"),
      projectRoot: root,
    } as const;

    this.webhook = new NodejsFunction(this, "WebhookFunction", {
      ...common,
      description: "Margin: takes Notion automation deliveries and queues reviews",
      entry: join(root, "lambda/handlers/webhookHandler.ts"),
      memorySize: 512,
      timeout: Duration.seconds(10),
      logGroup: this.logGroup("WebhookLogs", settings.logRetentionDays),
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.webhook,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespaceFor(this.stackName),
        MARGIN_PROMPTS_DATABASE: promptsDatabase.valueAsString,
        MARGIN_DEFAULT_PROMPT: defaultPrompt.valueAsString,
        MARGIN_QUEUE_URL: this.queue.queueUrl,
        NOTION_TOKEN_PARAMETER: settings.parameters.notionToken,
        WEBHOOK_SECRET_PARAMETER: settings.parameters.webhookSecret,
        NOTION_WEBHOOK_TOKEN_PARAMETER: settings.parameters.notionWebhookToken,
        NOTION_WEBHOOK_CANDIDATES_PARAMETER: settings.parameters.notionWebhookCandidates,
        MARGIN_LEDGER_TABLE: this.ledger.tableName,
        MARGIN_NOTION_REQUESTS_PER_MINUTE: String(settings.notionRequestsPerMinute),
      },
    });
    // Notion cannot sign automation requests: the shared secret in the Authorization header is checked in code.
    const url = this.webhook.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    this.queue.grantSendMessages(this.webhook);
    notionToken.grantRead(this.webhook);
    webhookSecret.grantRead(this.webhook);
    // The events key is the operator's: the webhook reads it, and may only write the candidates beside it.
    notionWebhookToken.grantRead(this.webhook);
    notionWebhookCandidates.grantRead(this.webhook);
    notionWebhookCandidates.grantWrite(this.webhook);
    // The webhook claims deliveries, notes blocks with discussions and draws from the Notion request budget:
    // it reads only the budget's item.
    this.ledger.grant(
      this.webhook,
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
    );

    this.worker = new NodejsFunction(this, "WorkerFunction", {
      ...common,
      description: "Margin: runs queued reviews",
      entry: join(root, "lambda/handlers/workerHandler.ts"),
      memorySize: 1024,
      timeout: Duration.seconds(settings.workerTimeoutSeconds),
      reservedConcurrentExecutions: settings.workerReservedConcurrency,
      logGroup: this.logGroup("WorkerLogs", settings.logRetentionDays),
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.worker,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespaceFor(this.stackName),
        MARGIN_PROMPTS_DATABASE: promptsDatabase.valueAsString,
        MARGIN_MAX_ATTEMPTS: String(settings.maxAttempts),
        // A review whose reading outlives an invocation is continued through the queue.
        MARGIN_QUEUE_URL: this.queue.queueUrl,
        MARGIN_WORKER_TIMEOUT_SECONDS: String(settings.workerTimeoutSeconds),
        MARGIN_NOTION_REQUESTS_PER_MINUTE: String(settings.notionRequestsPerMinute),
        NOTION_TOKEN_PARAMETER: settings.parameters.notionToken,
        OPENAI_API_KEY_PARAMETER: settings.parameters.openaiApiKey,
        ANTHROPIC_API_KEY_PARAMETER: settings.parameters.anthropicApiKey,
        BEDROCK_REGION: this.region,
        MARGIN_LEDGER_TABLE: this.ledger.tableName,
        ...(settings.defaultProvider ? { MARGIN_PROVIDER: settings.defaultProvider } : {}),
        ...(settings.defaultModel ? { MARGIN_MODEL: settings.defaultModel } : {}),
      },
    });
    this.worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );
    for (const parameter of [notionToken, openaiApiKey, anthropicApiKey]) parameter.grantRead(this.worker);
    this.ledger.grantReadWriteData(this.worker);
    this.queue.grantSendMessages(this.worker);
    // Anthropic on Bedrock: the worker's role calls the Claude models (directly or through inference profiles).
    this.worker.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["bedrock:InvokeModel"],
        resources: [
          `arn:${this.partition}:bedrock:*::foundation-model/anthropic.*`,
          `arn:${this.partition}:bedrock:*:${this.account}:inference-profile/*anthropic.*`,
        ],
      }),
    );

    const dashboard = this.dashboard(this.alarms(settings));
    new CfnOutput(this, "WebhookUrl", {
      value: url.url,
      description: "Point the Notion automation's Send webhook action here.",
    });
    new CfnOutput(this, "ReviewQueueUrl", { value: this.queue.queueUrl });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, "NotionEventsUrl", {
      value: `${url.url}events`,
      description: "The Notion integration webhook subscription's URL.",
    });
    new CfnOutput(this, "LedgerTable", { value: this.ledger.tableName });
    new CfnOutput(this, "DashboardUrl", {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${dashboard.dashboardName}`,
      description: "Margin's metrics beside its alarms, in the CloudWatch console.",
    });
    this.acknowledgeFindings();
  }

  private logGroup(id: string, retention: logs.RetentionDays): logs.LogGroup {
    return new logs.LogGroup(this, id, { retention, removalPolicy: RemovalPolicy.DESTROY });
  }

  private alarms(settings: MarginStackSettings): Record<MarginAlarm, cloudwatch.Alarm> {
    const topic = new sns.Topic(this, "Alarms", {
      displayName: "Margin alarms",
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, "SnsKey", "alias/aws/sns"),
    });
    if (settings.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    const notify = new actions.SnsAction(topic);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number) => {
      const created = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      return created;
    };
    const deadLetters = alarm(
      "DeadLetterAlarm",
      "A review failed unexpectedly and waits in the dead-letter queue.",
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: "Maximum",
      }),
      1,
    );
    const workerErrors = alarm(
      "WorkerErrorsAlarm",
      "The worker function failed.",
      this.worker.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
      1,
    );
    const webhook5xx = alarm(
      "Webhook5xxAlarm",
      "The webhook answered 5xx: Notion pauses an automation whose webhook fails.",
      new cloudwatch.Metric({
        namespace: "AWS/Lambda",
        metricName: "Url5xxCount",
        dimensionsMap: { FunctionName: this.webhook.functionName },
        period: Duration.minutes(5),
        statistic: "Sum",
      }),
      1,
    );
    const oldestReview = alarm(
      "OldestReviewAlarm",
      "Reviews are waiting too long on the queue.",
      this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: "Maximum" }),
      settings.oldestMessageAlarmSeconds,
    );
    return { deadLetters, workerErrors, webhook5xx, oldestReview };
  }

  /**
   * One dashboard: the alarms' states, then what the webhook took and what the worker did with it (reviews
   * and comment jobs by outcome, reviews by reviewer, comments and replies posted, tokens, cost, Notion's
   * requests and 429s, durations), then the alarms' own graphs. Its name carries the region, since a
   * dashboard's name is the account's in every region.
   */
  private dashboard(alarms: Record<MarginAlarm, cloudwatch.Alarm>): cloudwatch.Dashboard {
    const period = Duration.hours(1);
    const metric = (service: string, name: string, options: Partial<cloudwatch.MetricProps> = {}) =>
      new cloudwatch.Metric({
        namespace: metricsNamespaceFor(this.stackName),
        metricName: name,
        dimensionsMap: { [DIMENSIONS.service]: service },
        statistic: "Sum",
        period,
        ...options,
      });
    const worker = (name: string, label: string, statistic = "Sum") =>
      metric(SERVICE_NAMES.worker, name, { label, statistic });
    const byOutcome = (service: string, name: string, outcomes: readonly string[]) =>
      outcomes.map((outcome) =>
        metric(service, name, {
          label: outcome,
          dimensionsMap: { [DIMENSIONS.service]: service, [DIMENSIONS.outcome]: outcome },
        }),
      );
    // Reviewers are Notion pages, unknown here: a search finds each one's series.
    const byReviewer = (name: string) =>
      new cloudwatch.SearchExpression({
        expression: `SEARCH('{"${metricsNamespaceFor(this.stackName)}",${DIMENSIONS.service},${DIMENSIONS.reviewer}} ${DIMENSIONS.service}="${SERVICE_NAMES.worker}" MetricName="${name}"', 'Sum', ${period.toSeconds()})`,
        label: "",
        period,
      });
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      options: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...options });
    const dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: `${this.stackName}-${this.region}`,
      defaultInterval: Duration.days(7),
    });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: "Alarms",
        alarms: Object.values(alarms),
        width: 24,
        height: 3,
      }),
    );
    dashboard.addWidgets(
      graph(
        "Webhook deliveries by outcome",
        byOutcome(SERVICE_NAMES.webhook, METRIC_NAMES.deliveries, DELIVERY_OUTCOMES),
        {
          stacked: true,
        },
      ),
      graph("Reviews by outcome", byOutcome(SERVICE_NAMES.worker, METRIC_NAMES.reviews, REVIEW_OUTCOMES), {
        stacked: true,
      }),
      graph("Reviews by reviewer", [byReviewer(METRIC_NAMES.reviews)], { stacked: true }),
    );
    dashboard.addWidgets(
      graph("Comments and replies posted", [
        worker(METRIC_NAMES.commentsPosted, "inline comments"),
        worker(METRIC_NAMES.repliesPosted, "replies in discussions"),
      ]),
      graph(
        "Comment jobs by outcome (does a reviewer answer?)",
        byOutcome(SERVICE_NAMES.worker, METRIC_NAMES.replyJobs, REPLY_OUTCOMES),
        { stacked: true },
      ),
      new cloudwatch.SingleValueWidget({
        title: "In the time range",
        metrics: [
          worker(METRIC_NAMES.commentsPosted, "comments posted"),
          worker(METRIC_NAMES.repliesPosted, "replies posted"),
          worker(METRIC_NAMES.estimatedCostUsd, "estimated cost (USD)"),
          worker(METRIC_NAMES.notionRequests, "Notion requests"),
          worker(METRIC_NAMES.notionRateLimited, "Notion 429s"),
        ],
        setPeriodToTimeRange: true,
        width: 8,
        height: 6,
      }),
    );
    dashboard.addWidgets(
      graph(
        "Model tokens",
        [
          worker(METRIC_NAMES.uncachedInputTokens, "input, uncached"),
          worker(METRIC_NAMES.cacheReadTokens, "input, read from cache"),
          worker(METRIC_NAMES.cacheWriteTokens, "input, written to cache"),
          worker(METRIC_NAMES.outputTokens, "output"),
        ],
        { stacked: true },
      ),
      graph("Estimated cost (USD), by reviewer", [byReviewer(METRIC_NAMES.estimatedCostUsd)], {
        stacked: true,
      }),
      graph("Notion requests, and the 429s among them", [worker(METRIC_NAMES.notionRequests, "requests")], {
        right: [worker(METRIC_NAMES.notionRateLimited, "429s")],
      }),
    );
    dashboard.addWidgets(
      graph(
        "Durations (ms)",
        [
          worker(METRIC_NAMES.readDuration, "reading the page, average", "Average"),
          worker(METRIC_NAMES.readDuration, "reading the page, longest", "Maximum"),
          worker(METRIC_NAMES.reviewDuration, "whole review, average", "Average"),
          worker(METRIC_NAMES.reviewDuration, "whole review, longest", "Maximum"),
        ],
        { width: 12 },
      ),
      new cloudwatch.AlarmWidget({
        title: "Oldest waiting review (s)",
        alarm: alarms.oldestReview,
        width: 12,
        height: 6,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmWidget({ title: "Dead letters", alarm: alarms.deadLetters, width: 8, height: 6 }),
      new cloudwatch.AlarmWidget({ title: "Worker errors", alarm: alarms.workerErrors, width: 8, height: 6 }),
      new cloudwatch.AlarmWidget({
        title: "Webhook 5xx answers",
        alarm: alarms.webhook5xx,
        width: 8,
        height: 6,
      }),
    );
    return dashboard;
  }

  /** Findings of cdk-nag's AWS Solutions checks that are accepted, each with its reason. */
  private acknowledgeFindings(): void {
    for (const fn of [this.webhook, this.worker]) {
      Validations.of(fn).acknowledge({
        id: "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        reason: "AWSLambdaBasicExecutionRole only lets the function write its own logs.",
      });
    }
    for (const resource of [
      "arn:<AWS::Partition>:bedrock:*::foundation-model/anthropic.*",
      "arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:inference-profile/*anthropic.*",
    ]) {
      Validations.of(this.worker).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
        reason:
          "Bedrock model ids are versioned and regional: the worker may invoke any Anthropic model, and no other model or action.",
      });
    }
  }
}
