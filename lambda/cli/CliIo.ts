/**
 * Where a command reads its environment and writes its output; the real process in `bin/margin.js`,
 * buffers in tests.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Lines of the `.env` file that are not NAME=value, for the command to say with its own checks. */
  dotEnvProblems?: string[];
  /** stderr is a terminal (progress is one live line there), and its width. */
  terminal?: { columns: number };
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    terminal: process.stderr.isTTY ? { columns: process.stderr.columns || 100 } : undefined,
  };
}
