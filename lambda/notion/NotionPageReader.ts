/**
 * Reads a page for review through `@notionhq/client`: its properties rendered readably, its whole block
 * tree, and the unresolved discussions of the page and of its blocks (one listing per block: Notion has no
 * call that lists a page's discussions), authors named and the reviewer's own comments marked.
 */
import type { CommentObjectResponse, PageObjectResponse } from "@notionhq/client";
import { NotionAccessError } from "../errors.ts";
import type { DocumentComment, DocumentThread, ReviewDocument } from "../review/model/ReviewDocument.ts";
import type { BotUser, PageReader, ReadOptions } from "../review/ports/PageReader.ts";
import type { BlockTreeReader, TreeTally } from "./BlockTreeReader.ts";
import { richTextToMarkdown } from "./markdown/richTextToMarkdown.ts";
import { type NotionSession, titleOf } from "./NotionSession.ts";
import { renderPropertyValue } from "./renderPropertyValue.ts";
import { type ReadBlock, toDocumentBlocks } from "./toDocumentBlocks.ts";

/** Blocks whose discussions belong elsewhere (child pages) or that cannot carry any (layout only). */
const NO_DISCUSSIONS = new Set(["child_page", "child_database", "column_list", "column"]);

export class NotionPageReader implements PageReader {
  constructor(
    private readonly session: NotionSession,
    private readonly tree: BlockTreeReader,
  ) {}

  botUser(): Promise<BotUser> {
    return this.session.botUser();
  }

  async readDocument(
    pageId: string,
    reviewerName: string,
    options: ReadOptions = {},
  ): Promise<ReviewDocument> {
    const page = await this.session.retrievePage(pageId);
    if (page.in_trash) {
      throw new NotionAccessError(
        `The page "${titleOf(page)}" (${page.id}) is in the trash. Restore it in Notion before asking for a review.`,
      );
    }
    const progress = readingProgress(options.onProgress);
    const [bot, tree] = await Promise.all([
      this.session.botUser(),
      this.tree.readTree(page.id, options.onProgress && progress),
    ]);
    const blocks = toDocumentBlocks(tree);
    const wanted = options.discussionsOn?.(blocks);
    const [properties, threads] = await Promise.all([
      this.renderProperties(page),
      this.readThreads(page.id, tree, bot, reviewerName, wanted, progress),
    ]);
    return { page: { id: page.id, title: titleOf(page), url: page.url, properties }, blocks, threads };
  }

  async readDiscussion(anchorId: string, commentId: string): Promise<DocumentThread | undefined> {
    const [bot, comments] = await Promise.all([this.session.botUser(), this.session.listComments(anchorId)]);
    const comment = comments.find((candidate) => candidate.id === commentId);
    if (!comment) return undefined;
    const thread = comments.filter((candidate) => candidate.discussion_id === comment.discussion_id);
    return {
      discussionId: comment.discussion_id,
      blockId: comment.parent.type === "block_id" ? comment.parent.block_id : undefined,
      comments: await Promise.all(thread.map((entry) => this.toDocumentComment(entry, bot, ""))),
    };
  }

  private renderProperties(page: PageObjectResponse) {
    const lookups = {
      userName: (id: string) => this.session.userName(id),
      pageTitle: (id: string) => this.session.pageTitle(id),
    };
    const entries = Object.entries(page.properties).filter(([, value]) => value.type !== "title");
    return Promise.all(
      entries.map(async ([name, value]) => ({
        name,
        type: value.type,
        value: await renderPropertyValue(value, lookups),
      })),
    );
  }

  private async readThreads(
    pageId: string,
    tree: ReadBlock[],
    bot: BotUser,
    reviewerName: string,
    wanted: Set<string> | undefined,
    progress: ReadingTally,
  ): Promise<DocumentThread[]> {
    const anchors = [
      pageId,
      ...new Set(
        flatten(tree)
          .filter((node) => !NO_DISCUSSIONS.has(node.block.type) && (!wanted || wanted.has(node.block.id)))
          .map((node) => node.block.id),
      ),
    ];
    progress.discussionsToList = anchors.length;
    progress.changed();
    const perAnchor = await Promise.all(
      anchors.map(async (anchor) => {
        const comments = await this.session.listComments(anchor);
        progress.discussionsListed++;
        progress.changed();
        return comments;
      }),
    );
    const threads: DocumentThread[] = [];
    for (const [index, comments] of perAnchor.entries()) {
      const anchor = anchors[index]!;
      const byDiscussion = new Map<string, CommentObjectResponse[]>();
      for (const comment of comments) {
        byDiscussion.set(comment.discussion_id, [
          ...(byDiscussion.get(comment.discussion_id) ?? []),
          comment,
        ]);
      }
      for (const [discussionId, list] of byDiscussion) {
        threads.push({
          discussionId,
          blockId: anchor === pageId ? undefined : anchor,
          comments: await Promise.all(
            list.map((comment) => this.toDocumentComment(comment, bot, reviewerName)),
          ),
        });
      }
    }
    return threads;
  }

  private async toDocumentComment(
    comment: CommentObjectResponse,
    bot: BotUser,
    reviewerName: string,
  ): Promise<DocumentComment> {
    const display = comment.display_name;
    const byIntegration = comment.created_by.id === bot.id;
    const authorName = display?.resolved_name ?? (await this.session.userName(comment.created_by.id));
    return {
      id: comment.id,
      authorId: comment.created_by.id,
      authorName,
      byReviewer: byIntegration && authorName === reviewerName,
      byBot: byIntegration || (display !== undefined && display.type !== "user"),
      createdTime: comment.created_time,
      text: richTextToMarkdown(comment.rich_text, { mentionLinks: false }),
    };
  }
}

function flatten(nodes: ReadBlock[]): ReadBlock[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

type ReadingTally = TreeTally & { discussionsListed: number; discussionsToList: number };

/** The counts of one page's reading, told to `onProgress` at every change. */
function readingProgress(onProgress: ReadOptions["onProgress"]): ReadingTally {
  const tally: ReadingTally = {
    blocks: 0,
    toOpen: 0,
    discussionsListed: 0,
    discussionsToList: 0,
    changed: () =>
      onProgress?.({
        blocks: tally.blocks,
        blocksToOpen: tally.toOpen,
        discussionsListed: tally.discussionsListed,
        discussionsToList: tally.discussionsToList,
      }),
  };
  return tally;
}
