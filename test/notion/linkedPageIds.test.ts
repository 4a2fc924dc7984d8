/**
 * The pages a reviewer's body points to, whatever address form Notion or a person used for them.
 */
import type { BlockObjectResponse } from "@notionhq/client";
import { describe, expect, it } from "vitest";
import { linkedPageIds } from "../../lambda/notion/linkedPageIds.ts";

const ID = "0123456789abcdef0123456789abcdef";
const DASHED = "01234567-89ab-cdef-0123-456789abcdef";

function paragraphLinkingTo(href: string) {
  const block = {
    object: "block",
    id: "b",
    type: "paragraph",
    paragraph: {
      rich_text: [{ type: "text", text: { content: "see", link: { url: href } }, plain_text: "see", href }],
    },
  } as unknown as BlockObjectResponse;
  return [{ block, children: [] }];
}

describe("the pages a body links to", () => {
  it.each([
    `https://app.notion.com/p/Glossary-${ID}`,
    `https://www.notion.so/acme/Glossary-${ID}?v=1`,
    `https://acme.notion.site/Glossary-${ID}`,
    `/${ID}`,
  ])("finds %s", (href) => {
    expect(linkedPageIds(paragraphLinkingTo(href))).toEqual([DASHED]);
  });

  it("leaves links elsewhere alone", () => {
    expect(linkedPageIds(paragraphLinkingTo(`https://example.com/${ID}`))).toEqual([]);
  });
});
