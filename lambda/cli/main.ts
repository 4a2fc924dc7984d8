/**
 * The `margin` command: parses the subcommand, runs it, and turns Margin's errors into one clear line and
 * an exit code (0 done, 1 the review did not complete, 2 bad usage or configuration).
 */
import { configurationMessage } from "../config/config.ts";
import { readDotEnv } from "../config/readDotEnv.ts";
import { closestTo } from "../didYouMean.ts";
import {
  ConfigurationError,
  InvalidInputError,
  MarginError,
  ProviderError,
  UnknownPromptError,
} from "../errors.ts";
import { type CliIo, processIo } from "./CliIo.ts";
import { demoCommand } from "./demoCommand.ts";
import { EVAL_USAGE, evalCommand } from "./evalCommand.ts";
import { EVENTS_USAGE, eventsCommand } from "./eventsCommand.ts";
import { PROMPTS_USAGE, promptsCommand } from "./promptsCommand.ts";
import { REVIEW_USAGE, reviewCommand } from "./reviewCommand.ts";
import { SERVE_USAGE, serveCommand } from "./serveCommand.ts";
import { STATS_USAGE, statsCommand } from "./statsCommand.ts";

const USAGE = `Usage:
  ${REVIEW_USAGE}
  ${SERVE_USAGE}
                     the webhook and the worker in one process, for local runs
  margin demo        review a sample RFC in a local Notion emulator (no Notion account needed)
  ${PROMPTS_USAGE}
                     check the prompt library, or keep it in step with the Prompts database in Notion
  ${EVAL_USAGE}
                     review the library's labelled documents and score each reviewer (prompts/eval/)
  ${EVENTS_USAGE}
                     list the verification tokens Notion sent, and confirm the one events are signed with
  ${STATS_USAGE}
                     what people did with each reviewer's comments: addressed, dismissed, answered, open

Configuration comes from the environment or a .env file: NOTION_TOKEN, NOTION_BASE_URL,
MARGIN_PROMPTS_DATABASE, OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL,
MARGIN_PROVIDER, MARGIN_MODEL; for serve also MARGIN_WEBHOOK_SECRET and MARGIN_DEFAULT_PROMPT.
`;

/** Each command's usage, for `margin <command> --help` and for an option it does not know. */
const COMMAND_USAGE: Record<string, string> = {
  review: REVIEW_USAGE,
  serve: SERVE_USAGE,
  demo: "margin demo",
  prompts: PROMPTS_USAGE,
  eval: EVAL_USAGE,
  events: EVENTS_USAGE,
  stats: STATS_USAGE,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const usage = command === undefined ? undefined : COMMAND_USAGE[command];
  if (usage && rest.some((arg) => arg === "--help" || arg === "-h")) {
    io.stdout(`Usage:\n  ${usage}\n`);
    return 0;
  }
  let env = io.env;
  try {
    const dotEnv = readDotEnv(io.cwd, io.env);
    env = dotEnv.env;
    // A .env line that does not parse is said with the rest of what a command finds missing or malformed
    // (review and serve check everything at once); the other commands say it first, on its own.
    if (dotEnv.problems.length > 0 && command !== "review" && command !== "serve")
      throw new ConfigurationError(configurationMessage(dotEnv.problems));
    const withEnv: CliIo = { ...io, env, dotEnvProblems: dotEnv.problems };
    switch (command) {
      case "review":
        return await reviewCommand(rest, withEnv);
      case "serve":
        return await serveCommand(rest, withEnv);
      case "demo":
        return await demoCommand(rest, withEnv);
      case "prompts":
        return await promptsCommand(rest, withEnv);
      case "events":
        return await eventsCommand(rest, withEnv);
      case "eval":
        return await evalCommand(rest, withEnv);
      case "stats":
        return await statsCommand(rest, withEnv);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default: {
        const closest = closestTo(command, Object.keys(COMMAND_USAGE));
        io.stderr(
          `margin: unknown command "${command}"${closest ? `: did you mean ${closest}?` : "."}\n${USAGE}`,
        );
        return 2;
      }
    }
  } catch (error) {
    return reportFailure(error, usage, { ...io, env });
  }
}

/** A command's failure in one line on stderr, and its exit code: 2 for usage or configuration, else 1. */
function reportFailure(error: unknown, usage: string | undefined, io: CliIo): number {
  if (
    error instanceof ConfigurationError ||
    error instanceof InvalidInputError ||
    error instanceof UnknownPromptError
  ) {
    io.stderr(`margin: ${error.message}\n`);
    return 2;
  }
  if (error instanceof ProviderError) {
    io.stderr(`margin: ${error.message}${error.transient ? " Try again in a moment." : ""}\n`);
    return 1;
  }
  if (error instanceof MarginError) {
    io.stderr(`margin: ${error.message}\n`);
    return 1;
  }
  if (error instanceof TypeError && /Unknown option|Unexpected argument/.test(error.message)) {
    io.stderr(`margin: ${unknownOption(error.message, usage)}\nUsage:\n  ${usage ?? USAGE}\n`);
    return 2;
  }
  // The AWS SDK without a region or credentials (margin stats or events against AWS): set-up, not a bug.
  const awsSetup = awsSetupProblem(error);
  if (awsSetup) {
    io.stderr(`margin: ${awsSetup}\n`);
    return 2;
  }
  // Not one of Margin's own errors: say what it was; the stack only on request.
  io.stderr(`margin: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (io.env.MARGIN_DEBUG) io.stderr(`${error instanceof Error ? error.stack : ""}\n`);
  else io.stderr("Run again with MARGIN_DEBUG=1 to see where it happened.\n");
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}

/** The AWS SDK's missing region or credentials, however deep in the causes (Powertools wraps them). */
function awsSetupProblem(error: unknown): string | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.message === "Region is missing")
      return "AWS needs a region for the parameters and tables in AWS: set AWS_REGION (or AWS_PROFILE with a region).";
    if (cause.name === "CredentialsProviderError")
      return `AWS credentials are missing (${cause.message.replace(/\.$/, "")}): run aws configure, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`;
  }
  return undefined;
}

/**
 * Node's "Unknown option '--dryrun'" (whose advice to write `-- "--dryrun"` helps nobody here), said with the
 * closest option the command has.
 */
function unknownOption(message: string, usage: string | undefined): string {
  const given = /Unknown option '(--?[^']+)'/.exec(message)?.[1];
  if (!given || !usage) return message.split(". ")[0]!;
  const known = [...new Set(usage.match(/--[a-z][a-z-]*/g) ?? [])];
  const closest = closestTo(`--${given.replace(/^-+/, "")}`, known);
  return `unknown option ${given}${closest ? `: did you mean ${closest}?` : "."}`;
}
