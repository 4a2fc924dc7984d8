/**
 * A page longer than MARGIN_MAX_DOCUMENT_TOKENS is reviewed in parts: one pass of the agent per part, each
 * seeing only its part (with the page's header, the outline and the discussions that concern it), block
 * references the same as in the whole page, the page's comment limit held across the passes, and one
 * summary for the page. Reviewed through `margin review` against the Notion emulator and the scripted
 * model server; the parts are also checked on their own, on rendered documents.
 */
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import type { DocumentBlock, ReviewDocument } from "../../lambda/review/model/ReviewDocument.ts";
import { countTokens } from "../../lambda/review/render/countTokens.ts";
import { renderDocument } from "../../lambda/review/render/renderDocument.ts";
import { splitDocument } from "../../lambda/review/render/splitDocument.ts";
import { DEFAULT_MARKDOWN, ReviewWorld, textOf, turn } from "../support/reviewWorld.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** About 250 tokens of plain prose about one topic, different in every paragraph. */
function filler(topic: string): string {
  return Array.from(
    { length: 12 },
    (_, n) => `Note ${n + 1} on ${topic}: the team measured it again and wrote the numbers down for later.`,
  ).join(" ");
}

/**
 * An opening paragraph, then three sections of about 1,250 tokens each: under a limit of 2,000 tokens no
 * two sections fit together, so the page comes to three parts (the opening packed with the first).
 * References: b1 opening; b2 "## Problem", b3 problem, b4-b8; b9 "## Plan", b10 weekend, b11-b15;
 * b16 "## Owners", b17 owners, b18-b22.
 */
const LONG_MARKDOWN = [
  "This RFC proposes sharding the logins table. ^opening",
  "## Problem",
  "Logins are slow every Monday morning. ^problem",
  ...["a", "b", "c", "d", "e"].map((n) => `${filler(`latency ${n}`)} ^problem-${n}`),
  "## Plan",
  "Move every user in one weekend. ^weekend",
  ...["a", "b", "c", "d", "e"].map((n) => `${filler(`shard ${n}`)} ^plan-${n}`),
  "## Owners",
  "The identity team owns the new cluster. ^owners",
  ...["a", "b", "c", "d", "e"].map((n) => `${filler(`team ${n}`)} ^owners-${n}`),
].join("\n\n");

const THREADS = [
  { discussion_id: "on-page", parent: { page_id: "doc" }, created_by: { id: "ana" }, text: "Is this ready?" },
  {
    discussion_id: "on-weekend",
    parent: { block_id: "weekend" },
    created_by: { id: "bo" },
    text: "One weekend sounds tight.",
  },
];

const comment = (block: string, quote: string, severity: string, text: string) =>
  ["comment_on_block", { block, quote, severity, comment: text }] as const;
const finish = (summary: string) => ["finish_review", { summary }] as const;

/** Two comments a part, three parts, a limit of three: the last three are refused. */
const THREE_PARTS_SCRIPT = [
  turn([
    comment("b3", "slow every Monday", "major", "How slow, and for whom?"),
    comment("b4", "latency a", "minor", "Which numbers?"),
    finish("Part one: the problem is stated but not measured."),
  ]),
  turn([
    comment("b10", "one weekend", "critical", "What is the way back if the cutover fails?"),
    comment("b11", "shard a", "major", "How are users assigned to shards?"),
    finish("Part two: the plan has no rollback."),
  ]),
  turn([finish("Part two: the plan has no rollback.")]),
  turn([
    comment("b17", "identity team", "major", "Who on the identity team approves this?"),
    comment("b18", "team a", "minor", "Is this team staffed?"),
    finish("Part three: owners named, approvers missing."),
  ]),
  turn([finish("Part three: owners named, approvers missing.")]),
  turn([finish("**Verdict:** not ready: the cutover has no way back and nobody approves it.")]),
];

type ChatMessage = { role: string; content: unknown };
const userMessage = (index: number) =>
  JSON.stringify((world!.model.requests[index]!.body.messages as ChatMessage[])[1]!.content);

/** The long page reviewed by the three-part script, with a limit of three comments on blocks. */
async function reviewInThreeParts(options: { comments?: typeof THREADS } = {}) {
  world = await ReviewWorld.start({
    provider: "openai",
    markdown: LONG_MARKDOWN,
    ...options,
    settings: { maxInlineComments: 3 },
    script: THREE_PARTS_SCRIPT,
  });
  return world.margin(
    ["review", world.pageId, "--prompt", "RFC Reviewer"],
    world.env({ MARGIN_MAX_DOCUMENT_TOKENS: "2000" }),
  );
}

