/**
 * A budget of requests per fixed window, per key: Notion's documented rate limit (a connection's budget per
 * 60-second window, which "can be spent at any pace within the window", even in one burst). Each key's windows
 * start at the first request it is charged for and reset every `windowSeconds` after that, so a key idle for
 * a while finds its budget whole again, on the same schedule.
 */
export type WindowVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

interface KeyWindow {
  /** When the key's first window started; later windows start every windowMs after it. */
  anchor: number;
  /** Index of the window `used` belongs to. */
  index: number;
  used: number;
}

export class WindowLimit {
  private readonly windows = new Map<string, KeyWindow>();
  private readonly windowMs: number;

  constructor(
    readonly budget: number,
    readonly windowSeconds = 60,
    /** Milliseconds; injectable so tests move time instead of waiting. */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(budget >= 1)) throw new RangeError(`WindowLimit budget must be at least 1, not ${budget}.`);
    if (!(windowSeconds > 0))
      throw new RangeError(`WindowLimit windowSeconds must be positive, not ${windowSeconds}.`);
    this.windowMs = windowSeconds * 1000;
  }

  /** Charges `key` one request if its window has budget left; otherwise says when the window resets. */
  take(key: string): WindowVerdict {
    const verdict = this.check(key);
    if (verdict.ok) this.charge(key);
    return verdict;
  }

  /**
   * The verdict `take` would give, without charging: lets a caller that applies several limits charge none
   * of them when any one refuses (a rejected request spends no budget).
   */
  check(key: string): WindowVerdict {
    const now = this.now();
    const window = this.current(key, now);
    if (!window || window.used < this.budget) return { ok: true };
    const resetsAt = window.anchor + (window.index + 1) * this.windowMs;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now) / 1000)) };
  }

  /** Charges `key` one request, whatever its budget (call after `check` said ok). */
  charge(key: string): void {
    const now = this.now();
    const window = this.current(key, now);
    if (window) window.used += 1;
    else this.windows.set(key, { anchor: now, index: 0, used: 1 });
  }

  /** The key's window as of `now`, rolled over to a fresh one when a reset has passed; undefined before its first request. */
  private current(key: string, now: number): KeyWindow | undefined {
    const window = this.windows.get(key);
    if (!window) return undefined;
    const index = Math.max(window.index, Math.floor((now - window.anchor) / this.windowMs));
    if (index !== window.index) {
      window.index = index;
      window.used = 0;
    }
    return window;
  }
}
