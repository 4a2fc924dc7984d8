/**
 * Configuration for the command line, from the environment (and `.env`), validated with zod. A missing or
 * malformed variable is one line that names it and says what to set.
 */
import { z } from "zod";
import { ConfigurationError } from "../errors.ts";
import { PROVIDERS } from "../prompt/reviewSettings.ts";

const url = (name: string) => z.url(`${name} should be a URL, such as http://127.0.0.1:4010`).optional();
const optionalText = z.string().trim().min(1).optional();

const envSchema = z.object({
  NOTION_TOKEN: optionalText,
  NOTION_BASE_URL: url("NOTION_BASE_URL"),
  MARGIN_PROMPTS_DATABASE: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: url("OPENAI_BASE_URL"),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: url("ANTHROPIC_BASE_URL"),
  MARGIN_PROVIDER: z.preprocess(
    (value) => (typeof value === "string" ? value.trim().toLowerCase() || undefined : value),
    z.enum(PROVIDERS, `MARGIN_PROVIDER should be ${PROVIDERS.join(" or ")}`).optional(),
  ),
  MARGIN_MODEL: optionalText,
  MARGIN_NOTION_RPS: z.coerce
    .number("MARGIN_NOTION_RPS should be a number of requests per second")
    .positive()
    .optional(),
  MARGIN_MAX_TURNS: z.coerce
    .number()
    .int("MARGIN_MAX_TURNS should be a whole number")
    .min(1)
    .max(10)
    .optional(),
});

export type CliEnvironment = z.infer<typeof envSchema>;

const HELP: Record<string, string> = {
  NOTION_TOKEN:
    "the token of your Notion integration (Settings → Connections → Develop or manage integrations)",
  MARGIN_PROMPTS_DATABASE: "the id or URL of your Prompts database in Notion",
};

/** Parses the environment; malformed values are refused, missing ones are checked where they are needed. */
export function readCliEnvironment(env: NodeJS.ProcessEnv): CliEnvironment {
  const blankless = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = envSchema.safeParse(blankless);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigurationError(`${issue.path.join(".")}: ${issue.message}.`);
  }
  return parsed.data;
}

/** The value of a variable that must be set for this command. */
export function requireSetting<K extends keyof CliEnvironment>(
  env: CliEnvironment,
  name: K,
): NonNullable<CliEnvironment[K]> {
  const value = env[name];
  if (value === undefined) {
    throw new ConfigurationError(`Set ${name}${HELP[name] ? `: ${HELP[name]}` : ""}.`);
  }
  return value as NonNullable<CliEnvironment[K]>;
}
