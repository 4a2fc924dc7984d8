/**
 * Database properties: the schema of a data source, and the values a page carries for it. Values are
 * validated against the schema as Notion does on writes (unknown names, wrong types, missing status options)
 * and filled to the response shape.
 */
import { randomBytes } from "node:crypto";
import { NotionApiError } from "../NotionApiError.ts";
import type { Json } from "./Json.ts";
import { canonicalId, idFor } from "./notionIds.ts";
import { checkRichTextLimits, fillRichText, type MentionLookup } from "./richText.ts";

export const PROPERTY_TYPES = new Set([
  "title",
  "rich_text",
  "number",
  "select",
  "multi_select",
  "status",
  "date",
  "people",
  "files",
  "checkbox",
  "url",
  "email",
  "phone_number",
  "formula",
  "relation",
  "rollup",
  "created_time",
  "created_by",
  "last_edited_time",
  "last_edited_by",
  "unique_id",
  "button",
  "verification",
  "place",
]);

/** Relations beyond this many are cut from the page object (`has_more: true`); the property endpoint pages them. */
export const RELATION_PAGE_LIMIT = 25;

/** Notion-style short property and option ids. */
export function shortId(): string {
  return encodeURIComponent(randomBytes(3).toString("base64").replace(/[+/=]/g, "x").slice(0, 4));
}

export function propertyTypeOf(value: Json): string | undefined {
  if (typeof value?.type === "string") return value.type;
  return Object.keys(value ?? {}).find((key) => PROPERTY_TYPES.has(key));
}

/** Fills one property of a data source schema; `name` is the key it is stored under. */
export function fillPropertySchema(name: string, raw: Json, previous?: Json): Json {
  const type = propertyTypeOf(raw) ?? previous?.type;
  if (!type || !PROPERTY_TYPES.has(type)) {
    throw NotionApiError.validation(
      `body failed validation: body.properties.${name}.type should be defined, instead was \`undefined\`.`,
    );
  }
  const config: Json = {
    ...(previous && previous.type === type ? previous[type] : {}),
    ...(raw[type] ?? {}),
  };
  if (type === "select" || type === "multi_select" || type === "status") {
    config.options = (config.options ?? []).map((option: Json) => fillOption(option));
    if (type === "status") {
      config.groups = config.groups ?? [
        {
          id: shortId(),
          name: "To-do",
          color: "gray",
          option_ids: config.options.slice(0, 1).map((o: Json) => o.id),
        },
        {
          id: shortId(),
          name: "In progress",
          color: "blue",
          option_ids: config.options.slice(1, -1).map((o: Json) => o.id),
        },
        {
          id: shortId(),
          name: "Complete",
          color: "green",
          option_ids: config.options.slice(-1).map((o: Json) => o.id),
        },
      ];
    }
  }
  if (type === "number") config.format = config.format ?? "number";
  if (type === "relation") {
    config.type = config.type ?? "single_property";
    if (config.type === "single_property") config.single_property = config.single_property ?? {};
  }
  return {
    id: previous?.id ?? raw.id ?? (type === "title" ? "title" : shortId()),
    name: raw.name ?? name,
    description: raw.description ?? previous?.description ?? null,
    type,
    [type]: config,
  };
}

function fillOption(option: Json): Json {
  return {
    id: option.id ?? shortId(),
    name: String(option.name ?? ""),
    color: option.color ?? "default",
    description: option.description ?? null,
  };
}

/** Finds a schema property by name or by id. */
export function findSchemaProperty(schema: Json, key: string): Json | undefined {
  if (schema[key]) return schema[key];
  return Object.values(schema).find((property: Json) => property.id === key || property.name === key);
}

export interface PropertyContext extends MentionLookup {
  user(id: string): Json | undefined;
}

/**
 * Fills a property value for the response. `schemaProperty` is undefined for pages whose parent is a page
 * (only `title` exists there). With `strict`, values are checked the way the API checks a write.
 */
