/**
 * What a command needs, checked before it does any work: every malformed value, every missing setting and
 * every missing secret, said at once, each with where to get it, so one edit of `.env` fixes them all
 * (rather than a run that fails on the first, a fix, a run that fails on the next).
 */
import { ConfigurationError } from "../errors.ts";
import { isCompatibleServer } from "../llm/modelCapabilities.ts";
import type { ProviderName } from "../review/prompt/reviewSettings.ts";
import { configurationMessage, type MarginConfig, missingSetting, parseConfig } from "./config.ts";
import { EnvironmentSecrets, SECRET_PURPOSES, type SecretName, type Secrets } from "./secrets.ts";

export interface ConfigurationNeeds {
  settings?: (keyof MarginConfig)[];
  secrets?: SecretName[];
  /**
   * The model's key: for this provider, or (when true) for MARGIN_PROVIDER's when it is set. Without either
   * the provider is the prompt's to say, and its key is checked once the prompt is loaded (before the page is
   * read): demanding the default provider's key here could demand one no reviewer uses.
   */
  modelKey?: ProviderName | true;
  /** Problems found before (the `.env` file's lines), said first with the rest. */
  earlier?: string[];
}

/** Settings that decide which key the model needs: when one is malformed, which key is not known. */
const DECIDE_THE_KEY = ["MARGIN_PROVIDER", "OPENAI_BASE_URL", "MARGIN_OPENAI_SERVER"];

export async function requireConfiguration(
  env: NodeJS.ProcessEnv,
  needs: ConfigurationNeeds,
  secretsOf: (config: MarginConfig) => Secrets = () => new EnvironmentSecrets(env),
): Promise<MarginConfig> {
  const parsed = parseConfig(env);
  const { config, rest, malformed } = parsed;
  const problems = [...(needs.earlier ?? []), ...parsed.problems];
  const secrets = config ? secretsOf(config) : new EnvironmentSecrets(env);
  for (const name of needs.settings ?? []) if (!env[name]?.trim()) problems.push(missingSetting(name));
  for (const name of needs.secrets ?? []) {
    if (!(await secrets.get(name))) problems.push(`Set ${secrets.where(name)}: ${SECRET_PURPOSES[name]}`);
  }
  const provider = needs.modelKey === true ? rest?.MARGIN_PROVIDER : needs.modelKey;
  if (provider && rest && !DECIDE_THE_KEY.some((name) => malformed.has(name))) {
    const key = modelKeyOf(provider, rest);
    if (key && !(await secrets.get(key))) {
      const which = needs.modelKey === true ? ` (MARGIN_PROVIDER is ${provider})` : "";
      problems.push(`Set ${secrets.where(key)}: ${SECRET_PURPOSES[key]}${which}`);
    }
  }
  if (!config || problems.length > 0) throw new ConfigurationError(configurationMessage(problems));
  return config;
}

/**
 * The secret a provider needs: OpenAI's key (none for a local OpenAI-compatible server at OPENAI_BASE_URL;
 * a proxy in front of OpenAI itself needs it), Anthropic's key; Bedrock signs with the AWS credentials of the
 * environment, which are not Margin's.
 */
export function modelKeyOf(provider: ProviderName, config: MarginConfig): SecretName | undefined {
  if (provider === "openai")
    return isCompatibleServer(config.OPENAI_BASE_URL, config.MARGIN_OPENAI_SERVER)
      ? undefined
      : "openaiApiKey";
  if (provider === "anthropic") return "anthropicApiKey";
  return undefined;
}
