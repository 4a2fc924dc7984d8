/**
 * `margin review --print-input` for people: what each part costs, then each part whole, as the model would
 * read it (the provider's envelope around them, its JSON field names, is left out).
 */
import type { ModelInputPreview } from "../review/previewModelInput.ts";

export function inputAsText(preview: ModelInputPreview): string {
  const { tokens } = preview;
  const figure = (n: number) => n.toLocaleString("en-US").padStart(8);
  const lines = [
    `What ${preview.provider} ${preview.model} would be sent to review "${preview.page.title}" as "${preview.prompt.title}" (nothing was sent, nothing posted):`,
    `  system ${figure(tokens.system)} tokens  the reviewer's instructions and reference pages`,
    `  user   ${figure(tokens.user)} tokens  the page, its discussions and what the reviewer remembers`,
    `  tools  ${figure(tokens.tools)} tokens  ${preview.tools.map((tool) => tool.name).join(", ")}`,
    `  total  ${figure(tokens.total)} tokens${preview.contextTokens ? ` of a ${preview.contextTokens.toLocaleString("en-US")}-token context window` : ""}${preview.maxOutputTokens ? `; answers up to ${preview.maxOutputTokens.toLocaleString("en-US")} tokens` : ""}`,
  ];
  if (preview.tooLarge) lines.push(`The model would not be asked: this does not fit. ${preview.tooLarge}`);
  if (preview.parts > 1)
    lines.push(
      `The page is longer than MARGIN_MAX_DOCUMENT_TOKENS: a review sends it in ${preview.parts} parts, each with these instructions and tools, then asks for the summary; shown here: part 1.`,
    );
  return `${[
    ...lines,
    "",
    "=== system ===",
    preview.system,
    "",
    "=== user ===",
    preview.user,
    "",
    "=== tools ===",
    JSON.stringify(preview.tools, null, 2),
  ].join("\n")}\n`;
}
