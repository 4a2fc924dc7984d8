/**
 * A reviewer as stored in the Prompts database: its title (the reviewer's name), its body (the
 * instructions, as markdown) and its properties (the settings, still unvalidated).
 */

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
}
