/**
 * Contract test: every recorded interaction with the real Notion API (test/fixtures/notion-recorded/)
 * is replayed against the emulator, seeded with the same workspace objects, and must get the same status
 * and a response with the same keys (recursively) and value types. Ids the real API generated are mapped
 * to the ones the emulator generated as the replay goes.
 */
import { describe, expect, it } from "vitest";
import { implementsEndpoint, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { loadRecording, type RecordedInteraction, recordingNames } from "../support/fixtures.ts";
import { TEST_TOKEN } from "../support/notionClient.ts";
import { shapeDiff } from "../support/shapeDiff.ts";

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The workspace the recordings were made in: its two users and the root page every test page went under. */
function recordedWorkspace() {
  const users = loadRecording("users_list").interactions[0]!.response_body.results as Array<
    Record<string, unknown>
  >;
  return {
    users,
    pages: [
      {
        id: "393abc1eedcd80f3813be205934558c6",
        parent: { workspace: true },
        created_by: { object: "user", id: "a4f789cc-7bc8-4cf0-82b9-a8ba7d985ecf" },
        properties: { title: { id: "title", type: "title", title: [] } },
      },
    ],
  };
}

function isReplayable(interaction: RecordedInteraction): boolean {
  if (!interaction.uri.startsWith("/v1/")) return false;
  const path = interaction.uri.split("?")[0]!;
  return implementsEndpoint(interaction.method, path) || interaction.status >= 400;
}

/** Learns which emulator id stands for which recorded id by walking both responses side by side. */
function learnIds(recorded: unknown, actual: unknown, ids: Map<string, string>): void {
  if (typeof recorded === "string" && typeof actual === "string") {
    if (UUID.test(recorded) && UUID.test(actual) && recorded !== actual && !ids.has(recorded))
      ids.set(recorded, actual);
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    recorded.forEach((item, index) => {
      learnIds(item, actual[index], ids);
    });
    return;
  }
  if (recorded && actual && typeof recorded === "object" && typeof actual === "object") {
    for (const [key, value] of Object.entries(recorded))
      learnIds(value, (actual as Record<string, unknown>)[key], ids);
  }
}

function rewrite(text: string, ids: Map<string, string>): string {
  let result = text;
  for (const [recorded, actual] of ids) {
    result = result.split(recorded).join(actual);
    result = result.split(recorded.replace(/-/g, "")).join(actual);
  }
  return result;
}

describe("the emulator against recorded Notion traffic", () => {
  it("implements every endpoint the recordings use", () => {
    const missing = recordingNames()
      .flatMap((name) => loadRecording(name).interactions.map((interaction) => ({ name, interaction })))
      .filter(({ interaction }) => interaction.uri.startsWith("/v1/") && !isReplayable(interaction))
      .map(({ name, interaction }) => `${name}: ${interaction.method} ${interaction.uri}`);
    expect(missing).toEqual([]);
  });

  for (const name of recordingNames()) {
    const recording = loadRecording(name);
    const interactions = recording.interactions.filter(isReplayable);
    if (interactions.length === 0) continue;

    it(`answers like Notion for ${name} (${interactions.length} requests)`, async () => {
      const emulator = await startNotionEmulator({
        seed: recordedWorkspace(),
        token: TEST_TOKEN,
        botUser: "7775f3a3-893f-43fa-b625-460c61094c78",
      });
      const ids = new Map<string, string>();
      try {
        for (const interaction of interactions) {
          const token = interaction.status === 401 ? "redacted-invalid-token" : TEST_TOKEN;
          const body = interaction.request_body
            ? rewrite(JSON.stringify(interaction.request_body), ids)
            : undefined;
          const response = await fetch(`${emulator.url}${rewrite(interaction.uri, ids)}`, {
            method: interaction.method,
            headers: {
              authorization: `Bearer ${token}`,
              "notion-version": interaction.notion_version,
              ...(body ? { "content-type": "application/json" } : {}),
            },
            body,
          });
          const answer = await response.json();
          const where = `${interaction.method} ${interaction.uri}`;
          expect(response.status, `${where}: ${JSON.stringify(answer)}`).toBe(interaction.status);
          expect(shapeDiff(interaction.response_body, answer), where).toEqual([]);
          learnIds(interaction.response_body, answer, ids);
        }
      } finally {
        await emulator.close();
      }
    });
  }
});
