/**
 * What became of the reviewer's comments on blocks, decided from what a re-review already read (the page's
 * open discussions and its blocks' fingerprints), with no request of its own: a discussion no longer open
 * was resolved (or went with its block), a reply by a person answered it, and a block whose fingerprint
 * moved since the comment was posted was changed. Addressed and dismissed are final; the others may move on.
 */
import type { CommentFate, FateName, PostedComment } from "../model/ReviewComment.ts";
import type { DocumentThread, ReviewDocument } from "../model/ReviewDocument.ts";
import type { PageMemory } from "../model/RunRecord.ts";
import type { Ledger, RecordedFate } from "../ports/Ledger.ts";
import { fingerprints } from "./ReviewHistory.ts";

/** The fates of the reviewer's comments on a page's blocks, as one read of the page saw them. */
export interface ObservedFates {
  /** Its comments on blocks by fate (those already addressed or dismissed included). */
  counts: Record<FateName, number>;
  /** How many of them this read saw reach a new fate (or their block change). */
  changed: number;
  /** Those this read saw dismissed (a final fate: each comment is here on one read only). */
  newlyDismissed: PostedComment[];
}

const FINAL: ReadonlySet<FateName> = new Set(["addressed", "dismissed"]);

/** Each comment on a block whose fate this read changes, with its new fate; comments with a final fate stay. */
export function decideFates(document: ReviewDocument, memory: PageMemory, at: string): RecordedFate[] {
  const current = fingerprints(document);
  const threads = new Map(document.threads.map((thread) => [thread.discussionId, thread]));
  const decided: RecordedFate[] = [];
  for (const comment of commentsOnBlocks(memory.comments)) {
    const previous = comment.fate;
    if (previous && FINAL.has(previous.fate)) continue;
    const now = current[comment.blockId!];
    const before = memory.blocks[comment.blockId!];
    // A block gone from the page changed; one the memory has no fingerprint of cannot be judged.
    const blockChanged =
      Boolean(previous?.blockChanged) || now === undefined || (before !== undefined && before !== now);
    const thread = threads.get(comment.posted.discussionId);
    // Gone, on a block the memory has no fingerprint of: whether it was addressed or dismissed cannot be told,
    // and both are final, so nothing is decided.
    if (!thread && !blockChanged && before === undefined) continue;
    const fate = fateOf(thread, blockChanged);
    if (previous?.fate === fate && Boolean(previous.blockChanged) === blockChanged) continue;
    const observedAt = previous?.fate === fate ? previous.observedAt : at;
    const recorded: CommentFate = { fate, observedAt, ...(blockChanged ? { blockChanged } : {}) };
    decided.push({ runId: comment.posted.runId, key: comment.key, fate: recorded });
  }
  return decided;
}

/** Gone (resolved, or its block deleted): addressed if its block changed; open: answered once a person replied. */
function fateOf(thread: DocumentThread | undefined, blockChanged: boolean): FateName {
  if (!thread) return blockChanged ? "addressed" : "dismissed";
  return thread.comments.some((reply) => !reply.byReviewer && !reply.byBot) ? "answered" : "open";
}

/**
 * Decides the fates on a re-review and records what changed (and the reviewer's name, which `margin stats`
 * lists them under) in the ledger; a dry run records nothing.
 */
export async function observeFates(
  document: ReviewDocument,
  memory: PageMemory,
  reviewerName: string,
  deps: { ledger?: Ledger; now: () => Date; dryRun?: boolean },
): Promise<ObservedFates> {
  const decided = decideFates(document, memory, deps.now().toISOString());
  if (deps.ledger && !deps.dryRun && (decided.length > 0 || memory.reviewerName !== reviewerName))
    await deps.ledger.recordFates(memory.pageId, memory.promptId, { reviewerName, fates: decided });
  const updated = new Map(decided.map((entry) => [`${entry.runId}:${entry.key}`, entry.fate]));
  const comments = commentsOnBlocks(memory.comments).map((comment) => ({
    ...comment,
    fate: updated.get(`${comment.posted.runId}:${comment.key}`) ?? comment.fate,
  }));
  const newlyDismissed = comments.filter(
    (comment) => comment.fate?.fate === "dismissed" && updated.has(`${comment.posted.runId}:${comment.key}`),
  );
  return { counts: countFates(comments), changed: decided.length, newlyDismissed };
}

/** Comments on blocks by fate; one no later read has seen yet is open. */
export function countFates(comments: readonly PostedComment[]): Record<FateName, number> {
  const counts: Record<FateName, number> = { addressed: 0, dismissed: 0, answered: 0, open: 0 };
  for (const comment of comments) counts[comment.fate?.fate ?? "open"]++;
  return counts;
}

/** The comments that have fates: those posted on a block (not replies, not summaries). */
export function commentsOnBlocks(comments: readonly PostedComment[]): PostedComment[] {
  return comments.filter((comment) => comment.kind === "comment" && comment.blockId !== undefined);
}
