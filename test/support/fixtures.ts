/**
 * Loads the real recorded Notion traffic and webhook bodies (copied into `test/fixtures/`), fresh per call so a
 * test can change its copy freely.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures");

export interface RecordedInteraction {
  method: string;
  uri: string;
  notion_version: string;
  request_body: Record<string, unknown> | null;
  status: number;
  response_body: Record<string, unknown>;
}

export interface Recording {
  source: string;
  license: string;
  interactions: RecordedInteraction[];
}

export function recordingNames(): string[] {
  return readdirSync(join(root, "notion-recorded"))
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.replace(/\.json$/, ""))
    .sort();
}

export function loadRecording(name: string): Recording {
  return JSON.parse(readFileSync(join(root, "notion-recorded", `${name}.json`), "utf8"));
}

export function loadWebhook(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, "notion-webhooks", `${name}.json`), "utf8"));
}
