/**
 * Runs one of the project's servers as its own process (as `npm run ...` would) and waits for the
 * `listening on <url>` line it prints when ready.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

export interface SpawnedServer {
  url: string;
  process: ChildProcess;
  /** Resolves once the server has logged (on stderr, since it started) `count` lines containing `text`. */
  logged(text: string, count?: number): Promise<void>;
  /** What it has logged on stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point with tsx, or a `.js` one with node, from the repository root. */
export function runScript(
  script: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): { child: ChildProcess; finished: Promise<Finished> } {
  const command = script.endsWith(".js")
    ? [resolve(root, script)]
    : [resolve(root, "node_modules/tsx/dist/cli.mjs"), resolve(root, script)];
  const child = spawn(process.execPath, [...command, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: env ? { PATH: process.env.PATH, ...env } : process.env,
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const finished = once(child, "exit").then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, finished };
}

export async function spawnServer(
  script: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<SpawnedServer> {
  const { child, finished } = runScript(script, args, env);
  let stderr = "";
  const waiting: Array<{ text: string; count: number; resolve: () => void }> = [];
  const seen = (text: string) => stderr.split(text).length - 1;
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
    for (const wait of [...waiting]) {
      if (seen(wait.text) < wait.count) continue;
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve();
    }
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let buffered = "";
    child.stdout!.on("data", (chunk) => {
      buffered += chunk;
      const match = /listening on (\S+)/.exec(buffered);
      if (match) resolveUrl(match[1]!);
    });
    void finished.then((result) =>
      reject(new Error(`${script} exited with ${result.code}: ${result.stderr}`)),
    );
  });
  return {
    url,
    process: child,
    logged: (text, count = 1) =>
      seen(text) >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiting.push({ text, count, resolve })),
    output: () => stderr,
    async stop() {
      child.kill("SIGTERM");
      await finished;
    },
  };
}
