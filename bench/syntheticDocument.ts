/**
 * Realistic synthetic documents for the benchmark: headings, paragraphs of ordinary length, nested lists,
 * to-dos, toggles, tables and code, with discussions spread over the blocks. Deterministic for a size.
 */
import { seededRandom } from "../emulators/notion/http/seededRandom.ts";

const WORDS = (
  "the service shard cluster rollout latency owner team plan migrate database users login session request " +
  "cache queue worker deploy rollback alert metric threshold capacity budget quarter milestone risk review " +
  "approver security privacy platform api contract schema index replica primary failover traffic region " +
  "we will should must can before after during because so that while which every each most some new old " +
  "data write read peak load test staging production customer support incident postmortem goal result"
).split(" ");

function sentence(random: () => number, words = 8 + Math.floor(random() * 16)): string {
  const picked = Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]!);
  const text = picked.join(" ");
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

export interface SyntheticDocument {
  seed: Record<string, unknown>;
  blockCount: number;
  threadCount: number;
}

/** A page of about `blocks` blocks (nesting included) with `threads` discussions. */
export function syntheticDocument(blocks: number, threads: number): SyntheticDocument {
  const random = seededRandom(blocks * 7919 + threads);
  const seedBlocks: Array<Record<string, unknown>> = [];
  const ids: string[] = [];
  let count = 0;
  const add = (parent: string, type: string, content: Record<string, unknown>) => {
    count += 1;
    const id = `blk-${count}`;
    seedBlocks.push({
      id,
      parent: parent === "doc" ? { page_id: "doc" } : { block_id: parent },
      type,
      [type]: content,
    });
    if (type !== "table") ids.push(id);
    return id;
  };
  const text = (rich_text: string) => ({ rich_text });
  let section = 0;
  while (count < blocks) {
    section += 1;
    add("doc", "heading_2", text(`Section ${section}: ${sentence(random, 3).slice(0, -1)}`));
    const shape = section % 5;
    if (shape === 0) {
      const table = add("doc", "table", { table_width: 3, has_column_header: true, has_row_header: false });
      add(table, "table_row", { cells: ["Milestone", "Owner", "Date"] });
      for (let row = 0; row < 3; row++)
        add(table, "table_row", {
          cells: [sentence(random, 3).slice(0, -1), "Identity team", `2026-12-0${row + 1}`],
        });
    } else if (shape === 1) {
      for (let item = 0; item < 3; item++) {
        const bullet = add("doc", "bulleted_list_item", text(sentence(random)));
        for (let child = 0; child < 2; child++) {
          const nested = add(bullet, "bulleted_list_item", text(sentence(random)));
          if (child === 0) add(nested, "to_do", { rich_text: sentence(random, 6), checked: random() < 0.5 });
        }
      }
    } else if (shape === 2) {
      const toggle = add("doc", "toggle", text("Details"));
      add(toggle, "paragraph", text(`${sentence(random)} ${sentence(random)}`));
      add("doc", "code", {
        rich_text: "SELECT user_id, count(*) FROM user_logins GROUP BY user_id;",
        language: "sql",
      });
    } else {
      for (let paragraph = 0; paragraph < 3; paragraph++)
        add("doc", "paragraph", text(`${sentence(random)} ${sentence(random)}`));
      add("doc", "numbered_list_item", text(sentence(random)));
      add("doc", "numbered_list_item", text(sentence(random)));
    }
  }
  const comments: Array<Record<string, unknown>> = [];
  for (let thread = 0; thread < threads; thread++) {
    const anchor = ids[Math.floor(((thread + 0.5) / threads) * ids.length)]!;
    comments.push({
      discussion_id: `thread-${thread}`,
      parent: { block_id: anchor },
      created_by: { id: "ana" },
      text: `${sentence(random, 12)} What do you think?`,
    });
    if (thread % 2 === 0)
      comments.push({
        discussion_id: `thread-${thread}`,
        created_by: { id: "bo" },
        text: sentence(random, 10),
      });
  }
  return {
    blockCount: count,
    threadCount: threads,
    seed: {
      users: [
        { id: "ana", name: "Ana Author" },
        { id: "bo", name: "Bo Builder" },
        { id: "margin-bot", name: "Margin", type: "bot" },
      ],
      pages: [
        {
          id: "doc",
          parent: { database_id: "docs" },
          title: `RFC: synthetic document of ${blocks} blocks`,
          properties: { Status: "In review", Owner: ["ana"], Approvers: [] },
        },
        { id: "home", parent: { workspace: true }, title: "Home" },
      ],
      databases: [
        {
          id: "docs",
          parent: { page_id: "home" },
          title: "RFCs",
          properties: {
            Name: { type: "title" },
            Status: { type: "status", status: { options: [{ name: "Draft" }, { name: "In review" }] } },
            Owner: { type: "people" },
            Approvers: { type: "people" },
          },
        },
      ],
      blocks: seedBlocks,
      comments,
    },
  };
}
