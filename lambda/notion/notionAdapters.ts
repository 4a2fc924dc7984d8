/**
 * Margin's Notion adapters over one client, sharing one session (its bound on calls in flight and its
 * lookups): reading pages, the Prompts database, writing comments and learnings, the Review status, and whole block
 * trees (for the prompt library's sync).
 */
import type { Client } from "@notionhq/client";
import { BlockTreeReader } from "./BlockTreeReader.ts";
import { NotionCommentWriter } from "./NotionCommentWriter.ts";
import { NotionLearningsWriter } from "./NotionLearningsWriter.ts";
import { NotionPageReader } from "./NotionPageReader.ts";
import { NotionPromptSource } from "./NotionPromptSource.ts";
import { NotionReviewStatus } from "./NotionReviewStatus.ts";
import { NotionSession } from "./NotionSession.ts";

export interface NotionAdapters {
  pages: NotionPageReader;
  prompts: NotionPromptSource;
  comments: NotionCommentWriter;
  learnings: NotionLearningsWriter;
  status: NotionReviewStatus;
  tree: BlockTreeReader;
}

export function notionAdapters(
  client: Client,
  options: { concurrency?: number; writePauseMs?: number } = {},
): NotionAdapters {
  const session = new NotionSession(client, options.concurrency);
  const tree = new BlockTreeReader(session);
  return {
    pages: new NotionPageReader(session, tree),
    prompts: new NotionPromptSource(session, tree),
    comments: new NotionCommentWriter(session, options.writePauseMs),
    learnings: new NotionLearningsWriter(session),
    status: new NotionReviewStatus(session),
    tree,
  };
}
