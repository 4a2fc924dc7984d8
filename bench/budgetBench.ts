/**
 * Notion's request budget: what reading costs when the limit is Notion's documented one (a budget per
 * 60-second window per connection), read as the worker reads, through one client per review drawing on one
 * budget shared by the whole deployment. Three figures: a first review's read time against the floor the
 * limit and the latency set; the worker invocations a large page takes under the default timeout, with the
 * reads they cost; and the 429s of reviews reading at once.
 *
 * A 3,000-block page needs about 20 windows, so everything runs time-scaled: the emulator's window, the
 * budget's window and margin, the invocation's deadline and the latency are divided by TIME_SCALE, and every
 * time is reported multiplied back. Request counts and 429s do not depend on the scale. (A page read within
 * one window has no window to wait for and is read in real time: see measureFirstRead.)
 */
import { idFor } from "../emulators/notion/model/notionIds.ts";
import { type NotionEmulator, startNotionEmulator } from "../emulators/notion/NotionEmulator.ts";
import { MARGIN_MS, MemoryBudgetStore, RequestBudget, WINDOW_MS } from "../lambda/budget/RequestBudget.ts";
import { DEFAULT_WORKER_TIMEOUT_SECONDS } from "../lambda/config/config.ts";
import { ReadingPaused } from "../lambda/errors.ts";
import {
  createNotionClient,
  DEFAULT_REQUESTS_PER_MINUTE,
  MAX_CONCURRENT,
  type NotionClientOptions,
} from "../lambda/notion/createNotionClient.ts";
import { notionAdapters } from "../lambda/notion/notionAdapters.ts";
import { ReadJournal } from "../lambda/notion/ReadJournal.ts";
import { WorkDeadline } from "../lambda/notion/WorkDeadline.ts";
import type { ReviewDocument } from "../lambda/review/model/ReviewDocument.ts";
import { readingReserveMs } from "../lambda/wiring/buildWorkerDependencies.ts";
import { syntheticDocument } from "./syntheticDocument.ts";

/** Notion's common plan, as the client assumes by default. */
export const PER_WINDOW = DEFAULT_REQUESTS_PER_MINUTE;
export const LATENCY_MS = 100;
/**
 * Real time is divided by this: 2-second windows and 3.3 ms of latency. Every floor here is mostly whole
 * windows, which the scale does not distort; the per-request work of the emulator and the client (one
 * process, two cores), which does not shrink with the scale, only weighs on the last window's latency. The
 * ratios came out the same, within 0.02, at 20x (5 ms of latency), which takes half as long again.
 */
export const TIME_SCALE = 30;
const TOKEN = "ntn_bench_budget";
const REVIEWER = "RFC Reviewer";

/** A page of `blocks` blocks with a discussion for every 15 of them, as busy RFCs have. */
function benchPage(blocks: number) {
  return syntheticDocument(blocks, Math.max(1, Math.round(blocks / 15)));
}

/**
 * The least time `requests` can take, in real seconds, for reads `concurrency` at a time: every window but
 * the last is waited out whole (Notion's windows are fixed; a request cannot borrow from the next), and the
 * last window's requests still take their latency. Never less than the requests' latency alone.
 */
export function floorSeconds(requests: number, concurrency: number): number {
  const windows = Math.ceil(requests / PER_WINDOW);
  const latency = (count: number) => (count * LATENCY_MS) / concurrency / 1000;
  const lastWindow = requests - (windows - 1) * PER_WINDOW;
  return Math.max(latency(requests), (windows - 1) * (WINDOW_MS / 1000) + latency(lastWindow));
}

/** The floor in words, for the output. */
export const FLOOR_DEFINITION =
  `floor = the larger of requests x ${LATENCY_MS} ms / concurrency and (windows - 1) x ${WINDOW_MS / 1000} s + the last window's ` +
  `requests x ${LATENCY_MS} ms / concurrency, where windows = ceil(requests / ${PER_WINDOW}) and concurrency = ` +
  `${MAX_CONCURRENT} requests in flight per review`;

/** The emulator in window mode at PER_WINDOW a minute, time-scaled. */
function windowedEmulator(seed: Record<string, unknown>, scale = TIME_SCALE): Promise<NotionEmulator> {
  return startNotionEmulator({
    seed,
    token: TOKEN,
    requestsPerMinute: PER_WINDOW,
    windowSeconds: WINDOW_MS / 1000 / scale,
    latencyMs: LATENCY_MS / scale,
  });
}

/** The token's one budget, as a deployment shares it, time-scaled like the emulator. */
function sharedBudget(scale = TIME_SCALE): RequestBudget {
  return new RequestBudget(
    new MemoryBudgetStore({
      limit: PER_WINDOW,
      windowMs: WINDOW_MS / scale,
      marginMs: MARGIN_MS / scale,
    }),
  );
}

