/**
 * The page's `Review status` select (and `Last reviewed` date), which the worker keeps current so people
 * see where a review stands. Pages without those properties are left alone.
 */

/** The states a page's `Review status` goes through. */
export type ReviewStatus = "Queued" | "Reviewing" | "Reviewed" | "Failed";

export const REVIEW_STATUS_PROPERTY = "Review status";
export const LAST_REVIEWED_PROPERTY = "Last reviewed";

export interface ReviewStatusBoard {
  /** Sets the status (and, once reviewed, the date). Returns whether anything was written. */
  setReviewStatus(pageId: string, status: ReviewStatus, reviewedOn?: string): Promise<boolean>;
}
