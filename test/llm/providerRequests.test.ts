/**
 * Every request Margin sends is one the provider accepts: each reviewer of the library, with its own
 * settings, reviewed through each API (OpenAI Chat Completions and Responses, Anthropic Messages, Bedrock)
 * against scripted servers that check the providers' documented rules and refuse what the real ones
 * refuse. Each review takes two turns, so the second request carries the first turn back (tool results,
 * reasoning items, thinking blocks) and its pairing is checked too. And a prompt whose setting the model
 * cannot take is reported before any request is made.
 */
import { basename } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Provider,
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../../emulators/llm/ScriptedModelServer.ts";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import type { NotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { readPromptLibrary } from "../../lambda/library/PromptLibrary.ts";
import type { PromptSettingKey, PromptSettingValue } from "../../lambda/review/prompt/promptProperties.ts";
import {
  LIBRARY_FOLDER,
  LIBRARY_TOKEN,
  libraryWorkspace,
  sampleDocuments,
  startWorkspace,
} from "../support/libraryWorld.ts";
import { ReviewWorld, turn, withAwsCredentials } from "../support/reviewWorld.ts";
import { runMargin } from "../support/runMargin.ts";

interface Route {
  name: string;
  provider: Provider;
  model: string;
  env(url: string): Record<string, string>;
  /** What of the first answer the second request must carry back: its reasoning, or its thinking. */
  carriesBack?(body: Record<string, unknown>): unknown;
}

type Body = Record<string, unknown>;
/** The assistant turn of a Messages body, as sent back: it starts with the thinking block it came with. */
const thinkingCarried = (body: Body) =>
  (body.messages as Array<{ role: string; content: Array<{ type: string }> }>)[1]?.content[0]?.type;

/** The four ways Margin reaches a model, each with a current model. */
const ROUTES: Route[] = [
  {
    name: "OpenAI Responses",
    provider: "openai",
    model: "gpt-6.2-sol",
    // The scripted server stands in for OpenAI itself, as a proxy in front of it would.
    env: (url) => ({ OPENAI_API_KEY: "sk-test-key", OPENAI_BASE_URL: url, MARGIN_OPENAI_SERVER: "openai" }),
    // Reasoning goes back as the encrypted item it came as (no state is kept at OpenAI).
    carriesBack: (body) =>
      (body.input as Array<{ type?: string; encrypted_content?: string }>).find(
        (item) => item.type === "reasoning",
      )?.encrypted_content !== undefined,
  },
  {
    name: "OpenAI Chat Completions",
    provider: "openai",
    model: "gpt-6-luna",
    env: (url) => ({
      OPENAI_API_KEY: "sk-test-key",
      OPENAI_BASE_URL: url,
      MARGIN_OPENAI_SERVER: "openai",
      MARGIN_OPENAI_API: "chat",
    }),
  },
  {
    name: "Anthropic Messages",
    provider: "anthropic",
    model: "claude-sonnet-5-5",
    env: (url) => ({ ANTHROPIC_API_KEY: "sk-ant-test-key", ANTHROPIC_BASE_URL: url }),
    carriesBack: (body) => thinkingCarried(body) === "thinking",
  },
  {
    name: "Anthropic on Bedrock",
    provider: "bedrock",
    model: "global.anthropic.claude-sonnet-5-5",
    env: (url) => ({ ANTHROPIC_BEDROCK_BASE_URL: url, BEDROCK_REGION: "us-east-1" }),
    carriesBack: (body) => thinkingCarried(body) === "thinking",
  },
];

/** A first turn whose comment is refused (its quote is not in the block), then a finish. */
const TWO_TURNS = [
  turn([
    ["comment_on_block", { block: "b1", quote: "words that are not there", severity: "minor", comment: "?" }],
  ]),
  turn([["finish_review", { summary: "**Verdict:** ready." }]]),
];

let restoreAws: () => void;
beforeAll(() => {
  restoreAws = withAwsCredentials();
});
afterAll(() => restoreAws());

