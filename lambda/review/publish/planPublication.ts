/**
 * Decides what is posted where, as the run's ReviewComments in the order they go out: the findings that
 * meet the minimum severity, up to the limit (highest severity first), on their blocks in reading order;
 * the replies; then the summary, which lists the other findings. Text is shaped for Notion comments, which
 * render inline formatting only, and Margin's references (`b12`) become words a reader understands.
 */
import type { Finding, ReplyDraft, ReviewComment } from "../model/ReviewComment.ts";
import { meetsMinimum, severityRank } from "../model/severity.ts";
import type { ReviewSettings } from "../prompt/reviewSettings.ts";
import type { ReviewHistory } from "../read/ReviewHistory.ts";

export interface PublicationPlan {
  /** What is posted, in order, each under its key. */
  comments: ReviewComment[];
  /** Findings listed in the summary instead of on their block. */
  inSummary: Finding[];
}

export interface PlanInput {
  /** Turns a reference the model let slip into its text (`b12`) into words a reader understands. */
  describeRef(ref: string): string | undefined;
  findings: Finding[];
  replies: ReplyDraft[];
  /** The model's summary; undefined when there is none to post (a reply). */
  summary: string | undefined;
  settings: Pick<
    ReviewSettings,
    "maxInlineComments" | "minimumInlineSeverity" | "replyInThreads" | "summary"
  >;
  /** Short excerpts of blocks by id, to say where a summarised finding belongs. */
  excerpt(blockId: string): string;
  /** A block's whole text, to tell whether a comment on it should quote the words it is about. */
  blockText(blockId: string): string;
  /** The review's date (YYYY-MM-DD), shown under the summary. */
  date: string;
  /** A re-review: the summary says what changed since the last one. */
  history?: ReviewHistory;
  /** The reviewer's earlier summary comment, edited in place instead of posting a new one. */
  previousSummaryId?: string;
  /** A review in parts: where each part was on the page, said under the summary. */
  parts?: string[];
}

export function planPublication(input: PlanInput): PublicationPlan {
  const { settings } = input;
  const ranked = [...input.findings].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.order - b.order,
  );
  const eligible = ranked.filter((finding) => meetsMinimum(finding.severity, settings.minimumInlineSeverity));
  const inline = eligible.slice(0, settings.maxInlineComments).sort((a, b) => a.order - b.order);
  const inlineSet = new Set(inline);
  const inSummary = ranked.filter((finding) => !inlineSet.has(finding));
  const comments: ReviewComment[] = commentsOn(inline, input);
  if (settings.replyInThreads) {
    for (const reply of input.replies) {
      comments.push({
        key: `reply:${reply.discussionId}`,
        kind: "reply",
        ref: reply.ref,
        discussionId: reply.discussionId,
        anchorId: reply.anchorId,
        text: replaceRefs(toCommentMarkdown(reply.text), input.describeRef),
      });
    }
  }
  if (input.summary !== undefined && settings.summary !== "off") {
    comments.push({
      key: "summary",
      kind: "summary",
      text: summaryText(input, inline.length, inSummary),
      ...(input.previousSummaryId ? { replaces: input.previousSummaryId } : {}),
    });
  }
  return { comments, inSummary };
}

/** The findings posted on their blocks, each keyed by its block and its place among that block's. */
function commentsOn(inline: Finding[], input: PlanInput): ReviewComment[] {
  const perBlock = new Map<string, number>();
  return inline.map((finding) => {
    const n = perBlock.get(finding.blockId) ?? 0;
    perBlock.set(finding.blockId, n + 1);
    return {
      key: `comment:${finding.blockId}:${n}`,
      kind: "comment",
      ref: finding.ref,
      blockId: finding.blockId,
      quote: finding.quote,
      severity: finding.severity,
      point: finding.point,
      text: inlineCommentText(finding, input.blockText(finding.blockId), input.describeRef),
    };
  });
}

/** Longest summary posted, footer included. */
export const MAX_SUMMARY_CHARACTERS = 6_000;
/** Of the model's own summary, at least this much is kept however long the "Also noted" list is. */
const MIN_MODEL_SUMMARY = 1_500;

/**
 * The summary comment: the model's summary, the "Also noted" list of findings not posted on their blocks,
 * and a footer, within MAX_SUMMARY_CHARACTERS.
 *
 * Each finding is listed in one place. One posted on its block is never repeated here; one that is not
 * (over the limit, or below the minimum severity) is listed once, in "Also noted", and only here. The
 * model's own summary carries neither: its fixed instructions (`buildReviewInput.ts`) and the reviewers'
 * prompts ask it for the verdict, the points that belong to no single block, and the questions for the
 * author, and to raise every point about a block with `comment_on_block`. When it is too long, the list keeps as many findings as fit
 * (saying how many more there were) and the model's part is cut at a line or word with a note saying so.
 */
