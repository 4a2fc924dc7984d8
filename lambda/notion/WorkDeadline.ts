/**
 * When one invocation's work must stop: the end of the invocation (Lambda's remaining time; the same
 * enforced by `margin serve`), and before it the time reading must stop to leave room for the model and for
 * posting. Notion requests check it before they start, and a request that would have to wait for the rate
 * limit past it is not made at all.
 */
import { OutOfTimeError, ReadingPaused } from "../errors.ts";

export class WorkDeadline {
  private reading = true;

  constructor(
    /** No request starts after this (epoch ms). */
    readonly endsAt: number,
    /** No read starts after this while the page is being read (epoch ms). */
    readonly readUntil: number,
  ) {}

  /**
   * A deadline for an invocation of `timeoutMs` that started at `startedAt`: reading gets what is left once
   * `reserveMs` is kept for the model and for posting.
   */
  static forInvocation(endsAt: number, reserveMs: number): WorkDeadline {
    return new WorkDeadline(endsAt, endsAt - reserveMs);
  }

  /** The page has been read: from here only the end of the invocation counts. */
  readingDone(): void {
    this.reading = false;
  }

  get isReading(): boolean {
    return this.reading;
  }

  /** The latest a request may start. */
  startBy(isRead: boolean): number {
    return this.reading && isRead ? this.readUntil : this.endsAt;
  }

  /** The error for a request that cannot start by `startBy(isRead)`. */
  tooLate(isRead: boolean): Error {
    return this.reading && isRead
      ? new ReadingPaused("Reading paused to leave this invocation time for the model and for posting.")
      : new OutOfTimeError("The invocation ran out of time before the review was done.");
  }
}
