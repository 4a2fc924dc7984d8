/**
 * The body of a Notion database automation's "Send webhook" action: `{source, data}`, where `data` is the
 * page with the properties the action includes. Both the 2025 shape (`archived`, database parent) and the
 * 2026 shape (`in_trash`, `is_archived`, data source parent) are accepted.
 */
import * as z from "../schema.ts";
import { MAX_ID_CHARACTERS } from "./limits.ts";

const TOO_LONG = `is longer than ${MAX_ID_CHARACTERS} characters: not a Notion id`;

const relationValue = z.looseObject({
  type: z.literal("relation"),
  relation: z.array(z.looseObject({ id: z.string() })),
});

export const automationDeliverySchema = z.looseObject({
  source: z.looseObject(
    {
      type: z.optional(z.string().check(z.maxLength(MAX_ID_CHARACTERS, TOO_LONG))),
      automation_id: z.optional(z.string().check(z.maxLength(MAX_ID_CHARACTERS, TOO_LONG))),
      event_id: z
        .string({ error: "is missing: Notion automations send source.event_id" })
        .check(z.minLength(1), z.maxLength(MAX_ID_CHARACTERS, TOO_LONG)),
      attempt: z.optional(z.number()),
    },
    { error: "is missing: this is not the body of a Notion automation webhook" },
  ),
  data: z.looseObject(
    {
      object: z.literal("page", {
        error: "should be a page: the automation must run on a database of pages",
      }),
      id: z
        .string({ error: "is missing: the automation must send the page" })
        .check(
          z.minLength(1, "is missing: the automation must send the page"),
          z.maxLength(MAX_ID_CHARACTERS, TOO_LONG),
        ),
      in_trash: z.optional(z.boolean()),
      archived: z.optional(z.boolean()),
      is_archived: z.optional(z.boolean()),
      properties: z.optional(z.record(z.string(), z.unknown())),
    },
    { error: "is missing: the automation must send the page" },
  ),
});

export type AutomationDelivery = z.infer<typeof automationDeliverySchema>;

export function isTrashed(delivery: AutomationDelivery): boolean {
  return Boolean(delivery.data.in_trash || delivery.data.archived);
}

/** The ids a relation property points to, or undefined when the page has no such relation. */
export function relationIds(delivery: AutomationDelivery, property: string): string[] | undefined {
  const value = relationValue.safeParse(delivery.data.properties?.[property]);
  return value.success ? value.data.relation.map((target) => target.id) : undefined;
}
