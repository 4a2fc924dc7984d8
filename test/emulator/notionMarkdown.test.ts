/**
 * The emulator's own reading and writing of Notion's markdown (pages in enhanced markdown, comment bodies in
 * inline markdown), checked against Notion's documentation and recordings rather than against Margin's code.
 */
import { isFullBlock, isFullComment } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { type NotionEmulator, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { emulatorClient } from "../support/notionClient.ts";

let emulator: NotionEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const users = [
  { id: "margin", name: "Margin", type: "bot" as const },
  { id: "ana", name: "Ana Lopez" },
];

async function start(pages: Array<Record<string, unknown>> = []) {
  emulator = await startNotionEmulator({
    seed: { users, pages: [{ id: "home", parent: { workspace: true }, title: "Home" }, ...pages] },
  });
  return emulatorClient(emulator.url);
}

async function topLevel(notion: ReturnType<typeof emulatorClient>, pageId: string) {
  const { results } = await notion.blocks.children.list({ block_id: pageId });
  return results.filter(isFullBlock);
}

/** The example page of Notion's "Enhanced markdown format" reference, with blank lines as Notion writes them. */
const DOCUMENTED_EXAMPLE = [
  '# Project kickoff {color="blue"}',
  "",
  '<callout icon="🎯" color="blue_bg">',
  "\tShip the MVP by **Friday**.",
  "</callout>",
  "",
  "- [x] Write spec",
  "- [ ] Build prototype",
  "",
  "```python",
  "def greet(name):",
  '    return f"Hello, {name}!"',
  "```",
].join("\n");

describe("pages written in Notion's enhanced markdown", () => {
  it("creates the blocks of Notion's documented example", async () => {
    const notion = await start();

    const page = await notion.pages.create({
      parent: { page_id: idFor("home") },
      markdown: DOCUMENTED_EXAMPLE,
    });
    const blocks = await topLevel(notion, page.id);

    expect(blocks.map((block) => block.type)).toEqual(["heading_1", "callout", "to_do", "to_do", "code"]);
    expect(blocks[0]).toMatchObject({ heading_1: { color: "blue", is_toggleable: false } });
    expect(blocks[1]).toMatchObject({
      callout: {
        icon: { type: "emoji", emoji: "🎯" },
        color: "blue_background",
        rich_text: [
          { plain_text: "Ship the MVP by " },
          { plain_text: "Friday", annotations: { bold: true } },
          { plain_text: "." },
        ],
      },
    });
    expect(blocks[2]).toMatchObject({ to_do: { checked: true } });
    expect(blocks[4]).toMatchObject({
      code: {
        language: "python",
        rich_text: [{ plain_text: 'def greet(name):\n    return f"Hello, {name}!"' }],
      },
    });
  });

  it("makes every line its own block and reads children from the indentation under a block", async () => {
    const notion = await start();

    const page = await notion.pages.create({
      parent: { page_id: idFor("home") },
      markdown: "> First quote\n> Second quote\nOne line<br>two lines\n- Parent\n\t- Child",
    });
    const blocks = await topLevel(notion, page.id);
    const children = await topLevel(notion, blocks[3]!.id);

    expect(blocks.map((block) => block.type)).toEqual(["quote", "quote", "paragraph", "bulleted_list_item"]);
    expect(blocks[2]).toMatchObject({ paragraph: { rich_text: [{ plain_text: "One line\ntwo lines" }] } });
    expect(children).toMatchObject([
      { type: "bulleted_list_item", bulleted_list_item: { rich_text: [{ plain_text: "Child" }] } },
    ]);
  });

  it("answers a page as markdown with one newline between blocks and a tab per level, as Notion does", async () => {
    const notion = await start([
      {
        id: "doc",
        parent: { page_id: "home" },
        title: "Doc",
        markdown:
          "## Rollout\nWe move *all* users.\n- Step one\n  - detail with a | pipe\n1. First\n2. Second",
      },
    ]);

    const answer = await notion.pages.retrieveMarkdown({ page_id: idFor("doc") });

    expect(answer).toMatchObject({
      object: "page_markdown",
      markdown:
        "## Rollout\nWe move *all* users.\n- Step one\n\t- detail with a \\| pipe\n1. First\n2. Second",
      truncated: false,
      unknown_block_ids: [],
    });
  });

  it("inserts markdown at the end as the recorded update does, and answers the whole page", async () => {
    const notion = await start([{ id: "doc", parent: { page_id: "home" }, title: "Doc" }]);

    const answer = await notion.pages.updateMarkdown({
      page_id: idFor("doc"),
      type: "insert_content",
      insert_content: { content: "## New Section\n\nHello from markdown." },
    });

    expect(answer.markdown).toBe("## New Section\nHello from markdown.");
  });

  it("edits with search and replace, keeping the ids of the blocks it did not change", async () => {
    const notion = await start([
      {
        id: "doc",
        parent: { page_id: "home" },
        title: "Doc",
        markdown: "Intro ^intro\nDraft proposal\nOutro ^outro",
      },
    ]);

    const answer = await notion.pages.updateMarkdown({
      page_id: idFor("doc"),
      type: "update_content",
      update_content: {
        content_updates: [{ old_str: "Draft proposal", new_str: "Draft proposal (due Friday)" }],
      },
    });
    const blocks = await topLevel(notion, idFor("doc"));

    expect(answer.markdown).toBe("Intro\nDraft proposal (due Friday)\nOutro");
    expect(blocks.map((block) => block.id)).toEqual([idFor("intro"), expect.any(String), idFor("outro")]);
    await expect(
      notion.pages.updateMarkdown({
        page_id: idFor("doc"),
        type: "update_content",
        update_content: { content_updates: [{ old_str: "o", new_str: "0" }] },
      }),
    ).rejects.toMatchObject({ code: "validation_error" });
  });

  it("refuses to delete a child page unless allow_deleting_content is set", async () => {
    const notion = await start([
      { id: "doc", parent: { page_id: "home" }, title: "Doc", markdown: "Intro" },
      { id: "child", parent: { page_id: "doc" }, title: "Child" },
    ]);

    const refused = notion.pages.updateMarkdown({
      page_id: idFor("doc"),
      type: "replace_content",
      replace_content: { new_str: "Fresh start" },
    });
    await expect(refused).rejects.toMatchObject({ code: "validation_error" });
    const replaced = await notion.pages.updateMarkdown({
      page_id: idFor("doc"),
      type: "replace_content",
      replace_content: { new_str: "Fresh start", allow_deleting_content: true },
    });

    expect(replaced.markdown).toBe("Fresh start");
    expect(await notion.pages.retrieve({ page_id: idFor("child") })).toMatchObject({ in_trash: true });
  });
});

describe("comment bodies written in markdown", () => {
  it("renders inline formatting and keeps block syntax, underscores in words and prices as text", async () => {
    const notion = await start();

    const comment = await notion.comments.create({
      parent: { page_id: idFor("home") },
      markdown:
        "## Not a heading\n- **bold**, *italic*, ~~gone~~, `code`, [docs](https://example.com), $x^2$\nsnake_case costs $5 or $10",
    });
    if (!isFullComment(comment)) throw new Error("partial comment");

    expect(comment.rich_text.map((item) => item.plain_text).join("")).toBe(
      "## Not a heading\n- bold, italic, gone, code, docs, x^2\nsnake_case costs $5 or $10",
    );
    expect(comment.rich_text.find((item) => item.plain_text === "bold")?.annotations.bold).toBe(true);
    expect(comment.rich_text.find((item) => item.plain_text === "docs")?.href).toBe("https://example.com");
    expect(comment.rich_text.find((item) => item.type === "equation")).toMatchObject({
      equation: { expression: "x^2" },
    });
  });

  it("turns mention tags into mentions of the user, page and date they name", async () => {
    const notion = await start([{ id: "plan", parent: { page_id: "home" }, title: "Plan" }]);
    const plan = idFor("plan").replace(/-/g, "");

    const comment = await notion.comments.create({
      parent: { page_id: idFor("home") },
      markdown: `Ask <mention-user url="user://${idFor("ana")}">Ana</mention-user> about <mention-page url="https://app.notion.com/p/Plan-${plan}">Plan</mention-page> by <mention-date start="2026-12-24"/>`,
    });
    if (!isFullComment(comment)) throw new Error("partial comment");

    expect(comment.rich_text.filter((item) => item.type === "mention")).toMatchObject([
      { mention: { type: "user", user: { id: idFor("ana") } }, plain_text: "@Ana Lopez" },
      { mention: { type: "page", page: { id: idFor("plan") } }, plain_text: "Plan" },
      { mention: { type: "date", date: { start: "2026-12-24", end: null } } },
    ]);
  });
});
