/**
 * The fault suite's scenarios, drawn from a seed so any run can be replayed: which points the reviewer
 * makes, and what goes wrong while it makes them. One scenario is a page, one reviewer, one automation
 * delivery, and one or two of: `serve` killed while reading or while posting, a 5xx after Notion committed
 * a comment, a storm of 429s, and a storm of deliveries (Notion retrying, automations firing again).
 */
import { seededRandom } from "../../emulators/notion/http/seededRandom.ts";

/** A point the scripted model makes on the default document, and how it reads on the page. */
export interface Point {
  block: string;
  quote: string;
  severity: "critical" | "major" | "minor";
  comment: string;
}

const POINTS: Point[] = [
  { block: "b2", quote: "slow", severity: "major", comment: "How slow, and for whom?" },
  { block: "b4", quote: "four shards", severity: "major", comment: "Why four shards and not two?" },
  {
    block: "b5",
    quote: "one weekend",
    severity: "critical",
    comment: "There is no rollback if the move fails.",
  },
  { block: "b6", quote: "fallback", severity: "minor", comment: "For how long is the old table kept?" },
  {
    block: "b7",
    quote: "latency per shard",
    severity: "major",
    comment: "What latency is the alarm set at?",
  },
  { block: "b9", quote: "identity team", severity: "major", comment: "Who is on call for the new cluster?" },
];

export type Fault =
  /** `serve` is killed while a request of this kind is on its way; the request still lands, then `serve` starts again. */
  | { kind: "kill"; endpoint: "GET /v1/blocks/{block_id}/children" | "POST /v1/comments"; skip: number }
  /** A comment write fails with 503 after Notion committed it. */
  | { kind: "5xx-after-commit"; skip: number; count: number }
  /** Notion answers 429 to a run of requests. */
  | { kind: "429-storm"; endpoint: "POST /v1/comments" | "GET /v1/comments"; skip: number; count: number }
  /** The delivery comes again (the same event), and new deliveries for the page come, before and during the review. */
  | { kind: "redelivery-storm"; repeats: number; fresh: number };

export interface Scenario {
  index: number;
  seed: number;
  points: Point[];
  faults: Fault[];
}

/** `count` scenarios from `seed`: each the same for the same seed and index. */
export function faultScenarios(count: number, seed: number): Scenario[] {
  return Array.from({ length: count }, (_, index) => scenario(index, seed * 1_000 + index));
}

function scenario(index: number, seed: number): Scenario {
  const random = seededRandom(seed);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const points = POINTS.filter(() => random() < 0.6).slice(0, 5);
  if (points.length < 2)
    points.push(...POINTS.filter((point) => !points.includes(point)).slice(0, 2 - points.length));
  const all: Array<() => Fault> = [
    () => ({ kind: "kill", endpoint: "GET /v1/blocks/{block_id}/children", skip: int(0, 2) }),
    () => ({ kind: "kill", endpoint: "POST /v1/comments", skip: int(0, points.length) }),
    () => ({ kind: "5xx-after-commit", skip: int(0, points.length - 1), count: int(1, 2) }),
    () => ({
      kind: "429-storm",
      endpoint: random() < 0.5 ? "POST /v1/comments" : "GET /v1/comments",
      skip: int(0, 3),
      count: int(3, 10),
    }),
    () => ({ kind: "redelivery-storm", repeats: int(1, 4), fresh: int(1, 3) }),
  ];
  // Every kind comes up in turn; a second fault, when drawn, is of another kind (one kill at most).
  const first = index % all.length;
  const faults = [all[first]!()];
  if (random() < 0.5) {
    const second = all[(first + int(1, all.length - 1)) % all.length]!();
    if (second.kind !== faults[0]!.kind) faults.push(second);
  }
  return { index, seed, points, faults };
}

/** How a point reads on the page: the serious ones led by their severity, then the comment. */
export function pointText(point: Point): string {
  return point.severity === "minor"
    ? point.comment
    : `${point.severity[0]!.toUpperCase()}${point.severity.slice(1)}: ${point.comment}`;
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "kill":
      return `kill while ${fault.endpoint.startsWith("GET") ? "reading" : "posting"} (after ${fault.skip})`;
    case "5xx-after-commit":
      return `${fault.count}x 503 after commit (after ${fault.skip})`;
    case "429-storm":
      return `${fault.count}x 429 on ${fault.endpoint}`;
    case "redelivery-storm":
      return `${fault.repeats} repeats, ${fault.fresh} new deliveries`;
  }
}
