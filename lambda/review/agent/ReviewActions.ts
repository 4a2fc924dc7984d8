/**
 * Validates every tool call before anything can be published, and keeps the ones that pass: the block
 * and discussion references must exist, the quote must occur in its block (ignoring case, spacing and
 * formatting marks), the arguments must parse. A refused call gets a message the model can act on.
 *
 * Everything the model wrote is neutralised as it is kept (mentions and odd links made plain, secrets
 * redacted), refused calls included, so nothing unsafe reaches Notion, the terminal or a log.
 */
import * as z from "../../schema.ts";
import type { Finding, ReplyDraft } from "../model/ReviewComment.ts";
import { type DocumentBlock, flattenBlocks } from "../model/ReviewDocument.ts";
import { meetsMinimum, type Severity } from "../model/severity.ts";
import type { ToolCall } from "../ports/LlmProvider.ts";
import { MAX_SUMMARY_CHARACTERS } from "../publish/planPublication.ts";
import { isFresh, type ReviewHistory } from "../read/ReviewHistory.ts";
import type { RenderedDocument } from "../render/renderDocument.ts";
import { neutraliseModelText, redactSecrets } from "./neutraliseModelText.ts";
import {
  commentOnBlockArguments,
  finishReviewArguments,
  MAX_COMMENT_CHARACTERS,
  type ReviewToolName,
  replyInThreadArguments,
} from "./reviewTools.ts";
import type { ToolOutcome } from "./runAgent.ts";

/** How much of a refused call's arguments is kept for the report. */
const MAX_REPORTED_ARGUMENTS = 2_000;

export interface RejectedCall {
  tool: string;
  arguments: string;
  reason: string;
}

export interface ReviewActionOptions {
  pageId: string;
  repliesAllowed: boolean;
  /** Reply mode: only one reply, in this discussion, is allowed, and it ends the conversation. */
  onlyThread?: string;
  /** On a re-review: what changed, and what the reviewer said before. */
  history?: ReviewHistory;
  /** `changed`: on a re-review, comment only on changed or new blocks. */
  reReview?: "changed" | "full";
  /** Secret values to redact from whatever the model wrote. */
  secrets?: readonly string[];
  /**
   * A review in parts: the page's limit on comments posted on blocks (those at or above the minimum
   * severity), enforced as the calls come, since no pass sees what the others will raise.
   */
  commentLimit?: { max: number; minimumSeverity: Severity };
}

/** A review in parts: the blocks and discussions one pass shows, and what to call it in messages. */
export interface PassScope {
  name: string;
  blockRefs: ReadonlySet<string>;
  threadRefs: ReadonlySet<string>;
}

export class ReviewActions {
  readonly findings: Finding[] = [];
  readonly replies: ReplyDraft[] = [];
  readonly rejected: RejectedCall[] = [];
  summary: string | undefined;
  private readonly order: Map<string, number>;
  private scope: PassScope | undefined;

  constructor(
    private readonly rendered: RenderedDocument,
    private readonly options: ReviewActionOptions,
  ) {
    this.order = new Map([...rendered.blocks.keys()].map((ref, index) => [ref, index]));
  }

  /**
   * A review in parts: the next pass shows only `scope`, and ends with a summary of its own. What earlier
   * passes raised stays, so the page's limits and the checks against repeating hold across passes.
   */
  beginPass(scope: PassScope): void {
    this.scope = scope;
    this.summary = undefined;
  }

  /** Comments on blocks the page's limit still allows (with no limit set, none is counted). */
  commentsLeft(): number {
    const limit = this.options.commentLimit;
    if (!limit) return Number.POSITIVE_INFINITY;
    const counted = this.findings.filter((finding) => meetsMinimum(finding.severity, limit.minimumSeverity));
    return Math.max(0, limit.max - counted.length);
  }

  handle(call: ToolCall): ToolOutcome {
    const outcome = this.check(call);
    if (!outcome.ok)
      this.rejected.push({
        tool: this.safe(call.name, 100),
        arguments: this.safe(call.rawArguments, MAX_REPORTED_ARGUMENTS),
        reason: this.safe(outcome.message, MAX_REPORTED_ARGUMENTS),
      });
    return outcome;
  }

  /**
   * The model's text made safe to keep: secrets redacted first (so a cut cannot leave half of one), then
   * cut to `limit` characters, then neutralised.
   */
  private safe(text: string, limit = Number.POSITIVE_INFINITY): string {
    const redacted = redactSecrets(text, this.options.secrets ?? []);
    return neutraliseModelText(redacted.length > limit ? `${redacted.slice(0, limit)}…` : redacted);
  }

  private check(call: ToolCall): ToolOutcome {
    if (call.parseError) return refuse(`The arguments are not valid JSON (${call.parseError}).`);
    switch (call.name as ReviewToolName) {
      case "comment_on_block":
        if (this.options.onlyThread) return refuse("Only reply_in_thread is allowed in this conversation.");
        return this.commentOnBlock(call.arguments);
      case "reply_in_thread":
        return this.replyInThread(call.arguments);
      case "finish_review": {
        const args = parse(finishReviewArguments, call.arguments);
        if (!args.ok) return args.outcome;
        // Far more than is ever posted (planPublication caps it), kept bounded for the steps before that.
        this.summary = this.safe(args.value.summary, MAX_SUMMARY_CHARACTERS * 3).trim();
        return { ok: true, message: "Review finished.", finishes: true };
      }
      default:
        return refuse(`There is no tool named ${call.name}.`);
    }
  }