describe("a page longer than MARGIN_MAX_DOCUMENT_TOKENS", () => {
  it("is reviewed in parts, each pass seeing only its part with the page's references", async () => {
    const run = await reviewInThreeParts({ comments: THREADS });

    expect(run.code, run.stderr).toBe(0);
    expect(world!.model.requests.map((request) => request.rejected)).toEqual(Array(6).fill(undefined));
    const [first, second, third] = [userMessage(0), userMessage(1), userMessage(3)];
    expect(first).toContain("Review part 1 of 3");
    expect(first).toContain("b1 This RFC proposes sharding");
    expect(first).toContain("b3 Logins are slow every Monday morning.");
    expect(first).not.toContain("Move every user");
    expect(first).not.toContain("identity team owns");
    expect(second).toContain("Review part 2 of 3");
    expect(second).toContain("b10 Move every user in one weekend.");
    expect(second).not.toContain("Logins are slow");
    expect(second).not.toContain("identity team owns");
    expect(third).toContain("Review part 3 of 3");
    expect(third).toContain("b17 The identity team owns the new cluster.");
    expect(third).not.toContain("Move every user");
    // The outline of the whole page, with the part of each heading, in every pass.
    for (const message of [first, second, third]) {
      expect(message).toContain("b2 Problem (part 1)");
      expect(message).toContain("b9 Plan (part 2)");
      expect(message).toContain("b16 Owners (part 3)");
    }
  });

  it("gives each part the discussions on its blocks, and the page-level ones to every part", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      markdown: LONG_MARKDOWN,
      comments: THREADS,
      settings: { maxInlineComments: 3 },
      script: THREE_PARTS_SCRIPT,
    });

    await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env({ MARGIN_MAX_DOCUMENT_TOKENS: "2000" }),
    );

    const [first, second, third] = [userMessage(0), userMessage(1), userMessage(3)];
    for (const message of [first, second, third]) expect(message).toContain("t1 Ana Author");
    expect(second).toContain("t2 Bo Builder");
    expect(second).toContain("One weekend sounds tight.");
    expect(first).not.toContain("One weekend sounds tight.");
    expect(third).not.toContain("One weekend sounds tight.");
  });

  it("holds the comment limit for the whole page, and later parts are told what is left", async () => {
    const run = await reviewInThreeParts();

    expect(run.code, run.stderr).toBe(0);
    const onBlocks = world!.botComments().filter((posted) => posted.parent.block_id);
    expect(onBlocks.map((posted) => posted.parent.block_id)).toEqual([
      idFor("problem"),
      idFor("problem-a"),
      idFor("weekend"),
    ]);
    expect(onBlocks.map(textOf)).toEqual([
      "Major: How slow, and for whom?",
      "“latency a” — Which numbers?",
      "Critical: What is the way back if the cutover fails?",
    ]);
    expect(userMessage(0)).toContain(
      "3 of the page's 3 comments on blocks are left for this part and the 2 parts after it",
    );
    expect(userMessage(1)).toContain("1 of the page's 3 comments on blocks are left");
    expect(userMessage(3)).toContain("0 of the page's 3 comments on blocks are left");
    const refusal = "the page's limit of 3 comments on blocks is used up";
    expect(JSON.stringify(world!.model.requests[2]!.body)).toContain(refusal);
    expect(run.stdout).toContain("Tool calls refused and never posted (3)");
    expect(run.stdout.split(refusal)).toHaveLength(4);
  });

  it("posts one summary for the page, written last from the parts' notes, saying it was reviewed in parts", async () => {
    const run = await reviewInThreeParts();

    expect(run.code, run.stderr).toBe(0);
    const onPage = world!.botComments().filter((posted) => posted.parent.page_id);
    expect(onPage).toHaveLength(1);
    const summary = textOf(onPage[0]!);
    expect(summary).toMatch(/^Verdict: not ready/);
    expect(summary).toContain("Reviewed in 3 parts");
    expect(summary).toContain("(1) the start to “Problem”; (2) “Plan”; (3) “Owners”");
    expect(summary).not.toContain("Part one:");
    const last = world!.model.requests[5]!.body;
    expect((last.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name)).toEqual([
      "finish_review",
    ]);
    const notes = userMessage(5);
    expect(notes).toContain("Part one: the problem is stated but not measured.");
    expect(notes).toContain("Part three: owners named, approvers missing.");
    expect(notes).toContain("critical on “Move every user in one weekend.”");
    expect(run.stdout).toContain("Reviewed in 3 parts");
    expect(run.stdout).toContain("6 model round trips");
  });

  it("posts nothing when a part's pass ends unfinished", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      markdown: LONG_MARKDOWN,
      settings: { maxInlineComments: 3 },
      script: [THREE_PARTS_SCRIPT[0]!, turn([], { refusal: "I can't review this part." })],
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env({ MARGIN_MAX_DOCUMENT_TOKENS: "2000" }),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the model declined: I can't review this part.");
    expect(world.botComments()).toEqual([]);
    expect(run.stdout).toContain("Nothing was posted");
  });
});

