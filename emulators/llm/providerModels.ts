/**
 * What the real providers say about their models, as the scripted servers need it to answer like them:
 * which model names exist, what each takes, and its limits. Written from the providers' documentation and
 * public error reports (see `../shared/provider-api-facts.md`), on purpose apart from Margin's own
 * capability table (`lambda/llm/modelCapabilities.ts`), which must never be imported here: a test double
 * that shares the product's beliefs would agree with its mistakes.
 */

export interface OpenAiModel {
  /** A reasoning model: no `max_tokens`, sampling only at the default unless effort is `none`. */
  reasoning: boolean;
  /** Reasoning effort words the model takes, and the one it uses when the request names none. */
  efforts: string[];
  defaultEffort?: string;
  /** o-series: `temperature` and `parallel_tool_calls` are unsupported parameters outright. */
  oSeries: boolean;
  /**
   * Function tools over Chat Completions: accepted, only with effort `none` (gpt-5.4 and later), or not at
   * all (models without `none`).
   */
  chatTools: "yes" | "effort-none" | "no";
  /** Reports and bills cache writes (the gpt-5.6 family on). */
  cacheWrites: boolean;
  maxOutputTokens: number;
}

const LOW_MAX = ["low", "medium", "high", "xhigh", "max"];
const NONE_MAX = ["none", ...LOW_MAX];
const NONE_XHIGH = ["none", "low", "medium", "high", "xhigh"];

const reasoning = (
  efforts: string[],
  defaultEffort: string,
  rest: Partial<OpenAiModel> = {},
): OpenAiModel => ({
  reasoning: true,
  efforts,
  defaultEffort,
  oSeries: false,
  chatTools: efforts.includes("none") ? "effort-none" : "no",
  cacheWrites: true,
  maxOutputTokens: 128_000,
  ...rest,
});

/** By name prefix; the longest prefix that matches wins. */
const OPENAI_MODELS: Array<[string, OpenAiModel]> = [
  ["gpt-6.2-astra", reasoning(LOW_MAX, "medium")],
  ["gpt-6.2-sol", reasoning(LOW_MAX, "medium")],
  ["gpt-6.1-sol", reasoning(LOW_MAX, "medium")],
  ["gpt-6.1-terra", reasoning(NONE_MAX, "medium")],
  ["gpt-6-astra", reasoning(LOW_MAX, "medium")],
  ["gpt-6-sol", reasoning(NONE_MAX, "medium")],
  ["gpt-6-luna", reasoning(NONE_MAX, "medium")],
  ["gpt-5.6", reasoning(NONE_MAX, "medium")],
  ["gpt-5.5", reasoning(NONE_XHIGH, "medium", { cacheWrites: false })],
  ["gpt-5.4", reasoning(NONE_XHIGH, "medium", { cacheWrites: false })],
  ["gpt-5.3", reasoning(NONE_XHIGH, "none", { chatTools: "yes", cacheWrites: false })],
  ["gpt-5.2", reasoning(NONE_XHIGH, "none", { chatTools: "yes", cacheWrites: false })],
  ["gpt-5.1", reasoning(["none", "low", "medium", "high"], "none", { chatTools: "yes", cacheWrites: false })],
  [
    "gpt-5",
    reasoning(["minimal", "low", "medium", "high"], "medium", { chatTools: "yes", cacheWrites: false }),
  ],
  ...["o1", "o3", "o3-mini", "o4-mini"].map((name): [string, OpenAiModel] => [
    name,
    reasoning(["low", "medium", "high"], "medium", {
      oSeries: true,
      chatTools: "yes",
      cacheWrites: false,
      maxOutputTokens: 100_000,
    }),
  ]),
  [
    "gpt-4.1",
    {
      reasoning: false,
      efforts: [],
      oSeries: false,
      chatTools: "yes",
      cacheWrites: false,
      maxOutputTokens: 32_768,
    },
  ],
  [
    "gpt-4o",
    {
      reasoning: false,
      efforts: [],
      oSeries: false,
      chatTools: "yes",
      cacheWrites: false,
      maxOutputTokens: 16_384,
    },
  ],
];

export function openAiModel(name: string): OpenAiModel | undefined {
  // A family name, or one of its variants and snapshots ("gpt-5-mini", "gpt-4o-2024-08-06"); "gpt-5.7" is
  // no variant of "gpt-5": OpenAI answers 404 to a model it does not serve.
  const matches = OPENAI_MODELS.filter(([prefix]) => name === prefix || name.startsWith(`${prefix}-`));
  return matches.sort((a, b) => b[0].length - a[0].length)[0]?.[1];
}

