/**
 * Reads the page under review with what the reviewer remembers. After a first review, discussions are
 * listed only on blocks known to carry them, blocks that changed and new blocks (Notion has no call that
 * lists a page's discussions, so each block costs a request). The index of those blocks is rebuilt by a
 * full listing once it is older than `fullScanAfterHours`, unless the integration's `comment.created`
 * events have been arriving since before that listing: each adds its block to the index as the discussion
 * is created, so the index is complete without one.
 */
import { flattenBlocks, type ReviewDocument } from "../model/ReviewDocument.ts";
import type { CommentEventFlow, DiscussionIndex, PageMemory } from "../model/RunRecord.ts";
import type { Ledger } from "../ports/Ledger.ts";
import type { PageReader, ReadOptions } from "../ports/PageReader.ts";
import { fingerprintBlock } from "./ReviewHistory.ts";

export const DEFAULT_FULL_SCAN_HOURS = 24;

/**
 * Comment events are trusted while the latest came within this long. Notion sends no heartbeat: a quiet
 * workspace and a broken subscription look alike, so a long silence ends the trust (and a flow that starts
 * again is trusted only for pages listed in full after it started).
 */
export const EVENT_SILENCE_HOURS = 72;

export interface MemoryRead {
  pages: PageReader;
  ledger?: Ledger;
  fullScanAfterHours?: number;
  now: () => Date;
  onReading?: ReadOptions["onProgress"];
}

export async function readWithMemory(
  pageId: string,
  reviewerName: string,
  memory: PageMemory | undefined,
  deps: MemoryRead,
): Promise<ReviewDocument> {
  const { ledger, pages, now } = deps;
  const onProgress = deps.onReading;
  if (!ledger) return pages.readDocument(pageId, reviewerName, { onProgress });
  const [index, events] = await Promise.all([ledger.discussionIndex(pageId), ledger.commentEvents()]);
  if (!memory?.lastReviewedAt || !indexHolds(index, events, deps)) {
    const scannedAt = now().toISOString();
    const document = await pages.readDocument(pageId, reviewerName, { onProgress });
    // Discussions an event added while the page was being listed are kept: the listing may have passed them.
    // While events flow the listing only adds to the index (a listing read over several invocations cannot
    // tell which additions came while it ran); without them it replaces it, dropping resolved discussions.
    const current = (await ledger.discussionIndex(pageId)).blockIds;
    const before = new Set(index.blockIds);
    const kept = eventsFlow(events, deps) ? current : current.filter((id) => !before.has(id));
    await ledger.indexDiscussions(
      pageId,
      [...document.threads.flatMap((thread) => (thread.blockId ? [thread.blockId] : [])), ...kept],
      scannedAt,
    );
    return document;
  }
  const known = new Set(index.blockIds);
  return pages.readDocument(pageId, reviewerName, {
    onProgress,
    discussionsOn: (blocks) => {
      const wanted = new Set(known);
      for (const block of flattenBlocks(blocks)) {
        if (memory.blocks[block.id] !== fingerprintBlock(block)) wanted.add(block.id);
      }
      return wanted;
    },
  });
}

/** Whether the page's index can stand in for a full listing: recent enough, or kept complete by events. */
function indexHolds(index: DiscussionIndex, events: CommentEventFlow | undefined, deps: MemoryRead): boolean {
  if (index.scannedAt === undefined) return false;
  const now = deps.now().getTime();
  const maxAgeMs = (deps.fullScanAfterHours ?? DEFAULT_FULL_SCAN_HOURS) * 3_600_000;
  if (now - Date.parse(index.scannedAt) < maxAgeMs) return true;
  return events !== undefined && events.flowingSince <= index.scannedAt && eventsFlow(events, deps);
}

/** Whether comment events have arrived recently enough to be trusted to keep indexes complete. */
function eventsFlow(events: CommentEventFlow | undefined, deps: MemoryRead): boolean {
  return (
    events !== undefined &&
    deps.now().getTime() - Date.parse(events.lastSeenAt) < EVENT_SILENCE_HOURS * 3_600_000
  );
}