function summaryText(input: PlanInput, inlineCount: number, inSummary: Finding[]): string {
  const model = replaceRefs(toCommentMarkdown(input.summary ?? ""), input.describeRef);
  // On a re-review the reviewer's earlier comments still open are on the page too.
  const stillOpen = [...(input.history?.earlier.values() ?? [])]
    .flat()
    .filter((comment) => comment.kind === "comment" && comment.open).length;
  const onPage = inlineCount + stillOpen;
  const counts = [
    `${onPage} comment${onPage === 1 ? "" : "s"} on the page${input.history ? ` (${inlineCount} new)` : ""}`,
  ];
  if (inSummary.length > 0) counts.push(`${inSummary.length} more listed above`);
  const history = input.history;
  const dated = history
    ? `_Updated ${input.date} · ${history.changed.size} block${history.changed.size === 1 ? "" : "s"} changed and ${history.added.size} new since ${history.lastReviewedAt.slice(0, 10)} · ${counts.join(" · ")}_`
    : `_Reviewed ${input.date} · ${counts.join(" · ")}_`;
  const footer = input.parts ? `${partsLine(input.parts)}\n\n${dated}` : dated;
  const room = MAX_SUMMARY_CHARACTERS - footer.length - "\n\n".length;
  const items = inSummary.map(
    (finding) =>
      `• *${finding.severity}* — on “${oneLine(input.excerpt(finding.blockId))}”: ${oneLine(replaceRefs(toCommentMarkdown(finding.point), input.describeRef))}`,
  );
  const noted = alsoNoted(items, room - Math.min(model.length, MIN_MODEL_SUMMARY) - "\n\n".length);
  const modelRoom = room - (noted ? noted.length + "\n\n".length : 0);
  return [capped(model, modelRoom), noted, footer].filter(Boolean).join("\n\n");
}

/** Most parts named one by one under a summary; a page in more says only how many. */
const MAX_PARTS_NAMED = 8;

/** A review in parts says so: the reader should know no single pass read the whole page. */
function partsLine(parts: string[]): string {
  const named =
    parts.length <= MAX_PARTS_NAMED
      ? `: ${parts.map((label, index) => `(${index + 1}) ${oneLine(label)}`).join("; ")}`
      : "";
  return `_Reviewed in ${parts.length} parts, as the page is too long to read at once${named}._`;
}

/** The "Also noted" list within `limit` characters: the findings that fit, and how many more there were. */
function alsoNoted(items: string[], limit: number): string {
  if (items.length === 0) return "";
  const lines = ["**Also noted**"];
  for (const [index, item] of items.entries()) {
    const after = items.length - index - 1;
    const moreLine = after > 0 ? `\n${notShown(after)}` : "";
    if ([...lines, item].join("\n").length + moreLine.length > limit) {
      lines.push(notShown(items.length - index));
      break;
    }
    lines.push(item);
  }
  return lines.join("\n");
}

function notShown(count: number): string {
  return `• …and ${count} more, not shown for length`;
}

const CUT_NOTE = "_(The summary was longer than Margin posts; it was cut here.)_";
const CUT_MARK = " …\n\n";

/** The text, or as much of it as fits with a note that it was cut, ending at a line break or a space. */
function capped(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const room = Math.max(0, limit - CUT_NOTE.length - CUT_MARK.length);
  let cut = text.lastIndexOf("\n", room);
  if (cut < room / 2) cut = text.lastIndexOf(" ", room);
  if (cut < room / 2) cut = room;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}${CUT_MARK}${CUT_NOTE}`;
}

/** The text of one inline comment: a severity word for the serious ones, the quote when the block is long. */
function inlineCommentText(
  finding: Finding,
  blockText: string,
  describeRef: (ref: string) => string | undefined,
): string {
  const label =
    finding.severity === "critical" ? "**Critical:** " : finding.severity === "major" ? "**Major:** " : "";
  const quoted =
    finding.quote && blockText.length > finding.quote.length + 40 ? `“${oneLine(finding.quote)}” — ` : "";
  return `${label}${quoted}${replaceRefs(toCommentMarkdown(finding.point), describeRef)}`;
}

/**
 * References are Margin's own shorthand; people reading Notion never see them. Any that slip into text
 * become the words they stand for ("(b12)" -> "(“Move all users…”)").
 */
export function replaceRefs(text: string, describeRef: (ref: string) => string | undefined): string {
  return text.replace(/\b([bt]\d+)\b/g, (ref) => describeRef(ref) ?? ref);
}

/**
 * Notion comments render inline formatting only: list markers become bullets, headings bold, code fences
 * plain text, so nothing shows up as stray markdown.
 */
export function toCommentMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/^```[^\n]*\n?/gm, "")
    .replace(/^\s*[-*+]\s+/gm, "• ")
    .replace(/^#{1,6}\s+(.+)$/gm, "**$1**")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** Splits a comment into pieces of at most `limit` characters, at line breaks where possible, else spaces. */
export function splitCommentText(text: string, limit = 1900): string[] {
  if (text.length <= limit) return [text];
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf("\n", limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(" ", limit);
    if (cut < limit / 2) cut = limit;
    // Never split a surrogate pair.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}
