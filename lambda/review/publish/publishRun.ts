/**
 * Posts a run's comments to Notion: comments on their blocks (in reading order), replies in their
 * discussions, then the summary on the page, under the reviewer's name. Long text goes out in pieces, the
 * rest as replies in the same discussion.
 *
 * Exactly once: every comment has a deterministic key, and with a ledger each is marked attempted before it
 * is sent and posted after. A retried run skips what was posted, and for a comment attempted but not known
 * to be posted (the process died in between), looks on the page first.
 *
 * A run is a unit: before its first comment goes out, the reviewer's memory of the page takes the run's
 * fingerprints and marks the run unfinished, and each comment joins the memory as it is posted, so the
 * repeat guard holds after any partial run; when everything is posted the mark is cleared. If Notion fails
 * after retries, publishing stops and the report says exactly what was posted and what was not; a failure
 * worth retrying leaves the run unfinished, to be completed from its plan, while a refusal (Notion will not
 * take a comment) closes it with what was posted.
 */
import { NotionWriteError } from "../../errors.ts";
import type { PostedComment, Posting, ReviewComment } from "../model/ReviewComment.ts";
import type { CommentState, RunRecord } from "../model/RunRecord.ts";
import type { CommentTarget, CommentWriter, KnownComments, WrittenComment } from "../ports/CommentWriter.ts";
import type { Ledger } from "../ports/Ledger.ts";
import { splitCommentText } from "./planPublication.ts";

/** A comment of the run on the page; `earlier`: an earlier attempt of the same run posted it. */
export type PublishedComment = PostedComment & { earlier?: boolean };

export interface PublishReport {
  /** The run's comments on the page, in order. */
  posted: PublishedComment[];
  /** The comment Notion refused, and why; nothing after it was attempted. */
  failed?: { comment: ReviewComment; error: NotionWriteError };
  notAttempted: ReviewComment[];
}

export interface PublishContext {
  comments: CommentWriter;
  ledger?: Ledger;
  reviewerName: string;
  now?: () => Date;
  /** Told after each comment of the run is on the page: how many are, of how many. */
  onPosted?(comment: ReviewComment, done: number, planned: number): void;
}

/** Publishes what is left of a run; when all of it is posted, records it in the ledger and closes the run. */
export async function publishRun(run: RunRecord, context: PublishContext): Promise<PublishReport> {
  const now = context.now ?? (() => new Date());
  const report: PublishReport = { posted: [], notAttempted: [] };
  if (context.ledger && run.mode === "review") {
    await context.ledger.saveReview(run.pageId, run.promptId, {
      lastReviewedAt: run.createdAt,
      blocks: run.fingerprints,
      unfinishedRunId: run.runId,
    });
  }
  // Comments known to be on the page: never taken for one whose outcome is being looked for.
  const known = new KnownIds(run, context.ledger);
  for (const [index, comment] of run.comments.entries()) {
    const state = run.states[comment.key];
    try {
      const published =
        state?.state === "posted"
          ? { ...comment, posted: postingOf(state, run.runId), earlier: true }
          : await publishOnce(run, comment, state, { ...context, known }, now);
      for (const id of published.posted.commentIds) known.add(id);
      report.posted.push(published);
      context.onPosted?.(comment, index + 1, run.comments.length);
    } catch (error) {
      if (!(error instanceof NotionWriteError)) throw error;
      report.failed = { comment, error };
      report.notAttempted = run.comments.slice(index + 1);
      if (context.ledger && !error.transient) await closeRun(run, report, context.ledger);
      return report;
    }
  }
  if (context.ledger) await closeRun(run, report, context.ledger);
  return report;
}

/**
 * The ids of the reviewer's comments known to be on the page: this run's (those posted before, and each as
 * it is posted) and, asked for only after an unknown outcome, those its memory of the page holds.
 */
class KnownIds {
  private readonly ids: Set<string>;

  constructor(
    private readonly run: RunRecord,
    private readonly ledger: Ledger | undefined,
  ) {
    this.ids = new Set(
      Object.values(run.states).flatMap((state) => (state.state === "posted" ? state.commentIds : [])),
    );
  }

  add(id: string): void {
    this.ids.add(id);
  }

  /** For the comment writer: everything known, the memory's comments included. */
  readonly all: KnownComments = async () => {
    const memory = await this.ledger?.memory(this.run.pageId, this.run.promptId);
    return new Set([
      ...this.ids,
      ...(memory?.comments ?? []).flatMap((comment) => comment.posted.commentIds),
    ]);
  };
}

type Publishing = PublishContext & { known: KnownIds };

