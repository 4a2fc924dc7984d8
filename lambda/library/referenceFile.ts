/**
 * A reference page kept as a markdown file in `prompts/references/`: front matter with its title, and its
 * content. Reviewers name it in `reference_pages`; in Notion it is a page of the Reviewer references
 * database.
 */
import * as z from "../schema.ts";
import { formatFrontMatter, parseFrontMatter } from "./frontMatter.ts";

export interface ReferenceFile {
  title: string;
  /** The page's content, as markdown. */
  body: string;
}

const frontMatterSchema = z.strictObject({
  title: z.string("should be the page's title").check(z.trim(), z.minLength(1, "should be the page's title")),
});

export function parseReferenceFile(text: string, fileName: string): ReferenceFile {
  const { fields, body } = parseFrontMatter(text, fileName, frontMatterSchema);
  return { title: fields.title, body };
}

export function formatReferenceFile(reference: ReferenceFile): string {
  return formatFrontMatter({ title: reference.title }, reference.body);
}
