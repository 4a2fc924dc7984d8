/**
 * The real `@notionhq/client`, pointed at an emulator, with quiet logs and (by default) quick retries.
 */
import { Client, LogLevel } from "@notionhq/client";

export const TEST_TOKEN = "ntn_test_token";

export function emulatorClient(
  baseUrl: string,
  options: { retry?: false | { maxRetries?: number; initialRetryDelayMs?: number }; auth?: string } = {},
): Client {
  return new Client({
    auth: options.auth ?? TEST_TOKEN,
    baseUrl,
    notionVersion: "2025-09-03",
    logLevel: LogLevel.ERROR,
    retry: options.retry ?? { maxRetries: 2, initialRetryDelayMs: 10 },
  });
}
