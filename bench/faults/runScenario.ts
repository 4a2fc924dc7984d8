/**
 * One scenario of the fault suite, end to end: a Notion emulator and a scripted model in this process,
 * `margin serve` in its own (so it can be killed with SIGKILL, by its pid), a delivery of a review, the
 * scenario's faults, and, once the queue is empty, the count of what is on the page against what the
 * reviewer meant to post and what its memory says it posted.
 */

import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { FileLedger } from "../../lambda/ledger/FileLedger.ts";
import { loadWebhook } from "../../test/support/fixtures.ts";
import { ReviewWorld, textOf, turnFor } from "../../test/support/reviewWorld.ts";
import { spawnServer } from "../../test/support/spawnServer.ts";
import { type Fault, pointText, type Scenario } from "./faultScenarios.ts";

const SECRET = "whsec_fault_suite";
/** A scenario that has not settled by then is counted as it stands. */
const SCENARIO_DEADLINE_MS = 90_000;

export interface ScenarioResult {
  scenario: Scenario;
  /** The comments the reviewer meant to post: its points and one summary. */
  expected: number;
  /** Expected comments on the page more than once (extra copies). */
  duplicates: number;
  /** Expected comments not on the page. */
  lost: number;
  /** Comments the memory says were posted but are not on the page, and the reverse. */
  mismatches: number;
  /** Notes on the page saying a review could not be completed. */
  notes: number;
  /** What went wrong, in words, for a scenario that did not come out clean. */
  problems: string[];
  /** Whether `serve` was killed (a kill's request may come after the review ended, and then it is not). */
  killed: boolean;
  /** Requests to the model, across every attempt and review. */
  modelRequests: number;
  /** Whether the queue emptied before the deadline. */
  settled: boolean;
  seconds: number;
}

export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const started = performance.now();
  const calls = scenario.points.map(
    (point) => ["comment_on_block", { ...point }] as [string, Record<string, unknown>],
  );
  const full = turnFor("openai", [...calls, ["finish_review", { summary: "Not ready." }]]);
  const finish = turnFor("openai", [["finish_review", { summary: "Still not ready." }]]);
  // A review killed before its plan was kept asks the model again; later reviews find the points made.
  const world = await ReviewWorld.start({
    provider: "openai",
    script: [full, full, full, ...Array(8).fill(finish)],
  });
  const env = world.env({ MARGIN_WEBHOOK_SECRET: SECRET, MARGIN_MAX_ATTEMPTS: "5" });
  const queueFile = join(dirname(world.ledgerFile), "queue.json");
  const startServe = () =>
    spawnServer("bin/margin.js", ["serve", "--port", "0", "--retry-delay-ms", "100"], env);
  let serve = await startServe();
  try {
    const kill = arm(world, scenario.faults);
    const deliver = (eventId: string) => post(serve.url, eventId, world.pageId);
    const storm = scenario.faults.find((fault) => fault.kind === "redelivery-storm");
    await deliver("event-1");
    for (let i = 0; i < (storm?.repeats ?? 0); i++) await deliver("event-1");
    const fresh = Array.from({ length: storm?.fresh ?? 0 }, (_, i) => `event-fresh-${i}`);
    // Half come while the review waits (they join it), half once it has started (a review of their own).
    for (const eventId of fresh.slice(0, Math.ceil(fresh.length / 2))) await deliver(eventId);
    const deadline = Date.now() + SCENARIO_DEADLINE_MS;
    const settled = () => queueEmpty(queueFile, deadline);
    if (fresh.length > 1) {
      await Promise.race([serve.logged("Review started"), settled()]);
      for (const eventId of fresh.slice(Math.ceil(fresh.length / 2))) await deliver(eventId);
    }
    const killed =
      kill !== undefined &&
      (await Promise.race([kill.reached.then(() => true), settled().then(() => false)]));
    if (kill && killed) {
      serve.process.kill("SIGKILL");
      await once(serve.process, "exit");
      // The request it was sending still lands, as a write can after its sender died.
      await kill.release();
      serve = await startServe();
    }
    const done = await settled();
    return {
      ...(await count(world, scenario)),
      killed,
      modelRequests: world.model.requests.length,
      settled: done,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await serve.stop();
    await world.close();
  }
}

/** Scripts the emulator's faults; returns the hold of a kill, if the scenario has one. */
function arm(world: ReviewWorld, faults: Fault[]) {
  let hold: ReturnType<ReviewWorld["emulator"]["holds"]["hold"]> | undefined;
  for (const fault of faults) {
    if (fault.kind === "kill") hold = world.emulator.holds.hold(fault.endpoint, { skip: fault.skip });
    if (fault.kind === "5xx-after-commit") {
      world.emulator.faults.script({
        endpoint: "POST /v1/comments",
        status: 503,
        afterCommit: true,
        skip: fault.skip,
        count: fault.count,
      });
    }
    if (fault.kind === "429-storm") {
      world.emulator.faults.script({
        endpoint: fault.endpoint,
        status: 429,
        skip: fault.skip,
        count: fault.count,
        retryAfterSeconds: 0,
      });
    }
  }
  return hold;
}

async function post(url: string, eventId: string, pageId: string): Promise<void> {
  const automation = loadWebhook("automation-2026-shape") as { source: object; data: object };
  const response = await fetch(`${url}/?prompt=RFC%20Reviewer`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({
      source: { ...automation.source, event_id: eventId },
      data: { ...automation.data, id: pageId },
    }),
  });
  await response.body?.cancel();
}

/** Resolves true once `serve`'s queue file holds nothing, false at the deadline. */
async function queueEmpty(file: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      try {
        const queue = JSON.parse(readFileSync(file, "utf8")) as { messages: unknown[] };
        if (queue.messages.length === 0) return true;
      } catch {
        // Caught between writes of the file: look again.
      }
    }
    await sleep(100);
  }
  return false;
}

async function count(world: ReviewWorld, scenario: Scenario) {
  const onPage = world.botComments();
  const notes = onPage.filter((comment) => textOf(comment).startsWith("I could not"));
  const blockTexts = onPage.filter((comment) => comment.parent.block_id).map(textOf);
  const summaries = onPage.filter((comment) => comment.parent.page_id && !notes.includes(comment));
  const problems: string[] = [];
  let duplicates = Math.max(0, summaries.length - 1);
  let lost = summaries.length === 0 ? 1 : 0;
  if (summaries.length !== 1) problems.push(`${summaries.length} summaries`);
  for (const point of scenario.points) {
    const copies = blockTexts.filter((text) => text === pointText(point)).length;
    duplicates += Math.max(0, copies - 1);
    if (copies === 0) lost += 1;
    if (copies !== 1) problems.push(`${copies} of "${pointText(point)}"`);
  }
  for (const text of blockTexts)
    if (!scenario.points.some((point) => pointText(point) === text)) problems.push(`unexpected "${text}"`);
  for (const note of notes) problems.push(`note: ${textOf(note)}`);
  const memory = await new FileLedger(world.ledgerFile).memory(world.pageId, idFor("rfc-reviewer"));
  const remembered = new Set((memory?.comments ?? []).flatMap((comment) => comment.posted.commentIds));
  const posted = new Set(
    onPage.filter((comment) => !notes.includes(comment)).map((comment) => comment.id as string),
  );
  const mismatches =
    [...remembered].filter((id) => !posted.has(id)).length +
    [...posted].filter((id) => !remembered.has(id)).length;
  return {
    scenario,
    expected: scenario.points.length + 1,
    duplicates,
    lost,
    mismatches,
    notes: notes.length,
    problems,
  };
}
