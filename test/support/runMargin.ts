/**
 * Runs the `margin` command in this process, as a person would from a shell, and gives back its exit code
 * and what it wrote to stdout and stderr.
 */
import { runCli } from "../../lambda/cli/main.ts";

export interface MarginRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `cwd` defaults to a folder that does not exist, so no `.env` file of the machine leaks in. */
export async function runMargin(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = "/nonexistent-margin-test-dir",
): Promise<MarginRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd,
  });
  return { code, stdout, stderr };
}
