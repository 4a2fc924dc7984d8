/**
 * What a review did, for people (text) and for programs (`--json`): each comment with an excerpt of its
 * block, the replies with their discussion, the summary, what was left out and why, and the usage.
 */

import { usageFields } from "../observability/usageFields.ts";
import { outcomeReason } from "../review/describeOutcome.ts";
import type { PublishItem } from "../review/publish/publishReview.ts";
import type { ReviewResult } from "../review/runReview.ts";
import { describeUsage } from "./describeUsage.ts";

export function reviewAsJson(result: ReviewResult): Record<string, unknown> {
  const posted = postedIds(result);
  return {
    outcome: result.outcome,
    page: result.page,
    prompt: result.prompt,
    settings: result.settings,
    comments: (result.plan?.inline ?? []).map((comment) => ({
      block: comment.ref,
      blockId: comment.blockId,
      excerpt: excerptOf(result, comment.ref),
      quote: comment.quote,
      severity: comment.severity,
      comment: comment.comment,
      posted: posted.get(`comment:${comment.ref}`) ?? null,
    })),
    inSummary: (result.plan?.inSummary ?? []).map((comment) => ({
      block: comment.ref,
      excerpt: excerptOf(result, comment.ref),
      severity: comment.severity,
      comment: comment.comment,
    })),
    replies: (result.plan?.replies ?? []).map((reply) => ({
      thread: reply.ref,
      discussionId: reply.discussionId,
      question: lastComment(result, reply.ref),
      reply: reply.comment,
      posted: posted.get(`reply:${reply.ref}`) ?? null,
    })),
    summary: result.plan?.summary ?? null,
    summaryPosted: posted.get("summary") ?? null,
    rejected: result.rejected,
    publishFailure: result.publish?.failed
      ? { item: describeItem(result.publish.failed.item), error: result.publish.failed.error }
      : null,
    notPosted: (result.publish?.notAttempted ?? []).map(describeItem),
    usage: usageFields(result.settings.model, result.usage),
    roundTrips: result.roundTrips,
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
  lines.push(`Comments on blocks (${plan.inline.length})`);
  for (const comment of plan.inline) {
    lines.push(
      `  ${comment.ref} "${excerptOf(result, comment.ref)}" [${state(`comment:${comment.ref}`)}]`,
      `     ${comment.severity}: ${indent(comment.comment, "     ")}`,
    );
  }
  if (plan.replies.length > 0) {
    lines.push("", `Replies in discussions (${plan.replies.length})`);
    for (const reply of plan.replies) {
      lines.push(
        `  ${reply.ref} after "${lastComment(result, reply.ref)}" [${state(`reply:${reply.ref}`)}]`,
        `     ${indent(reply.comment, "     ")}`,
      );
    }
  }
  if (plan.summary !== undefined) {
    lines.push("", `Summary [${state("summary")}]`, `  ${indent(plan.summary, "  ")}`);
  }
  if (result.rejected.length > 0) {
    lines.push("", `Tool calls refused and never posted (${result.rejected.length})`);
    for (const call of result.rejected) lines.push(`  ${call.tool}: ${call.reason}`);
  }
  if (result.publish?.failed) {
    lines.push(
      "",
      `Publishing stopped: ${result.publish.failed.error}`,
      `  Failed: ${describeItem(result.publish.failed.item)}`,
    );
    for (const item of result.publish.notAttempted) lines.push(`  Not attempted: ${describeItem(item)}`);
  }
  lines.push(
    "",
    `${result.roundTrips} model round trip${result.roundTrips === 1 ? "" : "s"} · ${describeUsage(result.usage, result.settings.model)}`,
  );
  return `${lines.join("\n")}\n`;
}

function postedIds(result: ReviewResult): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const published of result.publish?.published ?? []) {
    const item = published.item;
    map.set(item.kind === "summary" ? "summary" : `${item.kind}:${item.ref}`, published.commentIds);
  }
  return map;
}

function describeItem(item: PublishItem): string {
  if (item.kind === "summary") return "the summary";
  return item.kind === "comment" ? `the comment on ${item.ref}` : `the reply in ${item.ref}`;
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
