/**
 * The integration's Notion request budget, shared by everything that uses its token. Notion gives each
 * connection a fixed number of requests per 60-second window, to spend at any pace (see
 * `notion-api-facts.md`), and the budget belongs to the token, not the process: two workers each keeping to
 * it would together send twice as much. So every process draws permits from one store (DynamoDB in AWS,
 * memory locally), and a 429 pauses everyone until Notion's Retry-After.
 *
 * The store keeps a sliding window: at most `limit` requests started in any WINDOW_MS + MARGIN_MS. Notion's
 * windows are fixed, but where they start is not known; a sliding window fits inside every one of them
 * whatever its phase, and still lets a whole window's budget go out in one burst.
 */
import { MarginError } from "../errors.ts";

export const WINDOW_MS = 60_000;
/** Slack for the time a request takes to reach Notion, so one sent at the edge counts in the next window. */
export const MARGIN_MS = 1_000;

/** What the store knows: the start times of the permits in the window, and a pause Notion asked for. */
export interface BudgetState {
  sent: number[];
  pausedUntil: number;
}

export interface Grant {
  /** Permits taken (0 to `want`). */
  granted: number;
  /** When none were: the earliest time one may be. */
  retryAt: number;
}

/** Where the budget lives; every process using the token must use the same one. */
export interface BudgetStore {
  /** Takes up to `want` permits now. */
  take(want: number, now: number): Promise<Grant>;
  /** Nobody starts a request before `until` (Notion answered 429 or 529 with Retry-After). */
  pause(until: number): Promise<void>;
}

export interface BudgetOptions {
  /** Requests per window (the plan's budget). */
  limit: number;
  /** The window's length (tests and benchmarks run time-scaled with a shorter one). */
  windowMs?: number;
  marginMs?: number;
}

/**
 * The sliding-window rule, shared by every store: drops permits older than the window, then grants what
 * fits. Pure, so a store only has to apply it atomically.
 */
export function takeFromWindow(
  state: BudgetState,
  want: number,
  now: number,
  options: BudgetOptions,
): { state: BudgetState; grant: Grant } {
  const span = (options.windowMs ?? WINDOW_MS) + (options.marginMs ?? MARGIN_MS);
  const sent = state.sent.filter((time) => time > now - span);
  if (now < state.pausedUntil) {
    return { state: { ...state, sent }, grant: { granted: 0, retryAt: state.pausedUntil } };
  }
  const granted = Math.max(0, Math.min(want, options.limit - sent.length));
  const next = [...sent, ...Array.from({ length: granted }, () => now)];
  const retryAt = granted > 0 ? now : (sent[sent.length - options.limit] ?? now) + span;
  return { state: { sent: next, pausedUntil: state.pausedUntil }, grant: { granted, retryAt } };
}

/** The budget of one process (the command line, `margin serve`, tests). */
export class MemoryBudgetStore implements BudgetStore {
  private state: BudgetState = { sent: [], pausedUntil: 0 };

  constructor(private readonly options: BudgetOptions) {}

  async take(want: number, now: number): Promise<Grant> {
    const { state, grant } = takeFromWindow(this.state, want, now, this.options);
    this.state = state;
    return grant;
  }

  async pause(until: number): Promise<void> {
    this.state = { ...this.state, pausedUntil: Math.max(this.state.pausedUntil, until) };
  }
}

/** A request could not be given a permit before the time it had to start by. */
export class BudgetWaitTooLong extends MarginError {
  constructor(
    readonly startBy: number,
    readonly permitAt: number,
  ) {
    super(
      `Notion's request budget is spent until ${new Date(permitAt).toISOString()}, after this work had to start; it will go on later.`,
    );
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface Waiter {
  startBy: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A process's door to the budget: requests wait in order, and one call to the store at a time takes
 * permits for as many of them as are waiting (one DynamoDB round trip serves a burst).
 */
export class RequestBudget {
  private readonly waiting: Waiter[] = [];
  private pumping = false;

  constructor(
    private readonly store: BudgetStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Resolves when this request may start; rejects with BudgetWaitTooLong when that is after `startBy`. */
  acquire(startBy = Number.POSITIVE_INFINITY): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ startBy, resolve, reject });
      void this.pump();
    });
  }

  /** Notion said to wait: everyone using the token waits until then. */
  pause(until: number): Promise<void> {
    return this.store.pause(until);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const now = this.clock.now();
        let grant: Grant;
        try {
          grant = await this.store.take(this.waiting.length, now);
        } catch (error) {
          for (const waiter of this.waiting.splice(0)) waiter.reject(error);
          return;
        }
        // A waiter whose time to start passed while the pump slept gets no permit, however many there are.
        const late = this.clock.now();
        for (const waiter of this.waiting.splice(0, grant.granted)) {
          if (waiter.startBy < late) waiter.reject(new BudgetWaitTooLong(waiter.startBy, late));
          else waiter.resolve();
        }
        if (this.waiting.length === 0) return;
        this.refuseThoseWhoCannotWait(grant.retryAt);
        if (this.waiting.length > 0) await this.clock.sleep(Math.max(1, grant.retryAt - this.clock.now()));
      }
    } finally {
      this.pumping = false;
    }
  }

  private refuseThoseWhoCannotWait(permitAt: number): void {
    for (let index = this.waiting.length - 1; index >= 0; index--) {
      const waiter = this.waiting[index]!;
      if (waiter.startBy < permitAt) {
        this.waiting.splice(index, 1);
        waiter.reject(new BudgetWaitTooLong(waiter.startBy, permitAt));
      }
    }
  }
}
