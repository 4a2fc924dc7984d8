/**
 * Blocks: retrieve, list children (one level, paginated), append children (after a block or at the start),
 * update content, and delete (move to the trash).
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
import type { BlockTree } from "../markdown/blocksToEnhancedMarkdown.ts";
import type { Workspace } from "../model/Workspace.ts";
import { NotionApiError } from "../NotionApiError.ts";
import type { EmulatorContext } from "./EmulatorContext.ts";

export function archivedError(): NotionApiError {
  return NotionApiError.validation(
    "Can't edit block that is archived. You must unarchive the block before editing.",
  );
}

/**
 * A page's or block's live subtree, for views that need the whole body (the markdown endpoint). Child pages
 * and databases are leaves (their content is theirs, not the parent's); unshared ones are marked hidden.
 */
export function childrenTree(workspace: Workspace, id: string): BlockTree[] {
  return workspace.liveChildren(id).map((child) => {
    const separate = workspace.pages.has(child) || workspace.databases.has(child);
    return {
      block: workspace.blockView(child),
      children: separate ? [] : childrenTree(workspace, child),
      ...(separate ? { url: workspace.pageUrl(child) } : {}),
      ...(workspace.isVisible(child) ? {} : { hidden: true }),
    };
  });
}

export const blocksApi = [
  route<EmulatorContext>("GET", "/v1/blocks/{block_id}", (request, { workspace }) => {
    const id = pathId(request, "block_id");
    workspace.requireContainer(id);
    return workspace.blockView(id);
  }),

  route<EmulatorContext>("GET", "/v1/blocks/{block_id}/children", (request, { workspace }) => {
    const id = pathId(request, "block_id");
    const container = workspace.requireContainer(id);
    if (container.kind === "page" && workspace.isTrashed(id)) throw NotionApiError.notFound("block", id);
    const children = workspace.liveChildren(id);
    const page = paginate(children, (child) => child, queryParams(request), "query");
    return listEnvelope("block", {
      ...page,
      results: page.results.map((child) => workspace.blockView(child)),
    });
  }),

  route<EmulatorContext>("PATCH", "/v1/blocks/{block_id}/children", (request, { workspace }) => {
    const id = pathId(request, "block_id");
    const container = workspace.requireContainer(id);
    if (workspace.databases.has(id)) throw NotionApiError.validation("Can't append children to a database.");
    if (workspace.isTrashed(id)) throw archivedError();
    const body = requireBody(request);
    const children = body.children;
    if (!Array.isArray(children))
      throw invalid("body.children", children === undefined ? "defined" : "an array", children);
    if (children.length > 100) throw invalid("body.children.length", "≤ `100`", children.length);
    if (body.after !== undefined && body.position !== undefined) {
      throw NotionApiError.validation("You cannot specify both `after` and `position` in the same request.");
    }
    let afterId: string | undefined;
    let atStart = false;
    if (body.after !== undefined) afterId = bodyId(body.after, "body.after");
    if (body.position !== undefined) {
      const position = body.position;
      if (position?.type === "start") atStart = true;
      else if (position?.type === "after_block")
        afterId = bodyId(position.after_block?.id, "body.position.after_block.id");
      else if (position?.type !== "end")
        throw invalid("body.position.type", '`"start"`, `"end"` or `"after_block"`', position?.type);
    }
    const created = workspace.insertBlocks(container, children, {
      actorId: workspace.botUserId,
      afterId,
      atStart,
      path: "body.children",
      maxDepth: 2,
    });
    return listEnvelope("block", { results: created, next_cursor: null, has_more: false });
  }),

  route<EmulatorContext>("PATCH", "/v1/blocks/{block_id}", (request, { workspace }) => {
    const id = pathId(request, "block_id");
    workspace.requireContainer(id);
    return workspace.updateBlock(id, requireBody(request), workspace.botUserId);
  }),

  route<EmulatorContext>("DELETE", "/v1/blocks/{block_id}", (request, { workspace }) => {
    const id = pathId(request, "block_id");
    workspace.requireContainer(id);
    if (workspace.isTrashed(id)) throw archivedError();
    return workspace.setTrashed(id, true, workspace.botUserId);
  }),
];
