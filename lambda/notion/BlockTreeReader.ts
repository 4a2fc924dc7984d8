/**
 * A page's whole block tree: every level paginated, children read in parallel (within the session's bound
 * and the client's throttle), synced copies read through to their original once however many copies there
 * are, child pages and databases listed but never read into.
 */
import {
  APIErrorCode,
  APIResponseError,
  type BlockObjectResponse,
  type Client,
  isFullBlock,
  iteratePaginatedAPI,
} from "@notionhq/client";
import type { NotionSession } from "./NotionSession.ts";
import type { ReadBlock } from "./toDocumentBlocks.ts";

/** Blocks whose children are other pages: listed by title, never read. */
const SEPARATE_PAGES = new Set(["child_page", "child_database"]);

/** Counts of a tree's reading as it goes: blocks read, and blocks whose children are still to be listed. */
export interface TreeTally {
  blocks: number;
  toOpen: number;
  /** Called after every change. */
  changed(): void;
}

export class BlockTreeReader {
  private readonly syncedOriginals = new Map<string, Promise<ReadBlock[] | undefined>>();

  constructor(private readonly session: NotionSession) {}

  /** The children of a page or block, with their children, in order; `tally` counts them as they come. */
  async readTree(blockId: string, tally?: TreeTally): Promise<ReadBlock[]> {
    const blocks: BlockObjectResponse[] = [];
    for await (const block of iteratePaginatedAPI(
      (args: Parameters<Client["blocks"]["children"]["list"]>[0]) =>
        this.session.request(() => this.session.client.blocks.children.list(args)),
      { block_id: blockId, page_size: 100 },
    )) {
      if (!isFullBlock(block)) continue;
      blocks.push(block);
      if (tally) {
        tally.blocks++;
        if (opens(block)) tally.toOpen++;
        tally.changed();
      }
    }
    return Promise.all(blocks.map((block) => this.readNode(block, tally)));
  }

  private async readNode(block: BlockObjectResponse, tally: TreeTally | undefined): Promise<ReadBlock> {
    if (!opens(block)) return { block, children: [] };
    try {
      if (block.type === "synced_block" && block.synced_block.synced_from) {
        const original = await this.readSyncedOriginal(block.synced_block.synced_from.block_id, tally);
        return { block, children: original ?? [], unavailable: original === undefined };
      }
      return { block, children: await this.readTree(block.id, tally) };
    } finally {
      if (tally) {
        tally.toOpen--;
        tally.changed();
      }
    }
  }

  /** A synced copy shows its original's content, read once per run however many copies there are. */
  private readSyncedOriginal(
    originalId: string,
    tally: TreeTally | undefined,
  ): Promise<ReadBlock[] | undefined> {
    let children = this.syncedOriginals.get(originalId);
    if (!children) {
      // Its blocks are counted as they are read: once, however many copies show them.
      children = this.readTree(originalId, tally).catch((error: unknown) => {
        if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.ObjectNotFound)
          return undefined;
        throw error;
      });
      this.syncedOriginals.set(originalId, children);
    }
    return children;
  }
}

/** Whether a block's content is read from further calls: its children, or a synced copy's original. */
function opens(block: BlockObjectResponse): boolean {
  if (block.type === "synced_block" && block.synced_block.synced_from) return true;
  return block.has_children && !SEPARATE_PAGES.has(block.type);
}
