/**
 * The demo's Notion workspace, as an emulator seed: the prompt library (every reviewer in a Prompts
 * database, the RFC reviewer related to its "Architecture principles" reference page), and an RFC database
 * holding one realistic RFC (nested lists, a table, a toggle, an empty Approvers property, a cutover that
 * breaks a principle) with an open discussion in which someone asks the reviewer a question.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { idFor } from "../../../emulators/notion/model/notionIds.ts";
import { PromptError } from "../../errors.ts";
import { documentsDatabaseSchema, librarySeed } from "../../eval/librarySeed.ts";
import { readPromptLibrary } from "../../library/PromptLibrary.ts";

const here = dirname(fileURLToPath(import.meta.url));
export const LIBRARY_FOLDER = resolve(here, "../../../prompts");

export const DEMO_IDS = {
  promptsDatabase: idFor("prompts"),
  rfc: idFor("demo-rfc"),
  reviewerPrompt: idFor("prompt:rfc-reviewer"),
};

export function demoWorkspace(): Record<string, unknown> {
  const { library, problems } = readPromptLibrary(LIBRARY_FOLDER);
  if (problems.length > 0)
    throw new PromptError(
      `The prompt library has problems (margin prompts check lists them): ${problems.join(" ")}`,
    );
  const prompts = librarySeed(library, "demo-home", "priya");
  return {
    users: [
      { id: "priya", name: "Priya Raman" },
      { id: "marcus", name: "Marcus Chen" },
      { id: "margin-bot", name: "Margin", type: "bot" },
    ],
    pages: [
      { id: "demo-home", parent: { workspace: true }, title: "Engineering", created_by: { id: "priya" } },
      ...prompts.pages,
      {
        id: "demo-rfc",
        parent: { data_source_id: "demo-rfcs-source" },
        title: "RFC: Shard the user-logins database",
        properties: {
          Status: "In review",
          Owner: ["priya"],
          Approvers: [],
          "Ready for review": true,
          Reviewers: ["prompt:rfc-reviewer"],
        },
        markdown: readFileSync(join(here, "demoRfc.md"), "utf8"),
        created_by: { id: "priya" },
      },
    ],
    databases: [
      ...prompts.databases,
      {
        id: "demo-rfcs",
        parent: { page_id: "demo-home" },
        title: "RFCs",
        data_sources: [{ id: "demo-rfcs-source" }],
      },
    ],
    data_sources: [
      ...prompts.data_sources,
      {
        id: "demo-rfcs-source",
        parent: { database_id: "demo-rfcs" },
        title: "RFCs",
        properties: documentsDatabaseSchema(),
      },
    ],
    comments: [
      {
        parent: { block_id: "cutover" },
        created_by: { id: "marcus" },
        text: "@RFC Reviewer is a single weekend cutover realistic for 40M users, or should we stage it?",
        created_time: "2026-11-20T15:04:00.000Z",
      },
    ],
  };
}
