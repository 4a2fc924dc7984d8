/**
 * The Lambda functions' bundles: their size, and how long each takes to import in a fresh Node process as
 * deployed (with `--enable-source-maps`, as the stack sets NODE_OPTIONS), the part of a cold start that is
 * Margin's own. The same is measured of an earlier commit (by default the last one before the
 * restructuring of issue 10), on the same machine, so the comparison is not left to noise.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type * as bundling from "../infra/lambdaBundling.ts";

const root = resolve(import.meta.dirname, "..");

/** The last commit before issue 10 slimmed the bundles: what `--only bundles` compares with by default. */
export const BASELINE_COMMIT = "ffcc99e";

/** The targets of issue 10, in the units printed (KB of 1,024 bytes). */
export const BUNDLE_TARGETS = { webhook: 500 * 1024, worker: 1200 * 1024 } as const;

export type FunctionName = keyof typeof BUNDLE_TARGETS;

export interface BundleFigure {
  name: FunctionName;
  bytes: number;
  importMs: number[];
}

/** Bundles both functions of the checkout at `checkout` with its own bundling options, and times their import. */
export async function measureBundles(checkout = root, loads = 15): Promise<BundleFigure[]> {
  const { esbuildOptions } = (await import(
    pathToFileURL(join(checkout, "infra/lambdaBundling.ts")).href
  )) as typeof bundling;
  // Inside the project, so anything a bundle left out would still resolve, as in Lambda.
  const cache = join(root, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, "margin-bundles-"));
  const figures: BundleFigure[] = [];
  for (const name of ["webhook", "worker"] as const) {
    const outfile = join(dir, `${name}.mjs`);
    await build({
      ...esbuildOptions(join(checkout, `lambda/handlers/${name}Handler.ts`), outfile),
      absWorkingDir: checkout,
    });
    figures.push({ name, bytes: statSync(outfile).size, importMs: timeImports(outfile, loads) });
  }
  return figures;
}

function timeImports(file: string, loads: number): number[] {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  return Array.from({ length: loads }, () =>
    Number(
      execFileSync(process.execPath, ["--enable-source-maps", "--input-type=module", "-e", script], {
        cwd: root,
        env: { ...process.env, AWS_REGION: "us-east-1" },
        // Only the time is read; the SDK's warning about this machine's Node 20 is not Lambda's concern.
        stdio: ["ignore", "pipe", "ignore"],
      }).toString(),
    ),
  );
}

/**
 * A checkout of `ref`: a directory as it is, or a commit checked out as a temporary git worktree that uses
 * this checkout's node_modules. `dispose` removes the worktree.
 */
export function checkoutOf(ref: string): { path: string; dispose: () => void } {
  if (existsSync(ref)) return { path: resolve(ref), dispose: () => {} };
  const cache = join(root, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const path = join(mkdtempSync(join(cache, "margin-before-")), "checkout");
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  git("worktree", "add", "--detach", path, ref);
  symlinkSync(join(root, "node_modules"), join(path, "node_modules"));
  return {
    path,
    dispose: () => {
      git("worktree", "remove", "--force", path);
      rmSync(dirname(path), { recursive: true, force: true });
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
