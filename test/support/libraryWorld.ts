/**
 * A Notion workspace holding the real prompt library and the sample documents: an "Engineering" page with
 * the Prompts and Reviewer references databases (as `margin prompts push` leaves them) and a Documents
 * database laid out like the template in docs/notion-setup.md, with one sample document per reviewer from
 * `test/fixtures/sample-documents/`. Also an empty workspace, for pushing the library into.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { type NotionEmulator, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { EVAL_PEOPLE } from "../../lambda/eval/evalDocument.ts";
import { documentsSeed, librarySeed } from "../../lambda/eval/librarySeed.ts";
import { type PromptLibrary, readPromptLibrary } from "../../lambda/library/PromptLibrary.ts";

export const LIBRARY_TOKEN = "ntn_library_token";
export const LIBRARY_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "../../prompts");
const SAMPLES_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/sample-documents");

/** The people of the sample documents (the labelled documents' cast) and the integration's bot. */
export const CAST = [...EVAL_PEOPLE, { id: "margin-bot", name: "Margin", type: "bot" }];

const sampleSchema = z.strictObject({
  title: z.string().min(1),
  properties: z.strictObject({
    Status: z.enum(["Draft", "In review", "Approved"]),
    Owner: z.array(z.string()),
    Approvers: z.array(z.string()),
    "Ready for review": z.boolean(),
  }),
  comments: z.array(z.strictObject({ block: z.string(), author: z.string(), text: z.string() })).default([]),
});

export interface SampleDocument {
  /** The reviewer file it is written for ("rfc-reviewer"). */
  reviewer: string;
  title: string;
  /** Its page id in the library world. */
  pageId: string;
  seedPage: Record<string, unknown>;
  seedComments: Array<Record<string, unknown>>;
}

/** The sample documents, their block names prefixed with the reviewer's so they never collide. */
export function sampleDocuments(): SampleDocument[] {
  return readdirSync(SAMPLES_FOLDER)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name, index) => {
      const reviewer = basename(name, ".md");
      const text = readFileSync(join(SAMPLES_FOLDER, name), "utf8");
      const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (!match) throw new Error(`${name}: no front matter`);
      const front = sampleSchema.parse(parseYaml(match[1]!));
      const markdown = match[2]!.replace(/ \^([\w-]+)$/gm, ` ^${reviewer}-$1`);
      return {
        reviewer,
        title: front.title,
        pageId: idFor(`doc:${reviewer}`),
        seedPage: {
          id: `doc:${reviewer}`,
          parent: { data_source_id: "documents-source" },
          title: front.title,
          properties: { ...front.properties, Reviewers: [`prompt:${reviewer}`] },
          markdown,
          created_by: { id: front.properties.Owner[0] ?? "priya" },
        },
        seedComments: front.comments.map((comment, at) => ({
          parent: { block_id: `${reviewer}-${comment.block}` },
          created_by: { id: comment.author },
          text: comment.text,
          // Fixed times keep renderings (and golden files) stable.
          created_time: new Date(Date.UTC(2026, 10, 18, 9, index * 5 + at)).toISOString(),
        })),
      };
    });
}

/** The library (from `folder`) in Notion, with the sample documents. */
export function libraryWorkspace(library: PromptLibrary = readPromptLibrary(LIBRARY_FOLDER).library) {
  const prompts = librarySeed(library, "home", "priya");
  const samples = sampleDocuments();
  const documents = documentsSeed("home");
  return {
    users: CAST,
    pages: [
      { id: "home", parent: { workspace: true }, title: "Engineering", created_by: { id: "priya" } },
      ...prompts.pages,
      ...samples.map((sample) => sample.seedPage),
    ],
    databases: [...prompts.databases, ...documents.databases],
    data_sources: [...prompts.data_sources, ...documents.data_sources],
    comments: samples.flatMap((sample) => sample.seedComments),
  };
}

/** A workspace with one page to push the library into, and pages a reviewer could link to. */
export function emptyWorkspace(extraPages: Array<Record<string, unknown>> = []) {
  return {
    users: CAST,
    pages: [
      { id: "home", parent: { workspace: true }, title: "Engineering", created_by: { id: "priya" } },
      ...extraPages,
    ],
  };
}

export function startWorkspace(seed: Record<string, unknown>): Promise<NotionEmulator> {
  return startNotionEmulator({ seed, token: LIBRARY_TOKEN });
}
