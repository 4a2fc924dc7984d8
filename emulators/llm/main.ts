/**
 * `npm run llm-fake -- --provider openai|anthropic|bedrock --port <p> --script <file.json> [--latency-ms <n>]
 *  [--behaviour one-call-per-turn,tool-calls-as-text,...] [--compatible]`
 *
 * Starts a scripted model server, prints `listening on <base URL for the SDK>` when ready, and serves
 * until killed. `--compatible` makes the OpenAI server behave as an OpenAI-compatible one (Ollama).
 */
import * as z from "zod";
import { parseFlags, readJsonFile, runIfMain, serveUntilStopped } from "../shared/commandLine.ts";
import { BEHAVIOURS, scriptSchema, startScriptedModelServer } from "./ScriptedModelServer.ts";

const flagsSchema = z.strictObject({
  provider: z.enum(["openai", "anthropic", "bedrock"], "should be openai, anthropic or bedrock"),
  port: z.coerce.number().int().min(0).max(65535).default(0),
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
  const script = scriptSchema.safeParse(file.value);
  if (!script.success) {
    console.error(`llm-fake: ${flags.script}: ${script.error.issues[0]!.message}`);
    return 2;
  }
  const server = await startScriptedModelServer({
    provider: flags.provider,
    port: flags.port,
    script: script.data,
    latencyMs: flags["latency-ms"],
    behaviours: flags.behaviour,
    compatible: flags.compatible,
  });
  serveUntilStopped(server.url, () => server.close());
  return undefined;
}

await runIfMain(import.meta.url, main);
