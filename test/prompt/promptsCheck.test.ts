/**
 * `margin prompts check`: the library passes, and a broken one gets every problem listed with its file
 * and field, so one run shows all there is to fix.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LIBRARY_FOLDER } from "../support/libraryWorld.ts";
import { runMargin } from "../support/runMargin.ts";

function check(folder: string) {
  return runMargin(["prompts", "check", "--folder", folder], {}, join(folder, ".."));
}

function library(files: Record<string, string>): string {
  const folder = join(mkdtempSync(join(tmpdir(), "margin-check-")), "prompts");
  mkdirSync(join(folder, "references"), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

describe("margin prompts check", () => {
  it("passes the library as shipped", async () => {
    const run = await check(LIBRARY_FOLDER);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Prompt library checked: 7 reviewers, 1 reference page, no problems\./);
  });

  it("checks the labelled documents: a label naming a block the document lacks, and a reviewer without its three kinds", async () => {
    const folder = join(mkdtempSync(join(tmpdir(), "margin-check-")), "prompts");
    cpSync(LIBRARY_FOLDER, folder, { recursive: true });
    const planted = join(folder, "eval/rfc-reviewer/notification-preferences.md");
    writeFileSync(
      planted,
      readFileSync(planted, "utf8").replace("must_not_flag: [legacy-column", "must_not_flag: [legacy-colum"),
    );
    rmSync(join(folder, "eval/okr-reviewer"), { recursive: true });

    const run = await check(folder);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /notification-preferences\.md: .*must_not_flag names block legacy-colum, which no line of the body ends with \^legacy-colum/,
    );
    expect(run.stderr).toMatch(/no planted, clean, different document for okr-reviewer/);
  });

  it("lists every problem with its file and field", async () => {
    const folder = library({
      "a.md": "---\ntitle: Broken\nsummary: sometimes\nmodle: gpt-5\nmax_inline_comments: 80\n---\nBody.\n",
      "b.md": "---\ntitle: plan reviewer\nreference_pages: [Ownership map]\n---\nAlso plans.\n",
      "c.md": "---\ntitle: Empty\n---\n",
      "d.md": "No front matter here.\n",
      "e.md": "---\ntitle: [unclosed\n---\nBody\n",
      "f.md": "---\ntitle: Plan Reviewer\n---\nReview plans.\n",
      "references/map.md": "---\ntitle: Team map\n---\nWho owns what.\n",
    });
    const run = await check(folder);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("6 problems in the prompt library:");
    expect(run.stderr).toContain(
      "prompts/a.md: field max_inline_comments: should be a whole number from 0 to 50; field summary: should be one of: update, new, off; unknown field modle (did you mean model?).",
    );
    expect(run.stderr).toContain(
      'prompts/f.md: field title: "Plan Reviewer" is also the title of prompts/b.md',
    );
    expect(run.stderr).toContain(
      'prompts/b.md: field reference_pages: no reference page titled "Ownership map" in prompts/references;',
    );
    expect(run.stderr).toContain("prompts/c.md: the body is empty");
    expect(run.stderr).toContain("prompts/d.md: starts without front matter");
    expect(run.stderr).toContain("prompts/e.md: the front matter is not valid YAML");
  });

  it("accepts a Notion page id for a reference page kept only in Notion", async () => {
    const folder = library({
      "a.md":
        "---\ntitle: Plan Reviewer\nreference_pages: [https://www.notion.so/Team-map-0123456789abcdef0123456789abcdef]\n---\nReview plans.\n",
    });
    const run = await check(folder);
    expect(run.code, run.stderr).toBe(0);
  });

  it("runs in npm test, over the library, after the typecheck and the linter", async () => {
    const manifest = await import("../../package.json", { with: { type: "json" } });
    expect(manifest.default.scripts.test).toBe(
      "tsc --noEmit && biome check . && node bin/margin.js prompts check && vitest run",
    );
  });
});

describe("margin prompts check against a model", () => {
  const withSettings = () =>
    library({
      "warm.md": "---\ntitle: Warm Reviewer\ntemperature: 0.3\n---\nReview warmly.\n",
      "deep.md": "---\ntitle: Deep Reviewer\nreasoning_effort: minimal\n---\nReview deeply.\n",
      "plain.md": "---\ntitle: Plain Reviewer\n---\nReview plainly.\n",
    });
  const checkOn = (folder: string, ...flags: string[]) =>
    runMargin(["prompts", "check", "--folder", folder, ...flags], {}, join(folder, ".."));

  it("names each setting the model cannot take, the file, the model and what to do", async () => {
    const run = await checkOn(withSettings(), "--provider", "anthropic");

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("2 problems in the prompt library:");
    expect(run.stderr).toContain(
      "prompts/warm.md: on anthropic claude-sonnet-5-5: Temperature is 0.3, but Anthropic's API (version 2026-10-21) takes no temperature for any model: clear Temperature.",
    );
    expect(run.stderr).toContain(
      "prompts/deep.md: on anthropic claude-sonnet-5-5: Reasoning effort is minimal, but claude-sonnet-5-5 (Claude Sonnet 5.5) takes low, medium, high, xhigh, max: choose one of those, or clear Reasoning effort.",
    );
  });

  it("accepts the same settings on a model that takes them", async () => {
    const run = await checkOn(withSettings(), "--provider", "openai", "--model", "gpt-5");

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("1 problem in the prompt library:");
    expect(run.stderr).toContain(
      "prompts/warm.md: on openai gpt-5: Temperature is 0.3, but gpt-5 is a reasoning model and takes only its default temperature: clear Temperature.",
    );
    const fine = await checkOn(
      library({ "warm.md": "---\ntitle: Warm Reviewer\ntemperature: 0.3\n---\nReview warmly.\n" }),
      "--provider",
      "openai",
      "--model",
      "gpt-4.1",
    );
    expect(fine.code, fine.stderr).toBe(0);
  });

  it("passes the library on every provider's default model", async () => {
    for (const provider of ["openai", "anthropic", "bedrock"]) {
      const run = await checkOn(LIBRARY_FOLDER, "--provider", provider);
      expect(run.code, `${provider}: ${run.stderr}`).toBe(0);
    }
  });
});
