/**
 * Writes comments through `@notionhq/client`, under the reviewer's display name.
 *
 * Retries have one owner per layer. The SDK retries what Notion asks it to (429 and 529, honouring
 * `Retry-After`) and server errors on reads; Margin adds only what a write needs on top: after an outcome
 * it cannot know (a 5xx, a timeout, a dropped connection) it looks on the page for the comment before
 * writing again, so nothing is posted twice. Bounds, per comment: at most WRITE_ATTEMPTS attempts, none
 * started after WRITE_DEADLINE_MS; each attempt is one request plus the SDK's retries of a rate limit
 * (SDK_RETRIES, each waiting for the budget, which a Retry-After longer than MAX_BUDGET_WAIT_MS fails at
 * once: see createNotionClient).
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  APIResponseError,
  isFullComment,
  isNotionClientError,
  RequestTimeoutError,
  UnknownHTTPResponseError,
} from "@notionhq/client";
import { NotionWriteError } from "../errors.ts";
import type {
  CommentTarget,
  CommentWriter,
  KnownComments,
  WrittenComment,
} from "../review/ports/CommentWriter.ts";
import type { NotionSession } from "./NotionSession.ts";

/** Attempts of one write whose earlier outcome was unknown (each checked on the page first). */
export const WRITE_ATTEMPTS = 3;
/** No new attempt of a write starts after this long. */
export const WRITE_DEADLINE_MS = 60_000;

export class NotionCommentWriter implements CommentWriter {
  constructor(
    private readonly session: NotionSession,
    private readonly pauseMs = 500,
  ) {}

  postComment(
    target: CommentTarget,
    markdown: string,
    displayName: string,
    known: KnownComments,
  ): Promise<WrittenComment> {
    const destination =
      target.kind === "page"
        ? { parent: { page_id: target.pageId } }
        : target.kind === "block"
          ? { parent: { block_id: target.blockId } }
          : { discussion_id: target.discussionId };
    const startedAt = new Date();
    return this.write(
      "a comment",
      () =>
        this.session.client.comments.create({
          ...destination,
          markdown,
          display_name: { type: "custom", custom: { name: displayName } },
        }),
      // A 5xx or a timeout may have committed the comment anyway: look before writing again.
      async () => this.findComment(target, displayName, startedAt, await known(), markdown),
    );
  }

  updateComment(commentId: string, markdown: string): Promise<WrittenComment> {
    // Writing the same text twice is harmless, so an unknown outcome is simply tried again.
    return this.write(`an edit of comment ${commentId}`, () =>
      this.session.client.comments.update({ comment_id: commentId, markdown }),
    );
  }

  async findComment(
    target: CommentTarget,
    displayName: string,
    since: Date,
    known: ReadonlySet<string>,
    markdown: string,
  ): Promise<WrittenComment | undefined> {
    const bot = await this.session.botUser();
    const anchor =
      target.kind === "page" ? target.pageId : target.kind === "block" ? target.blockId : target.anchorId;
    // Notion stamps comments to the minute: anything from the minute the first attempt started counts.
    const earliest = Math.floor(since.getTime() / 60_000) * 60_000;
    // Oldest first: a discussion's first comment in the list is the one that started it.
    const seen = new Set<string>();
    for (const comment of await this.session.listComments(anchor)) {
      const startsDiscussion = !seen.has(comment.discussion_id);
      seen.add(comment.discussion_id);
      const placed =
        target.kind === "reply" ? comment.discussion_id === target.discussionId : startsDiscussion;
      if (
        placed &&
        comment.created_by.id === bot.id &&
        comment.display_name?.resolved_name === displayName &&
        Date.parse(comment.created_time) >= earliest &&
        !known.has(comment.id) &&
        opensLike(markdown, comment.rich_text.map((item) => item.plain_text).join(""))
      ) {
        return { id: comment.id, discussionId: comment.discussion_id };
      }
    }
    return undefined;
  }

  /** One write, tried again only after an unknown outcome, within the bounds above. */
  private async write(
    what: string,
    send: () => Promise<{ id: string } & Partial<{ discussion_id: string }>>,
    alreadyThere?: () => Promise<WrittenComment | undefined>,
  ): Promise<WrittenComment> {
    const deadline = Date.now() + WRITE_DEADLINE_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const comment = await this.session.request(send);
        return {
          id: comment.id,
          discussionId: isFullComment(comment as never) ? (comment.discussion_id ?? "") : "",
        };
      } catch (error) {
        if (!isUnknownOutcome(error) || attempt >= WRITE_ATTEMPTS || Date.now() >= deadline) {
          throw new NotionWriteError(
            `Notion did not accept ${what} (${describeNotionError(error)}).`,
            statusOf(error),
            {
              cause: error,
            },
          );
        }
        let found: WrittenComment | undefined;
        try {
          found = await alreadyThere?.();
        } catch (lookError) {
          // Writing again without knowing could post the comment twice: stop, and leave it to the run's retry.
          throw new NotionWriteError(
            `Notion did not answer ${what} (${describeNotionError(error)}), and the page could not be checked for it (${describeNotionError(lookError)}).`,
            statusOf(error),
            { cause: error },
          );
        }
        if (found) return found;
        await sleep(this.pauseMs * 2 ** (attempt - 1));
      }
    }
  }
}

/** Letters compared: enough to tell two comments apart, few enough to stay clear of Notion's rendering. */
const OPENING_CHARACTERS = 24;

/**
 * Whether a comment's text opens with the words of the markdown it was posted from: the first line's
 * letters and digits up to its first tag (a mention shows as the person's name, not the tag's text),
 * without its list or quote marker and its links' targets.
 */
function opensLike(markdown: string, plainText: string): boolean {
  const words = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]/gu, "")
      .slice(0, OPENING_CHARACTERS);
  const firstLine = (markdown.split("\n").find((line) => line.trim() !== "") ?? "")
    .replace(/^\s*(?:[-*+>#]+|\d+[.)])\s+/, "")
    .replace(/\]\([^)]*\)/g, "]")
    .split("<")[0]!;
  // Nothing to compare (the text opens with a tag): the other marks have to do.
  return words(plainText).startsWith(words(firstLine));
}

function statusOf(error: unknown): number | undefined {
  return isNotionClientError(error) && "status" in error ? (error as { status: number }).status : undefined;
}

/** A write that may have gone through: the server failed or never answered. */
function isUnknownOutcome(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 && status !== 529;
  return (
    error instanceof RequestTimeoutError ||
    error instanceof UnknownHTTPResponseError ||
    error instanceof TypeError
  );
}

/** A Notion failure in a few words: status and code. */
function describeNotionError(error: unknown): string {
  const status = statusOf(error);
  if (APIResponseError.isAPIResponseError(error)) return `${status} ${error.code}: ${error.message}`;
  if (status !== undefined) return `HTTP ${status}`;
  return error instanceof Error ? error.message : String(error);
}
