/**
 * A small world for end-to-end review tests: the Notion emulator seeded with a Prompts database and a
 * document, a scripted model server, and `margin` run in-process with an environment pointing at both.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Behaviour,
  type Provider,
  type ScriptEntry,
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../../emulators/llm/ScriptedModelServer.ts";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { type NotionEmulator, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { promptsDatabaseSchema, toPropertyValues } from "../../lambda/notion/promptsDatabaseSchema.ts";
import type { ReviewJob } from "../../lambda/queue/ReviewJob.ts";
import type { PromptSettingKey, PromptSettingValue } from "../../lambda/review/prompt/promptProperties.ts";
import { type MarginRun, runMargin } from "./runMargin.ts";

export const TOKEN = "ntn_world_token";

/**
 * The models the worlds review with: real model names, which the scripted servers check as the providers
 * do. OpenAI's is reached over Chat Completions (the world sets OPENAI_BASE_URL), where gpt-6-luna takes
 * tools with reasoning effort none.
 */
export const WORLD_MODELS = {
  openai: "gpt-6-luna",
  anthropic: "claude-sonnet-5-5",
  bedrock: "global.anthropic.claude-sonnet-5-5",
} as const;

export interface WorldOptions {
  provider: Provider;
  script?: ScriptEntry[];
  /** The document's body as seed markdown (lines ending in ` ^name` name their block). */
  markdown?: string;
  settings?: Partial<Record<PromptSettingKey, PromptSettingValue>>;
  /** Extra seed comments (threads on the document). */
  comments?: Array<Record<string, unknown>>;
  /** Extra raw seed properties for the prompt page. */
  promptProperties?: Record<string, unknown>;
  emulator?: { failRate?: number; randomSeed?: number; rps?: number; latencyMs?: number };
  instructions?: string;
  /** Give the documents database `Review status` (select) and `Last reviewed` (date) properties. */
  statusProperties?: boolean;
  /** Ids (or seed names) of the two documents, "doc" and "doc-2" by default. */
  docIds?: [string, string];
  /** The scripted model's thinking time. */
  modelLatencyMs?: number;
  /** The scripted model answers nothing until this many requests have arrived (see `holdUntil`). */
  modelHoldUntil?: number;
  /** How the scripted model server misbehaves, imitating weaker servers and models. */
  behaviours?: Behaviour[];
  /** The OpenAI server is an OpenAI-compatible one (Ollama): any model, tool_choice ignored. */
  compatible?: boolean;
  /** Reference pages of the RFC Reviewer (seed names, titles, markdown), in a Reviewer references database. */
  references?: Array<{ id: string; title: string; markdown: string }>;
  /** Other pages in the workspace (seed objects), such as pages a prompt links to. */
  extraPages?: Array<Record<string, unknown>>;
}

export const DEFAULT_MARKDOWN = [
  "## Problem",
  "Logins are slow every Monday morning. ^problem",
  "",
  "## Plan",
  "- Split the logins table into four shards. ^shards",
  "  - Move every user in one weekend. ^weekend",
  "  - Keep the old table as a fallback. ^fallback",
  "- Monitor latency per shard. ^monitor",
  "",
  "## Owners",
  "The identity team owns the new cluster. ^owners",
].join("\n");

export class ReviewWorld {
  private constructor(
    readonly emulator: NotionEmulator,
    readonly model: ScriptedModelServer,
    readonly provider: Provider,
    readonly pageId: string,
  ) {}

  /** This world's own memory, so worlds never share one. */
  readonly ledgerFile = join(mkdtempSync(join(tmpdir(), "margin-world-")), "ledger.json");

  static async start(options: WorldOptions): Promise<ReviewWorld> {
    const emulator = await startNotionEmulator({
      seed: reviewSeed(options),
      token: TOKEN,
      failRate: options.emulator?.failRate,
      randomSeed: options.emulator?.randomSeed,
      rps: options.emulator?.rps,
      latencyMs: options.emulator?.latencyMs,
    });
    const model = await startScriptedModelServer({
      provider: options.provider,
      script: options.script ?? [],
      latencyMs: options.modelLatencyMs,
      holdUntil: options.modelHoldUntil,
      behaviours: options.behaviours,
      compatible: options.compatible,
    });
    return new ReviewWorld(emulator, model, options.provider, idFor(options.docIds?.[0] ?? "doc"));
  }