  private commentOnBlock(raw: unknown): ToolOutcome {
    const args = parse(commentOnBlockArguments, raw);
    if (!args.ok) return args.outcome;
    const { block: ref, quote, severity, comment } = args.value;
    const block = this.rendered.blocks.get(ref.trim());
    if (!block)
      return refuse(
        `${ref} is not a block of this document; use a reference shown at the start of a line, such as b3.`,
      );
    if (this.scope && !this.scope.blockRefs.has(ref.trim()))
      return refuse(
        `${ref} is not shown in ${this.scope.name}; comment only on blocks shown there, and put anything else in the summary.`,
      );
    // The model read the block with secrets redacted, so its quote is matched against that text.
    const quotable = redactSecrets(quotableText(block), this.options.secrets ?? []);
    if (quotable.trim()) {
      if (!normalise(quote)) return refuse(`Give the words of ${ref} the comment is about in "quote".`);
      if (!normalise(quotable).includes(normalise(quote))) {
        return refuse(
          `The quote "${quote}" does not occur in ${ref}; copy the words exactly as they appear in that block.`,
        );
      }
    }
    if (comment.length > MAX_COMMENT_CHARACTERS) {
      return refuse(
        `The comment on ${ref} has ${comment.length} characters; keep it to one point in under ${MAX_COMMENT_CHARACTERS}.`,
      );
    }
    const repeated = this.repeatsEarlierReview(ref, block.id);
    if (repeated) return repeated;
    const text = this.safe(comment).trim();
    if (
      this.findings.some((other) => other.blockId === block.id && normalise(other.point) === normalise(text))
    ) {
      return refuse(`You already made this comment on ${ref}.`);
    }
    const limit = this.options.commentLimit;
    if (limit && meetsMinimum(severity, limit.minimumSeverity) && this.commentsLeft() === 0) {
      return refuse(
        `Not recorded: the page's limit of ${limit.max} comment${limit.max === 1 ? "" : "s"} on blocks is used up by the comments made so far in this review. Put this point in the summary instead.`,
      );
    }
    const key = ref.trim();
    this.findings.push({
      ref: key,
      blockId: block.id,
      quote: this.safe(quote).trim(),
      severity,
      point: text,
      order: this.order.get(key) ?? 0,
    });
    return { ok: true, message: `Comment on ${key} recorded.` };
  }

  /** On a re-review, a comment on a block that has not changed: refused, with why. */
  private repeatsEarlierReview(ref: string, blockId: string): ToolOutcome | undefined {
    const history = this.options.history;
    if (history && !isFresh(history, blockId)) {
      if (this.options.reReview !== "full") {
        return refuse(
          `${ref} has not changed since your last review; in this re-review, comment only on blocks marked (changed) or (new), and put anything else in the summary.`,
        );
      }
      const before = history.earlier.get(blockId) ?? [];
      if (before.length > 0) {
        const state = before.some((earlier) => earlier.open) ? "it is still open" : "someone resolved it";
        return refuse(
          `You raised a point on ${ref} before and ${state}; the block has not changed since, so do not raise it again.`,
        );
      }
    }
    return undefined;
  }

  private replyInThread(raw: unknown): ToolOutcome {
    if (!this.options.repliesAllowed)
      return refuse("Replies in discussions are turned off for this reviewer.");
    const args = parse(replyInThreadArguments, raw);
    if (!args.ok) return args.outcome;
    const ref = args.value.thread.trim();
    const thread = this.rendered.threads.get(ref);
    if (!thread) return refuse(`${ref} is not a discussion of this document; use a reference such as t2.`);
    if (this.scope && !this.scope.threadRefs.has(ref))
      return refuse(`${ref} is not shown in ${this.scope.name}; reply only in discussions shown there.`);
    if (this.options.onlyThread && this.options.onlyThread !== thread.discussionId) {
      return refuse(
        `Only a reply in ${this.rendered.threadRefs.get(this.options.onlyThread)} is allowed in this conversation.`,
      );
    }
    if (thread.comments.at(-1)?.byReviewer)
      return refuse(`The last word in ${ref} is already yours; reply only where someone asked or answered.`);
    if (this.replies.some((reply) => reply.ref === ref))
      return refuse(`You already replied in ${ref} in this review.`);
    if (args.value.comment.length > MAX_COMMENT_CHARACTERS) {
      return refuse(
        `The reply in ${ref} has ${args.value.comment.length} characters; keep it under ${MAX_COMMENT_CHARACTERS}.`,
      );
    }
    this.replies.push({
      ref,
      discussionId: thread.discussionId,
      anchorId: thread.blockId ?? this.options.pageId,
      text: this.safe(args.value.comment).trim(),
    });
    return { ok: true, message: `Reply in ${ref} recorded.`, finishes: Boolean(this.options.onlyThread) };
  }
}

function refuse(message: string): ToolOutcome {
  return { ok: false, message };
}

function parse<T>(
  schema: z.ZodMiniType<T>,
  raw: unknown,
): { ok: true; value: T } | { ok: false; outcome: ToolOutcome } {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const problems = z.describeProblems(result.error, "arguments");
  return { ok: false, outcome: refuse(`Invalid arguments: ${problems.join("; ")}.`) };
}

/** What a quote may be taken from: the block's text, and for tables the text of their rows. */
function quotableText(block: DocumentBlock): string {
  const own = [block.plainText, block.text, block.attributes.title, block.attributes.caption]
    .filter(Boolean)
    .join("\n");
  if (block.type !== "table") return own;
  return [own, ...flattenBlocks(block.children).map((row) => row.plainText)].join("\n");
}

/** Lower case, single spaces, no formatting marks, plain quotes: how quotes are compared. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[*_~`]/g, "")
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, " ")
    .trim();
}
