/**
 * The ledger's records, parsed with zod when they are read back (from the file or from DynamoDB): a record
 * that does not fit is an error naming what is wrong, not a value cast into shape. Records written by the
 * earlier layout (a run's `items`, a memory's comments with `postedAt` and `commentIds` at the top) are read
 * too and given the current shape, so a deployment's memory survives the upgrade.
 */

import { MarginError } from "../errors.ts";
import {
  type CommentFate,
  FATES,
  type PostedComment,
  type ReviewComment,
} from "../review/model/ReviewComment.ts";
import type { CommentState, PageMemory, RunRecord } from "../review/model/RunRecord.ts";
import { SEVERITIES } from "../review/model/severity.ts";
import * as z from "../schema.ts";

/** A ledger record that is not what Margin wrote: the store was edited, or written by something else. */
export class LedgerRecordError extends MarginError {}

const kind = z.enum(["comment", "reply", "summary"]);
const severity = z.optional(z.enum(SEVERITIES));

const posting = z.object({
  commentIds: z.array(z.string()),
  discussionId: z.string(),
  at: z.string(),
  runId: z.string(),
  updated: z.optional(z.boolean()),
});

const reviewComment = z.object({
  key: z.string(),
  kind,
  text: z.string(),
  ref: z.optional(z.string()),
  blockId: z.optional(z.string()),
  quote: z.optional(z.string()),
  severity,
  point: z.optional(z.string()),
  discussionId: z.optional(z.string()),
  anchorId: z.optional(z.string()),
  replaces: z.optional(z.string()),
  posted: z.optional(posting),
});

const fate: z.ZodMiniType<CommentFate> = z.object({
  fate: z.enum(FATES),
  observedAt: z.string(),
  blockChanged: z.optional(z.boolean()),
});

/** A posted comment as the earlier layout kept it in a reviewer's memory. */
const earlierPostedComment = z.pipe(
  z.object({
    key: z.string(),
    kind,
    blockId: z.optional(z.string()),
    quote: z.optional(z.string()),
    severity,
    discussionId: z.string(),
    commentIds: z.array(z.string()),
    text: z.string(),
    postedAt: z.string(),
    runId: z.string(),
    fate: z.optional(fate),
  }),
  z.transform(
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
      ...(earlier.fate ? { fate: earlier.fate } : {}),
    }),
  ),
);

export const postedCommentSchema = z.union([
  z.extend(z.required(reviewComment, { posted: true }), {
    fate: z.optional(fate),
  }) as z.ZodMiniType<PostedComment>,
  earlierPostedComment,
]);

const commentState: z.ZodMiniType<CommentState> = z.discriminatedUnion("state", [
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
  reviewerName: z.optional(z.string()),
  createdAt: z.string(),
  mode: z.enum(["review", "reply"]),
  status: z.enum(["planned", "done"]),
  states: z.record(z.string(), commentState),
  fingerprints: z.record(z.string(), z.string()),
};

/** A planned action as the earlier layout kept it in a run (`{key, item, quote, severity}`). */
const earlierRunItem = z.pipe(
  z.object({
    key: z.string(),
    item: z.object({
      kind,
      text: z.string(),
      ref: z.optional(z.string()),
      blockId: z.optional(z.string()),
      discussionId: z.optional(z.string()),
      anchorId: z.optional(z.string()),
      replaceCommentId: z.optional(z.string()),
    }),
    quote: z.optional(z.string()),
    severity,
  }),
  z.transform(({ key, item, quote, severity }): ReviewComment => {
    const { replaceCommentId, ...rest } = item;
    return {
      key,
      ...rest,
      ...(replaceCommentId ? { replaces: replaceCommentId } : {}),
      ...(quote ? { quote } : {}),
      ...(severity ? { severity } : {}),
    };
  }),
);

export const runRecordSchema: z.ZodMiniType<RunRecord> = z.union([
  z.object({ ...runBase, comments: z.array(reviewComment) }),
  z.pipe(
    z.object({ ...runBase, items: z.array(earlierRunItem) }),
    z.transform(({ items, ...run }): RunRecord => ({ ...run, comments: items })),
  ),
]);

export const memoryHeaderSchema = z.object({
  reviewerName: z.optional(z.string()),
  lastReviewedAt: z.optional(z.string()),
  blocks: z._default(z.record(z.string(), z.string()), {}),
  summary: z.optional(z.object({ commentId: z.string(), discussionId: z.string() })),
  unfinishedRunId: z.optional(z.string()),
});

/** Parses a record read back from the store; `what` names it in the error. */
export function parseRecord<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new LedgerRecordError(
    `The ledger's record of ${what} is not one Margin wrote (${z.firstProblem(parsed.error, "record")}). Remove the record, or restore the ledger from a backup.`,
  );
}

export type MemoryHeader = Omit<PageMemory, "pageId" | "promptId" | "comments">;