describe("a page within MARGIN_MAX_DOCUMENT_TOKENS", () => {
  it("is reviewed in one pass, as before", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      markdown: DEFAULT_MARKDOWN,
      script: [turn([finish("Fine.")])],
    });

    const run = await world.margin(
      ["review", world.pageId, "--prompt", "RFC Reviewer"],
      world.env({ MARGIN_MAX_DOCUMENT_TOKENS: "2000" }),
    );

    expect(run.code, run.stderr).toBe(0);
    expect(world.model.requests).toHaveLength(1);
    const message = userMessage(0);
    expect(message).toContain("Review the document below.");
    expect(message).not.toContain("part");
    expect(message).not.toContain("page-outline");
    const onPage = world.botComments().filter((posted) => posted.parent.page_id);
    expect(onPage.map(textOf)).toEqual([
      expect.stringMatching(/^Fine\.\n\nReviewed \d{4}-\d{2}-\d{2} · 0 comments on the page$/),
    ]);
    expect(run.stdout).not.toContain("parts");
  });
});

describe("splitting a rendered page", () => {
  const block = (id: string, type: string, text: string): DocumentBlock => ({
    id,
    type,
    text,
    plainText: text,
    attributes: {},
    children: [],
  });
  const page = (blocks: DocumentBlock[]): ReviewDocument => ({
    page: { id: "page", title: "A page", url: "https://www.notion.so/page", properties: [] },
    blocks,
    threads: [],
  });
  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");

  it("packs small sections together and cuts a section too long for a part between its blocks", () => {
    const rendered = renderDocument(
      page([
        block("h1", "heading_2", "Small one"),
        block("p1", "paragraph", words(20)),
        block("h2", "heading_2", "Small two"),
        block("p2", "paragraph", words(20)),
        block("h3", "heading_2", "Long one"),
        block("p3", "paragraph", words(150)),
        block("p4", "paragraph", words(150)),
        block("p5", "paragraph", words(150)),
      ]),
    );

    const split = splitDocument(rendered, { maxTokens: 700, count: countTokens });

    expect(split.parts.map((part) => [...part.blockRefs])).toEqual([
      ["b1", "b2", "b3", "b4"],
      ["b5", "b6", "b7"],
      ["b8"],
    ]);
    expect(split.parts.map((part) => part.label)).toEqual([
      "“Small one” to “Small two”",
      "“Long one”",
      expect.stringMatching(/^“Long one” from “word0 word1 word2/),
    ]);
    for (const part of split.parts) expect(countTokens(part.text)).toBeLessThanOrEqual(700);
  });

  it("cuts a page without headings between its top-level blocks", () => {
    const rendered = renderDocument(
      page(["p1", "p2", "p3"].map((id) => block(id, "paragraph", `${id} ${words(200)}`))),
    );

    const split = splitDocument(rendered, { maxTokens: 700, count: countTokens });

    expect(split.parts.map((part) => [...part.blockRefs])).toEqual([["b1"], ["b2"], ["b3"]]);
    expect(split.parts.map((part) => part.label)).toEqual([
      "the start",
      expect.stringMatching(/^the start from “p2 word0/),
      expect.stringMatching(/^the start from “p3 word0/),
    ]);
    expect(split.outline).toEqual([]);
  });

  it("keeps a page that fits whole, its rendering the header and its top-level blocks", () => {
    const columns = block("columns", "column_list", "");
    columns.children = ["left", "right"].map((side) => ({
      ...block(side, "column", ""),
      children: [block(`${side}-text`, "paragraph", `The ${side} column.`)],
    }));
    const rendered = renderDocument(
      page([block("h1", "heading_1", "Only"), columns, block("p1", "paragraph", "Short.")]),
    );

    const split = splitDocument(rendered, { maxTokens: 700, count: countTokens });

    expect(split.parts).toHaveLength(1);
    expect(split.parts[0]!.text).toBe(rendered.text);
    expect(rendered.head + rendered.topLevel.map((top) => top.text).join("")).toBe(rendered.text);
    expect(rendered.topLevel.map((top) => top.block.id)).toEqual(["h1", "columns", "p1"]);
  });
});
