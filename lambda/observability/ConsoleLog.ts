/**
 * Readable log lines for `margin serve`: time, message, then the fields as key=value.
 */
import type { Log } from "./Log.ts";

export function consoleLog(write: (line: string) => void, clock: () => Date = () => new Date()): Log {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const time = clock().toISOString().slice(11, 19);
    const details = Object.entries(fields ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    write(
      `${time} ${level === "info" ? "" : `${level.toUpperCase()} `}${message}${details ? `  ${details}` : ""}\n`,
    );
  };
  return { debug: () => {}, info: line("info"), warn: line("warn"), error: line("error") };
}
