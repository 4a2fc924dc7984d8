import { describe, expect, it } from "vitest";
import { formatPromptFile, parsePromptFile } from "../../lambda/library/promptFile.ts";
import { DEFAULT_MODELS } from "../../lambda/llm/modelCapabilities.ts";
import { parseReviewSettings } from "../../lambda/review/prompt/reviewSettings.ts";

const models = DEFAULT_MODELS;

const prompt = (
  properties: Record<string, { type: string; value: string | number | boolean | string[] | null }>,
) => ({ title: "RFC Reviewer", properties });

describe("a prompt's settings", () => {
  it("take defaults for empty properties, and the environment's provider and model", () => {
    const settings = parseReviewSettings(
      prompt({ Provider: { type: "select", value: null }, Model: { type: "rich_text", value: "" } }),
      { provider: "anthropic", model: "claude-x", models },
    );

    expect(settings).toEqual({
      provider: "anthropic",
      model: "claude-x",
      maxInlineComments: 5,
      minimumInlineSeverity: "minor",
      summary: "update",
      replyInThreads: true,
      reReview: "changed",
      keepLearnings: false,
    });
  });

  it("read every property, whatever the case of its name and value", () => {
    const settings = parseReviewSettings(
      prompt({
        provider: { type: "select", value: "OpenAI" },
        MODEL: { type: "rich_text", value: " gpt-test " },
        "Max inline comments": { type: "number", value: 3 },
        "Minimum inline severity": { type: "select", value: "Major" },
        Summary: { type: "select", value: "new" },
        "Reply in threads": { type: "checkbox", value: false },
        "Re-review": { type: "select", value: "Full" },
        Temperature: { type: "number", value: 0.2 },
        "Reasoning effort": { type: "select", value: "low" },
        "Keep learnings": { type: "checkbox", value: true },
        Learnings: {
          type: "url",
          value: "https://www.notion.so/RFC-Reviewer-learnings-0123456789abcdef0123456789abcdef",
        },
        Notes: { type: "rich_text", value: "free text is ignored" },
      }),
      { models },
    );

    expect(settings).toEqual({
      provider: "openai",
      model: "gpt-test",
      maxInlineComments: 3,
      minimumInlineSeverity: "major",
      summary: "new",
      replyInThreads: false,
      reReview: "full",
      temperature: 0.2,
      reasoningEffort: "low",
      keepLearnings: true,
    });
  });

  it("use the provider's own default model when the environment's model is for another provider", () => {
    const settings = parseReviewSettings(prompt({ Provider: { type: "select", value: "anthropic" } }), {
      provider: "openai",
      model: "gpt-test",
      models,
    });

    expect(settings.model).toBe("claude-sonnet-5-5");
  });

  it("give a provider asked for instead of the prompt's its own default model, not the prompt's", () => {
    const settings = parseReviewSettings(
      prompt({
        Provider: { type: "select", value: "openai" },
        Model: { type: "rich_text", value: "gpt-6-luna" },
      }),
      { models },
      { provider: "anthropic" },
    );

    expect(settings).toMatchObject({ provider: "anthropic", model: "claude-sonnet-5-5" });
  });

  it("refuse a bad value, naming the property, the value and what is allowed", () => {
    expect(() =>
      parseReviewSettings(prompt({ "Max inline comments": { type: "number", value: 500 } }), { models }),
    ).toThrow(
      'Prompt "RFC Reviewer": property "Max inline comments" is 500; allowed: a whole number from 0 to 50.',
    );
    expect(() =>
      parseReviewSettings(prompt({ "Minimum inline severity": { type: "select", value: "urgent" } }), {
        models,
      }),
    ).toThrow('property "Minimum inline severity" is "urgent"; allowed: critical, major, minor, nit.');
  });

  it("refuse a property that looks like a misspelt setting rather than silently ignore it", () => {
    expect(() =>
      parseReviewSettings(prompt({ "Max inline coments": { type: "number", value: 2 } }), { models }),
    ).toThrow('property "Max inline coments" is not a setting; did you mean "Max inline comments"?');
  });
});

describe("a prompt file", () => {
  it("reads the title, the settings, the reference pages and the body, and writes them back alike", () => {
    const text =
      "---\ntitle: Plan Reviewer\nmax_inline_comments: 3\nreply_in_threads: false\nreference_pages:\n  - Team map\n---\nReview plans.\n";
    const file = parsePromptFile(text, "plan.md");

    expect(file).toEqual({
      title: "Plan Reviewer",
      settings: { maxInlineComments: 3, replyInThreads: false },
      referencePages: ["Team map"],
      body: "Review plans.",
    });
    expect(formatPromptFile(file)).toBe(text);
  });

  it("reports each problem with the file and the field", () => {
    expect(() => parsePromptFile("---\ntitle: X\nsummary: sometimes\nmodle: gpt\n---\nBody", "x.md")).toThrow(
      /^x\.md: (?=.*unknown field modle)(?=.*field summary: should be one of: update, new, off)/,
    );
    expect(() => parsePromptFile("No front matter", "y.md")).toThrow("y.md: starts without front matter");
  });
});
