/**
 * What a review did, for people (text) and for programs (`--json`): each comment with an excerpt of its
 * block, the replies with their discussion, the summary, what was left out and why, and the usage. Every
 * planned comment is reported under its own key, so two comments on one block are told apart.
 */

import { usageFields } from "../observability/usageFields.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import type { ReviewComment } from "../review/model/ReviewComment.ts";
import type { ReviewResult } from "../review/ReviewResult.ts";
import { describeUsage } from "./describeUsage.ts";

export function reviewAsJson(result: ReviewResult): Record<string, unknown> {
  const posted = postedIds(result);
  const planned = result.plan?.comments ?? [];
  const summary = planned.find((comment) => comment.kind === "summary");
  return {
    outcome: result.outcome,
    page: result.page,
    prompt: result.prompt,
    settings: result.settings,
    comments: ofKind(planned, "comment").map((comment) => ({
      key: comment.key,
      block: comment.ref,
      blockId: comment.blockId,
      excerpt: excerptOf(result, comment.ref!),
      quote: comment.quote,
      severity: comment.severity,
      comment: comment.point,
      posted: posted.get(comment.key) ?? null,
    })),
    inSummary: (result.plan?.inSummary ?? []).map((finding) => ({
      block: finding.ref,
      excerpt: excerptOf(result, finding.ref),
      severity: finding.severity,
      comment: finding.point,
    })),
    replies: ofKind(planned, "reply").map((reply) => ({
      key: reply.key,
      thread: reply.ref,
      discussionId: reply.discussionId,
      question: lastComment(result, reply.ref!),
      reply: reply.text,
      posted: posted.get(reply.key) ?? null,
    })),
    summary: summary?.text ?? null,
    summaryPosted: posted.get("summary") ?? null,
    rejected: result.rejected,
    publishFailure: result.publish?.failed
      ? {
          key: result.publish.failed.comment.key,
          item: describe(result.publish.failed.comment),
          error: result.publish.failed.error.message,
        }
      : null,
    notPosted: (result.publish?.notAttempted ?? []).map((comment) => ({
      key: comment.key,
      item: describe(comment),
    })),
    usage: usageFields(result.settings.model, result.usage),
    roundTrips: result.roundTrips,
    parts: result.parts ?? 1,
    renderedTokens: result.renderedTokens ?? null,
  };
}

export function reviewAsText(result: ReviewResult): string {
  const lines: string[] = [];
  const posted = postedIds(result);
  lines.push(`${result.prompt.title} on "${result.page.title}"`, result.page.url, "");
  const plan = result.plan;
  if (!plan) {
    lines.push(`Nothing was posted: ${outcomeReason(result)}`);
    return `${lines.join("\n")}\n`;
  }
  const dry = result.outcome.kind === "dry_run";
  const state = (key: string) => (dry ? "not posted (dry run)" : posted.has(key) ? "posted" : "NOT posted");
  const comments = ofKind(plan.comments, "comment");
  lines.push(`Comments on blocks (${comments.length})`);
  for (const comment of comments) {
    lines.push(
      `  ${comment.ref} "${excerptOf(result, comment.ref!)}" [${state(comment.key)}]`,
      `     ${comment.severity}: ${indent(comment.point ?? comment.text, "     ")}`,
    );
  }
  const replies = ofKind(plan.comments, "reply");
  if (replies.length > 0) {
    lines.push("", `Replies in discussions (${replies.length})`);
    for (const reply of replies) {
      lines.push(
        `  ${reply.ref} after "${lastComment(result, reply.ref!)}" [${state(reply.key)}]`,
        `     ${indent(reply.text, "     ")}`,
      );
    }
  }
  const summary = plan.comments.find((comment) => comment.kind === "summary");
  if (summary) lines.push("", `Summary [${state(summary.key)}]`, `  ${indent(summary.text, "  ")}`);
  if (result.rejected.length > 0) {
    lines.push("", `Tool calls refused and never posted (${result.rejected.length})`);
    for (const call of result.rejected) lines.push(`  ${call.tool}: ${call.reason}`);
  }
  if (result.publish?.failed) {
    lines.push(
      "",
      `Publishing stopped: ${result.publish.failed.error.message}`,
      `  Failed: ${describe(result.publish.failed.comment)}`,
    );
    for (const comment of result.publish.notAttempted) lines.push(`  Not attempted: ${describe(comment)}`);
  }
  if ((result.parts ?? 1) > 1)
    lines.push("", `Reviewed in ${result.parts} parts: the page is longer than MARGIN_MAX_DOCUMENT_TOKENS.`);
  lines.push(
    "",
    `${result.roundTrips} model round trip${result.roundTrips === 1 ? "" : "s"} · ${describeUsage(result.usage, result.settings.model)}`,
  );
  return `${lines.join("\n")}\n`;
}

function ofKind(comments: ReviewComment[], kind: ReviewComment["kind"]): ReviewComment[] {
  return comments.filter((comment) => comment.kind === kind);
}

/** The ids each planned comment went out as, by its key. */
function postedIds(result: ReviewResult): Map<string, string[]> {
  return new Map((result.publish?.posted ?? []).map((comment) => [comment.key, comment.posted.commentIds]));
}

/** Which planned comment: its block or thread, and its opening words, so two on one block are told apart. */
function describe(comment: ReviewComment): string {
  if (comment.kind === "summary") return "the summary";
  const words = comment.point ?? comment.text;
  const opening = words.length > 40 ? `${words.slice(0, 39).trimEnd()}…` : words;
  return `${comment.kind === "comment" ? `the comment on ${comment.ref}` : `the reply in ${comment.ref}`} ("${opening}")`;
}

function excerptOf(result: ReviewResult, ref: string): string {
  const text = result.rendered.blocks.get(ref)?.plainText ?? "";
  return text.length > 70 ? `${text.slice(0, 67).trimEnd()}…` : text;
}

function lastComment(result: ReviewResult, ref: string): string {
  const text = result.rendered.threads.get(ref)?.comments.at(-1)?.text ?? "";
  return text.length > 70 ? `${text.slice(0, 67).trimEnd()}…` : text;
}

function indent(text: string, by: string): string {
  return text.replace(/\n/g, `\n${by}`);
}
