/**
 * The emulator's rate limits, as Notion's request-limits page describes them: a budget per window for each
 * connection (bearer token), and a per-workspace budget shared by all of them whose Retry-After can be longer
 * than a minute; plus, optionally, the older token-bucket model (`rps`, `burst`). Whatever is configured
 * applies, checked workspace first, then connection, then bucket; a refused request spends no budget.
 */
import { TokenBucket } from "./TokenBucket.ts";
import { WindowLimit } from "./WindowLimit.ts";

/**
 * Notion's `additional_data.rate_limit_reason` names the limit that was hit. The documented strings were not
 * available when this was written: these are the emulator's own names, one per limit it models.
 */
export type RateLimitReason = "connection_rate_limit" | "workspace_rate_limit";

export type RateLimitVerdict =
  | { ok: true }
  | { ok: false; reason: RateLimitReason; retryAfterSeconds: number };

export interface WindowSettings {
  /** Per-connection budget per window; undefined = no per-connection window limit. */
  requestsPerMinute: number | undefined;
  /** Budget per window shared by every token; undefined = no workspace limit. */
  workspaceRequestsPerMinute: number | undefined;
  /** Window length; 60 as documented, shorter to run time-scaled. */
  windowSeconds: number;
  /** Added to a workspace-limit 429's Retry-After, to model waits longer than the window. */
  workspaceExtraRetrySeconds: number;
}

/** One key for the workspace limit: every connection shares it. */
const WORKSPACE = "workspace";

export class RateLimits {
  private bucket: TokenBucket | undefined;
  private connection: WindowLimit | undefined;
  private workspace: WindowLimit | undefined;
  private extraWorkspaceSeconds = 0;

  /** `now` in milliseconds, for the windows and the bucket alike. */
  constructor(private readonly now: () => number) {}

  /** (Re)builds the token bucket, full; no bucket when `rps` is undefined. */
  setBucket(rps: number | undefined, burst: number): void {
    this.bucket = rps ? new TokenBucket(rps, burst, this.now) : undefined;
  }

  /** (Re)builds the window limits with fresh windows. */
  setWindows(settings: WindowSettings): void {
    const { requestsPerMinute, workspaceRequestsPerMinute, windowSeconds } = settings;
    this.connection = requestsPerMinute
      ? new WindowLimit(requestsPerMinute, windowSeconds, this.now)
      : undefined;
    this.workspace = workspaceRequestsPerMinute
      ? new WindowLimit(workspaceRequestsPerMinute, windowSeconds, this.now)
      : undefined;
    this.extraWorkspaceSeconds = settings.workspaceExtraRetrySeconds;
  }

  /** Admits one request made with `token`, charging every limit, or says which limit refused it and for how long. */
  admit(token: string): RateLimitVerdict {
    const workspace = this.workspace?.check(WORKSPACE);
    if (workspace && !workspace.ok) {
      return {
        ok: false,
        reason: "workspace_rate_limit",
        retryAfterSeconds: workspace.retryAfterSeconds + this.extraWorkspaceSeconds,
      };
    }
    const connection = this.connection?.check(token);
    if (connection && !connection.ok) {
      return { ok: false, reason: "connection_rate_limit", retryAfterSeconds: connection.retryAfterSeconds };
    }
    // The bucket goes last because taking from it spends a token: the windows have already said yes.
    const bucket = this.bucket?.take();
    if (bucket && !bucket.ok) {
      return {
        ok: false,
        reason: "connection_rate_limit",
        retryAfterSeconds: Math.max(1, Math.ceil(bucket.waitMs / 1000)),
      };
    }
    this.workspace?.charge(WORKSPACE);
    this.connection?.charge(token);
    return { ok: true };
  }
}