async function publishOnce(
  run: RunRecord,
  comment: ReviewComment,
  state: CommentState | undefined,
  context: Publishing,
  now: () => Date,
): Promise<PublishedComment> {
  const { ledger } = context;
  const found = state?.state === "attempted" ? await findAttempt(run, comment, state.at, context) : undefined;
  let written: { comments: WrittenComment[]; updated?: boolean };
  if (found) written = { comments: [found] };
  else {
    await ledger?.setCommentState(run.runId, comment.key, { state: "attempted", at: now().toISOString() });
    written = await write(run, comment, context);
  }
  const at = now().toISOString();
  const posting: Posting = {
    commentIds: written.comments.map((entry) => entry.id),
    discussionId: comment.kind === "reply" ? comment.discussionId! : written.comments[0]!.discussionId,
    at,
    runId: run.runId,
    ...(written.updated ? { updated: true } : {}),
  };
  if (ledger) {
    await ledger.setCommentState(run.runId, comment.key, {
      state: "posted",
      at,
      commentIds: posting.commentIds,
      discussionId: posting.discussionId,
    });
    await ledger.addComment(run.pageId, run.promptId, { ...comment, posted: posting });
    // The block carries a discussion now: re-reviews list its comments.
    if (comment.kind === "comment") await ledger.indexDiscussions(run.pageId, [comment.blockId!]);
  }
  return { ...comment, posted: posting, ...(found ? { earlier: true } : {}) };
}

function postingOf(state: Extract<CommentState, { state: "posted" }>, runId: string): Posting {
  return { commentIds: state.commentIds, discussionId: state.discussionId, at: state.at, runId };
}

/** A comment an earlier attempt sent without knowing whether it went through: is it on the page? */
async function findAttempt(
  run: RunRecord,
  comment: ReviewComment,
  attemptedAt: string,
  context: Publishing,
): Promise<WrittenComment | undefined> {
  // Editing a summary twice is harmless: it is simply done again.
  if (comment.kind === "summary" && comment.replaces) return undefined;
  return context.comments.findComment(
    targetOf(comment, run.pageId),
    context.reviewerName,
    new Date(attemptedAt),
    await context.known.all(),
    splitCommentText(comment.text)[0]!,
  );
}

function targetOf(comment: ReviewComment, pageId: string): CommentTarget {
  if (comment.kind === "comment") return { kind: "block", blockId: comment.blockId! };
  if (comment.kind === "reply")
    return { kind: "reply", discussionId: comment.discussionId!, anchorId: comment.anchorId! };
  return { kind: "page", pageId };
}

/** Writes one comment: in pieces when it is long, the summary in place of the earlier one when it fits. */
async function write(
  run: RunRecord,
  comment: ReviewComment,
  context: Publishing,
): Promise<{ comments: WrittenComment[]; updated?: boolean }> {
  const pieces = splitCommentText(comment.text);
  if (comment.kind === "summary" && comment.replaces && pieces.length === 1) {
    return { comments: [await context.comments.updateComment(comment.replaces, pieces[0]!)], updated: true };
  }
  const first = await context.comments.postComment(
    targetOf(comment, run.pageId),
    pieces[0]!,
    context.reviewerName,
    context.known.all,
  );
  context.known.add(first.id);
  const written = [first];
  const anchorId =
    comment.kind === "comment" ? comment.blockId! : comment.kind === "reply" ? comment.anchorId! : run.pageId;
  const discussionId = comment.kind === "reply" ? comment.discussionId! : first.discussionId;
  for (const piece of pieces.slice(1)) {
    const next = await context.comments.postComment(
      { kind: "reply", discussionId, anchorId },
      piece,
      context.reviewerName,
      context.known.all,
    );
    context.known.add(next.id);
    written.push(next);
  }
  return { comments: written };
}

/** Closes the run in the reviewer's memory of the page: all of it posted, or what Notion would take. */
async function closeRun(run: RunRecord, report: PublishReport, ledger: Ledger): Promise<void> {
  for (const comment of report.posted) {
    if (comment.kind === "reply")
      await ledger.recordReply(comment.posted.discussionId, run.createdAt, run.runId);
  }
  if (run.mode === "review") {
    const summary = report.posted.find((comment) => comment.kind === "summary");
    // Blocks whose comments Notion would not take are left out of the memory: to the next review they are
    // new, so their points may be raised again rather than lost.
    const unposted = new Set(
      [report.failed?.comment, ...report.notAttempted].flatMap((comment) =>
        comment?.kind === "comment" ? [comment.blockId!] : [],
      ),
    );
    await ledger.saveReview(run.pageId, run.promptId, {
      lastReviewedAt: run.createdAt,
      blocks: Object.fromEntries(Object.entries(run.fingerprints).filter(([id]) => !unposted.has(id))),
      summary: summary
        ? { commentId: summary.posted.commentIds[0]!, discussionId: summary.posted.discussionId }
        : undefined,
    });
  }
  await ledger.finishRun(run.runId);
}
