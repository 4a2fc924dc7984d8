/**
 * Learnings people can edit: with Keep learnings on, each comment a re-review finds newly dismissed (resolved
 * with its block unchanged), or that a person answers by saying it does not apply, becomes one short line on
 * the reviewer's Learnings page, which the reviewer then reads as reference material. A dismissal is final, so each is written once, and a line a person deletes is
 * gone for good. A dry run writes nothing; a line that cannot be written is a warning, never a failed review.
 */
import { OutOfTimeError, ReadingPaused } from "../../errors.ts";
import type { PromptPage, ReferencePage } from "../model/PromptPage.ts";
import type { PostedComment } from "../model/ReviewComment.ts";
import type { DocumentPage, ReviewDocument } from "../model/ReviewDocument.ts";
import type { PageMemory } from "../model/RunRecord.ts";
import type { LearningsWriter } from "../ports/LearningsWriter.ts";
import type { Ledger } from "../ports/Ledger.ts";
import type { ReviewSettings } from "../prompt/reviewSettings.ts";
import type { ProgressEvent } from "../ReviewDependencies.ts";

/** The longest a dismissed point is written, in characters. */
const POINT_LENGTH = 160;

/** One line of the Learnings page: the point dismissed, shortened, and the page it was dismissed on. */
export function learningLine(comment: PostedComment, page: Pick<DocumentPage, "title" | "url">): string {
  const point = shorten((comment.point ?? comment.text).replace(/\s+/g, " ").trim(), POINT_LENGTH);
  return `Dismissed on "${page.title || "Untitled"}" (${page.url}): ${point}`;
}

function shorten(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length - 1);
  const atWord = cut.lastIndexOf(" ");
  return `${(atWord > length / 2 ? cut.slice(0, atWord) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

/** Writes the newly dismissed comments to the reviewer's Learnings page, reporting what became of them. */
export async function writeLearnings(
  prompt: Pick<PromptPage, "id" | "title">,
  page: Pick<DocumentPage, "title" | "url">,
  dismissed: readonly PostedComment[],
  deps: { learnings?: LearningsWriter; onProgress?: (event: ProgressEvent) => void },
): Promise<void> {
  if (dismissed.length === 0 || !deps.learnings) return;
  const lines = dismissed.map((comment) => learningLine(comment, page));
  try {
    const written = await deps.learnings.appendLearnings(prompt, lines);
    deps.onProgress?.({ kind: "learnings_written", lines: lines.length, ...written });
  } catch (error) {
    // The worker's flow (a paused read, the invocation's end) is not a failure to write.
    if (error instanceof ReadingPaused || error instanceof OutOfTimeError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    deps.onProgress?.({ kind: "learnings_not_written", lines: lines.length, reason });
  }
}

/** The reference pages the model reads: the Learnings page last, while the setting is on. */
export function referencePagesOf(prompt: PromptPage, settings: Pick<ReviewSettings, "keepLearnings">) {
  const learnings: ReferencePage[] = settings.keepLearnings && prompt.learnings ? [prompt.learnings] : [];
  return [...prompt.references, ...learnings];
}

/**
 * How people say a point does not apply, in a reply to it. Deliberately narrow: a reply that argues is a
 * conversation, not a dismissal, and the reviewer answers it.
 */
const DOES_NOT_APPLY =
  /\b(?:(?:does ?n[o'’]t|do ?n[o'’]t|does not|do not) apply|not applicable|(?:is|'s|’s) not relevant here|irrelevant here)\b/i;

export function saysItDoesNotApply(text: string): boolean {
  return DOES_NOT_APPLY.test(text);
}

/**
 * A person's reply in the discussion of one of the reviewer's comments says the point does not apply: the
 * comment counts as dismissed (a final fate, so it is written once) and becomes a line. Nothing happens
 * with Keep learnings off, in a dry run, without a memory, or when the last word is not a person's.
 */
export async function learnFromReply(
  prepared: PreparedForLearning,
  discussionId: string,
  deps: { ledger?: Ledger; learnings?: LearningsWriter; onProgress?: (event: ProgressEvent) => void },
): Promise<void> {
  const { settings, memory, document, prompt } = prepared;
  if (!settings.keepLearnings || !memory || !deps.ledger) return;
  const last = document.threads.find((thread) => thread.discussionId === discussionId)?.comments.at(-1);
  if (!last || last.byReviewer || last.byBot || !saysItDoesNotApply(last.text)) return;
  const comment = memory.comments.find(
    (entry) => entry.kind === "comment" && entry.posted.discussionId === discussionId,
  );
  if (!comment || comment.fate?.fate === "dismissed" || comment.fate?.fate === "addressed") return;
  await deps.ledger.recordFates(document.page.id, prompt.id, {
    reviewerName: prompt.title,
    fates: [
      {
        runId: comment.posted.runId,
        key: comment.key,
        fate: { fate: "dismissed", observedAt: prepared.now().toISOString() },
      },
    ],
  });
  await writeLearnings(prompt, document.page, [comment], deps);
}

interface PreparedForLearning {
  settings: Pick<ReviewSettings, "keepLearnings">;
  memory?: PageMemory;
  document: ReviewDocument;
  prompt: Pick<PromptPage, "id" | "title">;
  now: () => Date;
}
