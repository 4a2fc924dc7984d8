/**
 * `margin prompts push` and `pull`: the library in `prompts/` and the Prompts database in Notion kept as
 * one. Push upserts every reference page and reviewer by title (body replaced, properties set) and leaves
 * alone what already matches, so a second push changes nothing; pull writes the Notion pages back to files,
 * so a push right after it is a no-op. Bodies are compared by the blocks they make, not their bytes:
 * a blank line or a `*` for a `-` is not a change.
 *
 * Everything is checked before anything is written: two pages with one title, or a reference page that
 * does not exist, stop the run with a message and no page touched.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { PromptError } from "../errors.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import { PROMPT_PROPERTIES, type PromptSettingKey } from "../review/prompt/promptProperties.ts";
import { BASE_DEFAULTS } from "../review/prompt/reviewSettings.ts";
import {
  fileNameFor,
  type LibraryEntry,
  type PromptLibrary,
  REFERENCES_FOLDER,
  titleKey,
} from "./PromptLibrary.ts";
import type {
  OpenedStore,
  PageWrite,
  PromptStore,
  StoredKind,
  StoredPage,
  StoreLocation,
} from "./PromptStore.ts";
import { formatPromptFile, type PromptFile, type PromptSettings } from "./promptFile.ts";
import { formatReferenceFile, type ReferenceFile } from "./referenceFile.ts";

export interface SyncReport {
  /** One line per database, page or file, in the order handled. */
  lines: string[];
  created: number;
  updated: number;
  unchanged: number;
  /** Where the library lives in Notion. */
  store: OpenedStore;
}

const SETTING_KEYS = Object.keys(PROMPT_PROPERTIES) as PromptSettingKey[];

export async function pushPrompts(
  library: PromptLibrary,
  store: PromptStore,
  location: StoreLocation,
): Promise<SyncReport> {
  const opened = await store.open(location, true);
  const report: SyncReport = {
    lines: [...opened.changes],
    created: 0,
    updated: 0,
    unchanged: 0,
    store: opened,
  };
  const storedReferences = opened.references ? await store.list("reference") : [];
  const storedPrompts = await store.list("prompt");
  const referencesByTitle = byTitle(storedReferences, "Reviewer references");
  const promptsByTitle = byTitle(storedPrompts, "Prompts");
  checkReferencesResolve(library, referencesByTitle, storedReferences);

  const referenceIds = new Map<string, string>();
  for (const page of storedReferences) referenceIds.set(titleKey(page.title), page.id);
  for (const { value: file } of library.references) {
    const id = await upsert(
      store,
      "reference",
      file.title,
      referencesByTitle,
      { title: file.title, body: file.body },
      report,
    );
    referenceIds.set(titleKey(file.title), id);
  }
  for (const { value: file } of library.prompts) {
    const desired: Required<PageWrite> = {
      title: file.title,
      body: file.body,
      settings: withDefaults(file.settings),
      referenceIds: file.referencePages.map(
        (name) => referenceIds.get(titleKey(name)) ?? (parseNotionId(name) as string),
      ),
    };
    await upsert(store, "prompt", file.title, promptsByTitle, desired, report);
  }
  const local = new Set(library.prompts.map((entry) => titleKey(entry.value.title)));
  for (const page of storedPrompts) {
    if (!local.has(titleKey(page.title)))
      report.lines.push(
        `Reviewer "${page.title}": only in Notion, left alone (prompts pull brings it into ${library.folder}).`,
      );
  }
  return report;
}

export async function pullPrompts(
  library: PromptLibrary,
  store: PromptStore,
  location: StoreLocation,
  cwd = process.cwd(),
): Promise<SyncReport> {
  const opened = await store.open(location, false);
  const report: SyncReport = { lines: [], created: 0, updated: 0, unchanged: 0, store: opened };
  const storedReferences = opened.references ? await store.list("reference") : [];
  const storedPrompts = await store.list("prompt");
  byTitle(storedReferences, "Reviewer references");
  byTitle(storedPrompts, "Prompts");
  const referenceTitles = new Map(storedReferences.map((page) => [page.id, page.title]));

  const pull: Pull = {
    report,
    cwd,
    taken: new Set([...library.prompts, ...library.references].map((entry) => entry.path)),
  };
  for (const page of storedReferences) {
    const pulled: ReferenceFile = { title: page.title, body: page.body };
    writePulled(
      pull,
      library.references,
      join(library.folder, REFERENCES_FOLDER),
      pulled,
      (file) => file.title === pulled.title && store.sameBody(file.body, pulled.body),
      formatReferenceFile,
      "Reference page",
    );
  }
  for (const page of storedPrompts) {
    const pulled: PromptFile = {
      title: page.title,
      settings: pulledSettings(page.settings),
      referencePages: page.referenceIds.map((id) => referenceTitles.get(id) ?? id),
      body: page.body,
    };
    writePulled(
      pull,
      library.prompts,
      library.folder,
      pulled,
      (file) =>
        file.title === pulled.title &&
        sameSettings(withDefaults(file.settings), withDefaults(pulled.settings)).length === 0 &&
        sameList(file.referencePages.map(titleKey), pulled.referencePages.map(titleKey)) &&
        store.sameBody(file.body, pulled.body),
      formatPromptFile,
      "Reviewer",
    );
  }
  const inNotion = new Set(storedPrompts.map((page) => titleKey(page.title)));
  for (const entry of library.prompts) {
    if (!inNotion.has(titleKey(entry.value.title)))
      report.lines.push(
        `Reviewer "${entry.value.title}": only in ${entry.file}, left alone (prompts push creates it in Notion).`,
      );
  }
  return report;
}

