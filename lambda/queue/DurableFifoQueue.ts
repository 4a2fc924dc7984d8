/**
 * The FIFO queue of `margin serve`, kept in a file (beside the ledger) after every change, so a `serve`
 * that is killed loses nothing: when it starts again, what was queued is still queued and what was in
 * flight is delivered again (its receive count kept), with the same grouping and deduplication. As durable
 * as SQS is for the Lambda functions, for one process on one machine.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { QueueError } from "../errors.ts";
import * as z from "../schema.ts";
import {
  FifoQueue,
  type FifoQueueOptions,
  type FifoQueueState,
  type QueuedMessage,
  type SendResult,
} from "./FifoQueue.ts";

const messageSchema = z.object({
  messageId: z.string(),
  body: z.string(),
  groupId: z.string(),
  deduplicationId: z.string(),
  sequenceNumber: z.string(),
  sentAt: z.number(),
  receiveCount: z.number(),
  firstReceivedAt: z.optional(z.number()),
  receiptHandle: z.optional(z.string()),
  visibleAt: z.number(),
});

const stateSchema = z.object({
  messages: z.array(messageSchema),
  deadLetters: z.array(messageSchema),
  seen: z.array(
    z.tuple([z.string(), z.object({ at: z.number(), messageId: z.string(), sequenceNumber: z.string() })]),
  ),
  sequence: z.string(),
});

export class DurableFifoQueue extends FifoQueue {
  constructor(
    readonly file: string,
    options: FifoQueueOptions = {},
  ) {
    super(options);
    const kept = this.load();
    if (kept) this.restore(kept);
  }

  override send(body: string, groupId: string, deduplicationId?: string): SendResult {
    const result = super.send(body, groupId, deduplicationId);
    if (!result.duplicate) this.save();
    return result;
  }

  override receive(max?: number, visibilityTimeoutMs?: number): QueuedMessage[] {
    const taken = super.receive(max, visibilityTimeoutMs);
    this.save();
    return taken;
  }

  override delete(receiptHandle: string): boolean {
    const deleted = super.delete(receiptHandle);
    if (deleted) this.save();
    return deleted;
  }

  override changeVisibility(receiptHandle: string, timeoutMs: number): boolean {
    const changed = super.changeVisibility(receiptHandle, timeoutMs);
    if (changed) this.save();
    return changed;
  }

  private load(): FifoQueueState | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = stateSchema.safeParse(raw);
    if (!parsed.success) {
      throw new QueueError(
        `${this.file} is not a queue Margin kept (${raw === undefined ? "not JSON" : z.firstProblem(parsed.error, "queue")}). Move it aside to start with an empty queue.`,
      );
    }
    return parsed.data;
  }

  /** Written whole to a temporary file and renamed over the old one: a kill never leaves half a queue. */
  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.snapshot()));
    renameSync(temporary, this.file);
  }
}
