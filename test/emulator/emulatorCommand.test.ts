import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIResponseError } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { emulatorClient } from "../support/notionClient.ts";
import { runScript, type SpawnedServer, spawnServer } from "../support/spawnServer.ts";

let server: SpawnedServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function seedFile(seed: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "margin-seed-")), "seed.json");
  writeFileSync(file, JSON.stringify(seed));
  return file;
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
});
