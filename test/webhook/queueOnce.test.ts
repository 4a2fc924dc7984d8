/**
 * Queueing a delivery's jobs once: claimed in the ledger (the file ledger here), sent, and given back when
 * the queue refuses them, so Notion's next attempt is taken. The queue is a stand-in that accepts or refuses.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileLedger } from "../../lambda/ledger/FileLedger.ts";
import type { Log } from "../../lambda/observability/Log.ts";
import type { QueueMessage } from "../../lambda/queue/ReviewJob.ts";
import { queueOnce } from "../../lambda/webhook/queueOnce.ts";
import { reviewJob } from "../support/reviewWorld.ts";

const claim = { id: "automation:event-1", until: new Date(Date.UTC(2030, 0, 1)) };

function recordingLog(): Log & { errors: Array<[string, Record<string, unknown> | undefined]> } {
  const errors: Array<[string, Record<string, unknown> | undefined]> = [];
  return {
    errors,
    debug() {},
    info() {},
    warn() {},
    error: (message, fields) => errors.push([message, fields]),
  };
}

const ledgerFile = () =>
  new FileLedger(join(mkdtempSync(join(tmpdir(), "margin-queue-once-")), "ledger.json"));

describe("queueOnce", () => {
  it("queues a delivery once, and not again for the same claim", async () => {
    const sent: QueueMessage[][] = [];
    const deps = {
      queue: { send: async (jobs: QueueMessage[]) => void sent.push(jobs) },
      ledger: ledgerFile(),
      log: recordingLog(),
    };

    const first = await queueOnce([reviewJob("doc")], claim, deps);
    const second = await queueOnce([reviewJob("doc")], claim, deps);

    expect([first, second]).toEqual([true, false]);
    expect(sent).toHaveLength(1);
  });

  it("gives the claim back when the queue refuses, so the next attempt is taken", async () => {
    const ledger = ledgerFile();
    const refusing = { send: async () => Promise.reject(new Error("SQS is down")) };
    const log = recordingLog();

    await expect(queueOnce([reviewJob("doc")], claim, { queue: refusing, ledger, log })).rejects.toThrow(
      "SQS is down",
    );

    expect(await ledger.claimDelivery(claim.id, claim.until)).toBe(true);
    expect(log.errors).toEqual([]);
  });

  it("answers with the queue's failure, and logs it, when the claim cannot be given back either", async () => {
    const ledger = ledgerFile();
    const log = recordingLog();
    // The disk fails with the queue: the ledger's file becomes something it cannot read.
    const failing = {
      send: async () => {
        rmSync(ledger.file);
        mkdirSync(ledger.file);
        throw new Error("SQS is down");
      },
    };

    await expect(queueOnce([reviewJob("doc")], claim, { queue: failing, ledger, log })).rejects.toThrow(
      "SQS is down",
    );

    expect(log.errors).toEqual([
      [
        "Could not release a delivery the queue refused; Notion's retries of it will be dropped",
        { deliveryId: claim.id, until: "2030-01-01T00:00:00.000Z", error: expect.stringMatching(/EISDIR/) },
      ],
    ]);
  });
});