/** A review's own client, as the worker makes one per job, on the shared budget. */
function pagesOf(
  emulator: NotionEmulator,
  budget: RequestBudget,
  extra: Pick<NotionClientOptions, "journal" | "deadline"> = {},
) {
  return notionAdapters(createNotionClient({ token: TOKEN, baseUrl: emulator.url, budget, ...extra })).pages;
}

export interface ReadFigures {
  requests: number;
  rateLimited: number;
  /** Real seconds (scaled back). */
  seconds: number;
  floorSeconds: number;
  /** What real time was divided by. */
  timeScale: number;
}

/**
 * Runs `read` against a fresh emulator holding `seed`, timed and counted. Fresh, because the emulator's
 * windows for the token carry on between reads, and a read starting in a window another has half spent is
 * not a first review's. `read` must use `scale` for its budget and deadlines.
 */
async function measured<T>(
  seed: Record<string, unknown>,
  concurrency: number,
  read: (emulator: NotionEmulator) => Promise<T>,
  scale = TIME_SCALE,
): Promise<ReadFigures & { result: T }> {
  const emulator = await windowedEmulator(seed, scale);
  try {
    await warmUp(emulator);
    const started = performance.now();
    const result = await read(emulator);
    const seconds = ((performance.now() - started) * scale) / 1000;
    const { requests, rateLimited } = emulator.counters.snapshot().total;
    const floor = floorSeconds(requests, concurrency);
    return { result, requests, rateLimited, seconds, floorSeconds: floor, timeScale: scale };
  } finally {
    await emulator.close();
  }
}

/**
 * Opens the client's connections and runs its code once, then puts the emulator back as seeded (fresh
 * windows, no counts). A cold first request can take longer than the budget's margin scaled down (a
 * second divided by TIME_SCALE), which real differences in latency do not approach: the emulator's first
 * window would start late, the budget's second one too early for it, and the scaled run would see a 429.
 */
async function warmUp(emulator: NotionEmulator): Promise<void> {
  const client = createNotionClient({ token: TOKEN, baseUrl: emulator.url, requestsPerMinute: PER_WINDOW });
  await Promise.all(Array.from({ length: MAX_CONCURRENT }, () => client.users.me({})));
  emulator.reset();
}

/**
 * A first review's read of the page, uninterrupted. A page read within one window waits for no window, and
 * scaled down its latency would be outweighed by the per-request work that does not shrink with it (a
 * 50-block page: 2.3x its floor at 30x, 1.2x in real time): such a page is read again in real time.
 */
export async function measureFirstRead(
  seed: Record<string, unknown>,
): Promise<ReadFigures & { result: ReviewDocument }> {
  const readAt = (scale: number) =>
    measured(
      seed,
      MAX_CONCURRENT,
      (emulator) => pagesOf(emulator, sharedBudget(scale)).readDocument(idFor("doc"), REVIEWER),
      scale,
    );
  const scaled = await readAt(TIME_SCALE);
  return scaled.requests > PER_WINDOW ? scaled : readAt(1);
}

/** How the worker's default timeout is spent, in real seconds. */
export const INVOCATION_MS = DEFAULT_WORKER_TIMEOUT_SECONDS * 1000;
export const READING_STOPS_MS = INVOCATION_MS - readingReserveMs(INVOCATION_MS);

/**
 * The page read as the worker reads it under the default timeout: each invocation a fresh client with the
 * journal its predecessor saved, the same budget, and a deadline that stops reading early enough to leave
 * the reserve for the model and posting; a paused read waits for the answers on their way, saves the
 * journal and goes on in the next invocation. Returns the number of invocations.
 */
export function measureInvocations(seed: Record<string, unknown>): Promise<ReadFigures & { result: number }> {
  return measured(seed, MAX_CONCURRENT, async (emulator) => {
    const budget = sharedBudget();
    let saved: Uint8Array | undefined;
    for (let invocation = 1; ; invocation++) {
      const journal = new ReadJournal();
      if (saved && !journal.load(saved)) throw new Error("The benchmark's journal could not be loaded.");
      const deadline = WorkDeadline.forInvocation(
        Date.now() + INVOCATION_MS / TIME_SCALE,
        (INVOCATION_MS - READING_STOPS_MS) / TIME_SCALE,
      );
      try {
        await pagesOf(emulator, budget, { journal, deadline }).readDocument(idFor("doc"), REVIEWER);
        return invocation;
      } catch (error) {
        if (!(error instanceof ReadingPaused)) throw error;
        await journal.idle();
        saved = journal.save();
      }
    }
  });
}

/**
 * `reviews` first reviews of the same page at once, each through its own client, all on one budget; the
 * time is until the last is read, and its floor is for all their requests, `reviews` clients in flight.
 */
export function measureConcurrentReads(seed: Record<string, unknown>, reviews: number): Promise<ReadFigures> {
  return measured(seed, MAX_CONCURRENT * reviews, (emulator) => {
    const budget = sharedBudget();
    return Promise.all(
      Array.from({ length: reviews }, () => pagesOf(emulator, budget).readDocument(idFor("doc"), REVIEWER)),
    );
  });
}

