import type { BlockObjectResponse } from "@notionhq/client";
import { describe, expect, it } from "vitest";
import { fillBlockContent } from "../../emulators/notion/model/blockContent.ts";
import type { BlockDraft } from "../../lambda/notion/markdown/BlockDraft.ts";
import { type BlockNode, blocksToMarkdown } from "../../lambda/notion/markdown/blocksToMarkdown.ts";
import { markdownToBlocks } from "../../lambda/notion/markdown/markdownToBlocks.ts";
import { parseInlineMarkdown, splitForNotion } from "../../lambda/notion/markdown/parseInlineMarkdown.ts";

const noMentions = { userName: () => undefined, pageTitle: () => undefined, pageUrl: () => undefined };

/** Drafts as the API would answer them: the response shapes blocksToMarkdown reads. */
function asNodes(drafts: BlockDraft[]): BlockNode[] {
  return drafts.map((draft) => ({
    block: {
      object: "block",
      id: "x",
      type: draft.type,
      [draft.type]: fillBlockContent(draft.type, draft.content, noMentions, "body"),
    } as unknown as BlockObjectResponse,
    children: asNodes(draft.children),
  }));
}

function roundTrip(markdown: string): string {
  return blocksToMarkdown(asNodes(markdownToBlocks(markdown)));
}

describe("inline markdown", () => {
  it("parses bold, italic, strikethrough, code, links and equations, nested", () => {
    const items = parseInlineMarkdown(
      "A **bold *and italic*** `x*y` ~~gone~~ [docs](https://example.com) $E=mc^2$ \\*literal\\*",
    );

    expect(
      items.map((item) =>
        "text" in item ? item.text.content : `eq:${"equation" in item ? item.equation.expression : ""}`,
      ),
    ).toEqual([
      "A ",
      "bold ",
      "and italic",
      " ",
      "x*y",
      " ",
      "gone",
      " ",
      "docs",
      " ",
      "eq:E=mc^2",
      " *literal*",
    ]);
    expect(items[2]!.annotations).toMatchObject({ bold: true, italic: true });
    expect(items[4]!.annotations).toMatchObject({ code: true, bold: false });
    expect(items[6]!.annotations).toMatchObject({ strikethrough: true });
    expect("text" in items[8]! && items[8].text.link).toEqual({ url: "https://example.com" });
  });

  it("leaves unmatched delimiters and snake_case words alone", () => {
    const items = parseInlineMarkdown("a * b, snake_case_name, 3 * 4 = 12, costs $5 or $10");

    expect(items).toHaveLength(1);
    expect("text" in items[0]! && items[0].text.content).toBe(
      "a * b, snake_case_name, 3 * 4 = 12, costs $5 or $10",
    );
  });

  it("splits text over Notion's 2000-character limit at a space", () => {
    const chunks = splitForNotion(`${"word ".repeat(500)}end`);

    expect(chunks.every((chunk) => chunk.length <= 2000)).toBe(true);
    expect(chunks.join("")).toBe(`${"word ".repeat(500)}end`);
    expect(chunks[0]!.endsWith(" ")).toBe(true);
  });
});

describe("markdown and blocks", () => {
  it("turns nested lists, to-dos, quotes, callouts, toggles, code, equations and tables into blocks", () => {
    const blocks = markdownToBlocks(
      [
        "# Title",
        "Intro line one",
        "continues here.",
        "",
        "1. First",
        "   - nested bullet",
        "     - [x] deeper to-do",
        "2. Second",
        "",
        "> Quoted *text*",
        "",
        "> [!WARNING] Mind the gap",
        "",
        "<details><summary>More</summary>",
        "",
        "Hidden paragraph",
        "</details>",
        "",
        "```ts",
        "const x = 1;",
        "```",
        "",
        "$$",
        "a^2 + b^2",
        "$$",
        "",
        "| A | B |",
        "| --- | --- |",
        "| 1 | 2 |",
        "---",
      ].join("\n"),
    );

    expect(blocks.map((block) => block.type)).toEqual([
      "heading_1",
      "paragraph",
      "numbered_list_item",
      "numbered_list_item",
      "quote",
      "callout",
      "toggle",
      "code",
      "equation",
      "table",
      "divider",
    ]);
    expect(blocks[1]!.content.rich_text).toEqual([
      expect.objectContaining({ text: { content: "Intro line one continues here.", link: null } }),
    ]);
    expect(blocks[2]!.children[0]!.type).toBe("bulleted_list_item");
    expect(blocks[2]!.children[0]!.children[0]).toMatchObject({ type: "to_do", content: { checked: true } });
    expect(blocks[5]!.content.icon).toEqual({ type: "emoji", emoji: "⚠️" });
    expect(blocks[6]!.children[0]!.type).toBe("paragraph");
    expect(blocks[7]!.content.language).toBe("typescript");
    expect(blocks[9]!.content).toMatchObject({ table_width: 2, has_column_header: true });
    expect(blocks[9]!.children).toHaveLength(2);
  });

  it("writes markdown that reads back to the same blocks", () => {
    const markdown = [
      "## Goals",
      "",
      "Ship **safely**, with a [plan](https://example.com/plan) and `flags`.",
      "",
      "- One",
      "  - Two",
      "- [ ] Three",
      "",
      "1. Alpha",
      "2. Beta",
      "   1. Beta one",
      "",
      "> [!NOTE] Remember the rollback",
      "",
      "<details><summary>Appendix</summary>",
      "  Deep text",
      "</details>",
      "",
      "```python",
      "print('hi')",
      "```",
      "",
      "| Owner | When |",
      "| --- | --- |",
      "| Ana | Q3 |",
      "",
      "---",
    ].join("\n");

    const once = roundTrip(markdown);
    const twice = roundTrip(once);

    expect(twice).toBe(once);
    expect(markdownToBlocks(once)).toEqual(markdownToBlocks(markdown));
  });

  it("escapes text that would otherwise read as formatting", () => {
    const drafts: BlockDraft[] = [
      {
        type: "paragraph",
        content: { rich_text: [{ type: "text", text: { content: "Use *stars* and `ticks` literally" } }] },
        children: [],
      },
    ];

    const markdown = blocksToMarkdown(asNodes(drafts));

    expect(markdown).toBe("Use \\*stars\\* and \\`ticks\\` literally");
    expect(markdownToBlocks(markdown)[0]!.content.rich_text).toEqual([
      expect.objectContaining({ text: { content: "Use *stars* and `ticks` literally", link: null } }),
    ]);
  });
});
