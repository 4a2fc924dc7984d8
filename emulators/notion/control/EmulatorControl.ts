/**
 * What a test (or the `/__emulator/` HTTP API) can do that the Notion API cannot: act as any user, resolve
 * discussions, edit the document as a person would, inspect the whole state, and reset to the seed.
 */

import { enhancedMarkdownToBlocks } from "../markdown/enhancedMarkdownToBlocks.ts";
import { markdownToRichText } from "../markdown/markdownToRichText.ts";
import { clone, type Json } from "../model/Json.ts";
import { idFor } from "../model/notionIds.ts";
import { fillRichText } from "../model/richText.ts";
import type { Workspace } from "../model/Workspace.ts";
import { NotionApiError } from "../NotionApiError.ts";

export interface AddCommentInput {
  /** The user (id or seed name) who writes it. */
  author: string;
  page_id?: string;
  block_id?: string;
  discussion_id?: string;
  text?: string;
  markdown?: string;
  rich_text?: Json[];
  /** Defaults to the author's own name (`user`), or `integration` for a bot. */
  display_name?: { type: "user" | "integration" | "custom"; resolved_name?: string };
}

export interface InsertBlocksInput {
  parent_id: string;
  after?: string;
  at_start?: boolean;
  author?: string;
  children?: Json[];
  markdown?: string;
}

export class EmulatorControl {
  constructor(private readonly current: () => Workspace) {}

  private get workspace(): Workspace {
    return this.current();
  }

  private user(idOrName: string): Json {
    const user = this.workspace.users.get(idFor(idOrName));
    if (!user)
      throw NotionApiError.validation(
        `Unknown user ${idOrName}: the author must be one of the seeded users.`,
      );
    return user;
  }

  private defaultPerson(): string {
    const person = [...this.workspace.users.values()].find((user) => user.type === "person");
    return person?.id ?? this.workspace.botUserId;
  }

  state(): Json {
    return this.workspace.snapshot();
  }

  addComment(input: AddCommentInput): Json {
    const author = this.user(input.author);
    const richText = fillRichText(
      input.rich_text ??
        (input.markdown !== undefined ? markdownToRichText(input.markdown) : (input.text ?? "")),
      this.workspace,
    );
    const displayName = input.display_name
      ? { type: input.display_name.type, resolved_name: input.display_name.resolved_name ?? author.name }
      : { type: author.type === "bot" ? "integration" : "user", resolved_name: author.name };
    const target = input.discussion_id
      ? { discussionId: idFor(input.discussion_id) }
      : input.block_id
        ? { blockId: idFor(input.block_id) }
        : input.page_id
          ? { pageId: idFor(input.page_id) }
          : undefined;
    if (!target) throw NotionApiError.validation("Give one of page_id, block_id or discussion_id.");
    return clone(this.workspace.addComment(target, richText, author.id, displayName));
  }

  /** Resolves a discussion: its comments disappear from listings, as resolved comments do in Notion. */
  resolveDiscussion(discussionId: string): { discussion_id: string; resolved: true } {
    const id = idFor(discussionId);
    const exists = [...this.workspace.comments.values()].some((comment) => comment.discussion_id === id);
    if (!exists) throw NotionApiError.notFound("discussion", id);
    this.workspace.resolvedDiscussions.add(id);
    return { discussion_id: id, resolved: true };
  }

  reopenDiscussion(discussionId: string): { discussion_id: string; resolved: false } {
    const id = idFor(discussionId);
    this.workspace.resolvedDiscussions.delete(id);
    return { discussion_id: id, resolved: false };
  }

  insertBlocks(input: InsertBlocksInput): Json[] {
    const parentId = idFor(input.parent_id);
    const container = this.workspace.requireContainer(parentId);
    const children =
      input.children ?? (input.markdown !== undefined ? enhancedMarkdownToBlocks(input.markdown) : []);
    return this.workspace.insertBlocks(container, children, {
      actorId: input.author ? this.user(input.author).id : this.defaultPerson(),
      afterId: input.after ? idFor(input.after) : undefined,
      atStart: input.at_start,
      fromSeed: true,
      path: "children",
    });
  }

  editBlock(blockId: string, patch: Json, author?: string): Json {
    return this.workspace.updateBlock(
      idFor(blockId),
      patch,
      author ? this.user(author).id : this.defaultPerson(),
    );
  }

  deleteBlock(blockId: string, author?: string): Json {
    return this.workspace.setTrashed(
      idFor(blockId),
      true,
      author ? this.user(author).id : this.defaultPerson(),
    );
  }

  /** Edits page properties as a person would (no schema strictness beyond the API's own). */
  updatePage(pageId: string, properties: Json): Json {
    const id = idFor(pageId);
    const page = this.workspace.requirePage(id);
    page.properties = this.workspace.fillProperties(
      properties,
      this.workspace.schemaOf(page),
      true,
      page.properties,
    );
    return this.workspace.pageView(id);
  }
}
