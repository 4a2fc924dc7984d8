import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ReviewWorld, turnFor } from "../support/reviewWorld.ts";
import { runMargin } from "../support/runMargin.ts";
import { runScript } from "../support/spawnServer.ts";

let world: ReviewWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("the margin executable", () => {
  it("runs a review from the command line, with progress on stderr and the result on stdout", async () => {
    world = await ReviewWorld.start({
      provider: "openai",
      script: [
        turnFor("openai", [
          [
            "comment_on_block",
            { block: "b5", quote: "one weekend", severity: "major", comment: "Stage it." },
          ],
          ["finish_review", { summary: "Not ready." }],
        ]),
      ],
    });
    const { finished } = runScript(
      "bin/margin.js",
      ["review", world.pageId, "--prompt", "RFC Reviewer", "--dry-run"],
      world.env(),
    );

    const result = await finished;

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Read "RFC: Shard logins": 9 blocks, 0 open discussions.');
    expect(result.stdout).toContain('b5 "Move every user in one weekend." [not posted (dry run)]');
  });

  it("prints its usage", async () => {
    const { finished } = runScript("bin/margin.js", ["--help"], {});

    const result = await finished;

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("margin review <page id or URL> --prompt <name or id>");
  });

  it("answers --help on every command with that command's usage", async () => {
    for (const command of ["review", "serve", "demo", "prompts", "eval", "events", "stats"]) {
      const run = await runMargin([command, "--help"], {});
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toMatch(new RegExp(`^Usage:\\n {2}margin ${command}`));
    }
  });

  it("reads the Prompts database when margin serve starts, and stops at once when it is not there", async () => {
    world = await ReviewWorld.start({ provider: "openai" });
    const env = world.env({ MARGIN_WEBHOOK_SECRET: "whsec_test", MARGIN_PROMPTS_DATABASE: "0".repeat(32) });

    const run = await runMargin(["serve", "--port", "0"], env);

    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(run.stderr).toContain("is not shared with Margin's connection or does not exist");
  });

  it("answers a misspelled command with the closest one", async () => {
    const run = await runMargin(["reveiw", "some-page"], {});

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^margin: unknown command "reveiw": did you mean review\?\n/);
  });

  it("answers a misspelled option with the closest one the command has", async () => {
    const run = await runMargin(["review", "some-page", "--prompt", "RFC Reviewer", "--dryrun"], {});

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^margin: unknown option --dryrun: did you mean --dry-run\?\nUsage:\n {2}margin review/,
    );
    expect(run.stderr).not.toContain('-- "--dryrun"');
  });

  it("answers a port in use for margin serve in one line that says what to do", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", () => resolve()));
    const port = (busy.address() as AddressInfo).port;
    try {
      const run = await runMargin(["serve", "--port", String(port)], {
        NOTION_TOKEN: "ntn_test",
        MARGIN_PROMPTS_DATABASE: "2a1c4e6f9b3d8099a1b2c3d4e5f6a7b8",
        MARGIN_WEBHOOK_SECRET: "whsec_test",
        OPENAI_API_KEY: "sk-test",
        MARGIN_LEDGER_FILE: join(mkdtempSync(join(tmpdir(), "margin-serve-")), "ledger.json"),
      });

      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `margin: 127.0.0.1:${port} is in use: stop what listens there, or choose another port with --port.\n`,
      );
    } finally {
      busy.close();
    }
  });

  it("names the address it tried when Notion cannot be reached", async () => {
    // A port nothing listens on: the one a server had until it closed.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const run = await runMargin(["review", "2a1c4e6f9b3d8099a1b2c3d4e5f6a7b8", "--prompt", "RFC Reviewer"], {
      NOTION_TOKEN: "ntn_test",
      NOTION_BASE_URL: `http://127.0.0.1:${port}`,
      MARGIN_PROMPTS_DATABASE: "2a1c4e6f9b3d8099a1b2c3d4e5f6a7b8",
      OPENAI_API_KEY: "sk-test",
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `margin: Could not reach Notion at http://127.0.0.1:${port} (ECONNREFUSED).`,
    );
    expect(run.stderr).toContain("Check NOTION_BASE_URL");
  });

  it("says a missing model key before it reads anything of Notion", async () => {
    world = await ReviewWorld.start({ provider: "anthropic" });
    const env = world.env();
    delete env.ANTHROPIC_API_KEY;

    const run = await runMargin(["review", world.pageId, "--prompt", "RFC Reviewer"], env);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ANTHROPIC_API_KEY/);
    expect(world.emulator.counters.snapshot().total.requests).toBe(0);
  });
});
