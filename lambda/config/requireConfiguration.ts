/**
 * What a command needs, checked before it does any work: every malformed value, every missing setting and
 * every missing secret, said at once, each with where to get it, so one edit of `.env` fixes them all
 * (rather than a run that fails on the first, a fix, a run that fails on the next).
 */
import { ConfigurationError } from "../errors.ts";
import { DEFAULT_PROVIDER, type ProviderName } from "../review/prompt/reviewSettings.ts";
import { configurationMessage, type MarginConfig, missingSetting, parseConfig } from "./config.ts";
import { EnvironmentSecrets, SECRET_PURPOSES, type SecretName, type Secrets } from "./secrets.ts";

export interface ConfigurationNeeds {
  settings?: (keyof MarginConfig)[];
  secrets?: SecretName[];
  /**
   * The model's key: for this provider, or (when true) the one configured (MARGIN_PROVIDER, else the
   * default). A prompt that picks another provider has its key checked when the prompt is loaded.
   */
  modelKey?: ProviderName | true;
}

export async function requireConfiguration(
  env: NodeJS.ProcessEnv,
  needs: ConfigurationNeeds,
  secrets: Secrets = new EnvironmentSecrets(env),
): Promise<MarginConfig> {
  const { config, rest, problems } = parseConfig(env);
  for (const name of needs.settings ?? []) if (!env[name]?.trim()) problems.push(missingSetting(name));
  for (const name of needs.secrets ?? []) {
    if (!(await secrets.get(name))) problems.push(`Set ${secrets.where(name)}: ${SECRET_PURPOSES[name]}`);
  }
  if (needs.modelKey && rest) {
    const provider = needs.modelKey === true ? (rest.MARGIN_PROVIDER ?? DEFAULT_PROVIDER) : needs.modelKey;
    const key = modelKeyOf(provider, rest);
    if (key && !(await secrets.get(key))) {
      const which =
        needs.modelKey !== true
          ? ""
          : rest.MARGIN_PROVIDER
            ? ` (MARGIN_PROVIDER is ${provider})`
            : ` (${provider} is the default provider; set MARGIN_PROVIDER to use another)`;
      problems.push(`Set ${secrets.where(key)}: ${SECRET_PURPOSES[key]}${which}`);
    }
  }
  if (!config || problems.length > 0) throw new ConfigurationError(configurationMessage(problems));
  return config;
}

/**
 * The secret a provider needs: OpenAI's key (none for a local OpenAI-compatible server at OPENAI_BASE_URL),
 * Anthropic's key; Bedrock signs with the AWS credentials of the environment, which are not Margin's.
 */
export function modelKeyOf(provider: ProviderName, config: MarginConfig): SecretName | undefined {
  if (provider === "openai") return config.OPENAI_BASE_URL ? undefined : "openaiApiKey";
  if (provider === "anthropic") return "anthropicApiKey";
  return undefined;
}
