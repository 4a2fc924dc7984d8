/**
 * Per-endpoint request counts: how many requests each `METHOD /template` received, how many were answered
 * 429 by the rate limiter, and how many failed on purpose (fault injection); and the rate limiter's 429s by
 * `rate_limit_reason`, since which limit was hit is what a client has to react to.
 */
export interface EndpointCount {
  requests: number;
  rateLimited: number;
  injectedFailures: number;
}

export class RequestCounters {
  private readonly counts = new Map<string, EndpointCount>();
  private readonly byReason = new Map<string, number>();

  private entry(endpoint: string): EndpointCount {
    let count = this.counts.get(endpoint);
    if (!count) {
      count = { requests: 0, rateLimited: 0, injectedFailures: 0 };
      this.counts.set(endpoint, count);
    }
    return count;
  }

  request(endpoint: string): void {
    this.entry(endpoint).requests += 1;
  }

  rateLimited(endpoint: string, reason: string): void {
    this.entry(endpoint).rateLimited += 1;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
  }

  injectedFailure(endpoint: string): void {
    this.entry(endpoint).injectedFailures += 1;
  }

  /** The counts by endpoint, plus `total` over all of them, plus the rate limiter's 429s by reason. */
  snapshot(): {
    endpoints: Record<string, EndpointCount>;
    total: EndpointCount;
    rateLimitedByReason: Record<string, number>;
  } {
    const endpoints = Object.fromEntries(
      [...this.counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => [key, { ...value }]),
    );
    const total = { requests: 0, rateLimited: 0, injectedFailures: 0 };
    for (const count of this.counts.values()) {
      total.requests += count.requests;
      total.rateLimited += count.rateLimited;
      total.injectedFailures += count.injectedFailures;
    }
    const rateLimitedByReason = Object.fromEntries(
      [...this.byReason.entries()].sort(([a], [b]) => a.localeCompare(b)),
    );
    return { endpoints, total, rateLimitedByReason };
  }

  reset(): void {
    this.counts.clear();
    this.byReason.clear();
  }
}
