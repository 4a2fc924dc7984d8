import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type APIResponseError, isFullDatabase, isFullPage } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { emulatorClient } from "../support/notionClient.ts";
import { runScript, type SpawnedServer, spawnServer } from "../support/spawnServer.ts";

let server: SpawnedServer | undefined;
let occupier: Server | undefined;
let stopPrinting: (() => Promise<void>) | undefined;
afterEach(async () => {
  occupier?.close();
  occupier = undefined;
  await stopPrinting?.();
  stopPrinting = undefined;
  await server?.stop();
  server = undefined;
});

function seedFile(seed: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "margin-seed-")), "seed.json");
  writeFileSync(file, JSON.stringify(seed));
  return file;
}

/** A port on 127.0.0.1 another process holds, as a busy port is. */
async function busyPort(): Promise<number> {
  occupier = createServer();
  occupier.listen(0, "127.0.0.1");
  await once(occupier, "listening");
  return (occupier.address() as { port: number }).port;
}

/** Starts a server and waits until it has printed `lines` lines on stdout; the afterEach stops it. */
async function startPrinting(script: string, args: string[], lines: number): Promise<string[]> {
  const { child, finished } = runScript(script, args);
  let stdout = "";
  const printed = new Promise<string[]>((resolve) =>
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const all = stdout.split("\n").filter(Boolean);
      if (all.length >= lines) resolve(all);
    }),
  );
  stopPrinting = async () => {
    child.kill("SIGTERM");
    await finished;
  };
  return Promise.race([printed, finished.then((result) => Promise.reject(new Error(result.stderr)))]);
}

const seed = {
  users: [
    { id: "ana", name: "Ana" },
    { id: "bot", name: "Margin", type: "bot" },
  ],
  pages: [{ id: "doc", parent: { workspace: true }, title: "Doc", markdown: "Claim ^claim" }],
};

describe("npm run emulator", () => {
  it("prints its address when ready and serves the Notion API and the control API", async () => {
    server = await spawnServer("emulators/notion/main.ts", [
      "--port",
      "0",
      "--seed",
      seedFile(seed),
      "--token",
      "secret-token",
    ]);
    const notion = emulatorClient(server.url, { auth: "secret-token" });

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const comment = await fetch(`${server.url}/__emulator/comments`, {
      method: "POST",
      body: JSON.stringify({ author: "ana", block_id: "claim", text: "Source?" }),
    }).then((response) => response.json() as Promise<{ id: string; discussion_id: string }>);
    const listed = await notion.comments.list({ block_id: idFor("claim") });
    await fetch(`${server.url}/__emulator/discussions/${comment.discussion_id}/resolve`, { method: "POST" });
    const afterResolve = await notion.comments.list({ block_id: idFor("claim") });
    const counters = (await fetch(`${server.url}/__emulator/requests`).then((response) =>
      response.json(),
    )) as { endpoints: Record<string, unknown> };
    const state = (await fetch(`${server.url}/__emulator/state`).then((response) => response.json())) as {
      comments: unknown[];
    };

    expect(listed.results.map((item) => item.id)).toEqual([comment.id]);
    expect(afterResolve.results).toEqual([]);
    expect(counters.endpoints["GET /v1/comments"]).toEqual({
      requests: 2,
      rateLimited: 0,
      injectedFailures: 0,
    });
    expect(state.comments).toEqual([expect.objectContaining({ id: comment.id, resolved: true })]);
  });

  it("prints each seeded page and database with its title, id and the URL its API answers give", async () => {
    const workspace = {
      users: [{ id: "bot", name: "Margin", type: "bot" }],
      pages: [
        { id: "home", parent: { workspace: true }, title: "Engineering" },
        { id: "rfc", parent: { database_id: "rfcs" }, title: "Shard the logins database" },
      ],
      databases: [{ id: "rfcs", parent: { page_id: "home" }, title: "RFCs", properties: {} }],
    };

    const lines = await startPrinting("emulators/notion/main.ts", ["--seed", seedFile(workspace)], 4);
    const notion = emulatorClient(lines[0]!.replace("listening on ", ""));
    const home = await notion.pages.retrieve({ page_id: idFor("home") });
    const rfc = await notion.pages.retrieve({ page_id: idFor("rfc") });
    const rfcs = await notion.databases.retrieve({ database_id: idFor("rfcs") });

    expect(lines[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    if (!isFullPage(home) || !isFullPage(rfc) || !isFullDatabase(rfcs)) throw new Error("partial objects");
    expect(lines.slice(1)).toEqual([
      `  page "Engineering" ${idFor("home")} ${home.url}`,
      `  page "Shard the logins database" ${idFor("rfc")} ${rfc.url}`,
      `  database "RFCs" ${idFor("rfcs")} ${rfcs.url}`,
    ]);
    expect(rfc.url).toBe(
      `https://app.notion.com/p/Shard-the-logins-database-${idFor("rfc").replaceAll("-", "")}`,
    );
  });

  it("says in one line, without a stack, that its port is in use and what to do", async () => {
    const port = await busyPort();

    const result = await runScript("emulators/notion/main.ts", ["--port", String(port)]).finished;

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `emulator: port ${port} on 127.0.0.1 is in use by another process: stop it, or choose another with --port <p> (0 picks a free one).\n`,
    );
  });

  it("refuses a port that is not a number in one line", async () => {
    const result = await runScript("emulators/notion/main.ts", ["--port", "abc"]).finished;

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "emulator: --port: should be a port number from 0 to 65535 (0 picks a free one)\n",
    );
  });

  it("refuses a seed that does not fit with a message naming the object, and exits", async () => {
    const { finished } = runScript("emulators/notion/main.ts", [
      "--seed",
      seedFile({ pages: [{ id: "doc", parent: { page_id: "missing" } }] }),
    ]);

    const result = await finished;

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/seed pages\[0\] \(id "doc"\).*not in the seed/);
  });

  it("takes Notion's window rate limits from --requests-per-minute, --workspace-requests-per-minute and --window-seconds", async () => {
    server = await spawnServer("emulators/notion/main.ts", [
      "--seed",
      seedFile(seed),
      "--requests-per-minute",
      "2",
      "--workspace-requests-per-minute",
      "100",
      "--window-seconds",
      "60",
    ]);
    const notion = emulatorClient(server.url, { retry: false });

    await notion.users.me({});
    await notion.users.me({});
    const over = (await notion.users.me({}).catch((error: unknown) => error)) as APIResponseError;
    const settings = (await fetch(`${server.url}/__emulator/settings`, { method: "PATCH", body: "{}" }).then(
      (response) => response.json(),
    )) as Record<string, unknown>;

    expect(over).toMatchObject({
      status: 429,
      code: "rate_limited",
      additional_data: { rate_limit_reason: "connection_rate_limit" },
    });
    // The window started with the first request: the wait is what is left of its 60 s.
    const retryAfter = Number((over.headers as Headers).get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(settings).toMatchObject({
      requestsPerMinute: 2,
      workspaceRequestsPerMinute: 100,
      windowSeconds: 60,
    });
  });

  it("refuses a window of no length", async () => {
    const { finished } = runScript("emulators/notion/main.ts", ["--window-seconds", "0"]);

    const result = await finished;

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--window-seconds/);
  });

  it("rejects an unknown flag with a clear message", async () => {
    const { finished } = runScript("emulators/notion/main.ts", ["--rate", "3"]);

    const result = await finished;

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--rate/);
  });
});

