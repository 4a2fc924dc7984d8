/**
 * `margin stats`: what people did with the reviewers' comments on blocks, from the ledger (the file, or
 * DynamoDB when MARGIN_LEDGER_TABLE is set): per reviewer and severity, how many comments and the share
 * addressed, dismissed, answered and still open, as later reads of their pages saw them.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ledgerFor, readConfig } from "../config/config.ts";
import { InvalidInputError } from "../errors.ts";
import { FATES, type FateName, type PostedComment } from "../review/model/ReviewComment.ts";
import type { PageMemory } from "../review/model/RunRecord.ts";
import { SEVERITIES } from "../review/model/severity.ts";
import { commentsOnBlocks, countFates } from "../review/read/observeFates.ts";
import type { CliIo } from "./CliIo.ts";

export const STATS_USAGE = "margin stats [--reviewer <name>] [--since <YYYY-MM-DD>] [--json]";

/** A reviewer's comments of one severity; the total has neither. */
export interface FateRow {
  reviewer?: string;
  severity?: string;
  comments: number;
  counts: Record<FateName, number>;
  /** Each fate's share of the comments, 0 to 1 (0 when there are none). */
  rates: Record<FateName, number>;
}

const NOTE =
  "Addressed: its block changed, then it was resolved (or went). Dismissed: resolved with no change. Answered: a person replied.\nA comment counts as open until a later review of its page sees otherwise.\n";

export async function statsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      reviewer: { type: "string" },
      since: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const since = values.since?.trim();
  if (since !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since))))
    throw new InvalidInputError(`--since should be a date such as 2025-01-31. Usage: ${STATS_USAGE}`);
  const reviewer = values.reviewer?.trim() || undefined;
  const config = readConfig(io.env);
  const ledger = config.MARGIN_LEDGER_TABLE
    ? `DynamoDB table ${config.MARGIN_LEDGER_TABLE}`
    : resolve(io.cwd, config.MARGIN_LEDGER_FILE);
  const groups = groupComments(await ledgerFor(config, io.cwd).allMemories(), { reviewer, since });
  const rows = groups.map((group) => rowOf(group.comments, group));
  const total = rowOf(
    groups.flatMap((group) => group.comments),
    {},
  );
  if (values.json) {
    io.stdout(`${JSON.stringify({ ledger, reviewer, since, rows, total }, null, 2)}\n`);
    return 0;
  }
  io.stdout(`Comment fates in ${ledger}${since ? `, comments posted since ${since}` : ""}:\n\n`);
  if (total.comments === 0) {
    io.stdout(
      reviewer
        ? `No comments on blocks by a reviewer named "${reviewer}". Without --reviewer every reviewer is listed.\n`
        : "No comments on blocks yet. Reviews record them here, and later reviews of each page see what became of them.\n",
    );
    return 0;
  }
  io.stdout(`${formatTable([...rows, total])}\n${NOTE}`);
  return 0;
}

interface CommentGroup {
  reviewer: string;
  severity: string;
  comments: PostedComment[];
}

/** The comments on blocks, by reviewer (by name, else its prompt page's id) and severity, in order. */
export function groupComments(
  memories: readonly PageMemory[],
  filter: { reviewer?: string; since?: string },
): CommentGroup[] {
  const groups = new Map<string, CommentGroup>();
  for (const memory of memories) {
    const reviewer = memory.reviewerName ?? `prompt ${memory.promptId}`;
    const wanted = filter.reviewer?.toLowerCase();
    if (wanted && reviewer.toLowerCase() !== wanted && memory.promptId !== filter.reviewer) continue;
    for (const comment of commentsOnBlocks(memory.comments)) {
      if (filter.since && comment.posted.at < filter.since) continue;
      const severity = comment.severity ?? "unrated";
      const key = `${reviewer}\u0000${severity}`;
      const group = groups.get(key) ?? { reviewer, severity, comments: [] };
      group.comments.push(comment);
      groups.set(key, group);
    }
  }
  const rank = (severity: string) => {
    const index = (SEVERITIES as readonly string[]).indexOf(severity);
    return index < 0 ? SEVERITIES.length : index;
  };
  return [...groups.values()].sort(
    (a, b) => a.reviewer.localeCompare(b.reviewer) || rank(a.severity) - rank(b.severity),
  );
}

function rowOf(comments: readonly PostedComment[], label: { reviewer?: string; severity?: string }): FateRow {
  const counts = countFates(comments);
  const share = (fate: FateName) => (comments.length === 0 ? 0 : counts[fate] / comments.length);
  const rates = Object.fromEntries(FATES.map((fate) => [fate, share(fate)])) as Record<FateName, number>;
  return { reviewer: label.reviewer, severity: label.severity, comments: comments.length, counts, rates };
}

/** Rows in aligned columns, the total last. */
function formatTable(rows: readonly FateRow[]): string {
  const header = ["Reviewer", "Severity", "Comments", ...FATES.map(capitalise)];
  const cells = rows.map((row) => [
    row.reviewer ?? "Total",
    row.severity ?? "",
    String(row.comments),
    ...FATES.map((fate) => `${Math.round(row.rates[fate] * 100)}%`),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => line[column]!.length)),
  );
  // Names and severities to the left, numbers to the right.
  const line = (values: string[]) =>
    values
      .map((value, column) => (column < 2 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...cells.map(line)].map((text) => `${text}\n`).join("");
}

function capitalise(word: string): string {
  return `${word[0]!.toUpperCase()}${word.slice(1)}`;
}
