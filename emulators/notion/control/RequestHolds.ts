/**
 * Requests a test stops at the emulator's door, to act while one is in flight: kill the process that sent
 * it, say, at an exact point of a review instead of after a guessed delay. A held request waits before
 * anything is checked or written; released, it goes on as if it had just arrived.
 */

export interface Hold {
  /** Resolves when the held request has arrived. */
  reached: Promise<void>;
  /** Lets the held request through, handled as usual (its writes included); resolves once it is answered. */
  release(): Promise<void>;
}

interface Pending {
  endpoint: string;
  skip: number;
  arrived: () => void;
  released: Promise<void>;
  release: () => void;
  answered: () => void;
}

export class RequestHolds {
  private readonly pending: Pending[] = [];

  /** Holds the first request to `endpoint` (`POST /v1/comments`) after `skip` of them have gone through. */
  hold(endpoint: string, options: { skip?: number } = {}): Hold {
    let arrived!: () => void;
    let release!: () => void;
    let answered!: () => void;
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const done = new Promise<void>((resolve) => {
      answered = resolve;
    });
    this.pending.push({ endpoint, skip: options.skip ?? 0, arrived, released, release, answered });
    return {
      reached,
      release: () => {
        release();
        return done;
      },
    };
  }

  /**
   * Waits while this request is held (returns at once for any other); the function it returns is to be
   * called once the request is answered.
   */
  async pass(endpoint: string): Promise<() => void> {
    const hold = this.pending.find((entry) => entry.endpoint === endpoint);
    if (!hold) return () => {};
    if (hold.skip > 0) {
      hold.skip -= 1;
      return () => {};
    }
    this.pending.splice(this.pending.indexOf(hold), 1);
    hold.arrived();
    await hold.released;
    return hold.answered;
  }

  /** Lets every held request through, and forgets the holds not reached (on reset and close). */
  releaseAll(): void {
    for (const hold of this.pending.splice(0)) hold.release();
  }
}
