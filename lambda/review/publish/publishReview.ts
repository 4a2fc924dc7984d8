/**
 * Posts a run's actions to Notion: comments on their blocks (in reading order), replies in their
 * discussions, then the summary on the page, under the reviewer's name. Long text goes out in pieces, the
 * rest as replies in the same discussion.
 *
 * Exactly once: every action has a deterministic key, and with a ledger each is marked attempted before it
 * is sent and posted after. A retried run skips what was posted, and for an action attempted but not known
 * to be posted (the worker died in between), looks on the page first. When everything is posted the run is
 * recorded in the reviewer's memory of the page. If Notion fails after retries, publishing stops and the
 * report says exactly what was posted and what was not.
 */
import { NotionWriteError } from "../../errors.ts";
import type { PlannedComment } from "../agent/ReviewActions.ts";
import type { CommentTarget, CommentWriter } from "../ports/CommentWriter.ts";
import type { ItemState, Ledger, LedgerComment, RunItem, RunRecord } from "../ports/Ledger.ts";
import { type PublicationPlan, splitCommentText } from "./planPublication.ts";

export type PublishItem =
  | { kind: "comment"; ref: string; blockId: string; text: string }
  | { kind: "reply"; ref: string; discussionId: string; anchorId: string; text: string }
  | { kind: "summary"; text: string; replaceCommentId?: string };

export interface PublishedItem {
  item: PublishItem;
  commentIds: string[];
  discussionId: string;
  /** The summary replaced an earlier one in place. */
  updated?: boolean;
  /** Posted by an earlier attempt of the same run. */
  earlier?: boolean;
}

export interface PublishReport {
  published: PublishedItem[];
  /** The item Notion refused, and why; nothing after it was attempted. */
  failed?: { item: PublishItem; error: string; status?: number };
  notAttempted: PublishItem[];
}

/** The actions of a plan, in the order they are posted, each with its key. */
export function planItems(
  plan: PublicationPlan,
  textOf: (comment: PlannedComment) => string,
  previousSummaryId?: string,
): RunItem[] {
  const perBlock = new Map<string, number>();
  const items: RunItem[] = plan.inline.map((comment) => {
    const n = perBlock.get(comment.blockId) ?? 0;
    perBlock.set(comment.blockId, n + 1);
    return {
      key: `comment:${comment.blockId}:${n}`,
      item: { kind: "comment", ref: comment.ref, blockId: comment.blockId, text: textOf(comment) },
      quote: comment.quote,
      severity: comment.severity,
    };
  });
  for (const reply of plan.replies) {
    items.push({
      key: `reply:${reply.discussionId}`,
      item: {
        kind: "reply",
        ref: reply.ref,
        discussionId: reply.discussionId,
        anchorId: reply.anchorId,
        text: reply.comment,
      },
    });
  }
  if (plan.summary !== undefined)
    items.push({
      key: "summary",
      item: { kind: "summary", text: plan.summary, replaceCommentId: previousSummaryId },
    });
  return items;
}

export interface PublishContext {
  comments: CommentWriter;
  ledger?: Ledger;
  pageId: string;
  promptId: string;
  reviewerName: string;
  now?: () => Date;
}

/** Publishes what is left of a run; when all of it is posted, records it in the ledger and closes the run. */
export async function publishRun(run: RunRecord, context: PublishContext): Promise<PublishReport> {
  const now = context.now ?? (() => new Date());
  const report: PublishReport = { published: [], notAttempted: [] };
  for (const [index, entry] of run.items.entries()) {
    const state = run.states[entry.key];
    try {
      const published =
        state?.state === "posted"
          ? earlierPost(entry, state)
          : await publishOnce(run, entry, state, context, now);
      report.published.push(published);
    } catch (error) {
      if (!(error instanceof NotionWriteError)) throw error;
      report.failed = { item: entry.item, error: error.message, status: error.status };
      report.notAttempted = run.items.slice(index + 1).map((later) => later.item);
      return report;
    }
  }
  if (context.ledger) await recordRun(run, report, context.ledger, context);
  return report;
}

