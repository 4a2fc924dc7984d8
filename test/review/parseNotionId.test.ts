/**
 * Reading the Notion id out of whatever a person pastes: ids, and the addresses Notion gives pages and
 * databases, old (www.notion.so) and new (app.notion.com), public (notion.site) and opened over a view.
 */
import { describe, expect, it } from "vitest";
import { parseNotionId } from "../../lambda/review/model/parseNotionId.ts";

const PAGE = "2a1c4e6f-9b3d-8099-a1b2-c3d4e5f6a7b8";
const PAGE_HEX = PAGE.replaceAll("-", "");
const DATABASE_HEX = "393abc1eedcd80f3813be205934558c6";
const VIEW_HEX = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

describe("parseNotionId", () => {
  it.each([
    ["a dashed id", PAGE],
    ["an id without dashes", PAGE_HEX],
    ["an id in capitals", PAGE_HEX.toUpperCase()],
    ["a www.notion.so page address with its title", `https://www.notion.so/RFC-Shard-the-logins-${PAGE_HEX}`],
    ["an app.notion.com address", `https://app.notion.com/p/RFC-Shard-the-logins-${PAGE_HEX}`],
    ["a workspace address without a scheme", `notion.so/acme/${PAGE_HEX}#block-1`],
    ["a public notion.site address", `https://acme.notion.site/${PAGE_HEX}`],
    [
      "a page opened over a database view",
      `https://www.notion.so/acme/${DATABASE_HEX}?v=${VIEW_HEX}&p=${PAGE_HEX}&pm=s`,
    ],
    ["a page_id parameter", `https://www.notion.so/acme?page_id=${PAGE_HEX}`],
  ])("reads the page from %s", (_form, input) => {
    expect(parseNotionId(input)).toBe(PAGE);
  });

  it("reads a database from its address, not the view in ?v=", () => {
    expect(parseNotionId(`https://www.notion.so/acme/${DATABASE_HEX}?v=${VIEW_HEX}`)).toBe(
      "393abc1e-edcd-80f3-813b-e205934558c6",
    );
  });

  it("finds nothing in text that holds no id", () => {
    expect(parseNotionId("RFC Reviewer")).toBeUndefined();
    expect(parseNotionId("https://www.notion.so/acme/Just-a-title")).toBeUndefined();
  });
});
