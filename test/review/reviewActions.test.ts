import { describe, expect, it } from "vitest";
import { ReviewActions } from "../../lambda/review/agent/ReviewActions.ts";
import type { DocumentBlock, ReviewDocument } from "../../lambda/review/model/ReviewDocument.ts";
import { renderDocument } from "../../lambda/review/render/renderDocument.ts";

const paragraph = (
  id: string,
  text: string,
  plainText = text,
  children: DocumentBlock[] = [],
): DocumentBlock => ({ id, type: "paragraph", text, plainText, attributes: {}, children });

const document: ReviewDocument = {
  page: { id: "page", title: "Doc", url: "https://example.com", properties: [] },
  blocks: [
    paragraph(
      "p1",
      "We ship **everything** at once, on “Friday”.",
      "We ship everything at once, on “Friday”.",
    ),
    { id: "img", type: "image", text: "", plainText: "", attributes: {}, children: [] },
  ],
  threads: [],
};

function call(name: string, args: unknown) {
  return { id: "c", name, arguments: args, rawArguments: JSON.stringify(args) };
}

describe("checking the reviewer's tool calls", () => {
  const actions = () => new ReviewActions(renderDocument(document), { pageId: "page", repliesAllowed: true });

  it("accepts a quote whatever its case, spacing, formatting marks and typographic quotes", () => {
    const review = actions();

    const outcome = review.handle(
      call("comment_on_block", {
        block: "b1",
        quote: 'ship  **EVERYTHING** at once, on "friday"',
        severity: "major",
        comment: "Stage it.",
      }),
    );

    expect(outcome).toEqual({ ok: true, message: "Comment on b1 recorded." });
    expect(review.findings).toHaveLength(1);
  });

  it("refuses calls with bad JSON, wrong fields, unknown tools and duplicate comments", () => {
    const review = actions();
    review.handle(
      call("comment_on_block", { block: "b1", quote: "ship", severity: "major", comment: "Stage it." }),
    );

    const outcomes = [
      review.handle({
        id: "x",
        name: "comment_on_block",
        arguments: undefined,
        rawArguments: "{bad",
        parseError: "Unexpected token",
      }),
      review.handle(
        call("comment_on_block", { block: "b1", quote: "ship", severity: "urgent", comment: "x", extra: 1 }),
      ),
      review.handle(call("delete_page", {})),
      review.handle(
        call("comment_on_block", { block: "b1", quote: "at once", severity: "minor", comment: "Stage  it." }),
      ),
    ];

    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false, false, false]);
    expect(outcomes[0]!.message).toContain("not valid JSON");
    expect(outcomes[1]!.message).toMatch(/severity.*extra|extra.*severity/s);
    expect(outcomes[2]!.message).toBe("There is no tool named delete_page.");
    expect(outcomes[3]!.message).toBe("You already made this comment on b1.");
    expect(review.rejected).toHaveLength(4);
    expect(review.findings).toHaveLength(1);
  });

  it("lets a block without text be commented on without a quote", () => {
    const outcome = actions().handle(
      call("comment_on_block", { block: "b2", quote: "", severity: "minor", comment: "Add a caption." }),
    );

    expect(outcome.ok).toBe(true);
  });

  it("refuses replies when they are turned off", () => {
    const review = new ReviewActions(renderDocument(document), { pageId: "page", repliesAllowed: false });

    expect(review.handle(call("reply_in_thread", { thread: "t1", comment: "Hi" })).message).toBe(
      "Replies in discussions are turned off for this reviewer.",
    );
  });
});
