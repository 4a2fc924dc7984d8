/**
 * Where the prompt library lives in Notion, as `margin prompts push` and `pull` see it: the Prompts
 * database (one page per reviewer) and the Reviewer references database (one page per reference page),
 * behind a small interface so the sync logic holds no SDK. `NotionPromptStore` implements it.
 */
import type { PromptSettings } from "./promptFile.ts";

export type StoredKind = "prompt" | "reference";

/** A page of either database, as markdown and plain values. */
export interface StoredPage {
  id: string;
  title: string;
  url: string;
  /** The body as markdown. */
  body: string;
  /** The settings the page holds (reviewers only); empty properties are absent. */
  settings: PromptSettings;
  /** The pages of its Reference pages relation (reviewers only), in order. */
  referenceIds: string[];
}

/** What to write to a page; what is absent is left as it is. */
export interface PageWrite {
  title?: string;
  body?: string;
  /** Every setting: the ones absent here are cleared. */
  settings?: PromptSettings;
  referenceIds?: string[];
}

export interface StoreLocation {
  /** The Prompts database's id or URL. */
  database?: string;
  /** The page to create the databases under, when there is no database yet. */
  parent?: string;
}

export interface OpenedStore {
  prompts: { id: string; url: string };
  references?: { id: string; url: string };
  /** What was created or changed to get here, one line each ("created the Prompts database..."). */
  changes: string[];
}

export interface PromptStore {
  /**
   * Finds the databases. For a push (`prepare`), creates what is missing under the parent and adds the
   * properties and options the Prompts database lacks; for a pull, changes nothing.
   */
  open(location: StoreLocation, prepare: boolean): Promise<OpenedStore>;
  list(kind: StoredKind): Promise<StoredPage[]>;
  create(kind: StoredKind, page: PageWrite & { title: string }): Promise<{ id: string }>;
  update(kind: StoredKind, id: string, page: PageWrite): Promise<void>;
  /** Whether two bodies come out the same once stored (spacing and markup the store normalises aside). */
  sameBody(a: string, b: string): boolean;
}
