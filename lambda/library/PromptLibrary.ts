/**
 * The prompt library on disk: one markdown file per reviewer in `prompts/`, one per reference page in
 * `prompts/references/`. Reading it checks every file and the library as a whole (unique titles, bodies
 * present, every `reference_pages` title found) and reports each problem with its file and field, so
 * `margin prompts check` can list them all at once.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { MarginError } from "../errors.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import { type PromptFile, parsePromptFile } from "./promptFile.ts";
import { parseReferenceFile, type ReferenceFile } from "./referenceFile.ts";

export const REFERENCES_FOLDER = "references";

export interface LibraryEntry<T> {
  /** The file's path as a person reads it (relative to the working directory). */
  file: string;
  /** Its absolute path. */
  path: string;
  value: T;
}

export interface PromptLibrary {
  folder: string;
  prompts: LibraryEntry<PromptFile>[];
  references: LibraryEntry<ReferenceFile>[];
}

export interface LibraryReading {
  library: PromptLibrary;
  /** Every problem found, each naming its file (and field, where there is one). */
  problems: string[];
}

export function readPromptLibrary(folder: string, cwd = process.cwd()): LibraryReading {
  const problems: string[] = [];
  const read = <T>(directory: string, parse: (text: string, file: string) => T): LibraryEntry<T>[] =>
    markdownFiles(directory).flatMap((path) => {
      const file = relative(cwd, path) || path;
      try {
        return [{ file, path, value: parse(readFileSync(path, "utf8"), file) }];
      } catch (error) {
        if (!(error instanceof MarginError)) throw error;
        problems.push(error.message);
        return [];
      }
    });
  const library: PromptLibrary = {
    folder,
    prompts: read(folder, parsePromptFile),
    references: read(join(folder, REFERENCES_FOLDER), parseReferenceFile),
  };
  problems.push(
    ...libraryProblems(library, relative(cwd, join(folder, REFERENCES_FOLDER)) || REFERENCES_FOLDER),
  );
  return { library, problems };
}

/** The library's problems across files: titles used twice, empty bodies, reference pages not found. */
function libraryProblems(library: PromptLibrary, referencesFolder: string): string[] {
  const problems: string[] = [];
  const sameTitles = (entries: LibraryEntry<{ title: string }>[], what: string) => {
    const seen = new Map<string, string>();
    for (const entry of entries) {
      const key = titleKey(entry.value.title);
      const first = seen.get(key);
      if (first) {
        problems.push(
          `${entry.file}: field title: "${entry.value.title}" is also the title of ${first}; ${what} are found by title, so give each its own.`,
        );
      } else seen.set(key, entry.file);
    }
  };
  sameTitles(library.prompts, "reviewers");
  sameTitles(library.references, "reference pages");
  for (const entry of library.prompts) {
    if (!entry.value.body)
      problems.push(
        `${entry.file}: the body is empty; write the reviewer's instructions below the front matter.`,
      );
    const known = new Set(library.references.map((reference) => titleKey(reference.value.title)));
    for (const title of entry.value.referencePages) {
      if (!known.has(titleKey(title)) && !parseNotionId(title)) {
        problems.push(
          `${entry.file}: field reference_pages: no reference page titled "${title}" in ${referencesFolder}; add it there (a file with that title), or give the Notion page's id or URL.`,
        );
      }
    }
  }
  for (const entry of library.references) {
    if (!entry.value.body) problems.push(`${entry.file}: the body is empty; a reference page needs content.`);
  }
  return problems;
}

/** Titles match ignoring case and surrounding spaces, as they do in Notion searches. */
export function titleKey(title: string): string {
  return title.trim().toLowerCase();
}

/** A file name for a title: "RFC Reviewer" -> "rfc-reviewer.md". */
export function fileNameFor(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${slug || "untitled"}.md`;
}

function markdownFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith(".md") && entry.name.toLowerCase() !== "readme.md",
    )
    .map((entry) => join(directory, entry.name))
    .sort();
}
