/**
 * The shape of the house: the folders of `lambda/` import each other without a cycle, and the review core
 * (`lambda/review/`) imports no adapter, no AWS package and no provider SDK, only its own parts, Margin's
 * errors, its zod and a few plain libraries. Type-only imports count: a type cycle is a cycle.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const LAMBDA = resolve(import.meta.dirname, "../../lambda");
const CORE = join(LAMBDA, "review");
/** Packages the core may use: none talks to a service. */
const CORE_PACKAGES = new Set(["gpt-tokenizer"]);
/** Files directly in `lambda/` that every part may use. */
const SHARED = new Set([join(LAMBDA, "errors.ts"), join(LAMBDA, "schema.ts")]);

interface Import {
  from: string;
  /** An absolute file path for a relative import, else the package name. */
  to: string;
  relative: boolean;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ].map((match) => {
    const specifier = (match[1] ?? match[2])!;
    return specifier.startsWith(".")
      ? { from: file, to: resolve(dirname(file), specifier), relative: true }
      : { from: file, to: packageOf(specifier), relative: false };
  });
}

function packageOf(specifier: string): string {
  if (specifier.startsWith("node:")) return "node:";
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** `lambda/<folder>/...` -> folder; files directly in `lambda/` belong to no folder. */
function folderOf(file: string): string | undefined {
  const parts = relative(LAMBDA, file).split("/");
  return parts.length > 1 ? parts[0] : undefined;
}

const imports = sourceFiles(LAMBDA).flatMap(importsOf);

describe("the import graph of lambda/", () => {
  it("has no cycle between folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const { from, to, relative: isRelative } of imports) {
      const a = folderOf(from);
      const b = isRelative ? folderOf(to) : undefined;
      if (!a || !b || a === b) continue;
      edges.set(a, (edges.get(a) ?? new Set()).add(b));
    }
    expect(cycles(edges)).toEqual([]);
  });

  it("keeps the review core free of adapters, AWS and provider SDKs", () => {
    const leaks = imports
      .filter(({ from }) => from.startsWith(`${CORE}/`))
      .filter(({ to, relative: isRelative }) =>
        isRelative ? !to.startsWith(`${CORE}/`) && !SHARED.has(to) : to !== "node:" && !CORE_PACKAGES.has(to),
      )
      .map(
        ({ from, to }) => `${relative(LAMBDA, from)} -> ${to.startsWith("/") ? relative(LAMBDA, to) : to}`,
      );
    expect(leaks).toEqual([]);
  });

  it("takes zod only through lambda/schema.ts, whose functional API the bundles can tree-shake", () => {
    const direct = imports
      .filter(({ from, to }) => to === "zod" && from !== join(LAMBDA, "schema.ts"))
      .map(({ from }) => relative(LAMBDA, from));
    expect(direct).toEqual([]);
  });
});

/** The folders of each cycle in the graph (strongly connected components with more than one member). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}
