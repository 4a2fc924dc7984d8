/**
 * What Margin's entry points log through: Powertools Logger in Lambda (structured JSON), readable lines in
 * `margin serve`. Fields carry ids, counts, durations and usage; never secrets, never document text or
 * comment bodies at info level.
 */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A log that says nothing, for tests and callers that do not care. */
export const SILENT_LOG: Log = { debug() {}, info() {}, warn() {}, error() {} };