async function publishOnce(
  run: RunRecord,
  entry: RunItem,
  state: ItemState | undefined,
  context: PublishContext,
  now: () => Date,
): Promise<PublishedItem> {
  const { ledger } = context;
  let published = state?.state === "attempted" ? await findAttempt(entry.item, state.at, context) : undefined;
  if (!published) {
    await ledger?.setItemState(run.runId, entry.key, { state: "attempted", at: now().toISOString() });
    published = await publishItem(entry.item, context);
  }
  if (ledger) {
    await ledger.setItemState(run.runId, entry.key, {
      state: "posted",
      at: now().toISOString(),
      commentIds: published.commentIds,
      discussionId: published.discussionId,
    });
    await ledger.addComment(context.pageId, context.promptId, ledgerComment(run, entry, published, now()));
  }
  return published;
}

function earlierPost(entry: RunItem, state: Extract<ItemState, { state: "posted" }>): PublishedItem {
  return { item: entry.item, commentIds: state.commentIds, discussionId: state.discussionId, earlier: true };
}

/** An action an earlier attempt sent without knowing whether it went through: is it on the page? */
async function findAttempt(
  item: PublishItem,
  attemptedAt: string,
  context: PublishContext,
): Promise<PublishedItem | undefined> {
  // Editing a summary twice is harmless: it is simply done again.
  if (item.kind === "summary" && item.replaceCommentId) return undefined;
  const found = await context.comments.findComment(
    targetOf(item, context.pageId),
    splitCommentText(item.text)[0]!,
    context.reviewerName,
    new Date(attemptedAt),
  );
  return found
    ? { item, commentIds: [found.id], discussionId: found.discussionId, earlier: true }
    : undefined;
}

function targetOf(item: PublishItem, pageId: string): CommentTarget {
  if (item.kind === "comment") return { kind: "block", blockId: item.blockId };
  if (item.kind === "reply")
    return { kind: "reply", discussionId: item.discussionId, anchorId: item.anchorId };
  return { kind: "page", pageId };
}

async function publishItem(item: PublishItem, context: PublishContext): Promise<PublishedItem> {
  const pieces = splitCommentText(item.text);
  if (item.kind === "summary" && item.replaceCommentId && pieces.length === 1) {
    const updated = await context.comments.updateComment(item.replaceCommentId, pieces[0]!);
    return { item, commentIds: [updated.id], discussionId: updated.discussionId, updated: true };
  }
  const first = await context.comments.postComment(
    targetOf(item, context.pageId),
    pieces[0]!,
    context.reviewerName,
  );
  const commentIds = [first.id];
  const anchorId =
    item.kind === "comment" ? item.blockId : item.kind === "reply" ? item.anchorId : context.pageId;
  const discussionId = item.kind === "reply" ? item.discussionId : first.discussionId;
  for (const piece of pieces.slice(1)) {
    const more = await context.comments.postComment(
      { kind: "reply", discussionId, anchorId },
      piece,
      context.reviewerName,
    );
    commentIds.push(more.id);
  }
  return { item, commentIds, discussionId };
}

function ledgerComment(run: RunRecord, entry: RunItem, published: PublishedItem, at: Date): LedgerComment {
  const item = entry.item;
  return {
    key: `${run.runId}:${entry.key}`,
    kind: item.kind,
    ...(item.kind === "comment"
      ? { blockId: item.blockId, quote: entry.quote, severity: entry.severity }
      : {}),
    discussionId: published.discussionId,
    commentIds: published.commentIds,
    text: item.text,
    postedAt: at.toISOString(),
    runId: run.runId,
  };
}

/** The reviewer's memory of the page, once the whole run is posted. */
async function recordRun(
  run: RunRecord,
  report: PublishReport,
  ledger: Ledger,
  context: PublishContext,
): Promise<void> {
  const commented = report.published.flatMap((published) =>
    published.item.kind === "comment" ? [published.item.blockId] : [],
  );
  // Blocks Margin commented on carry discussions now: re-reviews list their comments.
  await ledger.indexDiscussions(context.pageId, commented);
  for (const published of report.published) {
    if (published.item.kind === "reply")
      await ledger.recordReply(published.discussionId, run.createdAt, run.runId);
  }
  if (run.mode === "review") {
    const summary = report.published.find((published) => published.item.kind === "summary");
    await ledger.saveReview(context.pageId, context.promptId, {
      lastReviewedAt: run.createdAt,
      blocks: run.fingerprints,
      summary: summary
        ? { commentId: summary.commentIds[0]!, discussionId: summary.discussionId }
        : undefined,
    });
  }
  await ledger.finishRun(run.runId);
}
