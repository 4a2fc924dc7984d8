import { isFullPage } from "@notionhq/client";
import { afterEach, describe, expect, it } from "vitest";
import { idFor } from "../../emulators/notion/model/notionIds.ts";
import { SeedError, seedWorkspace } from "../../emulators/notion/model/seedWorkspace.ts";
import { type NotionEmulator, startNotionEmulator } from "../../emulators/notion/NotionEmulator.ts";
import { emulatorClient } from "../support/notionClient.ts";

let emulator: NotionEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const rfcsDatabase = {
  id: "rfcs",
  parent: { page_id: "home" },
  title: "RFCs",
  properties: {
    Name: { type: "title" },
    Status: {
      type: "status",
      status: { options: [{ name: "Draft" }, { name: "In review" }, { name: "Done" }] },
    },
    Approvers: { type: "people" },
    Ready: { type: "checkbox" },
  },
};

const users = [
  { id: "ana", name: "Ana Approver" },
  { id: "bot", name: "Margin", type: "bot" },
];

describe("seeding the emulator", () => {
  it("refuses a seed whose object does not fit, naming the object", () => {
    expect(() => seedWorkspace({ users, pages: [{ id: "doc", title: "No parent" }] })).toThrow(
      /seed pages\[0\] \(id "doc"\) field parent/,
    );
    expect(() => seedWorkspace({ users, pages: [{ id: "doc", parent: { page_id: "nowhere" } }] })).toThrow(
      /seed pages\[0\].*its parent .* is not in the seed/,
    );
    expect(() =>
      seedWorkspace({
        users,
        comments: [{ parent: { page_id: "x" }, created_by: { id: "ghost" }, text: "hi" }],
      }),
    ).toThrow(SeedError);
    expect(() =>
      seedWorkspace({
        users,
        blocks: [{ id: "b", parent: { workspace: true }, type: "paragraph", paragraph: {} }],
      }),
    ).toThrow(/seed blocks\[0\]/);
    expect(() => seedWorkspace({ users, widgets: [] })).toThrow(/seed/);
  });

  it("accepts ids with or without dashes and derives has_children from the blocks' parents", async () => {
    emulator = await startNotionEmulator({
      seed: {
        users,
        pages: [{ id: "2a1c4e6f9b3d8099a1b2c3d4e5f6a7b8", parent: { workspace: true }, title: "Plan" }],
        blocks: [
          {
            id: "11111111-2222-4333-8444-555555555555",
            parent: { page_id: "2a1c4e6f-9b3d-8099-a1b2-c3d4e5f6a7b8" },
            type: "toggle",
            toggle: { rich_text: [{ text: { content: "Details" } }] },
          },
          {
            id: "66666666777748889999aaaaaaaaaaaa",
            parent: { block_id: "11111111222243338444555555555555" },
            type: "paragraph",
            paragraph: { rich_text: "Inside" },
          },
        ],
      },
    });
    const notion = emulatorClient(emulator.url);

    const toggle = await notion.blocks.retrieve({ block_id: "11111111222243338444555555555555" });
    const children = await notion.blocks.children.list({ block_id: "11111111-2222-4333-8444-555555555555" });

    expect(toggle).toMatchObject({
      has_children: true,
      type: "toggle",
      parent: { type: "page_id", page_id: "2a1c4e6f-9b3d-8099-a1b2-c3d4e5f6a7b8" },
    });
    expect(children.results[0]).toMatchObject({
      id: "66666666-7777-4888-9999-aaaaaaaaaaaa",
      has_children: false,
      created_by: { object: "user" },
      paragraph: {
        rich_text: [{ plain_text: "Inside", annotations: { bold: false, color: "default" }, href: null }],
        color: "default",
      },
    });
  });

  it("turns a page written in markdown into blocks, with named block ids", async () => {
    emulator = await startNotionEmulator({
      seed: {
        users,
        pages: [
          {
            id: "rfc",
            parent: { workspace: true },
            title: "RFC",
            markdown: [
              "## Rollout ^rollout",
              "We ship **everything** at once. ^ship",
              "",
              "- Phase one",
              "  - [ ] Migrate *half* ^migrate",
              "",
              "| Owner | Date |",
              "| --- | --- |",
              "| Ana | May |",
            ].join("\n"),
          },
        ],
      },
    });
    const notion = emulatorClient(emulator.url);

    const top = await notion.blocks.children.list({ block_id: idFor("rfc") });
    const nested = await notion.blocks.children.list({ block_id: top.results[2]!.id });
    const ship = await notion.blocks.retrieve({ block_id: idFor("ship") });

    expect(top.results.map((block) => ("type" in block ? block.type : ""))).toEqual([
      "heading_2",
      "paragraph",
      "bulleted_list_item",
      "table",
    ]);
    expect(top.results[0]!.id).toBe(idFor("rollout"));
    expect(ship).toMatchObject({
      paragraph: {
        rich_text: [
          { plain_text: "We ship " },
          { plain_text: "everything", annotations: { bold: true } },
          { plain_text: " at once." },
        ],
      },
    });
    expect(nested.results[0]).toMatchObject({
      id: idFor("migrate"),
      type: "to_do",
      to_do: { checked: false },
    });
  });

  it("fills database properties, and queries a data source by title, status and people", async () => {
    emulator = await startNotionEmulator({
      seed: {
        users,
        pages: [
          { id: "home", parent: { workspace: true }, title: "Home" },
          {
            id: "rfc-1",
            parent: { database_id: "rfcs" },
            title: "Shard logins",
            properties: { Status: "In review", Approvers: ["ana"], Ready: true },
          },
          {
            id: "rfc-2",
            parent: { database_id: "rfcs" },
            title: "Rename service",
            properties: { Status: "Draft" },
          },
        ],
        databases: [rfcsDatabase],
      },
    });
    const notion = emulatorClient(emulator.url);
    const database = await notion.databases.retrieve({ database_id: idFor("rfcs") });
    const dataSourceId = "data_sources" in database ? database.data_sources[0]!.id : "";

    const inReview = await notion.dataSources.query({
      data_source_id: dataSourceId,
      filter: { property: "Status", status: { equals: "In review" } },
    });
    const byTitle = await notion.dataSources.query({
      data_source_id: dataSourceId,
      filter: {
        and: [
          { property: "Name", title: { contains: "rename" } },
          { property: "Ready", checkbox: { equals: false } },
        ],
      },
    });
    const sorted = await notion.dataSources.query({
      data_source_id: dataSourceId,
      sorts: [{ property: "Name", direction: "ascending" }],
      page_size: 1,
    });
    const page = await notion.pages.retrieve({ page_id: idFor("rfc-1") });

    expect(inReview.results.map((result) => result.id)).toEqual([idFor("rfc-1")]);
    expect(byTitle.results.map((result) => result.id)).toEqual([idFor("rfc-2")]);
    expect(sorted).toMatchObject({ has_more: true, results: [{ id: idFor("rfc-2") }] });
    if (!isFullPage(page)) throw new Error("partial page");
    expect(page.parent).toEqual({
      type: "data_source_id",
      data_source_id: dataSourceId,
      database_id: idFor("rfcs"),
    });
    expect(page.properties.Approvers).toMatchObject({
      type: "people",
      people: [{ object: "user", id: idFor("ana"), name: "Ana Approver" }],
    });
    expect(page.properties.Status).toMatchObject({ type: "status", status: { name: "In review" } });
    await expect(
      notion.dataSources.query({
        data_source_id: dataSourceId,
        filter: { property: "Nope", rich_text: { equals: "x" } },
      }),
    ).rejects.toMatchObject({
      code: "validation_error",
      message: "Could not find property with name or id: Nope",
    });
    await expect(
      notion.pages.update({
        page_id: idFor("rfc-1"),
        properties: { Status: { status: { name: "Shipped" } } },
      }),
    ).rejects.toMatchObject({
      code: "validation_error",
      message: expect.stringContaining('Status option "Shipped" does not exist'),
    });
  });
});
