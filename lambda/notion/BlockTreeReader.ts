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

export class BlockTreeReader {
  private readonly syncedOriginals = new Map<string, Promise<ReadBlock[] | undefined>>();

  constructor(private readonly session: NotionSession) {}

  /** The children of a page or block, with their children, in order. */
  async readTree(blockId: string): Promise<ReadBlock[]> {
    const blocks: BlockObjectResponse[] = [];
    for await (const block of iteratePaginatedAPI(
      (args: Parameters<Client["blocks"]["children"]["list"]>[0]) =>
        this.session.request(() => this.session.client.blocks.children.list(args)),
      { block_id: blockId, page_size: 100 },
    )) {
      if (isFullBlock(block)) blocks.push(block);
    }
    return Promise.all(blocks.map((block) => this.readNode(block)));
  }

  private async readNode(block: BlockObjectResponse): Promise<ReadBlock> {
    if (block.type === "synced_block" && block.synced_block.synced_from) {
      const original = await this.readSyncedOriginal(block.synced_block.synced_from.block_id);
      return { block, children: original ?? [], unavailable: original === undefined };
    }
    if (!block.has_children || SEPARATE_PAGES.has(block.type)) return { block, children: [] };
    return { block, children: await this.readTree(block.id) };
  }

  /** A synced copy shows its original's content, read once per run however many copies there are. */
  private readSyncedOriginal(originalId: string): Promise<ReadBlock[] | undefined> {
    let children = this.syncedOriginals.get(originalId);
    if (!children) {
      children = this.readTree(originalId).catch((error: unknown) => {
        if (APIResponseError.isAPIResponseError(error) && error.code === APIErrorCode.ObjectNotFound)
          return undefined;
        throw error;
      });
      this.syncedOriginals.set(originalId, children);
    }
    return children;
  }
}
