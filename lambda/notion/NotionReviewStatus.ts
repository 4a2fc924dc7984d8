/**
 * Keeps a page's `Review status` select (or status) and `Last reviewed` date current, through
 * `@notionhq/client`. A page's property types are looked up once (from the page as last read).
 */
import type { Client, PageObjectResponse } from "@notionhq/client";
import {
  LAST_REVIEWED_PROPERTY,
  REVIEW_STATUS_PROPERTY,
  type ReviewStatus,
  type ReviewStatusBoard,
} from "../worker/ReviewStatusBoard.ts";
import type { NotionSession } from "./NotionSession.ts";

export class NotionReviewStatus implements ReviewStatusBoard {
  constructor(private readonly session: NotionSession) {}

  async setReviewStatus(pageId: string, status: ReviewStatus, reviewedOn?: string): Promise<boolean> {
    const page = this.session.pages.get(pageId) ?? (await this.session.retrievePage(pageId));
    const shape = reviewPropertiesOf(page);
    if (!shape.status) return false;
    const properties: Record<string, unknown> = {
      [REVIEW_STATUS_PROPERTY]:
        shape.status === "select" ? { select: { name: status } } : { status: { name: status } },
    };
    if (reviewedOn && shape.lastReviewed)
      properties[LAST_REVIEWED_PROPERTY] = { date: { start: reviewedOn } };
    await this.session.request(() =>
      this.session.client.pages.update({
        page_id: pageId,
        properties: properties as Parameters<Client["pages"]["update"]>[0]["properties"],
      }),
    );
    return true;
  }
}

function reviewPropertiesOf(page: PageObjectResponse): {
  status?: "select" | "status";
  lastReviewed: boolean;
} {
  const status = page.properties[REVIEW_STATUS_PROPERTY]?.type;
  return {
    status: status === "select" || status === "status" ? status : undefined,
    lastReviewed: page.properties[LAST_REVIEWED_PROPERTY]?.type === "date",
  };
}
