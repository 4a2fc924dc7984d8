/**
 * A page's content as enhanced markdown: `GET /v1/pages/{id}/markdown` and `PATCH /v1/pages/{id}/markdown`
 * with its four commands (`insert_content`, `replace_content`, `replace_content_range`, `update_content`),
 * as Notion's "Update a page's content as markdown" reference and the recorded traffic describe them.
 *
 * Edits work on the page's markdown text and then on its top-level blocks: blocks whose markdown is
 * unchanged at the start and the end keep their ids (and their comments); the changed middle is moved to
 * the trash and written anew. Child pages and databases are not deleted unless `allow_deleting_content` is
 * true; one whose `<page url>` tag is still in the new markdown stays, where the tag now is. Matching in
 * `after`, `content_range` and `old_str` is case-sensitive; `"start...end"` selects from the first
 * occurrence of the start text to the end text after it. `allow_async` is accepted and answered at once.
 */
import { invalid, pathId, requireBody } from "../http/apiInput.ts";
import { route } from "../http/Router.ts";
import { blocksToEnhancedMarkdown } from "../markdown/blocksToEnhancedMarkdown.ts";
import { enhancedMarkdownToBlocks, parseEnhancedMarkdown } from "../markdown/enhancedMarkdownToBlocks.ts";
import type { Json } from "../model/Json.ts";
import { plainText } from "../model/richText.ts";
import { titleOf, type Workspace } from "../model/Workspace.ts";
import { NotionApiError } from "../NotionApiError.ts";
import { archivedError, childrenTree } from "./blocksApi.ts";
import type { EmulatorContext } from "./EmulatorContext.ts";

const COMMANDS = ["insert_content", "replace_content", "replace_content_range", "update_content"];

export const pageMarkdownApi = [
  route<EmulatorContext>("GET", "/v1/pages/{page_id}/markdown", (request, { workspace }) => {
    const id = pathId(request, "page_id");
    workspace.requirePage(id);
    return markdownView(workspace, id);
  }),

  route<EmulatorContext>("PATCH", "/v1/pages/{page_id}/markdown", (request, { workspace }) => {
    const id = pathId(request, "page_id");
    if (workspace.databases.has(id) || workspace.blocks.has(id)) {
      throw NotionApiError.validation(
        `${id} is not a page: update databases and blocks with their own endpoints, not the markdown endpoint.`,
      );
    }
    workspace.requirePage(id);
    if (workspace.isTrashed(id)) throw archivedError();
    const body = requireBody(request);
    const type = body.type;
    if (!COMMANDS.includes(type)) {
      throw invalid("body.type", COMMANDS.map((name) => `\`"${name}"\``).join(", "), type);
    }
    const command = body[type];
    if (!command || typeof command !== "object" || Array.isArray(command)) {
      throw invalid(`body.${type}`, "an object", command);
    }
    const current = rendered(workspace, id);
    switch (type) {
      case "insert_content":
        insertContent(workspace, id, command, current.chunks);
        break;
      case "replace_content":
        replaceBlocks(
          workspace,
          id,
          current.chunks,
          text(command.new_str, "body.replace_content.new_str"),
          command,
        );
        break;
      case "replace_content_range": {
        const whole = current.chunks.join("\n");
        const content = text(command.content, "body.replace_content_range.content");
        const range = select(whole, text(command.content_range, "body.replace_content_range.content_range"));
        const updated = whole.slice(0, range.start) + content + whole.slice(range.end);
        replaceBlocks(workspace, id, current.chunks, updated, command);
        break;
      }
      case "update_content":
        replaceBlocks(
          workspace,
          id,
          current.chunks,
          applyUpdates(current.chunks.join("\n"), command),
          command,
        );
        break;
    }
    workspace.touch(id, workspace.botUserId);
    return markdownView(workspace, id);
  }),
];

function rendered(workspace: Workspace, id: string) {
  return blocksToEnhancedMarkdown(childrenTree(workspace, id), workspace.pageUrl(id) ?? "");
}

function markdownView(workspace: Workspace, id: string): Json {
  const { chunks, unknownBlockIds } = rendered(workspace, id);
  return {
    object: "page_markdown",
    id,
    markdown: chunks.join("\n"),
    truncated: unknownBlockIds.length > 0,
    unknown_block_ids: unknownBlockIds,
  };
}

function text(value: unknown, path: string): string {
  if (typeof value !== "string") throw invalid(path, value === undefined ? "defined" : "a string", value);
  return value;
}

/** Where an ellipsis selection (`"start text...end text"`, or an exact text) matches. */
function select(content: string, selection: string): { start: number; end: number } {
  const notFound = () =>
    NotionApiError.validation(
      `The selection ${JSON.stringify(selection)} does not match any content in the page.`,
    );
  const dots = selection.indexOf("...");
  if (dots < 0) {
    const start = content.indexOf(selection);
    if (start < 0 || !selection) throw notFound();
    return { start, end: start + selection.length };
  }
  const head = selection.slice(0, dots);
  const tail = selection.slice(dots + 3);
  const start = content.indexOf(head);
  if (start < 0) throw notFound();
  const last = content.indexOf(tail, start + head.length);
  if (last < 0) throw notFound();
  return { start, end: last + tail.length };
}

