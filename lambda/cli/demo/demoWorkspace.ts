/**
 * The demo's Notion workspace, as an emulator seed: a Prompts database holding the library's RFC reviewer,
 * and an RFC database holding one realistic RFC (nested lists, a table, a toggle, an empty Approvers
 * property) with an open discussion in which someone asks the reviewer a question.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { idFor } from "../../../emulators/notion/model/notionIds.ts";
import { parsePromptFile } from "../../prompt/promptFile.ts";
import { promptsDatabaseSchema, toPropertyValues } from "../../prompt/promptProperties.ts";

const here = dirname(fileURLToPath(import.meta.url));
const PROMPTS_FOLDER = resolve(here, "../../../prompts");

export const DEMO_IDS = {
  promptsDatabase: idFor("demo-prompts"),
  rfc: idFor("demo-rfc"),
  reviewerPrompt: idFor("demo-rfc-reviewer"),
};

export function demoWorkspace(): Record<string, unknown> {
  const reviewer = parsePromptFile(
    readFileSync(join(PROMPTS_FOLDER, "rfc-reviewer.md"), "utf8"),
    "prompts/rfc-reviewer.md",
  );
  return {
    users: [
      { id: "priya", name: "Priya Raman" },
      { id: "marcus", name: "Marcus Chen" },
      { id: "margin-bot", name: "Margin", type: "bot" },
    ],
    pages: [
      { id: "demo-home", parent: { workspace: true }, title: "Engineering", created_by: { id: "priya" } },
      {
        id: "demo-rfc-reviewer",
        parent: { data_source_id: "demo-prompts-source" },
        title: reviewer.title,
        properties: toPropertyValues(reviewer.settings),
        markdown: reviewer.body,
        created_by: { id: "priya" },
      },
      {
        id: "demo-rfc",
        parent: { data_source_id: "demo-rfcs-source" },
        title: "RFC: Shard the user-logins database",
        properties: {
          Status: "In review",
          Owner: ["priya"],
          Approvers: [],
          "Ready for review": true,
          Reviewers: ["demo-rfc-reviewer"],
        },
        markdown: readFileSync(join(here, "demoRfc.md"), "utf8"),
        created_by: { id: "priya" },
      },
    ],
    databases: [
      {
        id: "demo-prompts",
        parent: { page_id: "demo-home" },
        title: "Prompts",
        data_sources: [{ id: "demo-prompts-source" }],
      },
      {
        id: "demo-rfcs",
        parent: { page_id: "demo-home" },
        title: "RFCs",
        data_sources: [{ id: "demo-rfcs-source" }],
      },
    ],
    data_sources: [
      {
        id: "demo-prompts-source",
        parent: { database_id: "demo-prompts" },
        title: "Prompts",
        properties: promptsDatabaseSchema(),
      },
      {
        id: "demo-rfcs-source",
        parent: { database_id: "demo-rfcs" },
        title: "RFCs",
        properties: {
          Name: { type: "title", title: {} },
          Status: {
            type: "status",
            status: { options: [{ name: "Draft" }, { name: "In review" }, { name: "Approved" }] },
          },
          Owner: { type: "people", people: {} },
          Approvers: { type: "people", people: {} },
          "Ready for review": { type: "checkbox", checkbox: {} },
          Reviewers: {
            type: "relation",
            relation: { data_source_id: "demo-prompts-source", database_id: "demo-prompts" },
          },
        },
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
