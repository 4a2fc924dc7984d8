/**
 * Posts a review to Notion: comments on their blocks (in reading order), replies in their discussions,
 * then the summary on the page, under the reviewer's name. Long text goes out in pieces, the rest as
 * replies in the same discussion. If Notion fails after retries, publishing stops and the report says
 * exactly what was posted and what was not.
 */
import { NotionWriteError } from "../errors.ts";
import type { CommentTarget, NotionGateway } from "../notion/NotionGateway.ts";
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
}

export interface PublishReport {
  published: PublishedItem[];
  /** The item Notion refused, and why; nothing after it was attempted. */
  failed?: { item: PublishItem; error: string; status?: number };
  notAttempted: PublishItem[];
}

export interface PublishInput {
  notion: NotionGateway;
  pageId: string;
  reviewerName: string;
  items: PublishItem[];
}

/** The items of a plan, in the order they are posted. */
export function publishItems(
  plan: PublicationPlan,
  textOf: (ref: string) => string,
  previousSummaryId?: string,
): PublishItem[] {
  const items: PublishItem[] = plan.inline.map((comment) => ({
    kind: "comment",
    ref: comment.ref,
    blockId: comment.blockId,
    text: textOf(comment.ref),
  }));
  for (const reply of plan.replies) {
    items.push({
      kind: "reply",
      ref: reply.ref,
      discussionId: reply.discussionId,
      anchorId: reply.anchorId,
      text: reply.comment,
    });
  }
  if (plan.summary !== undefined)
    items.push({ kind: "summary", text: plan.summary, replaceCommentId: previousSummaryId });
  return items;
}

export async function publishReview(input: PublishInput): Promise<PublishReport> {
  const report: PublishReport = { published: [], notAttempted: [] };
  for (const [index, item] of input.items.entries()) {
    try {
      report.published.push(await publishItem(input, item));
    } catch (error) {
      if (!(error instanceof NotionWriteError)) throw error;
      report.failed = { item, error: error.message, status: error.status };
      report.notAttempted = input.items.slice(index + 1);
      break;
    }
  }
  return report;
}

async function publishItem(input: PublishInput, item: PublishItem): Promise<PublishedItem> {
  const pieces = splitCommentText(item.text);
  if (item.kind === "summary" && item.replaceCommentId && pieces.length === 1) {
    const updated = await input.notion.updateComment(item.replaceCommentId, pieces[0]!);
    return { item, commentIds: [updated.id], discussionId: updated.discussionId, updated: true };
  }
  const target: CommentTarget =
    item.kind === "comment"
      ? { kind: "block", blockId: item.blockId }
      : item.kind === "reply"
        ? { kind: "reply", discussionId: item.discussionId, anchorId: item.anchorId }
        : { kind: "page", pageId: input.pageId };
  const first = await input.notion.postComment(target, pieces[0]!, input.reviewerName);
  const commentIds = [first.id];
  const anchorId =
    item.kind === "comment" ? item.blockId : item.kind === "reply" ? item.anchorId : input.pageId;
  const discussionId = item.kind === "reply" ? item.discussionId : first.discussionId;
  for (const piece of pieces.slice(1)) {
    const more = await input.notion.postComment(
      { kind: "reply", discussionId, anchorId },
      piece,
      input.reviewerName,
    );
    commentIds.push(more.id);
  }
  return { item, commentIds, discussionId };
}
