/**
 * `npm run llm-fake -- --provider openai|anthropic|bedrock --port <p> --script <file.json> [--latency-ms <n>]
 *  [--behaviour one-call-per-turn,tool-calls-as-text,...] [--compatible true]`
 *
 * Checks the script (a mistake is one line naming the entry, and exit code 2, before anything listens),
 * starts a scripted model server, prints `listening on <base URL for the SDK>` when ready, and serves
 * until killed. `--compatible true` makes the OpenAI server behave as an OpenAI-compatible one (Ollama).
 */
import * as z from "zod";
import { parseFlags, portFlag, readJsonFile, runIfMain, serveUntilStopped } from "../shared/commandLine.ts";
import { BEHAVIOURS, startScriptedModelServer } from "./ScriptedModelServer.ts";
import { parseScript, type ScriptEntry, ScriptError } from "./scriptSchema.ts";

const flagsSchema = z.strictObject({
  provider: z.enum(["openai", "anthropic", "bedrock"], "should be openai, anthropic or bedrock"),
  port: portFlag,
  script: z.string().optional(),
  "latency-ms": z.coerce.number().min(0).optional(),
  behaviour: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(BEHAVIOURS, `should be among ${BEHAVIOURS.join(", ")}`)))
    .optional(),
  compatible: z.preprocess((value) => value === true || value === "true", z.boolean()).optional(),
});

/** Returns an exit code when it stops at once, undefined while serving. */
export async function main(argv: string[]): Promise<number | undefined> {
  const flags = parseFlags("llm-fake", argv, flagsSchema);
  if (!flags) return 2;
  const file = flags.script ? await readJsonFile("llm-fake", "script", flags.script) : { value: [] };
  if (!file) return 2;
  let script: ScriptEntry[];
  try {
    script = parseScript(file.value);
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    console.error(`llm-fake: ${flags.script}${error.where ? ` ${error.where}` : ""}: ${error.problem}`);
    return 2;
  }
  return serveUntilStopped("llm-fake", flags.port, () =>
    startScriptedModelServer({
      provider: flags.provider,
      port: flags.port,
      script,
      latencyMs: flags["latency-ms"],
      behaviours: flags.behaviour,
      compatible: flags.compatible,
    }),
  );
}

await runIfMain(import.meta.url, main);
