/**
 * Comments: list the unresolved comments of a page or block (oldest first, paginated), create a comment
 * (on a page, on a block as a new discussion, or as a reply in a discussion), and retrieve, edit or delete
 * the integration's own comments. Others' comments answer 404 to the last three, as in Notion.
 */

import {
  bodyId,
  invalid,
  listEnvelope,
  paginate,
  pathId,
  queryParams,
  requireBody,
} from "../http/apiInput.ts";
import { route } from "../http/Router.ts";
import { markdownToRichText } from "../markdown/markdownToRichText.ts";
import { clone, type Json } from "../model/Json.ts";
import { checkRichTextLimits, fillRichText } from "../model/richText.ts";
import type { Workspace } from "../model/Workspace.ts";
import { NotionApiError } from "../NotionApiError.ts";
import { archivedError } from "./blocksApi.ts";
import type { EmulatorContext } from "./EmulatorContext.ts";

/** The comment body of a create or update request: exactly one of `rich_text` and `markdown`. */
function commentBody(body: Json, workspace: Workspace): Json[] {
  const hasRichText = body.rich_text !== undefined;
  const hasMarkdown = body.markdown !== undefined;
  if (hasRichText === hasMarkdown) {
    throw NotionApiError.validation(
      "body failed validation. Fix one:\nbody.rich_text should be defined, instead was `undefined`.\nbody.markdown should be defined, instead was `undefined`.",
    );
  }
  if (hasMarkdown) {
    if (typeof body.markdown !== "string") throw invalid("body.markdown", "a string", body.markdown);
    // Comment markdown is inline only: block syntax (headings, lists, fences) stays literal text.
    const items = markdownToRichText(body.markdown);
    checkRichTextLimits(items, "body.markdown");
    return fillRichText(items, workspace);
  }
  checkRichTextLimits(body.rich_text, "body.rich_text");
  return fillRichText(body.rich_text, workspace);
}

function displayNameOf(body: Json, workspace: Workspace): Json {
  const requested = body.display_name ?? { type: "integration" };
  const bot = workspace.bot();
  switch (requested.type) {
    case "integration":
      return { type: "integration", resolved_name: bot.name };
    case "custom": {
      const name = requested.custom?.name;
      if (typeof name !== "string" || name.length === 0)
        throw invalid("body.display_name.custom.name", "a non-empty string", name);
      return { type: "custom", resolved_name: name };
    }
    case "user":
      throw NotionApiError.validation("display_name of type user is only available to public integrations.");
    default:
      throw invalid("body.display_name.type", '`"integration"`, `"user"` or `"custom"`', requested.type);
  }
}

/** The bot's own comment, or 404 as Notion answers for anybody else's. */
function ownComment(workspace: Workspace, id: string): Json {
  const comment = workspace.comments.get(id);
  if (!comment || comment.created_by.id !== workspace.botUserId) throw NotionApiError.notFound("comment", id);
  return comment;
}

export const commentsApi = [
  route<EmulatorContext>("GET", "/v1/comments", (request, { workspace }) => {
    const raw = request.query.get("block_id");
    if (raw === null) throw invalid("query.block_id", "defined", undefined);
    const id = bodyId(raw, "query.block_id");
    workspace.requireContainer(id);
    const comments = workspace.commentsOn(id).map(clone);
    return listEnvelope(
      "comment",
      paginate(comments, (comment: Json) => comment.id, queryParams(request), "query"),
    );
  }),

  route<EmulatorContext>("POST", "/v1/comments", (request, { workspace }) => {
    const body = requireBody(request);
    const targets = [body.parent?.page_id, body.parent?.block_id, body.discussion_id].filter(
      (value) => value !== undefined,
    );
    if (targets.length !== 1) {
      throw NotionApiError.validation(
        "body failed validation. Fix one:\nbody.parent.page_id should be defined, instead was `undefined`.\nbody.parent.block_id should be defined, instead was `undefined`.\nbody.discussion_id should be defined, instead was `undefined`.",
      );
    }
    const richText = commentBody(body, workspace);
    const displayName = displayNameOf(body, workspace);
    let target: { pageId?: string; blockId?: string; discussionId?: string };
    if (body.discussion_id !== undefined)
      target = { discussionId: bodyId(body.discussion_id, "body.discussion_id") };
    else if (body.parent.page_id !== undefined)
      target = { pageId: bodyId(body.parent.page_id, "body.parent.page_id") };
    else target = { blockId: bodyId(body.parent.block_id, "body.parent.block_id") };
    const anchor = target.pageId ?? target.blockId;
    if (anchor && workspace.isVisible(anchor) && workspace.isTrashed(anchor)) throw archivedError();
    return clone(workspace.addComment(target, richText, workspace.botUserId, displayName));
  }),

  route<EmulatorContext>("GET", "/v1/comments/{comment_id}", (request, { workspace }) =>
    clone(ownComment(workspace, pathId(request, "comment_id"))),
  ),

  route<EmulatorContext>("PATCH", "/v1/comments/{comment_id}", (request, { workspace }) => {
    const comment = ownComment(workspace, pathId(request, "comment_id"));
    comment.rich_text = commentBody(requireBody(request), workspace);
    comment.last_edited_time = workspace.timestamp();
    return clone(comment);
  }),

  route<EmulatorContext>("DELETE", "/v1/comments/{comment_id}", (request, { workspace }) => {
    const comment = ownComment(workspace, pathId(request, "comment_id"));
    // The discussion is nothing but its comments: deleting the last one removes it.
    workspace.comments.delete(comment.id);
    return clone(comment);
  }),
];
