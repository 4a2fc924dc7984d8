/**
 * A reviewer's reference pages as the model reads them: each page rendered like the document (indented by
 * nesting, same block markers) but without references or discussions, since the model comments on the
 * document only. The pages share one token budget; a page that does not fit is cut at a block boundary and
 * the cut is said in the text, so the model knows its knowledge is partial, and reported to the caller for
 * the run's log.
 */
import type { ReferencePage } from "../model/PromptPage.ts";
import { estimateTokens } from "./estimateTokens.ts";
import { blockLines, INDENT, walkBlocks } from "./renderDocument.ts";

export interface ReferenceMaterial {
  /** The pages as text, or "" when there are none. */
  text: string;
  /** Pages given to the model, whole or in part. */
  pages: number;
  estimatedTokens: number;
  /** Pages cut short (`whole: false`) or left out (`whole: true`) by the budget. */
  cut: Array<{ title: string; blocksLeftOut: number; whole: boolean }>;
  /** Pages that could not be read, and why. */
  unavailable: string[];
}

export const DEFAULT_REFERENCE_TOKENS = 8_000;

export function renderReferences(pages: ReferencePage[], budgetTokens: number): ReferenceMaterial {
  const material: ReferenceMaterial = { text: "", pages: 0, estimatedTokens: 0, cut: [], unavailable: [] };
  const parts: string[] = [];
  let used = 0;
  for (const page of pages) {
    if (page.unavailable) {
      material.unavailable.push(`${page.title ? `"${page.title}"` : `page ${page.id}`}: ${page.unavailable}`);
      continue;
    }
    const units = pageUnits(page);
    const header = `<page title="${attribute(page.title)}">`;
    let fitted = 0;
    let size = estimateTokens(`${header}\n</page>\n`);
    for (const unit of units) {
      const cost = estimateTokens(`${unit}\n`);
      if (used + size + cost > budgetTokens) break;
      size += cost;
      fitted += 1;
    }
    const left = units.length - fitted;
    // A page of which not even the title fits is left out, not shown as an empty cut.
    if (fitted <= 1 && left > 0) {
      material.cut.push({ title: page.title, blocksLeftOut: units.length - 1, whole: true });
      continue;
    }
    const lines = [header, ...units.slice(0, fitted)];
    if (left > 0) {
      const note = `(Cut here: the other ${left} block${left === 1 ? "" : "s"} of this page did not fit in the reference budget of ${budgetTokens.toLocaleString("en-US")} tokens.)`;
      lines.push(note);
      size += estimateTokens(`${note}\n`);
      material.cut.push({ title: page.title, blocksLeftOut: left, whole: false });
    }
    lines.push("</page>");
    parts.push(lines.join("\n"));
    used += size;
    material.pages += 1;
  }
  const leftOut = material.cut.filter((cut) => cut.whole);
  if (leftOut.length > 0) {
    parts.push(
      `(Left out, over the reference budget: ${leftOut.map((cut) => `"${cut.title}"`).join(", ")}.)`,
    );
  }
  if (material.unavailable.length > 0) {
    parts.push(`(Linked but not readable: ${material.unavailable.join("; ")}.)`);
  }
  material.text = parts.join("\n\n");
  material.estimatedTokens = material.text ? estimateTokens(material.text) : 0;
  return material;
}

/** The page as lines of text, one unit per block (a block's continuation lines stay with it). */
function pageUnits(page: ReferencePage): string[] {
  const units: string[] = [`# ${page.title}`];
  walkBlocks(page.blocks, {
    layout(block, depth, column) {
      if (column !== undefined) units.push(`${INDENT.repeat(depth)}(column ${column})`);
      else if (block.attributes.unavailable)
        units.push(`${INDENT.repeat(depth)}(synced content not shared with Margin)`);
      return true;
    },
    block(block, depth, number) {
      units.push(blockLines(block, number, INDENT.repeat(depth)).join("\n"));
    },
  });
  return units;
}

/** A title inside a double-quoted attribute: quotes and angle brackets would break the fence. */
function attribute(title: string): string {
  return title.replace(/["<>]/g, "'");
}
