/**
 * The worker of `margin serve`: takes review jobs from the in-memory FIFO queue as the Lambda worker takes
 * them from SQS, several pages at once but one review per page at a time, and hands failed ones back to the
 * queue to try again after a pause.
 */
import type { Log } from "../observability/Log.ts";
import type { FifoQueue, QueuedMessage } from "../queue/FifoQueue.ts";
import { parseQueueMessage } from "../queue/ReviewJob.ts";
import type { Invocation } from "../wiring/buildWorkerDependencies.ts";
import { runQueueMessage } from "../worker/runQueueMessage.ts";
import { RetryLater, type WorkerDependencies } from "../worker/WorkerDependencies.ts";

export interface LocalWorkerOptions {
  queue: FifoQueue;
  /** Builds the dependencies of one job (fresh Notion adapters each time). */
  dependencies(invocation?: Invocation): Promise<WorkerDependencies>;
  /**
   * One job's time, as Lambda's timeout bounds an invocation (MARGIN_WORKER_TIMEOUT_SECONDS): no Notion
   * request of the job starts after it, and reading stops earlier to go on in a continuation.
   */
  timeoutMs?: number;
  log: Log;
  /** Reviews at once, across pages (default 4). */
  concurrency?: number;
  /** Pause before a failed job is tried again (default 5 s, times the attempt). */
  retryDelayMs?: number;
}

export class LocalWorker {
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly options: LocalWorkerOptions) {}

  /** Looks for work now (after a delivery was queued). */
  poke(): void {
    if (this.stopped) return;
    const capacity = (this.options.concurrency ?? 4) - this.active;
    if (capacity > 0) {
      for (const message of this.options.queue.receive(capacity, 15 * 60 * 1000)) this.start(message);
    }
    this.schedule();
    this.notifyIdle();
  }

  /** Resolves when nothing is running and nothing is waiting to run. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled(this.running);
  }

  private isIdle(): boolean {
    return this.active === 0 && this.options.queue.size === 0;
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.options.queue.nextVisibleAt();
    if (next === undefined || this.stopped) return;
    this.timer = setTimeout(() => this.poke(), Math.max(10, next - Date.now()));
  }

  private start(message: QueuedMessage): void {
    this.active += 1;
    const run = this.process(message).finally(() => {
      this.active -= 1;
      this.running.delete(run);
      this.poke();
    });
    this.running.add(run);
  }

  private async process(message: QueuedMessage): Promise<void> {
    const { queue, log } = this.options;
    const receipt = message.receiptHandle!;
    try {
      const job = parseQueueMessage(message.body);
      const { timeoutMs } = this.options;
      const invocation = timeoutMs ? { endsAt: Date.now() + timeoutMs, timeoutMs } : undefined;
      await runQueueMessage(job, message.receiveCount, await this.options.dependencies(invocation));
      queue.delete(receipt);
    } catch (error) {
      const delay = (this.options.retryDelayMs ?? 5_000) * message.receiveCount;
      if (!(error instanceof RetryLater))
        log.error("Review job failed unexpectedly", {
          error: error instanceof Error ? error.message : String(error),
          attempt: message.receiveCount,
        });
      // Back on the queue after a pause; past the last attempt the queue moves it to the dead letters.
      queue.changeVisibility(receipt, delay);
    }
  }
}
