/**
 * Data source query filters and sorts over page objects: the property filters Margin and its tooling use
 * (title, rich text, url, email, phone, number, checkbox, select, status, multi-select, date, people,
 * relation, files), timestamp filters, and `and` / `or` compounds.
 */
import { NotionApiError } from "../NotionApiError.ts";
import type { Json } from "./Json.ts";
import { findSchemaProperty } from "./properties.ts";
import { plainText } from "./richText.ts";

const TEXT_TYPES = new Set(["title", "rich_text", "url", "email", "phone_number"]);

export function matchesFilter(page: Json, filter: Json | undefined, schema: Json, me: string): boolean {
  if (!filter || Object.keys(filter).length === 0) return true;
  if (Array.isArray(filter.and))
    return filter.and.every((part: Json) => matchesFilter(page, part, schema, me));
  if (Array.isArray(filter.or)) return filter.or.some((part: Json) => matchesFilter(page, part, schema, me));
  if (typeof filter.timestamp === "string") {
    const value = page[filter.timestamp];
    return compareDate(value, filter[filter.timestamp] ?? {});
  }
  if (typeof filter.property !== "string") {
    throw NotionApiError.validation(
      "body failed validation: body.filter.property should be defined, instead was `undefined`.",
    );
  }
  const property = findSchemaProperty(schema, filter.property);
  if (!property)
    throw NotionApiError.validation(`Could not find property with name or id: ${filter.property}`);
  const filterType = Object.keys(filter).find((key) => key !== "property" && key !== "type");
  if (!filterType)
    throw NotionApiError.validation(
      `body failed validation: body.filter.${property.type} should be defined, instead was \`undefined\`.`,
    );
  const compatible =
    filterType === property.type || (TEXT_TYPES.has(filterType) && TEXT_TYPES.has(property.type));
  if (!compatible) {
    throw NotionApiError.validation(
      `The property type in the database does not match the property type of the filter provided: database property ${property.type} does not match filter ${filterType}`,
    );
  }
  const value: Json | undefined = page.properties[property.name];
  const condition: Json = filter[filterType];
  return matchesCondition(property.type, value?.[property.type], condition, me);
}

function matchesCondition(type: string, value: unknown, condition: Json, me: string): boolean {
  if (condition.is_empty === true) return isEmpty(type, value);
  if (condition.is_not_empty === true) return !isEmpty(type, value);
  if (TEXT_TYPES.has(type)) {
    const text = (
      type === "title" || type === "rich_text" ? plainText(value as Json[]) : String(value ?? "")
    ).toLowerCase();
    const [op, operand] = Object.entries(condition)[0] ?? [];
    const wanted = String(operand ?? "").toLowerCase();
    switch (op) {
      case "equals":
        return text === wanted;
      case "does_not_equal":
        return text !== wanted;
      case "contains":
        return text.includes(wanted);
      case "does_not_contain":
        return !text.includes(wanted);
      case "starts_with":
        return text.startsWith(wanted);
      case "ends_with":
        return text.endsWith(wanted);
      default:
        throw unsupported(type, op);
    }
  }
  switch (type) {
    case "number": {
      const [op, operand] = Object.entries(condition)[0] ?? [];
      const number = value as number | null;
      if (number === null) return false;
      const target = Number(operand);
      const ops: Record<string, boolean> = {
        equals: number === target,
        does_not_equal: number !== target,
        greater_than: number > target,
        less_than: number < target,
        greater_than_or_equal_to: number >= target,
        less_than_or_equal_to: number <= target,
      };
      if (!(String(op) in ops)) throw unsupported(type, op);
      return ops[String(op)]!;
    }
    case "checkbox":
      if ("equals" in condition) return value === condition.equals;
      if ("does_not_equal" in condition) return value !== condition.does_not_equal;
      throw unsupported(type, Object.keys(condition)[0]);
    case "select":
    case "status": {
      const name = (value as Json | null)?.name;
      const wanted = (v: unknown) => (Array.isArray(v) ? v : [v]).includes(name);
      if ("equals" in condition) return wanted(condition.equals);
      if ("does_not_equal" in condition) return !wanted(condition.does_not_equal);
      throw unsupported(type, Object.keys(condition)[0]);
    }
    case "multi_select": {
      const names = ((value as Json[]) ?? []).map((option) => option.name);
      const all = (v: unknown) => (Array.isArray(v) ? v : [v]);
      if ("contains" in condition) return all(condition.contains).some((name) => names.includes(name));
      if ("does_not_contain" in condition)
        return !all(condition.does_not_contain).some((name) => names.includes(name));
      throw unsupported(type, Object.keys(condition)[0]);
    }
    case "people":
    case "relation":
    case "created_by":
    case "last_edited_by": {
      const list = Array.isArray(value) ? (value as Json[]) : value ? [value as Json] : [];
      const ids = list.map((entry) => entry.id);
      const target = (v: unknown) => (v === "me" ? me : v);
      if ("contains" in condition) return ids.includes(target(condition.contains));
      if ("does_not_contain" in condition) return !ids.includes(target(condition.does_not_contain));
      throw unsupported(type, Object.keys(condition)[0]);
    }
    case "date":
      return compareDate((value as Json | null)?.start, condition);
    case "created_time":
    case "last_edited_time":
      return compareDate(value, condition);
    default:
      throw NotionApiError.validation(
        `Filtering on properties of type ${type} is not supported by the emulator.`,
      );
  }
}

