/**
 * A reviewer as stored in the Prompts database: its title (the reviewer's name), its body (the
 * instructions, as markdown), its properties (the settings, still unvalidated) and its reference pages
 * (the knowledge it reviews against).
 */
import type { DocumentBlock } from "./ReviewDocument.ts";

export type PromptPropertyValue = string | number | boolean | string[] | null;

export interface PromptProperty {
  /** The Notion property type (select, number, checkbox...). */
  type: string;
  value: PromptPropertyValue;
}

export interface PromptPage {
  id: string;
  title: string;
  url: string;
  /** The page body as markdown: the reviewer's instructions. */
  instructions: string;
  /** Settings by property name, as Notion holds them. */
  properties: Record<string, PromptProperty>;
  /**
   * The pages of its Reference pages relation, then the pages its body mentions or links to, in that order,
   * each once.
   */
  references: ReferencePage[];
  /**
   * The page its Learnings property holds (read with the references): the points people dismissed, given to
   * the model as reference material only while the reviewer's Keep learnings setting is on.
   */
  learnings?: ReferencePage;
}

/** A page a reviewer knows, read like a document; `unavailable` says why it could not be read. */
export interface ReferencePage {
  id: string;
  title: string;
  url: string;
  blocks: DocumentBlock[];
  unavailable?: string;
}
