/**
 * What a review is doing while it does it, on stderr: a 1,000-block page takes minutes to read at Notion's
 * rate limit, and a model can think for a minute; silence that long looks like a hang.
 *
 * Each step that completes gets its own line (`describeProgress`). Between them, the step under way is a
 * status: on a terminal one live line, redrawn in place; in a pipe or CI a plain line every
 * `intervalMs`, and only while the step is still going (a short page prints none).
 */
import type { NotionRequestEvent, RateLimitEvent } from "../notion/notionFetch.ts";
import type { ProgressEvent } from "../review/ReviewDependencies.ts";
import { describeProgress } from "./describeProgress.ts";

export interface ProgressDisplayOptions {
  write(text: string): void;
  /** stderr is a terminal: one live line, redrawn. */
  live: boolean;
  /** Its width, to keep the live line on one row. */
  columns?: number;
  /** How often a plain status line is written in a pipe. */
  intervalMs: number;
  /** Only warnings: no steps, no status. */
  quiet?: boolean;
  /** The Notion budget, to say what requests are paced to. */
  requestsPerMinute?: number;
  now?: () => number;
}

/** The step under way, for the status. */
type Step =
  | {
      kind: "reading";
      blocks: number;
      blocksToOpen: number;
      discussionsListed: number;
      discussionsToList: number;
    }
  | { kind: "model"; turn: number; maxTurns: number; since: number }
  | { kind: "posting"; done: number; planned: number };

/** Steps whose lines are warnings, shown even with --quiet. */
const WARNINGS = new Set<ProgressEvent["kind"]>(["context_unknown", "learnings_not_written"]);
/** A wait Notion asks for that is said in a line of its own. */
const LONG_WAIT_SECONDS = 10;
/** The live line is redrawn at most this often. */
const REDRAW_MS = 100;

export class ProgressDisplay {
  private step: Step | undefined;
  private requests = 0;
  private paced = 0;
  /** Answers of 429 or 529, and when the wait they asked for ends. */
  private refused = 0;
  private waitUntil = 0;
  private shown = "";
  private lastDrawn = 0;
  private lastPlain: number;
  /** After `stop()` nothing is written: reads still in flight when a review failed may report late. */
  private stopped = false;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly options: ProgressDisplayOptions) {
    this.now = options.now ?? Date.now;
    this.lastPlain = this.now();
    // The status moves on without events too (the seconds a model has been thinking).
    this.timer = setInterval(() => this.tick(), options.live ? 1_000 : Math.max(options.intervalMs, 50));
    this.timer.unref();
  }

  /** A step of the review (the core's progress events). */
  readonly event = (event: ProgressEvent): void => {
    if (this.stopped) return;
    // The step first: a finished one's status goes before its own line is written.
    if (!this.options.quiet) this.update(this.stepAfter(event));
    const line = describeProgress(event);
    if (line && (!this.options.quiet || WARNINGS.has(event.kind))) this.line(line);
  };

  /** The step under way after an event: a new one, the same one (unchanged), or none. */
  private stepAfter(event: ProgressEvent): Step | undefined {
    switch (event.kind) {
      case "reading":
        return { ...event, kind: "reading" };
      case "asking_model":
        return { kind: "model", turn: event.turn, maxTurns: event.maxTurns, since: this.now() };
      case "posted":
        return event.done < event.planned
          ? { kind: "posting", done: event.done, planned: event.planned }
          : undefined;
      case "document_read":
      case "round_trip":
        return undefined;
      default:
        return this.step;
    }
  }

  /** Each request Notion answered: counted, and those the budget held back. */
  readonly notionRequest = (event: NotionRequestEvent): void => {
    this.requests++;
    if (event.waitedMs >= 250) this.paced++;
  };

  /**
   * Notion said to wait: everyone using the token waits that long. Counted in the status, with the wait
   * left; a long wait (LONG_WAIT_SECONDS) also gets a line of its own, as it would look like a hang.
   */
  readonly rateLimited = (event: RateLimitEvent): void => {
    if (this.options.quiet || this.stopped) return;
    this.refused++;
    this.waitUntil = Math.max(this.waitUntil, this.now() + event.retryAfterSeconds * 1000);
    if (event.retryAfterSeconds >= LONG_WAIT_SECONDS)
      this.line(
        `Notion's rate limit was reached (${event.status}${event.reason ? `, ${event.reason}` : ""}): waiting ${event.retryAfterSeconds} s before the next request.`,
      );
  };

  /** The live line taken away, for good. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.clear();
    this.step = undefined;
  }

  private line(text: string): void {
    this.clear();
    this.options.write(`${text}\n`);
    this.draw();
  }

  private update(step: Step | undefined): void {
    // A step's plain lines count from its start: one shorter than the interval prints none.
    if (step && !this.step) this.lastPlain = this.now();
    this.step = step;
    if (!step) {
      this.clear();
      this.lastPlain = this.now();
      return;
    }
    if (this.options.live && this.now() - this.lastDrawn >= REDRAW_MS) this.draw();
  }

  private tick(): void {
    if (!this.step || this.stopped) return;
    if (this.options.live) {
      this.draw();
      return;
    }
    if (this.now() - this.lastPlain < this.options.intervalMs) return;
    this.lastPlain = this.now();
    this.options.write(`${this.status(this.step)}\n`);
  }

  private draw(): void {
    if (!this.options.live || !this.step) return;
    const width = Math.max((this.options.columns ?? 100) - 1, 20);
    const status = this.status(this.step);
    this.shown = status.length > width ? `${status.slice(0, width - 1)}…` : status;
    this.options.write(`\r\x1b[2K${this.shown}`);
    this.lastDrawn = this.now();
  }

  private clear(): void {
    if (!this.shown) return;
    this.options.write("\r\x1b[2K");
    this.shown = "";
  }

  private status(step: Step): string {
    switch (step.kind) {
      case "reading":
        return `Reading the page: ${count(step.blocks, "block")}${step.blocksToOpen > 0 ? ` (${step.blocksToOpen} with more inside still to read)` : ""}${step.discussionsToList > 0 ? `, discussions of ${step.discussionsListed} of ${step.discussionsToList} blocks listed` : ""}; ${this.requestsSoFar()}.`;
      case "model": {
        const seconds = Math.round((this.now() - step.since) / 1000);
        return `Waiting for the model: turn ${step.turn} of at most ${step.maxTurns}, ${seconds} s so far.`;
      }
      case "posting":
        return `Posting: ${step.done} of ${step.planned} on the page.`;
    }
  }

  private requestsSoFar(): string {
    const pace = this.options.requestsPerMinute
      ? ` to ${this.options.requestsPerMinute.toLocaleString("en-US")} a minute`
      : "";
    const left = Math.ceil((this.waitUntil - this.now()) / 1000);
    const refused =
      this.refused > 0
        ? `; Notion said to wait ${this.refused === 1 ? "once" : `${this.refused} times`}${left > 0 ? `, ${left} s left` : ""}`
        : "";
    return `${count(this.requests, "Notion request")}${this.paced > 0 ? `, ${this.paced} held back by the rate limit${pace}` : ""}${refused}`;
  }
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
