/**
 * Failures the emulator injects: random ones at a configured rate (seedable), and scripted ones a test
 * queues for a given endpoint ("let one POST /v1/comments through, then fail the next 2 with 503, after
 * committing the write").
 */
import { seededRandom } from "../http/seededRandom.ts";
import { NotionApiError } from "../NotionApiError.ts";

export interface ScriptedFault {
  /** `METHOD /template`, e.g. `POST /v1/comments`. */
  endpoint: string;
  status: number;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** How many matching requests go through before the failures start (default 0). */
  skip?: number;
  /** Fail after the write was applied, as a 503 on a write that committed anyway. */
  afterCommit?: boolean;
  /** The Retry-After of a 429 or a 529, in seconds (default 1). */
  retryAfterSeconds?: number;
}

export interface InjectedFault {
  status: number;
  afterCommit: boolean;
  retryAfterSeconds: number;
}

const RANDOM_STATUSES = [500, 502, 503, 429];

export class FaultPlan {
  private random: () => number;
  private readonly scripted: Array<Required<ScriptedFault>> = [];

  constructor(
    public failRate = 0,
    randomSeed = 1,
    /** The endpoints a fault may name (`METHOD /template`); any, when not given. */
    private readonly endpoints?: readonly string[],
  ) {
    this.random = seededRandom(randomSeed);
  }

  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  script(fault: ScriptedFault): void {
    // A fault for an endpoint that does not exist would never fire: a test would pass without its fault.
    if (this.endpoints && !this.endpoints.includes(fault.endpoint)) {
      throw NotionApiError.validation(
        `No endpoint "${fault.endpoint}": name one as METHOD /template, with the template's own parameter names (${this.endpoints.filter((endpoint) => endpoint.split(" ")[0] === fault.endpoint.split(" ")[0]).join(", ")}).`,
      );
    }
    // Defaults for fields left out or given as undefined (the control API passes them through).
    this.scripted.push({
      endpoint: fault.endpoint,
      status: fault.status,
      count: fault.count ?? 1,
      skip: fault.skip ?? 0,
      afterCommit: fault.afterCommit ?? false,
      retryAfterSeconds: fault.retryAfterSeconds ?? 1,
    });
  }

  clearScripted(): void {
    this.scripted.length = 0;
  }

  /** The failure this request gets, if any: a scripted one first, else a random one at `failRate`. */
  next(endpoint: string): InjectedFault | undefined {
    const fault = this.scripted.find((entry) => entry.endpoint === endpoint);
    if (fault) {
      if (fault.skip > 0) {
        fault.skip -= 1;
        return this.randomFault();
      }
      fault.count -= 1;
      if (fault.count <= 0) this.scripted.splice(this.scripted.indexOf(fault), 1);
      return {
        status: fault.status,
        afterCommit: fault.afterCommit,
        retryAfterSeconds: fault.retryAfterSeconds,
      };
    }
    return this.randomFault();
  }

  /** A failure at `failRate`, of a random status, before anything is written. */
  private randomFault(): InjectedFault | undefined {
    if (this.failRate > 0 && this.random() < this.failRate) {
      const status = RANDOM_STATUSES[Math.floor(this.random() * RANDOM_STATUSES.length)]!;
      return { status, afterCommit: false, retryAfterSeconds: 1 };
    }
    return undefined;
  }
}
