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

const until = new Date(Date.UTC(2030, 0, 1));
const claimed = (page: string, claimId = `automation:event-1:${page}`) => ({ job: reviewJob(page), claimId });

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
  it("queues each job once, and a job with a new claim beside one taken before", async () => {
    const sent: QueueMessage[][] = [];
    const deps = {
      queue: { send: async (jobs: QueueMessage[]) => void sent.push(jobs) },
      ledger: ledgerFile(),
      log: recordingLog(),
    };

    const first = await queueOnce([claimed("doc")], until, deps);
    const again = await queueOnce([claimed("doc")], until, deps);
    const another = await queueOnce([claimed("doc"), claimed("doc-2")], until, deps);

    expect(first.queued).toHaveLength(1);
    expect(again.queued).toEqual([]);
    expect(again.taken.map((job) => job.pageId)).toEqual([reviewJob("doc").pageId]);
    expect(another.queued.map((job) => job.pageId)).toEqual([reviewJob("doc-2").pageId]);
    expect(sent.map((jobs) => jobs.length)).toEqual([1, 1]);
  });

  it("gives the claim back when the queue refuses, so the next attempt is taken", async () => {
    const ledger = ledgerFile();
    const refusing = { send: async () => Promise.reject(new Error("SQS is down")) };
    const log = recordingLog();

    await expect(queueOnce([claimed("doc")], until, { queue: refusing, ledger, log })).rejects.toThrow(
      "SQS is down",
    );

    expect(await ledger.claimDelivery(claimed("doc").claimId, until)).toBe(true);
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

    await expect(queueOnce([claimed("doc")], until, { queue: failing, ledger, log })).rejects.toThrow(
      "SQS is down",
    );

    expect(log.errors).toEqual([
      [
        "Could not release a delivery the queue refused; Notion's retries of it will be dropped",
        {
          deliveryId: claimed("doc").claimId,
          until: "2030-01-01T00:00:00.000Z",
          error: expect.stringMatching(/EISDIR/),
        },
      ],
    ]);
  });
});
