/**
 * The progress of a review as a person sees it: one live line redrawn in place on a terminal, plain lines
 * at an interval in a pipe, and nothing but warnings with --quiet. Time is faked: no test waits on a clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressDisplay } from "../../lambda/cli/ProgressDisplay.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const reading = (blocks: number, blocksToOpen = 0) =>
  ({ kind: "reading", blocks, blocksToOpen, discussionsListed: 0, discussionsToList: 0 }) as const;
const read = { kind: "document_read", title: "RFC", blocks: 300, threads: 0 } as const;

function display(options: { live: boolean; quiet?: boolean }) {
  const written: string[] = [];
  const progress = new ProgressDisplay({
    write: (text) => written.push(text),
    intervalMs: 5_000,
    columns: 60,
    requestsPerMinute: 180,
    ...options,
  });
  return { progress, written };
}

describe("progress on a terminal", () => {
  it("redraws one line in place as the reading goes, and clears it for the steps that complete", () => {
    const { progress, written } = display({ live: true });

    progress.event(reading(100, 3));
    vi.advanceTimersByTime(200);
    progress.notionRequest({ method: "GET", status: 200, waitedMs: 900 });
    progress.event(reading(250, 1));
    progress.event(read);
    progress.stop();

    expect(written[0]).toBe("\r\x1b[2KReading the page: 100 blocks (3 with more inside still to …");
    // Cut to the terminal's width (60 columns), so it never wraps onto a second row.
    expect(written[0]!.length).toBe("\r\x1b[2K".length + 59);
    expect(written[1]!.startsWith("\r\x1b[2KReading the page: 250 blocks")).toBe(true);
    // The live line is wiped before the finished step's own line, which stays.
    expect(written.slice(2)).toEqual(["\r\x1b[2K", 'Read "RFC": 300 blocks, 0 open discussions.\n']);
  });

  it("keeps the seconds a model has been thinking moving without events", () => {
    const { progress, written } = display({ live: true });

    progress.event({ kind: "asking_model", turn: 1, maxTurns: 8 });
    vi.advanceTimersByTime(3_000);
    progress.stop();

    expect(written.at(-2)).toBe("\r\x1b[2KWaiting for the model: turn 1 of at most 8, 3 s so far.");
  });
  it("writes nothing once stopped, though reads still in flight report late", () => {
    const { progress, written } = display({ live: true });

    progress.event(reading(10, 1));
    progress.stop();
    const atStop = written.length;
    progress.event(reading(11));
    progress.rateLimited({ status: 429, retryAfterSeconds: 1 });
    vi.advanceTimersByTime(5_000);

    expect(written.slice(atStop)).toEqual([]);
    expect(written.at(-1)).toBe("\r\x1b[2K");
  });
});

describe("progress in a pipe", () => {
  it("writes a plain line at the interval while a step is under way, and none for a short one", () => {
    const { progress, written } = display({ live: false });

    progress.event(reading(10));
    progress.event(read);
    vi.advanceTimersByTime(20_000);
    expect(written).toEqual(['Read "RFC": 300 blocks, 0 open discussions.\n']);

    progress.event(reading(40, 2));
    vi.advanceTimersByTime(5_000);
    progress.notionRequest({ method: "GET", status: 200, waitedMs: 1_200 });
    progress.event(reading(120));
    vi.advanceTimersByTime(5_000);
    progress.stop();

    expect(written.slice(1)).toEqual([
      "Reading the page: 40 blocks (2 with more inside still to read); 0 Notion requests.\n",
      "Reading the page: 120 blocks; 1 Notion request, 1 held back by the rate limit to 180 a minute.\n",
    ]);
  });

  it("counts a step's interval from its start: a short step after a long wait prints no status", () => {
    const { progress, written } = display({ live: false });

    vi.advanceTimersByTime(4_900);
    progress.event(reading(3));
    vi.advanceTimersByTime(200);
    progress.event(read);
    progress.stop();

    expect(written).toEqual(['Read "RFC": 300 blocks, 0 open discussions.\n']);
  });

  it("counts Notion's 429s in the status with the wait left, and gives a long wait a line of its own", () => {
    const { progress, written } = display({ live: false });

    progress.event(reading(40));
    progress.rateLimited({ status: 429, retryAfterSeconds: 1 });
    progress.rateLimited({ status: 429, retryAfterSeconds: 8 });
    vi.advanceTimersByTime(5_000);
    progress.rateLimited({ status: 429, retryAfterSeconds: 30, reason: "integration_request_limit" });
    progress.stop();

    expect(written).toEqual([
      "Reading the page: 40 blocks; 0 Notion requests; Notion said to wait 2 times, 3 s left.\n",
      "Notion's rate limit was reached (429, integration_request_limit): waiting 30 s before the next request.\n",
    ]);
  });
});

describe("progress with --quiet", () => {
  it("shows warnings only", () => {
    const { progress, written } = display({ live: true, quiet: true });

    progress.event(reading(100));
    progress.event(read);
    progress.rateLimited({ status: 429, retryAfterSeconds: 30 });
    progress.event({ kind: "learnings_not_written", lines: 1, reason: "Notion is busy." });
    vi.advanceTimersByTime(10_000);
    progress.stop();

    expect(written).toEqual([
      "Warning: could not write 1 dismissed point to the reviewer's Learnings page (the review goes on): Notion is busy.\n",
    ]);
  });
});
