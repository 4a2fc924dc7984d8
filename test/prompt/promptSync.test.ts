/**
 * `margin prompts push` and `pull` against the Notion emulator, with the real library: push creates the
 * databases and every page, and a second push writes nothing; pull writes the pages back byte for byte, and
 * a push after a pull is a no-op; edits on either side travel; an existing Prompts database is completed,
 * and one with a property of the wrong type is refused before anything is written.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import type { NotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { createNotionClient } from "../../lambda/notion/createNotionClient.ts";
import { promptsDatabaseSchema } from "../../lambda/notion/promptsDatabaseSchema.ts";
import { emptyWorkspace, LIBRARY_FOLDER, LIBRARY_TOKEN, startWorkspace } from "../support/libraryWorld.ts";
import { runMargin } from "../support/runMargin.ts";

const HOME = idFor("home");
let notion: NotionEmulator | undefined;
afterEach(async () => {
  await notion?.close();
  notion = undefined;
});

/** A copy of the library to push from or pull into. */
function libraryCopy(): string {
  const folder = join(mkdtempSync(join(tmpdir(), "margin-library-")), "prompts");
  cpSync(LIBRARY_FOLDER, folder, { recursive: true });
  return folder;
}

function emptyFolder(): string {
  return join(mkdtempSync(join(tmpdir(), "margin-library-")), "prompts");
}

function prompts(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runMargin(
    ["prompts", ...args],
    {
      NOTION_TOKEN: LIBRARY_TOKEN,
      NOTION_BASE_URL: notion!.url,
      MARGIN_NOTION_REQUESTS_PER_MINUTE: "100000",
      ...env,
    },
    tmpdir(),
  );
}

/** Requests that change something in Notion, by endpoint. */
function writes(): Record<string, number> {
  const { endpoints } = notion!.counters.snapshot();
  return Object.fromEntries(
    Object.entries(endpoints)
      .filter(([endpoint]) => /^(POST|PATCH|DELETE) /.test(endpoint) && !/\/query$|\/search$/.test(endpoint))
      .map(([endpoint, count]) => [endpoint, count.requests]),
  );
}

function sdk(): Client {
  return createNotionClient({
    token: LIBRARY_TOKEN,
    baseUrl: notion!.url,
    requestsPerMinute: 100_000,
  });
}

/** The library's files: the reviewers and references (the labelled documents in `eval/` live only in files). */
function files(folder: string): Record<string, string> {
  const read = (dir: string, prefix: string): Array<[string, string]> =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      `${prefix}${entry.name}` === "eval"
        ? []
        : entry.isDirectory()
          ? read(join(dir, entry.name), `${prefix}${entry.name}/`)
          : [[`${prefix}${entry.name}`, readFileSync(join(dir, entry.name), "utf8")] as [string, string]],
    );
  return Object.fromEntries(read(folder, ""));
}

function databaseIdIn(output: string): string {
  const match = /MARGIN_PROMPTS_DATABASE=([0-9a-f]{32})/.exec(output);
  if (!match) throw new Error(`No database id in: ${output}`);
  return match[1]!;
}

/** A workspace whose Prompts database (seed name `old-prompts`) has a title and these properties only. */
function withPromptsDatabase(properties: Record<string, unknown>) {
  return {
    ...emptyWorkspace(),
    databases: [
      {
        id: "old-prompts",
        parent: { page_id: "home" },
        title: "Prompts",
        data_sources: [{ id: "old-source" }],
      },
    ],
    data_sources: [
      {
        id: "old-source",
        parent: { database_id: "old-prompts" },
        properties: { Name: { type: "title", title: {} }, ...properties },
      },
    ],
  };
}