function insertContent(workspace: Workspace, id: string, command: Json, chunks: string[]): void {
  const content = text(command.content, "body.insert_content.content");
  if (command.after !== undefined && command.position !== undefined) {
    throw NotionApiError.validation(
      "Provide either insert_content.after or insert_content.position, not both.",
    );
  }
  const position = command.position?.type;
  if (command.position !== undefined && position !== "start" && position !== "end") {
    throw invalid("body.insert_content.position.type", '`"start"` or `"end"`', position);
  }
  let afterId: string | undefined;
  if (command.after !== undefined) {
    const match = select(chunks.join("\n"), text(command.after, "body.insert_content.after"));
    // After the top-level block the selection ends in.
    let offset = 0;
    const index = chunks.findIndex((chunk) => {
      offset += chunk.length + 1;
      return match.end <= offset;
    });
    afterId = workspace.liveChildren(id)[index];
  }
  workspace.insertBlocks({ kind: "page", id }, enhancedMarkdownToBlocks(content), {
    actorId: workspace.botUserId,
    afterId,
    atStart: position === "start",
    path: "body.insert_content.content",
  });
}

function applyUpdates(markdown: string, command: Json): string {
  const updates = command.content_updates;
  if (!Array.isArray(updates) || updates.length === 0) {
    throw invalid("body.update_content.content_updates", "a non-empty array", updates);
  }
  let result = markdown;
  updates.forEach((update: Json, index: number) => {
    const path = `body.update_content.content_updates[${index}]`;
    const oldText = text(update?.old_str, `${path}.old_str`);
    const newText = text(update?.new_str, `${path}.new_str`);
    const matches = oldText ? result.split(oldText).length - 1 : 0;
    if (matches === 0) {
      throw NotionApiError.validation(
        `${path}.old_str ${JSON.stringify(oldText)} was not found in the page.`,
      );
    }
    if (matches > 1 && update.replace_all_matches !== true) {
      throw NotionApiError.validation(
        `${path}.old_str ${JSON.stringify(oldText)} matches ${matches} places; set replace_all_matches to replace them all.`,
      );
    }
    result = result.split(oldText).join(newText);
  });
  return result;
}

/** Rewrites the page's top-level blocks to `markdown`, keeping the unchanged ones at both ends. */
function replaceBlocks(
  workspace: Workspace,
  id: string,
  oldChunks: string[],
  markdown: string,
  command: Json,
): void {
  const children = workspace.liveChildren(id);
  const lines = markdown.split("\n");
  const parsed = parseEnhancedMarkdown(markdown);
  const newChunks = parsed.map((block) => lines.slice(block.firstLine, block.lastLine + 1).join("\n"));
  let prefix = 0;
  while (prefix < oldChunks.length && prefix < newChunks.length && oldChunks[prefix] === newChunks[prefix])
    prefix += 1;
  let suffix = 0;
  while (
    suffix < oldChunks.length - prefix &&
    suffix < newChunks.length - prefix &&
    oldChunks[oldChunks.length - 1 - suffix] === newChunks[newChunks.length - 1 - suffix]
  )
    suffix += 1;
  const removed = children.slice(prefix, children.length - suffix);
  const added = parsed.slice(prefix, parsed.length - suffix).map((block) => block.request);

  const separate = new Set(
    removed.filter((child) => workspace.pages.has(child) || workspace.databases.has(child)),
  );
  const kept = new Set(
    added
      .filter((request) => request.type === "link_to_page")
      .map((request) => request.link_to_page.page_id ?? request.link_to_page.database_id)
      .filter((target) => separate.has(target)),
  );
  const lost = [...separate].filter((child) => !kept.has(child));
  if (lost.length > 0 && command.allow_deleting_content !== true) {
    const names = lost.map((child) => JSON.stringify(titleOfChild(workspace, child))).join(", ");
    throw NotionApiError.validation(
      `This update would delete child pages or databases (${names}). Set allow_deleting_content to true to allow it.`,
    );
  }
  for (const child of removed) {
    if (!kept.has(child)) workspace.setTrashed(child, true, workspace.botUserId);
  }
  // Write the new middle after the kept start, moving kept child pages to where their tags now are.
  let after = prefix > 0 ? children[prefix - 1] : undefined;
  let pending: Json[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const created = workspace.insertBlocks({ kind: "page", id }, pending, {
      actorId: workspace.botUserId,
      afterId: after,
      atStart: after === undefined,
      path: "body",
    });
    after = created.at(-1)?.id ?? after;
    pending = [];
  };
  for (const request of added) {
    const target =
      request.type === "link_to_page"
        ? (request.link_to_page.page_id ?? request.link_to_page.database_id)
        : undefined;
    if (!target || !kept.has(target)) {
      pending.push(request);
      continue;
    }
    flush();
    const siblings = workspace.children(id);
    siblings.splice(siblings.indexOf(target), 1);
    siblings.splice(after === undefined ? 0 : siblings.indexOf(after) + 1, 0, target);
    after = target;
  }
  flush();
}

function titleOfChild(workspace: Workspace, id: string): string {
  const page = workspace.pages.get(id);
  return page ? plainText(titleOf(page)) : plainText(workspace.databases.get(id)?.title);
}
