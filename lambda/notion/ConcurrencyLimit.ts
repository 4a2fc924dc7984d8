/**
 * At most `limit` tasks at once, the rest waiting their turn in order. The Notion adapters keep their calls
 * to a few at a time, so none waits long in the rate throttle: the SDK's timeout clock starts when a call
 * begins, and a call queued behind hundreds of others would time out before it was ever sent.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}