describe("margin prompts push", () => {
  it("creates the Prompts and Reviewer references databases on the parent page with every reviewer, and a second push writes nothing", async () => {
    notion = await startWorkspace(emptyWorkspace());
    const folder = libraryCopy();

    const first = await prompts(["push", "--parent", HOME, "--folder", folder]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Reviewer references database: created on page");
    expect(first.stdout).toContain("Prompts database: created on page");
    expect(first.stdout).toContain('Reference page "Architecture principles": created.');
    expect(first.stdout).toContain('Reviewer "RFC Reviewer": created.');
    expect(first.stdout).toContain("Created 8, updated 0, left alone 0.");

    // The database carries every setting with its options, and the relation to the references.
    const client = sdk();
    const database = await client.databases.retrieve({ database_id: databaseIdIn(first.stdout) });
    const source = await client.dataSources.retrieve({
      data_source_id: (database as { data_sources: Array<{ id: string }> }).data_sources[0]!.id,
    });
    const schema = (
      source as {
        properties: Record<string, { type: string; select?: { options: Array<{ name: string }> } }>;
      }
    ).properties;
    for (const [name, definition] of Object.entries(promptsDatabaseSchema("any"))) {
      if (definition.type !== "title") expect(schema[name]?.type, name).toBe(definition.type);
    }
    expect(schema.Provider!.select!.options.map((option) => option.name)).toEqual([
      "openai",
      "anthropic",
      "bedrock",
    ]);

    notion.counters.reset();
    const second = await prompts(["push", "--parent", HOME, "--folder", folder]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("Created 0, updated 0, left alone 8.");
    expect(second.stdout).toContain('Reviewer "OKR Reviewer": left alone (unchanged).');
    expect(writes()).toEqual({});
  });

  it("updates what changed in a file, body and settings, says what, and leaves the rest alone", async () => {
    notion = await startWorkspace(emptyWorkspace());
    const folder = libraryCopy();
    const pushed = await prompts(["push", "--parent", HOME, "--folder", folder]);
    const database = databaseIdIn(pushed.stdout);

    const file = join(folder, "okr-reviewer.md");
    const text = readFileSync(file, "utf8")
      .replace(/max_inline_comments: \d+/, "max_inline_comments: 2")
      .replace(/\n## Tone\n/, "\n## Tone\n\nKeep it to two sentences per comment.\n");
    writeFileSync(file, text);
    const again = await prompts(["push", "--database", database, "--folder", folder]);

    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Reviewer "OKR Reviewer": updated (body; Max inline comments).');
    expect(again.stdout).toContain("Created 0, updated 1, left alone 7.");
    const pulled = emptyFolder();
    await prompts(["pull", "--database", database, "--folder", pulled]);
    expect(readFileSync(join(pulled, "okr-reviewer.md"), "utf8")).toBe(text);
  });

  it("completes an existing Prompts database: adds the properties and options it lacks and the references database next to it", async () => {
    notion = await startWorkspace(
      withPromptsDatabase({
        Provider: { type: "select", select: { options: [{ name: "openai" }] } },
        Model: { type: "rich_text", rich_text: {} },
      }),
    );
    const run = await prompts(["push", "--folder", libraryCopy()], {
      MARGIN_PROMPTS_DATABASE: idFor("old-prompts"),
    });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Reviewer references database: created on page");
    expect(run.stdout).toMatch(
      /Prompts database: added the properties Max inline comments, Minimum inline severity, .*, Reference pages, the options anthropic, bedrock of Provider\./,
    );
    expect(run.stdout).toContain("Created 8, updated 0, left alone 0.");
  });

  it("refuses a Prompts database with a property of the wrong type, writing nothing", async () => {
    notion = await startWorkspace(
      withPromptsDatabase({
        Model: { type: "select", select: { options: [{ name: "gpt-5-mini" }] } },
      }),
    );
    notion.counters.reset();
    const run = await prompts(["push", "--database", idFor("old-prompts"), "--folder", libraryCopy()]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"Model" is select and should be rich_text');
    expect(run.stderr).toContain("Nothing was written.");
    expect(writes()).toEqual({});
  });

  it("pushes nothing while the library has problems", async () => {
    notion = await startWorkspace(emptyWorkspace());
    const folder = libraryCopy();
    writeFileSync(join(folder, "broken.md"), "---\ntitle: Broken\nsummary: sometimes\n---\nBody.\n");
    notion.counters.reset();
    const run = await prompts(["push", "--parent", HOME, "--folder", folder]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("broken.md: field summary: should be one of: update, new, off.");
    expect(run.stderr).toContain("Nothing was pushed");
    expect(writes()).toEqual({});
  });
});

describe("margin prompts pull", () => {
  it("writes every page back as the library's own files, byte for byte, and a push after it is a no-op", async () => {
    notion = await startWorkspace(emptyWorkspace());
    const pushed = await prompts(["push", "--parent", HOME, "--folder", libraryCopy()]);
    const database = databaseIdIn(pushed.stdout);

    const folder = emptyFolder();
    const pull = await prompts(["pull", "--database", database, "--folder", folder]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain("Wrote 8 new files, updated 0, left 0 unchanged.");
    expect(files(folder)).toEqual(files(LIBRARY_FOLDER));

    notion.counters.reset();
    const push = await prompts(["push", "--database", database, "--folder", folder]);
    expect(push.stdout).toContain("Created 0, updated 0, left alone 8.");
    expect(writes()).toEqual({});
  });

  it("brings edits made in Notion into the files, leaving the others untouched, and a push after it is a no-op", async () => {
    notion = await startWorkspace(emptyWorkspace());
    const folder = libraryCopy();
    const pushed = await prompts(["push", "--parent", HOME, "--folder", folder]);
    const database = databaseIdIn(pushed.stdout);
    const client = sdk();
    const source = (await client.databases.retrieve({ database_id: database })) as {
      data_sources: Array<{ id: string }>;
    };
    const pages = await client.dataSources.query({ data_source_id: source.data_sources[0]!.id });
    const titleOf = (page: unknown) =>
      (page as { properties: { Name: { title: Array<{ plain_text: string }> } } }).properties.Name.title[0]
        ?.plain_text;
    const postmortem = pages.results.find((page) => titleOf(page) === "Postmortem Reviewer")!;

    // Someone in Notion turns replies off and adds a line to the instructions.
    await client.pages.update({
      page_id: postmortem.id,
      properties: { "Reply in threads": { checkbox: false } },
    });
    await client.blocks.children.append({
      block_id: postmortem.id,
      children: [
        { paragraph: { rich_text: [{ text: { content: "Always ask who was paged, and when." } }] } },
      ],
    });
    const before = files(folder);

    const pull = await prompts(["pull", "--database", database, "--folder", folder]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain('Reviewer "Postmortem Reviewer": updated');
    expect(pull.stdout).toContain("Wrote 0 new files, updated 1, left 7 unchanged.");
    const after = files(folder);
    expect(after["postmortem-reviewer.md"]).toContain("reply_in_threads: false");
    expect(after["postmortem-reviewer.md"]).toMatch(/Always ask who was paged, and when\.\n$/);
    for (const name of Object.keys(before)) {
      if (name !== "postmortem-reviewer.md") expect(after[name], name).toBe(before[name]);
    }

    notion.counters.reset();
    const push = await prompts(["push", "--database", database, "--folder", folder]);
    expect(push.stdout).toContain("Created 0, updated 0, left alone 8.");
    expect(writes()).toEqual({});
  });

  it("says where to look when there is no Prompts database yet", async () => {
    notion = await startWorkspace(emptyWorkspace());
    const run = await prompts(["pull", "--folder", emptyFolder()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "Say where the Prompts database is: --database <id or URL> (or MARGIN_PROMPTS_DATABASE)",
    );
  });
});