describe.each(ROUTES)("every library reviewer through $name", (route) => {
  const library = readPromptLibrary(LIBRARY_FOLDER).library;
  let notion: NotionEmulator;
  let model: ScriptedModelServer;
  beforeAll(async () => {
    notion = await startWorkspace(libraryWorkspace());
    model = await startScriptedModelServer({ provider: route.provider });
  });
  afterAll(async () => {
    await Promise.all([notion?.close(), model?.close()]);
  });

  it.each(sampleDocuments().map((sample) => [sample.reviewer, sample] as const))(
    "%s: the provider accepts both requests of a two-turn review",
    async (reviewer, sample) => {
      const prompt = library.prompts.find((entry) => basename(entry.path, ".md") === reviewer)!.value;
      model.reset(TWO_TURNS);

      const run = await runMargin(["review", sample.pageId, "--prompt", prompt.title, "--dry-run"], {
        NOTION_TOKEN: LIBRARY_TOKEN,
        NOTION_BASE_URL: notion.url,
        MARGIN_PROMPTS_DATABASE: idFor("prompts"),
        MARGIN_NOTION_REQUESTS_PER_MINUTE: "100000",
        MARGIN_PROVIDER: route.provider,
        MARGIN_MODEL: route.model,
        ...route.env(model.url),
      });

      expect(run.code, run.stderr).toBe(0);
      expect(model.requests.map((request) => request.rejected)).toEqual([undefined, undefined]);
      if (route.carriesBack) expect(route.carriesBack(model.requests[1]!.body)).toBe(true);
      if (route.provider === "openai") {
        expect(model.requests[0]!.body.prompt_cache_key).toBe(
          `margin-${idFor(`prompt:${reviewer}`).replaceAll("-", "")}-review`,
        );
      }
      expect(run.stdout).toContain("**Verdict:** ready.");
    },
  );
});

/** Settings beyond the library's defaults, each on a model of the route that takes it. */
const TAKEN: Array<
  [route: string, model: string, settings: Partial<Record<PromptSettingKey, PromptSettingValue>>]
> = [
  ["OpenAI Responses", "gpt-6.2-sol", { reasoningEffort: "high" }],
  ["OpenAI Responses", "gpt-6-luna", { reasoningEffort: "none", temperature: 0.4 }],
  ["OpenAI Chat Completions", "gpt-6-luna", { reasoningEffort: "none", temperature: 0.4 }],
  ["OpenAI Chat Completions", "gpt-5.2", { reasoningEffort: "high" }],
  ["OpenAI Chat Completions", "gpt-4.1", { temperature: 1.2 }],
  ["Anthropic Messages", "claude-sonnet-5-5", { reasoningEffort: "xhigh" }],
  ["Anthropic Messages", "claude-haiku-4-5", { replyInThreads: false, summary: "off" }],
  ["Anthropic on Bedrock", "global.anthropic.claude-opus-5-5", { reasoningEffort: "low" }],
  ["Anthropic on Bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0", { temperature: 0.5 }],
];

/** Settings a model cannot take, and the words that say so. */
const REFUSED: Array<
  [
    route: string,
    model: string,
    settings: Partial<Record<PromptSettingKey, PromptSettingValue>>,
    message: string,
  ]
> = [
  [
    "Anthropic Messages",
    "claude-sonnet-5-5",
    { temperature: 0.2 },
    "Temperature is 0.2, but Anthropic's API (version 2026-10-21) takes no temperature for any model: clear Temperature.",
  ],
  [
    "Anthropic on Bedrock",
    "global.anthropic.claude-sonnet-5-5",
    { temperature: 0.2 },
    "Temperature is 0.2, but global.anthropic.claude-sonnet-5-5 takes no temperature",
  ],
  [
    "Anthropic Messages",
    "claude-haiku-4-5",
    { reasoningEffort: "high" },
    "Reasoning effort is high, but claude-haiku-4-5 (Claude Haiku 4.5) takes no reasoning effort: clear Reasoning effort.",
  ],
  [
    "OpenAI Responses",
    "gpt-6.2-sol",
    { temperature: 0.7 },
    "Temperature is 0.7, but gpt-6.2-sol is a reasoning model and takes only its default temperature: clear Temperature.",
  ],
  [
    "OpenAI Responses",
    "gpt-6.2-sol",
    { reasoningEffort: "none" },
    "Reasoning effort is none, but gpt-6.2-sol (OpenAI gpt-6.2) takes low, medium, high, xhigh, max",
  ],
  [
    "OpenAI Chat Completions",
    "gpt-6-luna",
    { reasoningEffort: "high" },
    "over Chat Completions gpt-6-luna takes tools only with effort none: clear Reasoning effort, or reach it through the Responses API (MARGIN_OPENAI_API=responses).",
  ],
  [
    "OpenAI Chat Completions",
    "gpt-6-luna",
    { temperature: 0.2, reasoningEffort: "low" },
    "gpt-6-luna takes a temperature only with Reasoning effort none: clear Temperature, or set Reasoning effort to none.",
  ],
];

