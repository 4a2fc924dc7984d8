/**
 * A `.env` file: variables fill what the environment leaves unset, and a line that is not NAME=value is
 * reported with its number (Node's own parser would make it part of the next variable's name, which would
 * then seem unset, and Margin would go on to call real Notion).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDotEnv } from "../../lambda/config/loadDotEnv.ts";
import { ConfigurationError } from "../../lambda/errors.ts";
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

    const env = loadDotEnv(folder, { NOTION_TOKEN: "ntn_env" });

    expect(env).toMatchObject({ NOTION_TOKEN: "ntn_env", MARGIN_MODEL: "gpt-5-mini", NOTE: "two\nlines" });
  });

  it("reports every line that is not NAME=value with its number, before anything runs", async () => {
    const folder = folderWith(
      [
        "NOTION_TOKEN=ntn_file",
        "this line is a typo",
        "NOTION_BASE_URL=http://127.0.0.1:4010",
        "MARGIN MODEL=x",
      ].join("\n"),
    );

    const error = (() => {
      try {
        loadDotEnv(folder, {});
      } catch (caught) {
        return caught;
      }
    })();
    const run = await runMargin(["review", "some-page", "--prompt", "RFC Reviewer"], {}, folder);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('line 2: "this line is a typo"; line 4: "MARGIN MODEL=x"');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /\.env has lines that are not NAME=value: line 2: "this line is a typo"; line 4/,
    );
  });
});
