/**
 * Contract test: every recorded interaction with the real Notion API (test/fixtures/notion-recorded/) is
 * replayed against the emulator, seeded with the same workspace objects, and must get the same status and
 * the same answer: the same keys and, wherever the recording fixes them, the same values (see
 * `compareWithRecording` for what is compared how). Ids the real API generated are mapped to the ones the
 * emulator generated as the replay goes. Interactions that are not replayed are listed below with a reason.
 */
import { describe, expect, it } from "vitest";
import { implementsEndpoint, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { loadRecording, type RecordedInteraction, recordingNames } from "../support/fixtures.ts";
import { TEST_TOKEN } from "../support/notionClient.ts";
import { compareWithRecording, newReplayIds, rewriteIds } from "./compareWithRecording.ts";

const ROOT_PAGE = "393abc1e-edcd-80f3-813b-e205934558c6";
const RECORDING_BOT = "7775f3a3-893f-43fa-b625-460c61094c78";
const RECORDING_PERSON = "a4f789cc-7bc8-4cf0-82b9-a8ba7d985ecf";

/** Interactions the replay leaves out, each with the reason; every other interaction is replayed. */
const NOT_REPLAYED: Record<string, string> = {
  "api_http_response_error: GET https://mock.httpstatus.io/400":
    "a call to a third-party HTTP status mock (how the SDK reports a non-Notion error body), not to Notion",
};

/**
 * The workspace the recordings were made in, as far as the answers show it: its two users and the root page
 * every test page went under (created by the person, last edited by the integration, which added the pages).
 * Nothing else in it was shared with the integration: the recorded search of the whole workspace finds only
 * the root page.
 */
function recordedWorkspace() {
  const users = loadRecording("users_list").interactions[0]!.response_body.results as Array<
    Record<string, unknown>
  >;
  return {
    users,
    pages: [
      {
        id: ROOT_PAGE,
        parent: { workspace: true },
        created_by: { object: "user", id: RECORDING_PERSON },
        last_edited_by: { object: "user", id: RECORDING_BOT },
        properties: { title: { id: "title", type: "title", title: [] } },
      },
    ],
  };
}

function label(name: string, interaction: RecordedInteraction): string {
  return `${name}: ${interaction.method} ${interaction.uri}`;
}

function isReplayed(name: string, interaction: RecordedInteraction): boolean {
  return !(label(name, interaction) in NOT_REPLAYED);
}

const allInteractions = recordingNames().flatMap((name) =>
  loadRecording(name).interactions.map((interaction) => ({ name, interaction })),
);

describe("the emulator against recorded Notion traffic", () => {
  it("implements every endpoint the replayed recordings use", () => {
    const missing = allInteractions
      .filter(({ name, interaction }) => isReplayed(name, interaction))
      .filter(({ interaction }) => {
        const path = interaction.uri.split("?")[0]!;
        // Error recordings (a bad URL, a bad token) are replayed against whatever the emulator answers.
        return !implementsEndpoint(interaction.method, path) && interaction.status < 400;
      })
      .map(({ name, interaction }) => label(name, interaction));

    expect(missing).toEqual([]);
  });

  it("leaves out only the interactions listed, each with its reason", () => {
    const recorded = new Set(allInteractions.map(({ name, interaction }) => label(name, interaction)));

    expect(Object.keys(NOT_REPLAYED).filter((key) => !recorded.has(key))).toEqual([]);
    for (const reason of Object.values(NOT_REPLAYED)) expect(reason.length).toBeGreaterThan(20);
  });

  for (const name of recordingNames()) {
    const interactions = loadRecording(name).interactions.filter((interaction) =>
      isReplayed(name, interaction),
    );
    if (interactions.length === 0) continue;

    it(`answers like Notion for ${name} (${interactions.length} requests)`, async () => {
      const emulator = await startNotionEmulator({
        seed: recordedWorkspace(),
        token: TEST_TOKEN,
        botUser: RECORDING_BOT,
      });
      const ids = newReplayIds([ROOT_PAGE, RECORDING_BOT, RECORDING_PERSON]);
      try {
        for (const interaction of interactions) {
          const token = interaction.status === 401 ? "redacted-invalid-token" : TEST_TOKEN;
          const body = interaction.request_body
            ? rewriteIds(JSON.stringify(interaction.request_body), ids)
            : undefined;
          const response = await fetch(`${emulator.url}${rewriteIds(interaction.uri, ids)}`, {
            method: interaction.method,
            headers: {
              authorization: `Bearer ${token}`,
              "notion-version": interaction.notion_version,
              ...(body ? { "content-type": "application/json" } : {}),
            },
            body,
          });
          const answer = await response.json();
          const where = label(name, interaction);
          expect(response.status, `${where}: ${JSON.stringify(answer)}`).toBe(interaction.status);
          expect(compareWithRecording(interaction.response_body, answer, ids), where).toEqual([]);
        }
      } finally {
        await emulator.close();
      }
    });
  }
});
