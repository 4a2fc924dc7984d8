/** An error's class and message, for logs (Margin's messages carry no secrets or document text). */
export function describeError(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
