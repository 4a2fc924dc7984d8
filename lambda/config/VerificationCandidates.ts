/**
 * The verification tokens Notion's integration webhooks send, kept as candidates. The request that carries
 * one is not authenticated (anyone who finds the URL can send one), so a token that arrives never becomes
 * the key events are verified with: the operator confirms one (`margin events confirm <token>`), which
 * writes it where only the operator may write. Candidates expire, and only the newest few are kept.
 */

export interface CandidateToken {
  token: string;
  /** When it arrived (ISO). */
  receivedAt: string;
}

export interface VerificationCandidates {
  /** Keeps a token that arrived, as a candidate. */
  add(token: string, at: Date): Promise<void>;
  /** The candidates that have not expired, newest first. */
  list(now: Date): Promise<CandidateToken[]>;
  /** Forgets them all, once one is confirmed. */
  clear(): Promise<void>;
  /** Where they are kept (a parameter's name or a file), for the operator: never in an HTTP answer. */
  where(): string;
}

/** Notion sends the token moments after the subscription is created; a day is ample to confirm it. */
export const CANDIDATE_LIFETIME_MS = 24 * 3_600_000;
/** The newest kept: a flood of forged tokens cannot push the store past this. */
export const MAX_CANDIDATES = 10;

/** The candidates with `token` added (or moved to the front), the expired dropped, the newest kept. */
export function withCandidate(candidates: CandidateToken[], token: string, at: Date): CandidateToken[] {
  return [
    { token, receivedAt: at.toISOString() },
    ...liveCandidates(candidates, at).filter((candidate) => candidate.token !== token),
  ].slice(0, MAX_CANDIDATES);
}

/** The candidates that have not expired at `now`, newest first. */
export function liveCandidates(candidates: CandidateToken[], now: Date): CandidateToken[] {
  return candidates
    .filter((candidate) => now.getTime() - Date.parse(candidate.receivedAt) < CANDIDATE_LIFETIME_MS)
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}
