/**
 * What a function prints on stdout, where Powertools writes its JSON logs and its CloudWatch embedded-metric
 * records: captured while a piece of a test runs, and read back as JSON.
 */

/** The lines printed on stdout while `run` ran. */
export async function printed(run: () => Promise<unknown>): Promise<string[]> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return chunks.join("").split("\n");
}

export function jsonLines(lines: string[]): Array<Record<string, unknown>> {
  return lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

export interface EmbeddedMetrics extends Record<string, unknown> {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> };
}

/** The CloudWatch embedded-metric-format records among printed lines. */
export function embeddedMetrics(lines: string[]): EmbeddedMetrics[] {
  return jsonLines(lines).filter((record): record is EmbeddedMetrics => "_aws" in record);
}
