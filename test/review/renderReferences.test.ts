import { describe, expect, it } from "vitest";
import type { ReferencePage } from "../../lambda/review/model/PromptPage.ts";
import type { DocumentBlock } from "../../lambda/review/model/ReviewDocument.ts";
import { estimateTokens } from "../../lambda/review/render/estimateTokens.ts";
import { renderReferences } from "../../lambda/review/render/renderReferences.ts";

function block(id: string, type: string, text: string, children: DocumentBlock[] = []): DocumentBlock {
  return { id, type, text, plainText: text, attributes: {}, children };
}

function page(title: string, blocks: DocumentBlock[]): ReferencePage {
  return { id: title, title, url: `https://www.notion.so/${title}`, blocks };
}

const principles = page("Architecture principles", [
  block("h1", "heading_2", "Ownership"),
  block("p1", "bulleted_list_item", "**P1.** Every service has one owning team.", [
    block("p1a", "bulleted_list_item", "Shared ownership is no ownership."),
  ]),
  block("p2", "numbered_list_item", "Services own their data."),
  block("p3", "numbered_list_item", "Every datastore change is staged, with a rehearsed rollback."),
  block("code", "code", "SELECT 1;\nSELECT 2;"),
]);
const map = page("Team ownership map", [block("m1", "paragraph", "Identity owns logins and sessions.")]);

describe("reference material for the model", () => {
  it("renders each page like the document, without references, inside its own page tags", () => {
    const material = renderReferences([principles, map], 8_000);

    expect(material.text).toBe(
      [
        '<page title="Architecture principles">',
        "# Architecture principles",
        "## Ownership",
        "- **P1.** Every service has one owning team.",
        "  - Shared ownership is no ownership.",
        "1. Services own their data.",
        "2. Every datastore change is staged, with a rehearsed rollback.",
        "```",
        "SELECT 1;",
        "SELECT 2;",
        "```",
        "</page>",
        "",
        '<page title="Team ownership map">',
        "# Team ownership map",
        "Identity owns logins and sessions.",
        "</page>",
      ].join("\n"),
    );
    expect(material).toMatchObject({ pages: 2, cut: [], unavailable: [] });
    expect(material.estimatedTokens).toBe(estimateTokens(material.text));
  });

  it("cuts at a block boundary when the budget runs out, says so in the text, and leaves out pages that no longer fit", () => {
    const full = renderReferences([principles], 8_000).text;
    const budget = estimateTokens(full.split("\n").slice(0, 5).join("\n")) + 12;
    const material = renderReferences([principles, map], budget);

    const lines = material.text.split("\n");
    const note = lines.findIndex((line) => line.startsWith("(Cut here:"));
    expect(note).toBeGreaterThan(2);
    // Everything before the note is whole lines of the full rendering, in order: no block is split.
    expect(full.startsWith(lines.slice(0, note).join("\n"))).toBe(true);
    expect(lines[note]).toMatch(
      new RegExp(
        `^\\(Cut here: the other \\d+ blocks of this page did not fit in the reference budget of ${budget} tokens\\.\\)$`,
      ),
    );
    expect(material.text).toContain('(Left out, over the reference budget: "Team ownership map".)');
    expect(material.cut).toEqual([
      { title: "Architecture principles", blocksLeftOut: expect.any(Number), whole: false },
      { title: "Team ownership map", blocksLeftOut: 1, whole: true },
    ]);
    expect(material.pages).toBe(1);
  });

  it("keeps a multi-line block whole or leaves it out", () => {
    const full = renderReferences([principles], 8_000).text;
    const upToCode = full.slice(0, full.indexOf("```"));
    const material = renderReferences([principles], estimateTokens(`${upToCode}SELECT 1;`) + 20);
    expect(material.text.includes("SELECT 1;")).toBe(material.text.includes("SELECT 2;"));
  });

  it("names the pages it could not read, and gives nothing when there are no pages", () => {
    const unshared: ReferencePage = {
      id: "0123",
      title: "",
      url: "",
      blocks: [],
      unavailable: "not a page shared with the integration",
    };
    const material = renderReferences([unshared, map], 8_000);
    expect(material.text).toContain(
      "(Linked but not readable: page 0123: not a page shared with the integration.)",
    );
    expect(material.unavailable).toEqual(["page 0123: not a page shared with the integration"]);
    expect(renderReferences([], 8_000)).toEqual({
      text: "",
      pages: 0,
      estimatedTokens: 0,
      cut: [],
      unavailable: [],
    });
  });

  it("estimates tokens on the high side of the o200k count for prose, so a budget is not overrun", async () => {
    const { countTokens } = await import("../../lambda/review/render/countTokens.ts");
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(
      new URL("../../prompts/references/architecture-principles.md", import.meta.url),
      "utf8",
    );
    expect(estimateTokens(text)).toBeGreaterThanOrEqual(countTokens(text));
  });
});
