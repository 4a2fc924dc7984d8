/**
 * Scores one review of a labelled document, without any model as judge: what it found of the planted
 * deviations (by block, or by keywords among the summary's findings), where its inline comments landed
 * (on deviations, on sound decoys), what it said on a clean twin, whether severities reach the labels'
 * minimums, the summary's shape, and what the run cost.
 */
import { meetsMinimum, type Severity } from "../review/model/severity.ts";
import type { EvalDocument, EvalGates } from "./evalDocument.ts";

/** A summary longer than this skims nothing: it is a second document. */
export const SUMMARY_MAX_CHARACTERS = 2_500;

/** What one review of the document came to, in the document's own terms (anchors, not Notion ids). */
export interface ReviewedDocument {
  /** Inline comments, with the anchor of the block each landed on (undefined: a block with no anchor). */
  comments: Array<{ anchor?: string; severity: Severity; text: string }>;
  /** The summary as the model wrote it, and the points listed in it rather than inline. */
  summary: string;
  inSummary: string[];
  /** The reviewer's summary sections, in order (from its instructions' "**Name:**" lines). */
  summarySections: string[];
  /** Whether the model finished the review through its tools (an unfinished one posts nothing). */
  finished: boolean;
  refusedCalls: number;
  roundTrips: number;
  tokens: number;
  costUsd?: number;
}

export interface DocumentScore {
  /** Deviations found, of those planted (undefined on a clean twin). */
  recall?: number;
  found: string[];
  missed: string[];
  /** Inline comments on a deviation's blocks, as a share of all inline comments (undefined: none). */
  precision?: number;
  decoyHits: number;
  /** Major or critical inline comments on a clean twin. */
  cleanNoise: number;
  /** Comments on a deviation's blocks below its minimum severity. */
  severityErrors: number;
  summaryProblems: string[];
  refusedCalls: number;
  roundTrips: number;
  tokens: number;
  costUsd?: number;
}

export function scoreReview(document: EvalDocument, review: ReviewedDocument): DocumentScore {
  const { labels } = document;
  const findings = findingsText(review);
  const found: string[] = [];
  const missed: string[] = [];
  let severityErrors = 0;
  // A comment counts for one deviation at most: the first, in the labels' order, that it is on and meets.
  const used = new Set<ReviewedDocument["comments"][number]>();
  for (const deviation of labels.deviations) {
    const on = (blocks: string[]) =>
      review.comments.filter(
        (comment) => !used.has(comment) && comment.anchor && blocks.includes(comment.anchor),
      );
    const candidates = [...on(deviation.anchors), ...on(deviation.alternates)];
    const match = candidates.find((comment) => meetsMinimum(comment.severity, deviation.min_severity));
    if (match) used.add(match);
    else severityErrors += on(deviation.anchors).length;
    // Raised in the summary's findings instead: a keyword there, as a word or phrase of its own.
    const inSummary = deviation.keywords.some((keyword) => wordPattern(keyword).test(findings));
    (match || inSummary ? found : missed).push(deviation.id);
  }
  const deviationBlocks = new Set(
    labels.deviations.flatMap((deviation) => [...deviation.anchors, ...deviation.alternates]),
  );
  const decoys = new Set(labels.must_not_flag);
  const onDeviations = review.comments.filter(
    (comment) => comment.anchor && deviationBlocks.has(comment.anchor),
  );
  return {
    recall: labels.deviations.length > 0 ? found.length / labels.deviations.length : undefined,
    found,
    missed,
    precision: review.comments.length > 0 ? onDeviations.length / review.comments.length : undefined,
    decoyHits: review.comments.filter((comment) => comment.anchor && decoys.has(comment.anchor)).length,
    cleanNoise:
      labels.angle === "clean"
        ? review.comments.filter((comment) => meetsMinimum(comment.severity, "major")).length
        : 0,
    severityErrors,
    summaryProblems: summaryProblems(review),
    refusedCalls: review.refusedCalls,
    roundTrips: review.roundTrips,
    tokens: review.tokens,
    costUsd: review.costUsd,
  };
}

/**
 * Where a summary states findings: the section after the verdict (the reviewer's second section, such as
 * "Across the document"), up to the next, and what Margin listed under it ("Also noted"). The verdict and
 * the questions are not findings: "ready: the rollback is fine" does not raise a missing rollback.
 */
function findingsText(review: ReviewedDocument): string {
  const [, section, next] = review.summarySections;
  let text = review.summary;
  if (section) {
    const from = text.toLowerCase().indexOf(`${section.toLowerCase()}:`);
    const to = next ? text.toLowerCase().indexOf(`${next.toLowerCase()}:`, from + 1) : -1;
    text = from < 0 ? "" : text.slice(from + section.length + 1, to > from ? to : undefined);
  }
  return [text, ...review.inSummary].join("\n");
}