describe("npm run llm-fake", () => {
  it("serves a script file to the OpenAI SDK", async () => {
    const script = seedFile([{ choices: [{ message: { role: "assistant", content: "Looks good." } }] }]);
    server = await spawnServer("emulators/llm/main.ts", [
      "--provider",
      "openai",
      "--port",
      "0",
      "--script",
      script,
    ]);
    const { default: OpenAI } = await import("openai");

    const completion = await new OpenAI({
      apiKey: "sk-test",
      baseURL: server.url,
      maxRetries: 0,
    }).chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "Review" }],
    });

    expect(completion.choices[0]!.message.content).toBe("Looks good.");
  });

  it("says in one line, without a stack, that its port is in use and what to do", async () => {
    const port = await busyPort();

    const result = await runScript("emulators/llm/main.ts", ["--provider", "openai", "--port", String(port)])
      .finished;

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `llm-fake: port ${port} on 127.0.0.1 is in use by another process: stop it, or choose another with --port <p> (0 picks a free one).\n`,
    );
  });

  it("refuses a script with a wrong entry before it listens, naming the entry and the field", async () => {
    const script = seedFile([
      { $turn: { text: "Reading." } },
      { $error: { status: 429 } },
      {
        choices: [
          {
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                { type: "function", function: { name: "finish_review", arguments: { summary: "Ok" } } },
              ],
            },
          },
        ],
      },
    ]);

    const result = await runScript("emulators/llm/main.ts", ["--provider", "openai", "--script", script])
      .finished;

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `llm-fake: ${script} entry 3 (choices[0].message.tool_calls[0].function.arguments): should be a string of JSON, as the API sends a call's arguments (JSON.stringify the object)\n`,
    );
  });

  it("refuses a script that is not JSON in one line", async () => {
    const script = join(mkdtempSync(join(tmpdir(), "margin-script-")), "script.json");
    writeFileSync(script, "[{ $turn: {} }]");

    const result = await runScript("emulators/llm/main.ts", ["--provider", "openai", "--script", script])
      .finished;

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^llm-fake: cannot read script ${script}: .*JSON.*\n$`));
  });
});
