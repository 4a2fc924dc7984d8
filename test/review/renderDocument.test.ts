import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { type NotionEmulator, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { createNotionClient } from "../../lambda/notion/createNotionClient.ts";
import { notionAdapters } from "../../lambda/notion/notionAdapters.ts";
import { renderDocument } from "../../lambda/review/render/renderDocument.ts";
import { expectGolden } from "../support/golden.ts";

let emulator: NotionEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const rich = (text: string, annotations: Record<string, boolean> = {}, link?: string) => ({
  text: { content: text, link: link ? { url: link } : null },
  annotations,
});
const block = (id: string, parent: string, type: string, content: Record<string, unknown> = {}) => ({
  id,
  parent: parent === "doc" ? { page_id: "doc" } : { block_id: parent },
  type,
  [type]: content,
});

/** A page with one of every block type the reviewer must read, and discussions of every kind. */
function everyBlockType() {
  return {
    users: [
      { id: "ana", name: "Ana Author" },
      { id: "margin-bot", name: "Margin", type: "bot" },
      { id: "other-bot", name: "Other Integration", type: "bot" },
    ],
    pages: [
      { id: "doc", parent: { workspace: true }, title: "Every block type" },
      { id: "child", parent: { page_id: "doc" }, title: "Appendix page" },
      { id: "secret", parent: { workspace: true }, title: "Private", shared: false },
    ],
    databases: [
      {
        id: "inline-db",
        parent: { page_id: "doc" },
        title: "Risks register",
        properties: { Name: { type: "title" } },
      },
    ],
    blocks: [
      block("h1", "doc", "heading_1", { rich_text: "Heading one" }),
      block("h2", "doc", "heading_2", { rich_text: "Heading two" }),
      block("h3", "doc", "heading_3", { rich_text: "Heading three" }),
      block("h4", "doc", "heading_4", { rich_text: "Toggle heading four", is_toggleable: true }),
      block("h4-child", "h4", "paragraph", { rich_text: "Folded under the heading." }),
      block("rich", "doc", "paragraph", {
        rich_text: [
          rich("Plain, "),
          rich("bold", { bold: true }),
          rich(", "),
          rich("italic", { italic: true }),
          rich(", "),
          rich("code", { code: true }),
          rich(", "),
          rich("struck", { strikethrough: true }),
          rich(", a "),
          rich("link", {}, "https://example.com/spec"),
          rich(", "),
          { mention: { user: { id: "ana" } } },
          rich(", "),
          { mention: { page: { id: "child" } } },
          rich(", "),
          { mention: { date: { start: "2026-12-01" } } },
          rich(" and "),
          { equation: { expression: "x^2" } },
          rich("."),
        ],
      }),
      block("empty", "doc", "paragraph", { rich_text: [] }),
      block("bullet", "doc", "bulleted_list_item", { rich_text: "Bullet" }),
      block("bullet-child", "bullet", "bulleted_list_item", { rich_text: "Nested bullet" }),
      block("bullet-grandchild", "bullet-child", "bulleted_list_item", { rich_text: "Deeper bullet" }),
      block("n1", "doc", "numbered_list_item", { rich_text: "First step" }),
      block("n2", "doc", "numbered_list_item", { rich_text: "Second step" }),
      block("n2a", "n2", "numbered_list_item", { rich_text: "Sub-step" }),
      block("n3", "doc", "numbered_list_item", { rich_text: "Third step" }),
      block("todo-open", "doc", "to_do", { rich_text: "Open task", checked: false }),
      block("todo-done", "doc", "to_do", { rich_text: "Done task", checked: true }),
      block("toggle", "doc", "toggle", { rich_text: "Details" }),
      block("toggle-child", "toggle", "paragraph", { rich_text: "Hidden detail." }),
      block("quote", "doc", "quote", { rich_text: "A quoted line." }),
      block("callout", "doc", "callout", { rich_text: "Mind the gap.", icon: { type: "emoji", emoji: "⚠️" } }),
      block("code", "doc", "code", { rich_text: "const shards = 4;\nroute(user);", language: "typescript" }),
      block("equation", "doc", "equation", { expression: "E = mc^2" }),
      block("divider", "doc", "divider"),
      block("table", "doc", "table", { table_width: 2, has_column_header: true, has_row_header: false }),
      block("row1", "table", "table_row", { cells: ["Owner", "Date"] }),
      block("row2", "table", "table_row", { cells: [[rich("Ana", { bold: true })], "May"] }),
      block("columns", "doc", "column_list"),
      block("column-a", "columns", "column"),
      block("column-a-text", "column-a", "paragraph", { rich_text: "Left column." }),
      block("column-b", "columns", "column"),
      block("column-b-text", "column-b", "paragraph", { rich_text: "Right column." }),
      block("synced-original", "doc", "synced_block", { synced_from: null }),
      block("synced-text", "synced-original", "paragraph", { rich_text: "Shared paragraph." }),
      block("synced-copy", "doc", "synced_block", {
        synced_from: { type: "block_id", block_id: "synced-original" },
      }),
      block("secret-original", "secret", "synced_block", { synced_from: null }),
      block("secret-text", "secret-original", "paragraph", { rich_text: "Not for Margin." }),
      block("synced-hidden", "doc", "synced_block", {
        synced_from: { type: "block_id", block_id: "secret-original" },
      }),
      block("link-to-page", "doc", "link_to_page", { type: "page_id", page_id: "child" }),
      block("bookmark", "doc", "bookmark", { url: "https://example.com/design", caption: "Design notes" }),
      block("embed", "doc", "embed", { url: "https://example.com/board" }),
      block("image", "doc", "image", {
        type: "external",
        external: { url: "https://example.com/arch.png" },
        caption: "Architecture",
      }),
      block("video", "doc", "video", { type: "external", external: { url: "https://example.com/demo.mp4" } }),
      block("pdf", "doc", "pdf", {
        type: "file",
        file: { url: "https://files.example/signed?token=abc", expiry_time: "2026-12-01T00:00:00.000Z" },
      }),
      block("file", "doc", "file", {
        type: "file",
        file: { url: "https://files.example/signed2", expiry_time: "2026-12-01T00:00:00.000Z" },
        name: "capacity.xlsx",
      }),
      block("audio", "doc", "audio", {
        type: "external",
        external: { url: "https://example.com/standup.mp3" },
      }),
      block("preview", "doc", "link_preview", { url: "https://github.com/example/repo/pull/1" }),
      block("toc", "doc", "table_of_contents"),
      block("breadcrumb", "doc", "breadcrumb"),
      block("unsupported", "doc", "unsupported"),
      block("meeting", "doc", "meeting_notes", { title: "Kick-off" }),
    ],
    comments: [
      {
        discussion_id: "page-thread",
        parent: { page_id: "doc" },
        created_by: { id: "ana" },
        text: "Who signs this off?",
        created_time: "2026-11-20T09:00:00.000Z",
      },
      {
        discussion_id: "own-thread",
        parent: { block_id: "quote" },
        created_by: { id: "margin-bot" },
        display_name: { type: "custom", custom: { name: "RFC Reviewer" } },
        text: "Where does this quote come from?",
        created_time: "2026-11-20T10:00:00.000Z",
      },
      {
        discussion_id: "own-thread",
        created_by: { id: "ana" },
        text: "From the incident review.\nSee the appendix.",
        created_time: "2026-11-21T08:30:00.000Z",
      },
      {
        discussion_id: "bot-thread",
        parent: { block_id: "n2a" },
        created_by: { id: "other-bot" },
        text: "Linked to JIRA-42.",
        created_time: "2026-11-21T11:00:00.000Z",
      },
    ],
  };
}

async function readEveryBlockType() {
  emulator = await startNotionEmulator({ seed: everyBlockType(), botUser: "margin-bot" });
  const { pages } = notionAdapters(
    createNotionClient({
      token: "t",
      baseUrl: emulator.url,
      requestsPerMinute: 100_000,
    }),
  );
  return pages.readDocument(idFor("doc"), "RFC Reviewer");
}

describe("rendering a document for the model", () => {
  it("renders every block type, nesting and discussion as in the golden file", async () => {
    const document = await readEveryBlockType();

    const rendered = renderDocument(document);

    expectGolden(resolve(import.meta.dirname, "golden/every-block-type.txt"), rendered.text);
    expect(rendered.blocks.get("b2")!.id).toBe(idFor("h1"));
    expect(rendered.threads.get("t1")!.discussionId).toBe(idFor("page-thread"));
    expect([...rendered.threads.values()].map((thread) => thread.comments[0]!.authorName)).toEqual([
      "Ana Author",
      "Other Integration",
      "RFC Reviewer",
    ]);
  });

  it("renders the same page to the same bytes every time", async () => {
    const first = renderDocument(await readEveryBlockType()).text;
    await emulator!.close();

    const second = renderDocument(await readEveryBlockType()).text;

    expect(second).toBe(first);
  });

  it("reads a synced block's original once, however many copies show it", async () => {
    await readEveryBlockType();

    const reads = emulator!.counters.snapshot().endpoints["GET /v1/blocks/{block_id}/children"]!.requests;

    // The page, the toggle heading, 2 lists, 1 numbered item, the toggle, the table, the column list, 2 columns,
    // the synced original (shared by its copy), and the hidden original (refused): 13 reads.
    expect(reads).toBe(13);
  });
});
