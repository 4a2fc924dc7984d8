/**
 * The Lambda functions' bundles: their size, and how long the webhook's takes to load in a fresh Node
 * process (the part of a cold start that is Margin's own).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { esbuildOptions } from "../infra/lambdaBundling.ts";

const root = resolve(import.meta.dirname, "..");

export interface BundleFigures {
  webhookBytes: number;
  workerBytes: number;
  webhookLoadMs: number[];
}

export async function measureBundles(loads = 15): Promise<BundleFigures> {
  // Inside the project, so anything a bundle left out would still resolve, as in Lambda.
  const cache = join(root, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, "margin-bundles-"));
  const webhook = join(dir, "webhook.mjs");
  const worker = join(dir, "worker.mjs");
  await build({
    ...esbuildOptions(join(root, "lambda/handlers/webhookHandler.ts"), webhook),
    absWorkingDir: root,
  });
  await build({
    ...esbuildOptions(join(root, "lambda/handlers/workerHandler.ts"), worker),
    absWorkingDir: root,
  });
  const script = `const t = performance.now(); await import(${JSON.stringify(webhook)}); process.stdout.write(String(performance.now() - t));`;
  const webhookLoadMs = Array.from({ length: loads }, () =>
    Number(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        cwd: root,
        env: { ...process.env, AWS_REGION: "us-east-1" },
      }).toString(),
    ),
  );
  return { webhookBytes: statSync(webhook).size, workerBytes: statSync(worker).size, webhookLoadMs };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
