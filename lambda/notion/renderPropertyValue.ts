/**
 * A page property value as a reader would say it: people by name, selects by option, dates as ranges,
 * checkboxes as yes/no, relations by the titles of the pages they point to.
 */
import type { PageObjectResponse } from "@notionhq/client";
import { richTextToMarkdown } from "./markdown/richTextToMarkdown.ts";

export type PropertyValue = PageObjectResponse["properties"][string];

/** Looks up what a property value only refers to by id. */
export interface PropertyLookups {
  userName(id: string): Promise<string>;
  pageTitle(id: string): Promise<string>;
}

/**
 * One case per property type, each a line: long because Notion has many property types, kept as one switch
 * so a type's rendering is found by its name.
 */
export async function renderPropertyValue(value: PropertyValue, lookups: PropertyLookups): Promise<string> {
  switch (value.type) {
    case "title":
      return richTextToMarkdown(value.title, { mentionLinks: false });
    case "rich_text":
      return richTextToMarkdown(value.rich_text, { mentionLinks: false });
    case "number":
      return value.number === null ? "" : String(value.number);
    case "select":
      return value.select?.name ?? "";
    case "status":
      return value.status?.name ?? "";
    case "multi_select":
      return value.multi_select.map((option) => option.name).join(", ");
    case "date":
      return value.date
        ? value.date.end
          ? `${value.date.start} → ${value.date.end}`
          : value.date.start
        : "";
    case "checkbox":
      return value.checkbox ? "yes" : "no";
    case "url":
      return value.url ?? "";
    case "email":
      return value.email ?? "";
    case "phone_number":
      return value.phone_number ?? "";
    case "people": {
      const names = await Promise.all(
        value.people.map((person) =>
          "name" in person && person.name ? person.name : lookups.userName(person.id),
        ),
      );
      return names.join(", ");
    }
    case "relation": {
      const titles = await Promise.all(value.relation.map((target) => lookups.pageTitle(target.id)));
      // Notion cuts relations at 25 in the page object and says so with `has_more`.
      const more = (value as { has_more?: boolean }).has_more ? ", and more" : "";
      return titles.join(", ") + more;
    }
    case "created_by":
    case "last_edited_by": {
      const user = value.type === "created_by" ? value.created_by : value.last_edited_by;
      return "name" in user && user.name ? user.name : lookups.userName(user.id);
    }
    case "created_time":
      return value.created_time.slice(0, 10);
    case "last_edited_time":
      return value.last_edited_time.slice(0, 10);
    case "formula": {
      const formula = value.formula;
      if (formula.type === "string") return formula.string ?? "";
      if (formula.type === "number") return formula.number === null ? "" : String(formula.number);
      if (formula.type === "boolean") return formula.boolean === null ? "" : formula.boolean ? "yes" : "no";
      return formula.type === "date" ? (formula.date?.start ?? "") : "";
    }
    case "rollup": {
      const rollup = value.rollup;
      if (rollup.type === "number") return rollup.number === null ? "" : String(rollup.number);
      if (rollup.type === "date") return rollup.date?.start ?? "";
      return rollup.type === "array" ? `${rollup.array.length} items` : "";
    }
    case "unique_id":
      return value.unique_id.number === null
        ? ""
        : `${value.unique_id.prefix ? `${value.unique_id.prefix}-` : ""}${value.unique_id.number}`;
    case "files":
      return value.files.map((file) => file.name).join(", ");
    default:
      return "";
  }
}