/** A pull under way: its report, the files taken so far, and where paths are reported from. */
interface Pull {
  report: SyncReport;
  taken: Set<string>;
  cwd: string;
}

/** Writes a page pulled from Notion to its file (the one with its title, else a new one), unless it is the same. */
function writePulled<T extends { title: string }>(
  pull: Pull,
  entries: LibraryEntry<T>[],
  folder: string,
  pulled: T,
  same: (file: T) => boolean,
  format: (value: T) => string,
  what: string,
): void {
  const { report, taken, cwd } = pull;
  const existing = entries.find((entry) => titleKey(entry.value.title) === titleKey(pulled.title));
  if (existing && same(existing.value)) {
    report.unchanged += 1;
    report.lines.push(`${what} "${pulled.title}": unchanged (${existing.file}).`);
    return;
  }
  const path = existing?.path ?? freePath(folder, pulled.title, taken);
  taken.add(path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, format(pulled));
  if (existing) report.updated += 1;
  else report.created += 1;
  report.lines.push(
    `${what} "${pulled.title}": ${existing ? "updated" : "written to"} ${relative(cwd, path) || path}.`,
  );
}

/** Creates the page, or updates what differs, or leaves it alone; returns its id. */
async function upsert(
  store: PromptStore,
  kind: StoredKind,
  title: string,
  stored: Map<string, StoredPage>,
  desired: PageWrite & { title: string },
  report: SyncReport,
): Promise<string> {
  const what = kind === "prompt" ? "Reviewer" : "Reference page";
  const page = stored.get(titleKey(title));
  if (!page) {
    const created = await store.create(kind, desired);
    report.created += 1;
    report.lines.push(`${what} "${title}": created.`);
    return created.id;
  }
  const change: PageWrite = {};
  const changed: string[] = [];
  if (page.title !== desired.title) {
    change.title = desired.title;
    changed.push("title");
  }
  if (desired.body !== undefined && !store.sameBody(page.body, desired.body)) {
    change.body = desired.body;
    changed.push("body");
  }
  if (desired.settings) {
    const settings = sameSettings(page.settings, desired.settings);
    if (settings.length > 0) {
      change.settings = desired.settings;
      changed.push(settings.join(", "));
    }
  }
  if (desired.referenceIds && !sameList(page.referenceIds, desired.referenceIds)) {
    change.referenceIds = desired.referenceIds;
    changed.push("Reference pages");
  }
  if (changed.length === 0) {
    report.unchanged += 1;
    report.lines.push(`${what} "${title}": left alone (unchanged).`);
    return page.id;
  }
  await store.update(kind, page.id, change);
  report.updated += 1;
  report.lines.push(`${what} "${title}": updated (${changed.join("; ")}).`);
  return page.id;
}

/** Pages by title; two with one title cannot be told apart by a push or a pull. */
function byTitle(pages: StoredPage[], database: string): Map<string, StoredPage> {
  const map = new Map<string, StoredPage>();
  for (const page of pages) {
    const key = titleKey(page.title);
    const other = map.get(key);
    if (other) {
      throw new PromptError(
        `Two pages of the ${database} database are titled "${page.title}" (${other.url} and ${page.url}); rename or delete one, then run this again. Nothing was written.`,
      );
    }
    map.set(key, page);
  }
  return map;
}

/** Every reference page a reviewer names is in the library or already in Notion. */
function checkReferencesResolve(
  library: PromptLibrary,
  stored: Map<string, StoredPage>,
  storedPages: StoredPage[],
): void {
  const local = new Set(library.references.map((entry) => titleKey(entry.value.title)));
  const ids = new Set(storedPages.map((page) => page.id));
  for (const entry of library.prompts) {
    for (const name of entry.value.referencePages) {
      const id = parseNotionId(name);
      if (local.has(titleKey(name)) || stored.has(titleKey(name)) || (id && ids.has(id))) continue;
      throw new PromptError(
        `${entry.file}: field reference_pages: "${name}" is not a page of the Reviewer references database, nor a file in ${join(library.folder, REFERENCES_FOLDER)}. Add it to either, then run this again. Nothing was written.`,
      );
    }
  }
}

/** The settings a page ends up with: a checkbox always holds a value, so an absent one is its default. */
function withDefaults(settings: PromptSettings): PromptSettings {
  return {
    ...settings,
    replyInThreads: settings.replyInThreads ?? BASE_DEFAULTS.replyInThreads,
    keepLearnings: settings.keepLearnings ?? BASE_DEFAULTS.keepLearnings,
  };
}

/** Keep learnings is written to a file only when on: off, the default, it is left out as files leave it out. */
function pulledSettings(settings: PromptSettings): PromptSettings {
  const { keepLearnings, ...rest } = settings;
  return keepLearnings ? { ...rest, keepLearnings } : rest;
}

/** The names of the settings that differ. */
function sameSettings(current: PromptSettings, desired: PromptSettings): string[] {
  return SETTING_KEYS.filter((key) => current[key] !== desired[key]).map(
    (key) => PROMPT_PROPERTIES[key].property,
  );
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/** A file for a new title, not overwriting another page's. */
function freePath(folder: string, title: string, taken: Set<string>): string {
  const name = fileNameFor(title).replace(/\.md$/, "");
  let path = join(folder, `${name}.md`);
  for (let n = 2; taken.has(path) || existsSync(path); n++) path = join(folder, `${name}-${n}.md`);
  return path;
}
