/**
 * Where a reviewer keeps what people taught it: its Learnings page, a child page of its prompt page that
 * people read and edit, whose address the prompt page's Learnings property holds.
 */

export interface LearningsWriter {
  /**
   * Appends the lines, one block each, to the reviewer's Learnings page: the page its prompt page's Learnings
   * property holds or, on first use (or if that page is gone), a new page under the prompt page titled
   * "<reviewer>: learnings", whose address is then kept in that property. A prompt page without a Learnings
   * property (a Prompts database `margin prompts push` has not completed yet) is an error, and nothing is
   * created.
   */
  appendLearnings(prompt: { id: string; title: string }, lines: string[]): Promise<WrittenLearnings>;
}

export interface WrittenLearnings {
  /** The Learnings page's title and address. */
  title: string;
  url: string;
  /** The page was created by this call. */
  created: boolean;
}