const SIZES = [150, 1_000, 3_000];
const CONCURRENT_BLOCKS = 300;

/** Cells right-aligned under headings of the same widths. */
function row(headings: string[], cells: Array<string | number>): string {
  return cells.map((cell, index) => String(cell).padStart(headings[index]!.length)).join("  ");
}

const ratio = (figures: ReadFigures) => `${(figures.seconds / figures.floorSeconds).toFixed(2)}x`;

/** The `budget` section of `npm run bench`. */
export async function printBudget(): Promise<void> {
  console.log(
    `Notion's request budget: the emulator in window mode at ${PER_WINDOW} requests per 60-second window per connection, ${LATENCY_MS} ms latency; ` +
      `each review reads through its own client (${MAX_CONCURRENT} requests in flight), every client on one shared budget, as the worker reads.`,
  );
  console.log(
    `Time-scaled ${TIME_SCALE}x: windows of ${WINDOW_MS / 1000 / TIME_SCALE} s, latency ${(LATENCY_MS / TIME_SCALE).toFixed(1)} ms, the budget's window and margin and the worker's deadline divided alike; ` +
      `every time below is multiplied back to real seconds. Notion's Retry-After is whole seconds and is not scaled: a 429 here would cost at least ${TIME_SCALE} s as reported.`,
  );
  console.log(`${FLOOR_DEFINITION}.\n`);
  const firstReads = await printFirstReads();
  await printInvocations(firstReads);
  await printConcurrentReads();
}

/** Item 1: each size read once, uninterrupted. Returns the requests of each, for item 2's comparison. */
async function printFirstReads(): Promise<Map<number, number>> {
  const headings = [
    "blocks",
    "threads",
    "requests",
    "429s",
    "read (s)",
    "floor (s)",
    "read/floor",
    "time scale",
  ];
  console.log(
    "First review's read of a page (pages.readDocument, one run per size; a page read within one window is read again in real time); target within 1.2x of the floor",
  );
  console.log(headings.join("  "));
  const requests = new Map<number, number>();
  for (const size of SIZES) {
    const page = benchPage(size);
    const figures = await measureFirstRead(page.seed);
    requests.set(size, figures.requests);
    console.log(
      row(headings, [
        page.blockCount,
        page.threadCount,
        figures.requests,
        figures.rateLimited,
        figures.seconds.toFixed(1),
        figures.floorSeconds.toFixed(1),
        ratio(figures),
        `${figures.timeScale}x`,
      ]),
    );
  }
  return requests;
}

/** Item 2: the same pages read under the worker's deadline, invocation after invocation. */
async function printInvocations(uninterrupted: Map<number, number>): Promise<void> {
  const headings = ["blocks", "invocations", "reads", "uninterrupted", "difference", "429s", "read (s)"];
  console.log(
    `\nInvocations of the worker under the default timeout (${INVOCATION_MS / 1000} s; reading stops ${READING_STOPS_MS / 1000} s into each, ` +
      `leaving ${(INVOCATION_MS - READING_STOPS_MS) / 1000} s for the model and posting), measured; reads against the uninterrupted read above (target within 5%)`,
  );
  console.log(headings.join("  "));
  for (const size of SIZES) {
    const page = benchPage(size);
    const figures = await measureInvocations(page.seed);
    const whole = uninterrupted.get(size)!;
    const difference = ((figures.requests - whole) / whole) * 100;
    console.log(
      row(headings, [
        page.blockCount,
        figures.result,
        figures.requests,
        whole,
        `${difference >= 0 ? "+" : ""}${difference.toFixed(2)}%`,
        figures.rateLimited,
        figures.seconds.toFixed(1),
      ]),
    );
  }
}

/** Item 3: reviews reading at once through the one budget. */
async function printConcurrentReads(): Promise<void> {
  const page = benchPage(CONCURRENT_BLOCKS);
  const headings = ["reviews", "requests", "429s", "429 rate", "all read (s)", "floor (s)", "read/floor"];
  console.log(
    `\nReviews reading ${page.blockCount}-block pages (${page.threadCount} threads) at once through one shared budget; ` +
      `the floor is for all their requests, ${MAX_CONCURRENT} in flight per review; target under 1% 429s`,
  );
  console.log(headings.join("  "));
  for (const reviews of [2, 4]) {
    const figures = await measureConcurrentReads(page.seed, reviews);
    console.log(
      row(headings, [
        reviews,
        figures.requests,
        figures.rateLimited,
        `${((figures.rateLimited / figures.requests) * 100).toFixed(2)}%`,
        figures.seconds.toFixed(1),
        figures.floorSeconds.toFixed(1),
        ratio(figures),
      ]),
    );
  }
  console.log("");
}
