/**
 * The ledger's records, parsed with zod when they are read back (from the file or from DynamoDB): a record
 * that does not fit is an error naming what is wrong, not a value cast into shape. Records written by the
 * earlier layout (a run's `items`, a memory's comments with `postedAt` and `commentIds` at the top) are read
 * too and given the current shape, so a deployment's memory survives the upgrade.
 */
import * as z from "zod";
import { MarginError } from "../errors.ts";
import type { PostedComment, ReviewComment } from "../review/model/ReviewComment.ts";
import type { CommentState, PageMemory, RunRecord } from "../review/model/RunRecord.ts";
import { SEVERITIES } from "../review/model/severity.ts";

/** A ledger record that is not what Margin wrote: the store was edited, or written by something else. */
export class LedgerRecordError extends MarginError {}

const kind = z.enum(["comment", "reply", "summary"]);
const severity = z.enum(SEVERITIES).optional();

const posting = z.object({
  commentIds: z.array(z.string()),
  discussionId: z.string(),
  at: z.string(),
  runId: z.string(),
  updated: z.boolean().optional(),
});

const reviewComment = z.object({
  key: z.string(),
  kind,
  text: z.string(),
  ref: z.string().optional(),
  blockId: z.string().optional(),
  quote: z.string().optional(),
  severity,
  point: z.string().optional(),
  discussionId: z.string().optional(),
  anchorId: z.string().optional(),
  replaces: z.string().optional(),
  posted: posting.optional(),
});

/** A posted comment as the earlier layout kept it in a reviewer's memory. */
const earlierPostedComment = z
  .object({
    key: z.string(),
    kind,
    blockId: z.string().optional(),
    quote: z.string().optional(),
    severity,
    discussionId: z.string(),
    commentIds: z.array(z.string()),
    text: z.string(),
    postedAt: z.string(),
    runId: z.string(),
  })
  .transform(
    (earlier): PostedComment => ({
      key: earlier.key.startsWith(`${earlier.runId}:`)
        ? earlier.key.slice(earlier.runId.length + 1)
        : earlier.key,
      kind: earlier.kind,
      text: earlier.text,
      ...(earlier.blockId ? { blockId: earlier.blockId } : {}),
      ...(earlier.quote ? { quote: earlier.quote } : {}),
      ...(earlier.severity ? { severity: earlier.severity } : {}),
      posted: {
        commentIds: earlier.commentIds,
        discussionId: earlier.discussionId,
        at: earlier.postedAt,
        runId: earlier.runId,
      },
    }),
  );

export const postedCommentSchema = z.union([
  reviewComment.required({ posted: true }) as z.ZodType<PostedComment>,
  earlierPostedComment,
]);

const commentState: z.ZodType<CommentState> = z.discriminatedUnion("state", [
  z.object({ state: z.literal("attempted"), at: z.string() }),
  z.object({
    state: z.literal("posted"),
    at: z.string(),
    commentIds: z.array(z.string()),
    discussionId: z.string(),
  }),
]);

const runBase = {
  runId: z.string(),
  pageId: z.string(),
  promptId: z.string(),
  reviewerName: z.string().optional(),
  createdAt: z.string(),
  mode: z.enum(["review", "reply"]),
  status: z.enum(["planned", "done"]),
  states: z.record(z.string(), commentState),
  fingerprints: z.record(z.string(), z.string()),
};

/** A planned action as the earlier layout kept it in a run (`{key, item, quote, severity}`). */
const earlierRunItem = z
  .object({
    key: z.string(),
    item: z.object({
      kind,
      text: z.string(),
      ref: z.string().optional(),
      blockId: z.string().optional(),
      discussionId: z.string().optional(),
      anchorId: z.string().optional(),
      replaceCommentId: z.string().optional(),
    }),
    quote: z.string().optional(),
    severity,
  })
  .transform(({ key, item, quote, severity }): ReviewComment => {
    const { replaceCommentId, ...rest } = item;
    return {
      key,
      ...rest,
      ...(replaceCommentId ? { replaces: replaceCommentId } : {}),
      ...(quote ? { quote } : {}),
      ...(severity ? { severity } : {}),
    };
  });

export const runRecordSchema: z.ZodType<RunRecord> = z.union([
  z.object({ ...runBase, comments: z.array(reviewComment) }),
  z
    .object({ ...runBase, items: z.array(earlierRunItem) })
    .transform(({ items, ...run }): RunRecord => ({ ...run, comments: items })),
]);

export const memoryHeaderSchema = z.object({
  lastReviewedAt: z.string().optional(),
  blocks: z.record(z.string(), z.string()).default({}),
  summary: z.object({ commentId: z.string(), discussionId: z.string() }).optional(),
});

/** Parses a record read back from the store; `what` names it in the error. */
export function parseRecord<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new LedgerRecordError(
    `The ledger's record of ${what} is not one Margin wrote (${issue.path.join(".") || "record"}: ${issue.message}). Remove the record, or restore the ledger from a backup.`,
  );
}

export type MemoryHeader = Omit<PageMemory, "pageId" | "promptId" | "comments">;
