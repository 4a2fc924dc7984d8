/**
 * The reviewer's tools, defined once with zod: their arguments are validated with these schemas, and the
 * JSON Schema each provider sees is generated from them.
 */
import * as z from "../../schema.ts";
import { SEVERITIES } from "../model/severity.ts";
import type { ToolSpec } from "../ports/LlmProvider.ts";

/** Longest inline comment accepted: one point, said briefly. */
export const MAX_COMMENT_CHARACTERS = 1200;

export const commentOnBlockArguments = z.strictObject({
  block: z.string().check(z.describe("The block's reference, such as b12.")),
  quote: z
    .string()
    .check(z.describe("The exact words of that block the comment is about (a short phrase is enough).")),
  severity: z
    .enum(SEVERITIES)
    .check(
      z.describe(
        "critical: blocks approval or risks harm; major: fix before approval; minor: worth fixing; nit: optional.",
      ),
    ),
  comment: z
    .string()
    .check(
      z.minLength(1),
      z.describe("One point: what is wrong or missing, why it matters, what would resolve it."),
    ),
});

export const replyInThreadArguments = z.strictObject({
  thread: z.string().check(z.describe("The discussion's reference, such as t3.")),
  comment: z.string().check(z.minLength(1), z.describe("The reply: brief and direct.")),
});

export const finishReviewArguments = z.strictObject({
  summary: z.string().check(z.minLength(1), z.describe("The summary comment for the whole page.")),
});

/**
 * When the reviewer replies in a discussion: the one statement of the rule, in the description of the tool
 * it governs, which the model reads in a review and in reply mode alike. The fixed instructions
 * (`buildReviewInput.ts`) point to it rather than restate it; `ReviewActions` enforces the part code can
 * check (the last word, once per discussion).
 */
export const REPLY_RULE =
  "Reply once in an existing discussion where someone wrote to you: asked you a question, or answered or challenged one of your comments. Briefly and directly. Never where the last word is already yours, nor to a thank-you or a note meant for someone else.";

export type CommentOnBlockArguments = z.infer<typeof commentOnBlockArguments>;
export type ReplyInThreadArguments = z.infer<typeof replyInThreadArguments>;

const TOOLS = {
  comment_on_block: {
    description: "Leave one comment on one block of the document. Call it once per point.",
    schema: commentOnBlockArguments,
  },
  reply_in_thread: {
    description: REPLY_RULE,
    schema: replyInThreadArguments,
  },
  finish_review: {
    description: "End the review with the summary comment for the page. Call it last, once.",
    schema: finishReviewArguments,
  },
} as const;

export type ReviewToolName = keyof typeof TOOLS;

/** The tools offered to the model; `reply_in_thread` only when replies are on. */
export function reviewToolSpecs(options: { replies: boolean; only?: ReviewToolName[] }): ToolSpec[] {
  const names = (Object.keys(TOOLS) as ReviewToolName[]).filter(
    (name) =>
      (options.replies || name !== "reply_in_thread") && (!options.only || options.only.includes(name)),
  );
  return names.map((name) => {
    const { $schema: _schema, ...parameters } = z.toJSONSchema(TOOLS[name].schema) as Record<string, unknown>;
    return { name, description: TOOLS[name].description, parameters };
  });
}