describe("prompt settings and models", () => {
  let world: ReviewWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  const routeNamed = (name: string) => ROUTES.find((route) => route.name === name)!;
  const start = (route: Route, settings: Partial<Record<PromptSettingKey, PromptSettingValue>>) =>
    ReviewWorld.start({ provider: route.provider, settings, script: TWO_TURNS });
  const review = (world: ReviewWorld, route: Route, model: string) =>
    world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env({ MARGIN_PROVIDER: route.provider, MARGIN_MODEL: model, ...route.env(world.model.url) }),
    );

  it.each(TAKEN)("%s %s takes %j", async (name, model, settings) => {
    const route = routeNamed(name);
    world = await start(route, settings);

    const run = await review(world, route, model);

    expect(run.code, run.stderr).toBe(0);
    expect(world.model.requests.map((request) => request.rejected)).toEqual([undefined, undefined]);
  });

  it.each(REFUSED)(
    "%s %s: %j is reported before any model request",
    async (name, model, settings, message) => {
      const route = routeNamed(name);
      world = await start(route, settings);

      const run = await review(world, route, model);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Prompt "RFC Reviewer" cannot run on ${route.provider} ${model}:`);
      expect(run.stderr).toContain(message);
      expect(world.model.requests).toEqual([]);
      expect(world.botComments()).toEqual([]);
    },
  );

  it("says to use the Responses API for a model that takes tools only there", async () => {
    const route = routeNamed("OpenAI Chat Completions");
    world = await start(route, {});

    const run = await review(world, route, "gpt-6.2-sol");

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "gpt-6.2-sol takes function tools only through the Responses API, not Chat Completions: set MARGIN_OPENAI_API=responses",
    );
    expect(world.model.requests).toEqual([]);
  });

  it("refuses a Claude model for OpenAI itself, naming both providers", async () => {
    const route = routeNamed("OpenAI Responses");
    world = await start(route, {});

    const run = await review(world, route, "claude-sonnet-5-5");

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Model "claude-sonnet-5-5" is an Anthropic model, but the provider is openai: set Model to an OpenAI model (such as gpt-6.2-sol), or Provider to anthropic or bedrock.',
    );
    expect(world.model.requests).toEqual([]);
  });

  it("refuses a model of another provider, naming both", async () => {
    world = await ReviewWorld.start({ provider: "anthropic", settings: { model: "gpt-6-luna" } });

    const run = await world.margin(["review", world.pageId, "--prompt", "RFC Reviewer"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Model "gpt-6-luna" is an OpenAI model, but the provider is anthropic: set Model to an Anthropic model (such as claude-sonnet-5-5), or Provider to openai.',
    );
    expect(world.model.requests).toEqual([]);
  });

  it("sends Anthropic's default model for --provider anthropic without --model", async () => {
    world = await ReviewWorld.start({ provider: "openai", script: [] });
    const anthropic = await startScriptedModelServer({ provider: "anthropic", script: TWO_TURNS });
    try {
      const run = await world.margin(
        ["review", world.pageId, "--prompt", "RFC Reviewer", "--provider", "anthropic"],
        world.env({ ANTHROPIC_API_KEY: "sk-ant-test-key", ANTHROPIC_BASE_URL: anthropic.url }),
      );

      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('Prompt "RFC Reviewer" loaded (anthropic claude-sonnet-5-5).');
      expect(anthropic.requests[0]!.body.model).toBe("claude-sonnet-5-5");
      expect(world.model.requests).toEqual([]);
    } finally {
      await anthropic.close();
    }
  });
});