function compareDate(value: unknown, condition: Json): boolean {
  if (condition.is_empty === true) return !value;
  if (condition.is_not_empty === true) return Boolean(value);
  if (typeof value !== "string") return false;
  const [op, operand] = Object.entries(condition)[0] ?? [];
  const left = Date.parse(value);
  const right = Date.parse(String(operand));
  switch (op) {
    case "equals":
      return value.slice(0, 10) === String(operand).slice(0, 10);
    case "before":
      return left < right;
    case "after":
      return left > right;
    case "on_or_before":
      return left <= right;
    case "on_or_after":
      return left >= right;
    default:
      throw unsupported("date", op);
  }
}

function isEmpty(type: string, value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value))
    return type === "title" || type === "rich_text" ? plainText(value as Json[]) === "" : value.length === 0;
  return false;
}

function unsupported(type: string, op: unknown): NotionApiError {
  return NotionApiError.validation(
    `body failed validation: body.filter.${type}.${String(op)} is not a supported condition.`,
  );
}

/** Sorts pages by properties and timestamps; earlier sorts take precedence. */
export function sortPages(pages: Json[], sorts: Json[] | undefined, schema: Json): Json[] {
  if (!sorts || sorts.length === 0) return pages;
  const keys = sorts.map((sort) => {
    if (sort.timestamp)
      return { get: (page: Json) => page[sort.timestamp], descending: sort.direction === "descending" };
    const property = findSchemaProperty(schema, sort.property);
    if (!property)
      throw NotionApiError.validation(`Could not find sort property with name or id: ${sort.property}`);
    return {
      get: (page: Json) => sortValue(page.properties[property.name]),
      descending: sort.direction === "descending",
    };
  });
  return [...pages].sort((a, b) => {
    for (const key of keys) {
      const left = key.get(a);
      const right = key.get(b);
      if (left === right) continue;
      if (left === null || left === undefined) return 1;
      if (right === null || right === undefined) return -1;
      const order = left < right ? -1 : 1;
      return key.descending ? -order : order;
    }
    return 0;
  });
}

function sortValue(value: Json | undefined): string | number | boolean | null {
  if (!value) return null;
  const inner = value[value.type];
  switch (value.type) {
    case "title":
    case "rich_text":
      return plainText(inner).toLowerCase();
    case "select":
    case "status":
      return inner?.name ?? null;
    case "date":
      return inner?.start ?? null;
    case "number":
    case "checkbox":
      return inner;
    default:
      return typeof inner === "string" ? inner : null;
  }
}
