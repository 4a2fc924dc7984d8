/**
 * An in-memory queue with the semantics of an SQS FIFO queue: messages of one group are delivered in order
 * and one at a time (a group waits while one of its messages is in flight), a deduplication id is honoured
 * for five minutes, a received message is invisible until deleted or its visibility runs out, and after
 * `maxReceiveCount` receives a message moves to the dead-letter list. `margin serve` queues reviews here,
 * and the SQS emulator serves it over the SQS wire protocol.
 */
import { createHash, randomUUID } from "node:crypto";
import { InvalidInputError } from "../errors.ts";

export const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;

export interface FifoQueueOptions {
  /** How long a received message stays invisible (default 30 s). */
  visibilityTimeoutMs?: number;
  /** Receives before a message goes to the dead-letter list (default: never). */
  maxReceiveCount?: number;
  /** Deduplicate on the body's hash when a message has no deduplication id. */
  contentBasedDeduplication?: boolean;
  now?: () => number;
}

export interface QueuedMessage {
  messageId: string;
  body: string;
  groupId: string;
  deduplicationId: string;
  sequenceNumber: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
  visibleAt: number;
}

/** Everything the queue holds, as plain data (for keeping it on disk). */
export interface FifoQueueState {
  messages: QueuedMessage[];
  deadLetters: QueuedMessage[];
  seen: Array<[string, { at: number; messageId: string; sequenceNumber: string }]>;
  sequence: string;
}

export interface SendResult {
  messageId: string;
  sequenceNumber: string;
  /** True when the deduplication id was seen within the window: nothing new was queued. */
  duplicate: boolean;
}

export class FifoQueue {
  private readonly messages: QueuedMessage[] = [];
  readonly deadLetters: QueuedMessage[] = [];
  private readonly seen = new Map<string, { at: number; messageId: string; sequenceNumber: string }>();
  private sequence = 0n;
  protected readonly now: () => number;

  constructor(private readonly options: FifoQueueOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  send(body: string, groupId: string, deduplicationId?: string): SendResult {
    const dedupe =
      deduplicationId ??
      (this.options.contentBasedDeduplication ? createHash("sha256").update(body).digest("hex") : undefined);
    if (!dedupe)
      throw new InvalidInputError(
        "A FIFO message needs a deduplication id (or content-based deduplication on the queue).",
      );
    const now = this.now();
    for (const [id, entry] of this.seen) if (now - entry.at > DEDUPLICATION_WINDOW_MS) this.seen.delete(id);
    const earlier = this.seen.get(dedupe);
    if (earlier)
      return { messageId: earlier.messageId, sequenceNumber: earlier.sequenceNumber, duplicate: true };
    this.sequence += 1n;
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body,
      groupId,
      deduplicationId: dedupe,
      sequenceNumber: this.sequence.toString().padStart(20, "0"),
      sentAt: now,
      receiveCount: 0,
      visibleAt: now,
    };
    this.messages.push(message);
    this.seen.set(dedupe, { at: now, messageId: message.messageId, sequenceNumber: message.sequenceNumber });
    return { messageId: message.messageId, sequenceNumber: message.sequenceNumber, duplicate: false };
  }

  /** Up to `max` messages, at most one per group, each from a group with nothing in flight. */
  receive(max = 10, visibilityTimeoutMs = this.options.visibilityTimeoutMs ?? 30_000): QueuedMessage[] {
    const now = this.now();
    const busy = new Set(
      this.messages.filter((message) => message.visibleAt > now).map((message) => message.groupId),
    );
    const taken: QueuedMessage[] = [];
    for (const message of [...this.messages]) {
      if (taken.length >= max) break;
      if (busy.has(message.groupId) || message.visibleAt > now) {
        busy.add(message.groupId);
        continue;
      }
      if (
        this.options.maxReceiveCount !== undefined &&
        message.receiveCount >= this.options.maxReceiveCount
      ) {
        this.messages.splice(this.messages.indexOf(message), 1);
        this.deadLetters.push(message);
        continue;
      }
      busy.add(message.groupId);
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receiptHandle = randomUUID();
      message.visibleAt = now + visibilityTimeoutMs;
      taken.push({ ...message });
    }
    return taken;
  }

  delete(receiptHandle: string): boolean {
    const index = this.messages.findIndex((message) => message.receiptHandle === receiptHandle);
    if (index < 0) return false;
    this.messages.splice(index, 1);
    return true;
  }

  /** Makes an in-flight message visible again after `timeoutMs` (0: at once), as a retry delay. */
  changeVisibility(receiptHandle: string, timeoutMs: number): boolean {
    const message = this.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (!message) return false;
    message.visibleAt = this.now() + timeoutMs;
    return true;
  }

  /** The queue's contents, to keep (see `restore`). */
  snapshot(): FifoQueueState {
    return {
      messages: this.messages.map((message) => ({ ...message })),
      deadLetters: this.deadLetters.map((message) => ({ ...message })),
      seen: [...this.seen],
      sequence: this.sequence.toString(),
    };
  }

  /**
   * Takes back contents kept by an earlier process. Messages it had in flight are visible again at once:
   * the process that received them is gone, as a consumer whose visibility timeout ran out.
   */
  protected restore(state: FifoQueueState): void {
    const now = this.now();
    this.messages.splice(
      0,
      this.messages.length,
      ...state.messages.map(({ receiptHandle: _gone, ...message }) => ({
        ...message,
        visibleAt: Math.min(message.visibleAt, now),
      })),
    );
    this.deadLetters.splice(0, this.deadLetters.length, ...state.deadLetters);
    this.seen.clear();
    for (const [id, entry] of state.seen) this.seen.set(id, entry);
    this.sequence = BigInt(state.sequence);
  }

  /** Copies of every message waiting or in flight, in order, for inspection. */
  peek(): QueuedMessage[] {
    return this.messages.map((message) => ({ ...message }));
  }

  /** Messages waiting or in flight. */
  get size(): number {
    return this.messages.length;
  }

  /** When the next message becomes visible, for a poller that wants to sleep until then. */
  nextVisibleAt(): number | undefined {
    return this.messages.reduce<number | undefined>(
      (soonest, message) =>
        soonest === undefined || message.visibleAt < soonest ? message.visibleAt : soonest,
      undefined,
    );
  }
}
