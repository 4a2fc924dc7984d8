/**
 * How much a comment matters, highest first. The prompt's "Minimum inline severity" decides which ones
 * are posted on their block; the rest go to the summary.
 */

export const SEVERITIES = ["critical", "major", "minor", "nit"] as const;

export type Severity = (typeof SEVERITIES)[number];

/** 0 for the most severe; comparing ranks orders comments. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at least as severe as `minimum`. */
export function meetsMinimum(severity: Severity, minimum: Severity): boolean {
  return severityRank(severity) <= severityRank(minimum);
}
