/**
 * Reads the page under review with what the reviewer remembers. After a first review, discussions are
 * listed only on blocks known to carry them, blocks that changed and new blocks (Notion has no call that
 * lists a page's discussions, so each block costs a request), until the last full listing is older than
 * `fullScanAfterHours`; a full listing is recorded as the new index.
 */
import { flattenBlocks, type ReviewDocument } from "../model/ReviewDocument.ts";
import type { PageMemory } from "../model/RunRecord.ts";
import type { Ledger } from "../ports/Ledger.ts";
import type { PageReader } from "../ports/PageReader.ts";
import { fingerprintBlock } from "./ReviewHistory.ts";

export const DEFAULT_FULL_SCAN_HOURS = 24;

export interface MemoryRead {
  pages: PageReader;
  ledger?: Ledger;
  fullScanAfterHours?: number;
  now: () => Date;
}

export async function readWithMemory(
  pageId: string,
  reviewerName: string,
  memory: PageMemory | undefined,
  deps: MemoryRead,
): Promise<ReviewDocument> {
  const { ledger, pages, now } = deps;
  if (!ledger) return pages.readDocument(pageId, reviewerName);
  const index = await ledger.discussionIndex(pageId);
  const maxAgeMs = (deps.fullScanAfterHours ?? DEFAULT_FULL_SCAN_HOURS) * 3_600_000;
  const fresh =
    memory?.lastReviewedAt !== undefined &&
    index.scannedAt !== undefined &&
    now().getTime() - Date.parse(index.scannedAt) < maxAgeMs;
  if (!fresh) {
    const scannedAt = now().toISOString();
    const document = await pages.readDocument(pageId, reviewerName);
    await ledger.indexDiscussions(
      pageId,
      document.threads.flatMap((thread) => (thread.blockId ? [thread.blockId] : [])),
      scannedAt,
    );
    return document;
  }
  const known = new Set(index.blockIds);
  return pages.readDocument(pageId, reviewerName, {
    discussionsOn: (blocks) => {
      const wanted = new Set(known);
      for (const block of flattenBlocks(blocks)) {
        if (memory.blocks[block.id] !== fingerprintBlock(block)) wanted.add(block.id);
      }
      return wanted;
    },
  });
}