  readonly promptsDatabaseId = idFor("prompts");

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const keys = {
      openai: { OPENAI_API_KEY: "sk-test-key", OPENAI_BASE_URL: this.model.url },
      anthropic: { ANTHROPIC_API_KEY: "sk-ant-test-key", ANTHROPIC_BASE_URL: this.model.url },
      // The Bedrock SDK signs with the AWS credentials of the process (see `withAwsCredentials`).
      bedrock: { ANTHROPIC_BEDROCK_BASE_URL: this.model.url, BEDROCK_REGION: "us-east-1" },
    }[this.provider];
    return {
      NOTION_TOKEN: TOKEN,
      NOTION_BASE_URL: this.emulator.url,
      MARGIN_PROMPTS_DATABASE: this.promptsDatabaseId,
      MARGIN_PROVIDER: this.provider,
      MARGIN_MODEL: WORLD_MODELS[this.provider],
      MARGIN_NOTION_REQUESTS_PER_MINUTE: "100000",
      MARGIN_LEDGER_FILE: this.ledgerFile,
      ...keys,
      ...extra,
    };
  }

  /** Runs `margin` in this process with the world's environment. */
  margin(args: string[], env: NodeJS.ProcessEnv = this.env()): Promise<MarginRun> {
    return runMargin(args, env);
  }

  /** Every comment of one discussion, oldest first, as the emulator holds them. */
  discussion(discussionId: string): ReturnType<ReviewWorld["botComments"]> {
    return this.emulator.control
      .state()
      .comments.filter((comment: { discussion_id: string }) => comment.discussion_id === discussionId);
  }

  /** Comments the integration posted, as the emulator holds them. */
  botComments(): Array<
    Record<string, unknown> & {
      id: string;
      parent: Record<string, string>;
      discussion_id: string;
      display_name: { resolved_name: string };
      rich_text: Array<{ plain_text: string; type?: string; href?: string | null }>;
    }
  > {
    return this.emulator.control
      .state()
      .comments.filter(
        (comment: { created_by: { id: string } }) => comment.created_by.id === this.emulator.botUserId,
      );
  }

  async close(): Promise<void> {
    await Promise.all([this.emulator.close(), this.model.close()]);
  }
}

export function textOf(comment: { rich_text: Array<{ plain_text: string }> }): string {
  return comment.rich_text.map((item) => item.plain_text).join("");
}

export function reviewSeed(options: WorldOptions): Record<string, unknown> {
  return {
    users: [
      { id: "ana", name: "Ana Author" },
      { id: "bo", name: "Bo Builder" },
      { id: "margin-bot", name: "Margin", type: "bot" },
      { id: "other-bot", name: "Other Integration", type: "bot" },
    ],
    pages: [
      { id: "home", parent: { workspace: true }, title: "Home" },
      {
        id: "rfc-reviewer",
        parent: { data_source_id: "prompts-source" },
        title: "RFC Reviewer",
        properties: {
          ...toPropertyValues(
            { replyInThreads: true, ...options.settings },
            { referenceIds: options.references?.map((page) => page.id) },
          ),
          ...(options.promptProperties ?? {}),
        },
        markdown: options.instructions ?? "Look for missing rollback plans and missing owners.",
      },
      {
        id: "plan-reviewer",
        parent: { data_source_id: "prompts-source" },
        title: "Plan Reviewer",
        markdown: "Review plans.",
      },
      {
        id: options.docIds?.[0] ?? "doc",
        parent: { data_source_id: "docs-source" },
        title: "RFC: Shard logins",
        properties: { Status: "In review", Approvers: [] },
        markdown: options.markdown ?? DEFAULT_MARKDOWN,
      },
      {
        id: options.docIds?.[1] ?? "doc-2",
        parent: { data_source_id: "docs-source" },
        title: "RFC: Rename the session service",
        properties: { Status: "In review" },
        markdown: "We rename the session service to auth-gateway. ^rename",
      },
      ...(options.references ?? []).map((page) => ({
        id: page.id,
        parent: { data_source_id: "references-source" },
        title: page.title,
        markdown: page.markdown,
      })),
      ...(options.extraPages ?? []),
    ],
    databases: [
      {
        id: "prompts",
        parent: { page_id: "home" },
        title: "Prompts",
        data_sources: [{ id: "prompts-source" }],
      },
      { id: "docs", parent: { page_id: "home" }, title: "RFCs", data_sources: [{ id: "docs-source" }] },
      {
        id: "references",
        parent: { page_id: "home" },
        title: "Reviewer references",
        data_sources: [{ id: "references-source" }],
      },
    ],
    data_sources: [
      {
        id: "prompts-source",
        parent: { database_id: "prompts" },
        properties: promptsDatabaseSchema(idFor("references-source")),
      },
      {
        id: "references-source",
        parent: { database_id: "references" },
        properties: { Name: { type: "title", title: {} } },
      },
      {
        id: "docs-source",
        parent: { database_id: "docs" },
        properties: {
          Name: { type: "title", title: {} },
          Status: { type: "status", status: { options: [{ name: "Draft" }, { name: "In review" }] } },
          Approvers: { type: "people", people: {} },
          ...(options.statusProperties
            ? {
                "Review status": {
                  type: "select",
                  select: {
                    options: ["Queued", "Reviewing", "Reviewed", "Failed"].map((name) => ({ name })),
                  },
                },
                "Last reviewed": { type: "date", date: {} },
              }
            : {}),
        },
      },
    ],
    comments: options.comments ?? [],
  };
}

