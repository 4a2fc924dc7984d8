/**
 * One job per function: no function in `lambda/` runs much over 60 lines unless the comment above it says
 * why it is long (a switch with one case per Notion block type, say), in words containing "long".
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const LAMBDA = resolve(import.meta.dirname, "../../lambda");
/** "About 60 lines": a few over is not a second job. */
const MAX_LINES = 65;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The node whose leading comment documents the function: its statement for `const f = () => …`. */
function documented(node: ts.Node): ts.Node {
  return ts.isVariableDeclaration(node.parent) ? node.parent.parent.parent : node;
}

function longFunctionsWithoutReason(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      (ts.isArrowFunction(node) && ts.isVariableDeclaration(node.parent))
    ) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const target = documented(node);
      const comments = (ts.getLeadingCommentRanges(text, target.getFullStart()) ?? [])
        .map((range) => text.slice(range.pos, range.end))
        .join("\n");
      if (last - first + 1 > MAX_LINES && !/\blong\b/i.test(comments)) {
        const name = ts.isVariableDeclaration(node.parent)
          ? node.parent.name.getText()
          : node.name?.getText();
        found.push(
          `${relative(LAMBDA, file)}:${first + 1} ${name ?? "(anonymous)"} (${last - first + 1} lines)`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("the functions of lambda/", () => {
  it(`run to about 60 lines, or say above them why they are long`, () => {
    expect(sourceFiles(LAMBDA).flatMap(longFunctionsWithoutReason)).toEqual([]);
  });
});
