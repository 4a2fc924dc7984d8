/**
 * A page's content as enhanced markdown: `GET /v1/pages/{id}/markdown`, written by the emulator's own
 * renderer from the page's blocks.
 */
import { pathId } from "../http/apiInput.ts";
import { route } from "../http/Router.ts";
import { blocksToEnhancedMarkdown } from "../markdown/blocksToEnhancedMarkdown.ts";
import type { Json } from "../model/Json.ts";
import type { Workspace } from "../model/Workspace.ts";
import { childrenTree } from "./blocksApi.ts";
import type { EmulatorContext } from "./EmulatorContext.ts";

export const pageMarkdownApi = [
  route<EmulatorContext>("GET", "/v1/pages/{page_id}/markdown", (request, { workspace }) => {
    const id = pathId(request, "page_id");
    workspace.requirePage(id);
    return markdownView(workspace, id);
  }),
];

function markdownView(workspace: Workspace, id: string): Json {
  const { chunks, unknownBlockIds } = blocksToEnhancedMarkdown(
    childrenTree(workspace, id),
    workspace.pageUrl(id) ?? "",
  );
  return {
    object: "page_markdown",
    id,
    markdown: chunks.join("\n"),
    truncated: unknownBlockIds.length > 0,
    unknown_block_ids: unknownBlockIds,
  };
}
