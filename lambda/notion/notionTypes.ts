/**
 * Notion request types the SDK uses but does not export by name, derived from the ones it does export.
 */
import type { CreateCommentParameters } from "@notionhq/client";

/** One rich text item of a request body (`text`, `mention` or `equation`). */
export type RichTextItemRequest = Extract<
  CreateCommentParameters,
  { rich_text: unknown }
>["rich_text"][number];