export function fillPropertyValue(
  name: string,
  raw: Json,
  schemaProperty: Json | undefined,
  context: PropertyContext,
  strict: boolean,
): Json {
  const declared = propertyTypeOf(raw);
  const type = schemaProperty?.type ?? declared;
  if (!type) {
    throw NotionApiError.validation(`${name} is not a property that exists.`);
  }
  if (strict && declared && schemaProperty && declared !== schemaProperty.type) {
    throw NotionApiError.validation(`${name} is expected to be ${schemaProperty.type}.`);
  }
  // Requests may give the value directly (`{"Owner": {"people": [...]}}`) or, in seeds, a bare value.
  const value = raw && typeof raw === "object" && !Array.isArray(raw) && type in raw ? raw[type] : raw;
  const id = schemaProperty?.id ?? raw?.id ?? (type === "title" ? "title" : shortId());
  return { id, type, [type]: fillValue(name, type, value, schemaProperty, context, strict) };
}

function fillValue(
  name: string,
  type: string,
  value: unknown,
  schemaProperty: Json | undefined,
  context: PropertyContext,
  strict: boolean,
): unknown {
  switch (type) {
    case "title":
    case "rich_text":
      if (strict && typeof value !== "string") checkRichTextLimits(value, `body.properties.${name}.${type}`);
      return fillRichText(value, context);
    case "number":
      if (value === null || value === undefined) return null;
      if (typeof value !== "number") throw NotionApiError.validation(`${name} is expected to be number.`);
      return value;
    case "checkbox":
      if (strict && typeof value !== "boolean")
        throw NotionApiError.validation(`${name} is expected to be checkbox.`);
      return Boolean(value);
    case "url":
    case "email":
    case "phone_number":
      if (value === null || value === undefined || value === "") return null;
      if (typeof value !== "string") throw NotionApiError.validation(`${name} is expected to be ${type}.`);
      return value;
    case "date":
      if (value === null || value === undefined) return null;
      if (typeof value === "string") return { start: value, end: null, time_zone: null };
      return {
        start: (value as Json).start,
        end: (value as Json).end ?? null,
        time_zone: (value as Json).time_zone ?? null,
      };
    case "select":
    case "status":
      if (value === null || value === undefined) return null;
      return resolveOption(
        name,
        type,
        typeof value === "string" ? { name: value } : (value as Json),
        schemaProperty,
        strict,
      );
    case "multi_select":
      if (!Array.isArray(value)) return [];
      return value.map((option) =>
        resolveOption(
          name,
          type,
          typeof option === "string" ? { name: option } : option,
          schemaProperty,
          strict,
        ),
      );
    case "people":
      if (!Array.isArray(value)) return [];
      return value.map((person: Json | string) => {
        const rawId = typeof person === "string" ? person : person.id;
        const personId = strict ? (canonicalId(String(rawId)) ?? rawId) : idFor(String(rawId));
        const user = context.user(personId);
        if (!user && strict) throw NotionApiError.validation(`Could not find user with ID: ${personId}.`);
        return user ?? { object: "user", id: personId };
      });
    case "relation":
      if (!Array.isArray(value)) return [];
      return value.map((target: Json | string) => {
        const rawId = typeof target === "string" ? target : target.id;
        return { id: strict ? (canonicalId(String(rawId)) ?? rawId) : idFor(String(rawId)) };
      });
    case "files":
      return Array.isArray(value) ? value : [];
    default:
      return value ?? null;
  }
}

function resolveOption(
  name: string,
  type: string,
  wanted: Json,
  schemaProperty: Json | undefined,
  strict: boolean,
): Json {
  const options: Json[] = schemaProperty?.[type]?.options ?? [];
  const found = options.find(
    (option) => (wanted.id && option.id === wanted.id) || (wanted.name && option.name === wanted.name),
  );
  if (found) return { id: found.id, name: found.name, color: found.color };
  if (type === "status" && schemaProperty) {
    throw NotionApiError.validation(
      `Invalid status option. Status option "${wanted.name ?? wanted.id}" does not exist.`,
    );
  }
  if (strict && !wanted.name) {
    throw NotionApiError.validation(`Invalid select option id "${wanted.id}" for property ${name}.`);
  }
  // Writing an unknown select option adds it to the schema, as Notion does.
  const option = fillOption({ name: wanted.name, color: wanted.color });
  if (schemaProperty) {
    schemaProperty[type].options = [...options, option];
  }
  return { id: option.id, name: option.name, color: option.color };
}
