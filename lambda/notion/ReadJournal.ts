/**
 * What one review has read from Notion, answer by answer, so a review that outlives one invocation reads
 * nothing twice: the next invocation runs the same reading code, and every request already answered is
 * answered again from here, without a request or a permit. Only reads are kept (GETs and the POSTs that
 * only query). Once the review posts a comment the journal closes: from then on what Notion says must be
 * read afresh (a check before a retry must see the page as it is), and it is not worth keeping.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import * as z from "../schema.ts";

const savedSchema = z.object({ version: z.literal(1), answers: z.record(z.string(), z.string()) });

export class ReadJournal {
  private readonly answers = new Map<string, string>();
  private open = true;
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];
  /** Requests answered from the journal, and recorded, in this invocation. */
  replayed = 0;
  recorded = 0;

  /**
   * Takes in what earlier invocations read (see `save`); false when the saved bytes cannot be read, and
   * the review then reads afresh (a checkpoint only saves time, it is never the only copy of anything).
   */
  load(saved: Uint8Array): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(gunzipSync(saved).toString("utf8"));
    } catch {
      return false;
    }
    const checked = savedSchema.safeParse(parsed);
    if (!checked.success) return false;
    for (const [key, body] of Object.entries(checked.data.answers)) this.answers.set(key, body);
    return true;
  }

  /** Everything read so far, compressed (a 3,000-block page is a few hundred KB). */
  save(): Uint8Array {
    return gzipSync(JSON.stringify({ version: 1, answers: Object.fromEntries(this.answers) }));
  }

  get size(): number {
    return this.answers.size;
  }

  /** Whether what was read may still be saved and answered again: no comment has been posted. */
  get usable(): boolean {
    return this.open;
  }

  /** The earlier answer to this read, if there is one. */
  answer(key: string): string | undefined {
    if (!this.open) return undefined;
    const body = this.answers.get(key);
    if (body !== undefined) this.replayed += 1;
    return body;
  }

  record(key: string, body: string): void {
    if (!this.open) return;
    this.answers.set(key, body);
    this.recorded += 1;
  }

  /** A write went out: nothing read before it may stand in for what Notion says after it. */
  close(): void {
    this.open = false;
    this.answers.clear();
  }

  /** Counts a request in flight, so a pause can wait for every answer already on its way. */
  begin(): () => void {
    this.inFlight += 1;
    return () => {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
