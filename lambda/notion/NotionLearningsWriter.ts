/**
 * A reviewer's Learnings page through `@notionhq/client`: a child page of its prompt page, found through the
 * prompt page's Learnings property (a URL), created on first use with a line saying what it is for, and
 * appended to one bulleted line per learning. Its prompt page's body lists it as a child page: the
 * instructions and `margin prompts push`/`pull` leave that block out (see `isLearningsBlock`).
 */
import { type BlockObjectRequest, isFullPage, type PageObjectResponse } from "@notionhq/client";
import { ConfigurationError } from "../errors.ts";
import { parseNotionId } from "../review/model/parseNotionId.ts";
import type { LearningsWriter, WrittenLearnings } from "../review/ports/LearningsWriter.ts";
import { LEARNINGS_PAGE } from "../review/prompt/promptProperties.ts";
import type { NotionSession } from "./NotionSession.ts";
import { titleOf } from "./NotionSession.ts";

const INTRODUCTION =
  "Points people dismissed (resolved without changing the block), one a line, written by Margin and read by this reviewer as reference material. Edit or delete lines freely: a deleted line does not come back.";

export class NotionLearningsWriter implements LearningsWriter {
  constructor(private readonly session: NotionSession) {}

  async appendLearnings(prompt: { id: string; title: string }, lines: string[]): Promise<WrittenLearnings> {
    const promptPage = await this.session.retrievePage(prompt.id);
    const property = learningsProperty(promptPage);
    if (!property)
      throw new ConfigurationError(
        `The Prompts database has no "${LEARNINGS_PAGE.property}" property (URL) to keep the reviewer's Learnings page in; run margin prompts push (or add it in Notion).`,
      );
    const existing = await this.existingPage(learningsPageId(promptPage));
    if (existing) {
      await this.session.request(() =>
        this.session.client.blocks.children.append({ block_id: existing.id, children: bullets(lines) }),
      );
      return { title: titleOf(existing), url: existing.url, created: false };
    }
    const title = `${prompt.title}${LEARNINGS_PAGE.titleSuffix}`;
    const created = await this.session.request(() =>
      this.session.client.pages.create({
        parent: { type: "page_id", page_id: promptPage.id },
        properties: { title: { title: [{ type: "text", text: { content: title } }] } },
        children: [paragraph(INTRODUCTION), ...bullets(lines)],
      }),
    );
    const url = isFullPage(created) ? created.url : `https://www.notion.so/${created.id.replaceAll("-", "")}`;
    await this.session.request(() =>
      this.session.client.pages.update({ page_id: promptPage.id, properties: { [property]: { url } } }),
    );
    return { title, url, created: true };
  }

  /** The page the property names, unless it is gone (deleted, in the trash, or not shared). */
  private async existingPage(id: string | undefined): Promise<PageObjectResponse | undefined> {
    if (!id) return undefined;
    const page = await this.session.findPage(id);
    return page && !page.in_trash ? page : undefined;
  }
}

/** The name the prompt page's Learnings property has (any case), if it is a URL property. */
function learningsProperty(page: PageObjectResponse): string | undefined {
  const wanted = LEARNINGS_PAGE.property.toLowerCase();
  return Object.entries(page.properties).find(
    ([name, value]) => value.type === "url" && name.trim().toLowerCase() === wanted,
  )?.[0];
}

/** The id of the Learnings page a prompt page's Learnings property holds. */
export function learningsPageId(page: PageObjectResponse): string | undefined {
  const name = learningsProperty(page);
  const value = name ? page.properties[name] : undefined;
  return value?.type === "url" && value.url ? parseNotionId(value.url) : undefined;
}

/**
 * A block of a prompt page's body that is its Learnings page (the child page its Learnings property names,
 * or one titled "<reviewer>: learnings"): not part of the instructions, and never deleted by a push.
 */
export function isLearningsBlock(
  block: { id: string; type: string; child_page?: { title: string } },
  prompt: PageObjectResponse,
): boolean {
  if (block.type !== "child_page") return false;
  const id = learningsPageId(prompt);
  if (id && block.id.replaceAll("-", "") === id.replaceAll("-", "")) return true;
  const title = `${titleOf(prompt)}${LEARNINGS_PAGE.titleSuffix}`.trim().toLowerCase();
  return block.child_page?.title.trim().toLowerCase() === title;
}

function bullets(lines: string[]): BlockObjectRequest[] {
  return lines.map((line) => ({
    type: "bulleted_list_item",
    bulleted_list_item: { rich_text: [{ type: "text", text: { content: line } }] },
  }));
}

function paragraph(text: string): BlockObjectRequest {
  return { type: "paragraph", paragraph: { rich_text: [{ type: "text", text: { content: text } }] } };
}
