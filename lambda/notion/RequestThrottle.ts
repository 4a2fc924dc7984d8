/**
 * Keeps Margin inside Notion's rate limit on its own side: a token bucket (about three requests a second,
 * with bursts) and a cap on requests in flight, first come first served. Every request of a run, reads and
 * writes, SDK retries included, goes through one throttle.
 */

export interface ThrottleOptions {
  /** Average requests per second. */
  requestsPerSecond: number;
  /** Requests that may start at once after a quiet spell. */
  burst: number;
  /** Requests in flight at most. */
  maxConcurrent: number;
}

export class RequestThrottle {
  private tokens: number;
  private updatedAt: number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ThrottleOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = options.burst;
    this.updatedAt = now();
  }

  /** Runs `task` when a token and a slot are free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.pump();
    }
  }

  private pump(): void {
    this.refill();
    while (this.waiting.length > 0 && this.active < this.options.maxConcurrent && this.tokens >= 1) {
      this.tokens -= 1;
      this.active += 1;
      this.waiting.shift()!();
    }
    if (this.waiting.length > 0 && this.active < this.options.maxConcurrent && !this.timer) {
      const waitMs = ((1 - this.tokens) / this.options.requestsPerSecond) * 1000;
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.max(1, Math.ceil(waitMs)),
      );
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(
      this.options.burst,
      this.tokens + ((now - this.updatedAt) / 1000) * this.options.requestsPerSecond,
    );
    this.updatedAt = now;
  }
}
