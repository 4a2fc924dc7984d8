/**
 * One SQS FIFO queue, as the SQS emulator keeps it. Written from the Amazon SQS Developer Guide ("FIFO queue
 * delivery logic", "Exactly-once processing", "Using dead-letter queues") rather than from Margin's own
 * `FifoQueue`, so that the two can disagree:
 *
 * - messages of one group are delivered in the order they were sent; a receive returns as many messages of
 *   the same group as it can (up to MaxNumberOfMessages), then messages of other groups;
 * - while any message of a group is in flight (received, not deleted, visibility timeout not over), no
 *   other message of that group is delivered;
 * - a message sent with a deduplication id already sent in the last five minutes (or, with content-based
 *   deduplication, the same body) is accepted but not queued again, even if the first was deleted since;
 * - every receive counts (`ApproximateReceiveCount`); once a message has been received maxReceiveCount
 *   times and comes back, it moves to the dead-letter queue of the redrive policy instead of being
 *   delivered again.
 */
import { createHash, randomUUID } from "node:crypto";

export const DEDUPLICATION_INTERVAL_MS = 5 * 60 * 1000;
const DEFAULT_VISIBILITY_TIMEOUT_MS = 30_000;

export interface SqsFifoQueueOptions {
  /** How long a received message stays in flight (the queue's VisibilityTimeout; default 30 s). */
  visibilityTimeoutMs?: number;
  /** With content-based deduplication, a message without a deduplication id is deduplicated on its body. */
  contentBasedDeduplication?: boolean;
  /** Receives after which a returning message goes to the dead-letter queue (no redrive policy: never). */
  maxReceiveCount?: number;
  /** The queue dead letters go to; without one they are kept in `deadLetters`. */
  deadLetterQueue?: SqsFifoQueue;
  /** Deduplicate across the whole queue (SQS's default) or within each message group. */
  deduplicationScope?: "queue" | "messageGroup";
  now?: () => number;
}

export interface FifoMessage {
  messageId: string;
  body: string;
  groupId: string;
  deduplicationId: string;
  sequenceNumber: string;
  sentAt: number;
  /** How many times it has been received (ApproximateReceiveCount). */
  receiveCount: number;
  firstReceivedAt?: number;
  /** The handle of its latest receive. */
  receiptHandle?: string;
  /** In flight until then (0: never received, or visible again). */
  inFlightUntil: number;
}

export interface SentMessage {
  messageId: string;
  sequenceNumber: string;
  /** Accepted but not queued: the deduplication id was seen in the last five minutes. */
  duplicate: boolean;
}

/** Why a request about a received message was refused, in SQS's own error codes. */
export class SqsQueueError extends Error {
  constructor(
    readonly code: "InvalidParameterValue" | "ReceiptHandleIsInvalid" | "MessageNotInflight",
    message: string,
  ) {
    super(message);
    this.name = "SqsQueueError";
  }
}

export class SqsFifoQueue {
  private readonly messages: FifoMessage[] = [];
  /** Dead letters when the redrive policy names no queue of this emulator. */
  readonly deadLetters: FifoMessage[] = [];
  private readonly sentIds = new Map<string, { at: number; messageId: string; sequenceNumber: string }>();
  private readonly issuedHandles = new Set<string>();
  /** Sequence numbers are large, increasing decimal strings in SQS. */
  private sequence = 18_000_000_000_000_000_000n;
  private readonly now: () => number;