function wordPattern(phrase: string): RegExp {
  const escaped = phrase
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/\s+/g, "\\s+");
  // From the start of a word; endings may follow ("rollback" finds "rollbacks").
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}`, "iu");
}

/** The summary's sections a reviewer's instructions ask for: their "**Name:**" lines, in order. */
export function summarySectionsOf(instructions: string): string[] {
  return [...instructions.matchAll(/^\*\*([^*\n]+?):\*\*/gm)].map((match) => match[1]!.trim());
}

/** What is wrong with the summary's shape: sections missing or out of order, leaked references, length, repeats. */
export function summaryProblems(
  review: Pick<ReviewedDocument, "summary" | "summarySections" | "comments" | "finished">,
): string[] {
  const { summary } = review;
  if (!review.finished) return ["the review did not finish: nothing would be posted"];
  const problems: string[] = [];
  const positions = review.summarySections.map((section) => ({
    section,
    at: summary.toLowerCase().indexOf(`${section.toLowerCase()}:`),
  }));
  const absent = positions.filter((entry) => entry.at < 0).map((entry) => entry.section);
  if (absent.length > 0) problems.push(`sections missing: ${absent.join(", ")}`);
  const present = positions.filter((entry) => entry.at >= 0);
  if (present.some((entry, index) => index > 0 && entry.at < present[index - 1]!.at))
    problems.push("sections out of order");
  const leaked = summary.match(/\b[bt]\d+\b/g);
  if (leaked) problems.push(`leaks Margin's references: ${[...new Set(leaked)].join(", ")}`);
  if (summary.length > SUMMARY_MAX_CHARACTERS)
    problems.push(`${summary.length} characters, over ${SUMMARY_MAX_CHARACTERS}`);
  const repeated = repeatedFindings(review);
  if (repeated.length > 0)
    problems.push(`repeats ${repeated.length} finding${repeated.length > 1 ? "s" : ""}`);
  return problems;
}

/** A finding said twice: a sentence of the summary twice, or an inline comment's opening again in it. */
function repeatedFindings(review: Pick<ReviewedDocument, "summary" | "comments">): string[] {
  const words = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
  const sentences = review.summary
    .split(/(?<=[.?!])\s+|\n+/)
    .map(words)
    .filter((sentence) => sentence.split(" ").length >= 5);
  const twice = sentences.filter((sentence, index) => sentences.indexOf(sentence) !== index);
  const summary = words(review.summary);
  const inline = review.comments
    .map((comment) => words(comment.text).split(" ").slice(0, 8).join(" "))
    .filter((opening) => opening.split(" ").length >= 6 && summary.includes(opening));
  return [...new Set([...twice, ...inline])];
}

/** The gates a document's scores fail, from its labels and the command line (which wins). */
export function failedGates(score: DocumentScore, gates: EvalGates): string[] {
  const failed: string[] = [];
  if (gates.min_recall !== undefined && score.recall !== undefined && score.recall < gates.min_recall)
    failed.push(`recall ${percent(score.recall)} < ${percent(gates.min_recall)}`);
  if (
    gates.min_precision !== undefined &&
    score.precision !== undefined &&
    score.precision < gates.min_precision
  )
    failed.push(`precision ${percent(score.precision)} < ${percent(gates.min_precision)}`);
  if (gates.max_decoy_hits !== undefined && score.decoyHits > gates.max_decoy_hits)
    failed.push(`${score.decoyHits} decoy hits > ${gates.max_decoy_hits}`);
  if (gates.max_clean_noise !== undefined && score.cleanNoise > gates.max_clean_noise)
    failed.push(`${score.cleanNoise} major or critical comments on a clean twin > ${gates.max_clean_noise}`);
  return failed;
}

/** The worst of several runs of one document: what the gates judge. */
export function worstOf(scores: DocumentScore[]): DocumentScore {
  const min = (values: Array<number | undefined>) => {
    const known = values.filter((value): value is number => value !== undefined);
    return known.length > 0 ? Math.min(...known) : undefined;
  };
  const max = (values: number[]) => Math.max(...values);
  const worstRecall = scores.reduce((worst, score) =>
    (score.recall ?? 1) < (worst.recall ?? 1) ? score : worst,
  );
  return {
    ...worstRecall,
    recall: min(scores.map((score) => score.recall)),
    precision: min(scores.map((score) => score.precision)),
    decoyHits: max(scores.map((score) => score.decoyHits)),
    cleanNoise: max(scores.map((score) => score.cleanNoise)),
    severityErrors: max(scores.map((score) => score.severityErrors)),
    summaryProblems: [...new Set(scores.flatMap((score) => score.summaryProblems))],
    refusedCalls: max(scores.map((score) => score.refusedCalls)),
    roundTrips: max(scores.map((score) => score.roundTrips)),
    tokens: max(scores.map((score) => score.tokens)),
  };
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}
