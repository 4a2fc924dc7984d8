/**
 * Where reviewers come from: the Prompts database, each reviewer a page whose title is its name, whose body
 * is its instructions and whose properties are its settings.
 */
import type { PromptPage } from "../model/PromptPage.ts";

export interface PromptSummary {
  id: string;
  title: string;
}

export interface PromptSource {
  /**
   * Finds a prompt in the Prompts database by title (case-insensitive) or by page id or URL, with its
   * reference pages read unless `references` is false. A prompt that is not there is a PromptError naming
   * the prompts that are.
   */
  loadPrompt(database: string, nameOrId: string, options?: { references?: boolean }): Promise<PromptPage>;

  /** Every prompt in the Prompts database, by id and title. */
  listPrompts(database: string): Promise<PromptSummary[]>;
}