/** An OpenAI chat.completion that calls the given tools in one turn. */
export function openAiTurn(
  calls: Array<[name: string, args: Record<string, unknown>]>,
  extra: Record<string, unknown> = {},
): ScriptEntry {
  return {
    choices: [
      {
        finish_reason: calls.length > 0 ? "tool_calls" : "stop",
        message: {
          role: "assistant",
          content: null,
          tool_calls: calls.map(([name, args], index) => ({
            id: `call_${index}_${name}`,
            type: "function",
            function: { name, arguments: JSON.stringify(args) },
          })),
        },
      },
    ],
    usage: { prompt_tokens: 1000, completion_tokens: 100, prompt_tokens_details: { cached_tokens: 200 } },
    ...extra,
  };
}

/** An Anthropic message that calls the given tools in one turn. */
export function anthropicTurn(
  calls: Array<[name: string, args: Record<string, unknown>]>,
  extra: Record<string, unknown> = {},
): ScriptEntry {
  return {
    stop_reason: calls.length > 0 ? "tool_use" : "end_turn",
    content: calls.map(([name, input], index) => ({
      type: "tool_use",
      id: `toolu_${index}_${name}`,
      name,
      input,
    })),
    usage: { input_tokens: 800, output_tokens: 100, cache_read_input_tokens: 200 },
    ...extra,
  };
}

/** A turn in neutral terms: the scripted server writes it in the format of whichever API was called. */
export function turn(
  calls: ReadonlyArray<readonly [name: string, args: Record<string, unknown>]>,
  extra: { text?: string; refusal?: string; stop?: "max_tokens" } = {},
): ScriptEntry {
  return { $turn: { calls: calls.map(([name, args]) => ({ name, arguments: args })), ...extra } };
}

/** AWS credentials in this process's environment, as the Bedrock SDK's credential chain reads them. */
export function withAwsCredentials(): () => void {
  const before = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = "AKIATESTTESTTESTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "test-secret-access-key-for-signing";
  return () => {
    for (const [name, value] of [
      ["AWS_ACCESS_KEY_ID", before.id],
      ["AWS_SECRET_ACCESS_KEY", before.secret],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

export function turnFor(
  provider: Provider,
  calls: Array<[name: string, args: Record<string, unknown>]>,
): ScriptEntry {
  return provider === "openai"
    ? openAiTurn(calls)
    : provider === "anthropic"
      ? anthropicTurn(calls)
      : turn(calls);
}

/** A queued review of `page` (a seed name or id) by the RFC Reviewer, as the webhook would queue it. */
export function reviewJob(page: string, overrides: Partial<ReviewJob> = {}): ReviewJob {
  return {
    version: 1,
    kind: "review",
    pageId: idFor(page),
    promptId: idFor("rfc-reviewer"),
    promptTitle: "RFC Reviewer",
    eventId: `event-${page}`,
    correlationId: `correlation-${page}`,
    queuedAt: new Date().toISOString(),
    ...overrides,
  };
}
