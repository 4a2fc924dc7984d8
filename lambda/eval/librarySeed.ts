/**
 * The prompt library as Notion emulator seed objects: a Prompts database with one page per reviewer, and
 * a Reviewer references database with one page per reference page, related as `margin prompts push` would
 * relate them. The demo starts from it; tests seed it to review documents with the real library.
 * Seed names: the databases are `prompts` and `references`, a reviewer's page `prompt:<file name>`, a
 * reference page's `reference:<file name>` (file name without `.md`).
 */
import { basename } from "node:path";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { type PromptLibrary, titleKey } from "../library/PromptLibrary.ts";
import { promptsDatabaseSchema, toPropertyValues } from "../notion/promptsDatabaseSchema.ts";
import { PROMPTS_DATABASE_TITLE, REFERENCES_DATABASE_TITLE } from "../review/prompt/promptProperties.ts";

export interface LibrarySeed {
  pages: Array<Record<string, unknown>>;
  databases: Array<Record<string, unknown>>;
  data_sources: Array<Record<string, unknown>>;
}

/** `parentPage`: the seed name of the page both databases sit on. */
export function librarySeed(library: PromptLibrary, parentPage: string, createdBy?: string): LibrarySeed {
  const referenceNames = new Map(
    library.references.map((entry) => [
      titleKey(entry.value.title),
      `reference:${basename(entry.path, ".md")}`,
    ]),
  );
  const author = createdBy ? { created_by: { id: createdBy } } : {};
  return {
    pages: [
      ...library.references.map((entry) => ({
        id: referenceNames.get(titleKey(entry.value.title)),
        parent: { data_source_id: "references-source" },
        title: entry.value.title,
        markdown: entry.value.body,
        ...author,
      })),
      ...library.prompts.map((entry) => ({
        id: `prompt:${basename(entry.path, ".md")}`,
        parent: { data_source_id: "prompts-source" },
        title: entry.value.title,
        properties: toPropertyValues(entry.value.settings, {
          referenceIds: entry.value.referencePages.map(
            (title) => referenceNames.get(titleKey(title)) ?? title,
          ),
        }),
        markdown: entry.value.body,
        ...author,
      })),
    ],
    databases: [
      {
        id: "prompts",
        parent: { page_id: parentPage },
        title: PROMPTS_DATABASE_TITLE,
        data_sources: [{ id: "prompts-source" }],
      },
      {
        id: "references",
        parent: { page_id: parentPage },
        title: REFERENCES_DATABASE_TITLE,
        data_sources: [{ id: "references-source" }],
      },
    ],
    data_sources: [
      {
        id: "prompts-source",
        parent: { database_id: "prompts" },
        title: PROMPTS_DATABASE_TITLE,
        properties: promptsDatabaseSchema(idFor("references-source")),
      },
      {
        id: "references-source",
        parent: { database_id: "references" },
        title: REFERENCES_DATABASE_TITLE,
        properties: { Name: { type: "title", title: {} } },
      },
    ],
  };
}

/**
 * A document database laid out as docs/notion-setup.md describes it: Status, Ready for review, Owner,
 * Approvers, the Reviewers relation to the Prompts database, and the Review status and Last reviewed
 * properties Margin keeps current.
 */
export function documentsDatabaseSchema(): Record<string, unknown> {
  return {
    Name: { type: "title", title: {} },
    Status: {
      type: "status",
      status: { options: [{ name: "Draft" }, { name: "In review" }, { name: "Approved" }] },
    },
    "Ready for review": { type: "checkbox", checkbox: {} },
    Owner: { type: "people", people: {} },
    Approvers: { type: "people", people: {} },
    Reviewers: {
      type: "relation",
      relation: { data_source_id: idFor("prompts-source"), database_id: idFor("prompts") },
    },
    "Review status": {
      type: "select",
      select: { options: ["Queued", "Reviewing", "Reviewed", "Failed"].map((name) => ({ name })) },
    },
    "Last reviewed": { type: "date", date: {} },
  };
}

/** A Documents database (seed name `documents`, its data source `documents-source`) on `parentPage`. */
export function documentsSeed(parentPage: string): Pick<LibrarySeed, "databases" | "data_sources"> {
  return {
    databases: [
      {
        id: "documents",
        parent: { page_id: parentPage },
        title: "Documents",
        data_sources: [{ id: "documents-source" }],
      },
    ],
    data_sources: [
      {
        id: "documents-source",
        parent: { database_id: "documents" },
        title: "Documents",
        properties: documentsDatabaseSchema(),
      },
    ],
  };
}