  constructor(private readonly options: SqsFifoQueueOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  get visibilityTimeoutMs(): number {
    return this.options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
  }

  send(body: string, groupId: string, deduplicationId?: string): SentMessage {
    const deduplication =
      deduplicationId ??
      (this.options.contentBasedDeduplication ? createHash("sha256").update(body).digest("hex") : undefined);
    if (!deduplication) {
      throw new SqsQueueError(
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
      );
    }
    const now = this.now();
    const key =
      this.options.deduplicationScope === "messageGroup" ? `${groupId}\n${deduplication}` : deduplication;
    const earlier = this.sentIds.get(key);
    if (earlier && now - earlier.at < DEDUPLICATION_INTERVAL_MS) {
      return { messageId: earlier.messageId, sequenceNumber: earlier.sequenceNumber, duplicate: true };
    }
    this.sequence += 1n;
    const message: FifoMessage = {
      messageId: randomUUID(),
      body,
      groupId,
      deduplicationId: deduplication,
      sequenceNumber: this.sequence.toString(),
      sentAt: now,
      receiveCount: 0,
      inFlightUntil: 0,
    };
    this.messages.push(message);
    this.sentIds.set(key, { at: now, messageId: message.messageId, sequenceNumber: message.sequenceNumber });
    return { messageId: message.messageId, sequenceNumber: message.sequenceNumber, duplicate: false };
  }

  /** Moves a message in from another queue's redrive, keeping its group and deduplication id. */
  private acceptDeadLetter(message: FifoMessage): void {
    this.sequence += 1n;
    this.messages.push({
      ...message,
      receiptHandle: undefined,
      inFlightUntil: 0,
      sequenceNumber: this.sequence.toString(),
    });
  }

  /**
   * Up to `max` messages: the first available group's messages in order, then the next group's, skipping
   * groups with a message in flight. Each returned message is in flight for `visibilityTimeoutMs`.
   */
  receive(max = 1, visibilityTimeoutMs = this.visibilityTimeoutMs): FifoMessage[] {
    const now = this.now();
    this.redriveReturning(now);
    const blocked = new Set(
      this.messages.filter((message) => message.inFlightUntil > now).map((message) => message.groupId),
    );
    const groups: string[] = [];
    for (const message of this.messages) {
      if (!blocked.has(message.groupId) && !groups.includes(message.groupId)) groups.push(message.groupId);
    }
    const received: FifoMessage[] = [];
    for (const group of groups) {
      for (const message of this.messages) {
        if (received.length >= max) break;
        if (message.groupId !== group) continue;
        message.receiveCount += 1;
        message.firstReceivedAt ??= now;
        message.receiptHandle = randomUUID();
        message.inFlightUntil = now + visibilityTimeoutMs;
        this.issuedHandles.add(message.receiptHandle);
        received.push({ ...message });
      }
    }
    return received;
  }

  /** Messages received maxReceiveCount times whose visibility ran out leave for the dead-letter queue. */
  private redriveReturning(now: number): void {
    const limit = this.options.maxReceiveCount;
    if (limit === undefined) return;
    for (const message of [...this.messages]) {
      if (message.inFlightUntil > now || message.receiveCount < limit) continue;
      this.messages.splice(this.messages.indexOf(message), 1);
      if (this.options.deadLetterQueue) this.options.deadLetterQueue.acceptDeadLetter(message);
      else this.deadLetters.push({ ...message });
    }
  }

  /**
   * Deletes the message received with this handle. A handle from an earlier receive of a message that was
   * received again deletes nothing, and succeeds, as SQS documents; a handle never issued is refused.
   */
  delete(receiptHandle: string): void {
    this.requireIssued(receiptHandle);
    const index = this.messages.findIndex((message) => message.receiptHandle === receiptHandle);
    if (index >= 0) this.messages.splice(index, 1);
  }

  /** Sets how long the message received with this handle stays in flight from now (0: visible at once). */
  changeVisibility(receiptHandle: string, timeoutMs: number): void {
    this.requireIssued(receiptHandle);
    const message = this.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (!message || message.inFlightUntil <= this.now()) {
      throw new SqsQueueError(
        "MessageNotInflight",
        "Value for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.",
      );
    }
    message.inFlightUntil = this.now() + timeoutMs;
  }

  private requireIssued(receiptHandle: string): void {
    if (!this.issuedHandles.has(receiptHandle)) {
      throw new SqsQueueError(
        "ReceiptHandleIsInvalid",
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
      );
    }
  }

  /** Copies of the messages waiting or in flight, in the order they were sent. */
  peek(): FifoMessage[] {
    return this.messages.map((message) => ({ ...message }));
  }

  /** ApproximateNumberOfMessages and ApproximateNumberOfMessagesNotVisible. */
  counts(): { visible: number; inFlight: number } {
    const now = this.now();
    const inFlight = this.messages.filter((message) => message.inFlightUntil > now).length;
    return { visible: this.messages.length - inFlight, inFlight };
  }
}
