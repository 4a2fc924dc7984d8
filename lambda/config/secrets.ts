/**
 * Where secrets come from: SSM Parameter Store in AWS (SecureString, decrypted, cached by Powertools
 * Parameters), the environment locally. Callers ask by name and never hold more than they need; secrets
 * never go into logs, errors or model input.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { ConfigurationError } from "../errors.ts";

export type SecretName =
  | "notionToken"
  | "openaiApiKey"
  | "anthropicApiKey"
  | "webhookSecret"
  | "notionWebhookToken";

export interface Secrets {
  /** The secret's value; undefined when it is not configured. */
  get(name: SecretName): Promise<string | undefined>;
  /** Stores a secret: the operator confirming the key Notion's events are signed with. */
  put?(name: SecretName, value: string): Promise<void>;
  /** Where the secret is set, for messages: a variable or a parameter name, never the value. */
  where(name: SecretName): string;
  /** Every secret value this process holds, so what it writes can be checked for them. */
  known(): string[];
}

const SECRET_NAMES: SecretName[] = [
  "notionToken",
  "openaiApiKey",
  "anthropicApiKey",
  "webhookSecret",
  "notionWebhookToken",
];

/** What each secret is and where to get it, for the message that asks for it. */
export const SECRET_PURPOSES: Record<SecretName, string> = {
  notionToken:
    "the token of your Notion connection (on its Configuration tab at https://www.notion.so/developers/connections)",
  openaiApiKey: "your OpenAI API key (https://platform.openai.com/api-keys)",
  anthropicApiKey:
    "your Anthropic API key (in the Claude Console, https://platform.claude.com: Settings → API keys)",
  webhookSecret:
    "a long random string you choose, which the Notion automation sends as Authorization: Bearer <it> (make one with: openssl rand -hex 32)",
  notionWebhookToken:
    "the verification token Notion sends when the connection's webhook is created (confirm it with margin events)",
};

const ENVIRONMENT_NAMES: Record<SecretName, string> = {
  notionToken: "NOTION_TOKEN",
  openaiApiKey: "OPENAI_API_KEY",
  anthropicApiKey: "ANTHROPIC_API_KEY",
  webhookSecret: "MARGIN_WEBHOOK_SECRET",
  notionWebhookToken: "NOTION_WEBHOOK_TOKEN",
};

/**
 * Secrets from environment variables, for the command line and `margin serve`; a secret may also have a
 * file (the events key an operator confirmed locally), which the variable wins over.
 */
export class EnvironmentSecrets implements Secrets {
  /** Values read from files so far, for `known()`. */
  private readonly fromFiles = new Set<string>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly files: Partial<Record<SecretName, string>> = {},
  ) {}

  async get(name: SecretName): Promise<string | undefined> {
    const value = this.env[ENVIRONMENT_NAMES[name]]?.trim();
    if (value) return value;
    const file = this.files[name];
    if (!file) return undefined;
    try {
      const stored = (await readFile(file, "utf8")).trim();
      if (stored) this.fromFiles.add(stored);
      return stored || undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** Writes the secret's file, readable by its owner only; without a file, this process's environment. */
  async put(name: SecretName, value: string): Promise<void> {
    const file = this.files[name];
    if (!file) {
      this.env[ENVIRONMENT_NAMES[name]] = value;
      return;
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    this.fromFiles.add(value);
  }

  where(name: SecretName): string {
    const file = this.files[name];
    return file ? `${ENVIRONMENT_NAMES[name]} or ${file}` : ENVIRONMENT_NAMES[name];
  }

  known(): string[] {
    return [
      ...SECRET_NAMES.flatMap((name) => {
        const value = this.env[ENVIRONMENT_NAMES[name]]?.trim();
        return value ? [value] : [];
      }),
      ...this.fromFiles,
    ];
  }
}

export interface SsmSecretsOptions {
  /** Parameter name for each secret; a secret without one is not configured. */
  parameters: Partial<Record<SecretName, string>>;
  /** How long a value is cached (default five minutes). */
  maxAgeSeconds?: number;
  /** A different SSM endpoint (tests run against a local one). */
  endpoint?: string;
  region?: string;
}

/** The Powertools SSM provider, for SSM itself or a local endpoint (tests). */
export function ssmProvider(options: { endpoint?: string; region?: string }): SSMProvider {
  return new SSMProvider({
    clientConfig: options.endpoint
      ? {
          endpoint: options.endpoint,
          region: options.region ?? "us-east-1",
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : { region: options.region },
  });
}

/** Secrets from SSM Parameter Store, read with Powertools Parameters: decrypted, and cached per container. */
export class SsmSecrets implements Secrets {
  readonly provider: SSMProvider;
  /** Values read so far: a function holds only the parameters its role may read. */
  private readonly held = new Set<string>();

  constructor(private readonly options: SsmSecretsOptions) {
    this.provider = ssmProvider(options);
  }

  async get(name: SecretName): Promise<string | undefined> {
    const parameter = this.options.parameters[name];
    if (!parameter) return undefined;
    try {
      const value = await this.provider.get(parameter, {
        decrypt: true,
        maxAge: this.options.maxAgeSeconds ?? 300,
      });
      if (typeof value !== "string" || !value.trim()) return undefined;
      this.held.add(value.trim());
      return value.trim();
    } catch (error) {
      // A secret not set yet (the Notion webhook token before verification) is simply not configured.
      if ((error as { cause?: { name?: string } }).cause?.name === "ParameterNotFound") return undefined;
      // The parameter's name is configuration, not a secret: saying which one is missing helps the operator.
      throw new ConfigurationError(
        `Cannot read the SSM parameter ${parameter}: ${(error as Error).name}. Create it with aws ssm put-parameter, or check the function's permissions.`,
        { cause: error },
      );
    }
  }

  where(name: SecretName): string {
    const parameter = this.options.parameters[name];
    return parameter ? `the SSM parameter ${parameter}` : `an SSM parameter for ${name} (none is configured)`;
  }

  known(): string[] {
    return [...this.held];
  }

  async put(name: SecretName, value: string): Promise<void> {
    this.held.add(value.trim());
    const parameter = this.options.parameters[name];
    if (!parameter) throw new ConfigurationError(`No SSM parameter is configured for ${name}.`);
    await this.provider.set(parameter, { value, overwrite: true, parameterType: "SecureString" });
    this.provider.clearCache();
  }
}

/** A secret that must be there. */
export async function requireSecret(secrets: Secrets, name: SecretName): Promise<string> {
  const value = await secrets.get(name);
  if (!value) throw new ConfigurationError(`Set ${secrets.where(name)}: ${SECRET_PURPOSES[name]}.`);
  return value;
}
