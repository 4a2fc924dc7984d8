/**
 * The prompt settings table (`review/prompt/promptProperties.ts`) in Notion's request shapes: the Prompts
 * database's schema, and a prompt's settings as page property values.
 */
import {
  LEARNINGS_PAGE,
  PROMPT_PROPERTIES,
  type PromptPropertyDefinition,
  type PromptSettingKey,
  type PromptSettingValue,
  REFERENCE_PAGES,
} from "../review/prompt/promptProperties.ts";

/**
 * The Prompts database's properties, as a Notion data source schema: a title, one per setting, the
 * Learnings page's address (which Margin fills in, not a setting) and, given the Reviewer references data
 * source, the Reference pages relation.
 */
export function promptsDatabaseSchema(
  referencesDataSourceId?: string,
): Record<string, Record<string, unknown>> {
  const schema: Record<string, Record<string, unknown>> = { Name: { type: "title", title: {} } };
  for (const definition of Object.values(PROMPT_PROPERTIES) as PromptPropertyDefinition[]) {
    const config = definition.options
      ? { options: definition.options.map((name) => ({ name })) }
      : definition.type === "number"
        ? { format: "number" }
        : {};
    schema[definition.property] = { type: definition.type, [definition.type]: config };
  }
  schema[LEARNINGS_PAGE.property] = { type: "url", url: {} };
  if (referencesDataSourceId) {
    schema[REFERENCE_PAGES.property] = {
      type: "relation",
      relation: { data_source_id: referencesDataSourceId, type: "single_property", single_property: {} },
    };
  }
  return schema;
}

/**
 * Settings as Notion property values (request shapes), keyed by property name. With `clearAbsent`, settings
 * without a value are written empty, so the page ends up holding exactly these settings.
 */
export function toPropertyValues(
  values: Partial<Record<PromptSettingKey, PromptSettingValue>>,
  options: { clearAbsent?: boolean; referenceIds?: string[] } = {},
): Record<string, Record<string, unknown>> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const key of Object.keys(PROMPT_PROPERTIES) as PromptSettingKey[]) {
    const value = values[key];
    if (value === undefined && !options.clearAbsent) continue;
    const definition: PromptPropertyDefinition = PROMPT_PROPERTIES[key];
    switch (definition.type) {
      case "select":
        properties[definition.property] = { select: value === undefined ? null : { name: String(value) } };
        break;
      case "rich_text":
        properties[definition.property] = {
          rich_text: value === undefined ? [] : [{ type: "text", text: { content: String(value) } }],
        };
        break;
      case "number":
        properties[definition.property] = { number: value === undefined ? null : Number(value) };
        break;
      case "checkbox":
        properties[definition.property] = { checkbox: Boolean(value) };
        break;
    }
  }
  if (options.referenceIds) {
    properties[REFERENCE_PAGES.property] = { relation: options.referenceIds.map((id) => ({ id })) };
  }
  return properties;
}
