/**
 * How `margin eval` scores one review, on a labelled document of the library: a comment counts for one
 * deviation at most, a keyword counts only among the summary's findings, and a review that did not finish
 * fails its document.
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readEvalDocument } from "../../lambda/eval/evalDocument.ts";
import { type ReviewedDocument, scoreReview } from "../../lambda/eval/scoreReview.ts";

const voiceMessages = readEvalDocument(
  join(resolve(import.meta.dirname, "../.."), "prompts/eval/stakeholder-reviewer/voice-messages.md"),
  "stakeholder-reviewer",
);
const SECTIONS = ["Verdict", "Across the document", "Questions for the author"];

function review(overrides: Partial<ReviewedDocument>): ReviewedDocument {
  return {
    comments: [],
    summary: "",
    inSummary: [],
    summarySections: SECTIONS,
    finished: true,
    refusedCalls: 0,
    roundTrips: 1,
    tokens: 1000,
    ...overrides,
  };
}

describe("scoring a review", () => {
  it("counts one comment for one deviation, however many name its block", () => {
    const score = scoreReview(
      voiceMessages,
      review({ comments: [{ anchor: "sign-off", severity: "critical", text: "Who signs off?" }] }),
    );

    // Three deviations accept the sign-off block; one comment finds one of them.
    expect(score.found).toHaveLength(1);
    expect(score.recall).toBe(1 / 5);
  });

  it("finds a deviation by keyword only among the summary's findings, not in its verdict or questions", () => {
    const inVerdict = review({
      summary:
        "**Verdict:** ready: privacy, accessibility and the Approvers property are fine.\n\n**Across the document:** none.\n\n**Questions for the author:** is the on-call team ready?",
    });
    const inFindings = review({
      summary:
        "**Verdict:** not ready.\n\n**Across the document:** • major: no screen reader path for playback.\n\n**Questions for the author:** none.",
    });

    expect(scoreReview(voiceMessages, inVerdict).recall).toBe(0);
    expect(scoreReview(voiceMessages, inFindings).found).toEqual(["accessibility-missing"]);
  });

  it("fails a review that did not finish, whatever it found", () => {
    const score = scoreReview(voiceMessages, review({ finished: false }));

    expect(score.summaryProblems).toEqual(["the review did not finish: nothing would be posted"]);
  });
});