export interface ClaudeModel {
  maxOutputTokens: number;
  /** `output_config.effort` values; empty: "This model does not support the effort parameter." */
  efforts: string[];
  /** Answers 400 to `tool_choice` `any` or `tool`, whatever the thinking setting. */
  rejectsForcedToolChoice: boolean;
  /** Thinks by default (adaptive thinking): answers start with a thinking block unless a tool is forced. */
  thinksByDefault: boolean;
  /** Shortest prefix that can be cached, in tokens. */
  minimumCacheableTokens: number;
  /** Takes `temperature` in a Bedrock body of version bedrock-2023-05-31 (models before Opus 4.7). */
  samplingOnBedrock: boolean;
  /** Accepts the 2026-10-21 version in a Bedrock body (Claude 4.7 and later). */
  newVersionOnBedrock: boolean;
}

const CLAUDE_5: ClaudeModel = {
  maxOutputTokens: 128_000,
  efforts: ["low", "medium", "high", "xhigh", "max"],
  rejectsForcedToolChoice: false,
  thinksByDefault: true,
  minimumCacheableTokens: 512,
  samplingOnBedrock: false,
  newVersionOnBedrock: true,
};
const CLAUDE_4_5: ClaudeModel = {
  maxOutputTokens: 64_000,
  efforts: [],
  rejectsForcedToolChoice: false,
  thinksByDefault: false,
  minimumCacheableTokens: 4_096,
  samplingOnBedrock: true,
  newVersionOnBedrock: false,
};

/** Model ids of the Claude API (aliases and dated ids). Sonnet 4.5 retired on 2026-11-30. */
const CLAUDE_MODELS: Record<string, ClaudeModel> = {
  "claude-fable-5-2": { ...CLAUDE_5, rejectsForcedToolChoice: true },
  "claude-fable-5-1": { ...CLAUDE_5, rejectsForcedToolChoice: true },
  "claude-opus-5-5": { ...CLAUDE_5, rejectsForcedToolChoice: true },
  "claude-sonnet-5-5": { ...CLAUDE_5, rejectsForcedToolChoice: true },
  "claude-haiku-5-5": CLAUDE_5,
  "claude-opus-5": CLAUDE_5,
  "claude-sonnet-5": { ...CLAUDE_5, minimumCacheableTokens: 1_024 },
  "claude-opus-4-8": { ...CLAUDE_5, minimumCacheableTokens: 1_024 },
  "claude-opus-4-7": { ...CLAUDE_5, minimumCacheableTokens: 2_048 },
  "claude-opus-4-6": {
    ...CLAUDE_5,
    efforts: ["low", "medium", "high", "max"],
    thinksByDefault: false,
    minimumCacheableTokens: 4_096,
    samplingOnBedrock: true,
    newVersionOnBedrock: false,
  },
  "claude-sonnet-4-6": {
    ...CLAUDE_5,
    efforts: ["low", "medium", "high", "max"],
    thinksByDefault: false,
    minimumCacheableTokens: 1_024,
    samplingOnBedrock: true,
    newVersionOnBedrock: false,
  },
  "claude-opus-4-5": { ...CLAUDE_4_5, efforts: ["low", "medium", "high"] },
  "claude-opus-4-5-20251101": { ...CLAUDE_4_5, efforts: ["low", "medium", "high"] },
  "claude-haiku-4-5": CLAUDE_4_5,
  "claude-haiku-4-5-20251001": CLAUDE_4_5,
};

export function claudeModel(id: string): ClaudeModel | undefined {
  return CLAUDE_MODELS[id];
}

/**
 * A Bedrock model id (`anthropic.claude-sonnet-5-5`, `global.anthropic.claude-sonnet-5-5`,
 * `us.anthropic.claude-haiku-4-5-20251001-v1:0`) as the Claude API id it serves, or undefined.
 */
export function claudeModelOnBedrock(modelId: string): { id: string; model: ClaudeModel } | undefined {
  const match = /^(?:(?:global|us|eu|apac|jp|au)\.)?anthropic\.(claude-[a-z0-9-]+?)(?:-v\d+:\d+)?$/.exec(
    modelId,
  );
  if (!match) return undefined;
  const model = CLAUDE_MODELS[match[1]!];
  return model ? { id: match[1]!, model } : undefined;
}
