/**
 * A `.env` file: variables fill what the environment leaves unset, and a line that is not NAME=value is
 * reported with its number (Node's own parser would make it part of the next variable's name, which would
 * then seem unset, and Margin would go on to call real Notion).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDotEnv } from "../../lambda/config/readDotEnv.ts";
import { runMargin } from "../support/runMargin.ts";

function folderWith(dotEnv: string): string {
  const folder = mkdtempSync(join(tmpdir(), "margin-env-"));
  writeFileSync(join(folder, ".env"), dotEnv);
  return folder;
}

describe("a .env file", () => {
  it("fills what the environment leaves unset, quoted values over several lines included", () => {
    const folder = folderWith(
      [
        "# Notion",
        "NOTION_TOKEN=ntn_file",
        "export MARGIN_MODEL = gpt-5-mini",
        'NOTE="two',
        'lines"',
        "",
      ].join("\n"),
    );

    const { env } = readDotEnv(folder, { NOTION_TOKEN: "ntn_env" });

    expect(env).toMatchObject({ NOTION_TOKEN: "ntn_env", MARGIN_MODEL: "gpt-5-mini", NOTE: "two\nlines" });
  });

  it("reports every line that is not NAME=value with its number, showing no value, keeping the lines that are fine", () => {
    const folder = folderWith(
      [
        "NOTION_TOKEN ntn_secret_value",
        "this line is a typo",
        "NOTION_BASE_URL=http://127.0.0.1:4010",
        "MARGIN MODEL=x",
      ].join("\n"),
    );

    const { env, problems } = readDotEnv(folder, {});

    expect(problems).toEqual([
      `${folder}/.env line 1 is not NAME=value: "NOTION_TOKEN …" (fix it, or start a comment with #)`,
      `${folder}/.env line 2 is not NAME=value: "this …" (fix it, or start a comment with #)`,
      `${folder}/.env line 4 is not NAME=value: "MARGIN …" (fix it, or start a comment with #)`,
    ]);
    expect(problems.join("")).not.toContain("ntn_secret_value");
    // The line after a bad one is read as itself, not merged into it.
    expect(env.NOTION_BASE_URL).toBe("http://127.0.0.1:4010");
  });

  it("says the bad lines together with every setting margin review still needs, in one message", async () => {
    const folder = folderWith(["NOTION_TOKEN ntn_secret_value", "MARGIN_PROVIDER=openai"].join("\n"));

    const run = await runMargin(
      ["review", "2a1c4e6f9b3d8099a1b2c3d4e5f6a7b8", "--prompt", "RFC Reviewer"],
      {},
      folder,
    );

    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe("margin: 4 settings need attention (in .env or the environment):");
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/\.env line 1 is not NAME=value: "NOTION_TOKEN …"/),
      expect.stringMatching(/^ {2}Set MARGIN_PROMPTS_DATABASE: /),
      expect.stringMatching(/^ {2}Set NOTION_TOKEN: /),
      expect.stringMatching(/^ {2}Set OPENAI_API_KEY: .*\(MARGIN_PROVIDER is openai\)\.$/),
    ]);
    expect(run.stderr).not.toContain("ntn_secret_value");
  });

  it("is said first, on its own, by a command that checks nothing else", async () => {
    const folder = folderWith("this line is a typo\n");

    const run = await runMargin(["stats"], {}, folder);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `margin: ${folder}/.env line 1 is not NAME=value: "this …" (fix it, or start a comment with #).\n`,
    );
  });
});
