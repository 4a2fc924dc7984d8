/**
 * `npm run bench [-- --only bundles,caching,rereview,reading,budget] [--sizes 50,300,1000] [--before <ref>]`:
 * Margin's performance figures, printed. The bundles are compared with an earlier commit (`--before <commit
 * or checkout>`, by default the last before issue 10). Reading is bounded by Notion's rate limit, modelled as
 * Notion documents it (a budget per 60-second window): its figures are ratios to the floor the limit sets,
 * measured time-scaled because large pages take many windows (see budgetBench.ts); absolute times are noisy.
 * `budget` reads as the worker does: first reviews of 150 to 3,000 blocks, the worker invocations they take,
 * and reviews reading at once through one shared budget.
 */
import { parseArgs } from "node:util";
import { MAX_CONCURRENT } from "../lambda/notion/createNotionClient.ts";
import {
  FLOOR_DEFINITION,
  floorSeconds,
  LATENCY_MS,
  PER_WINDOW,
  printBudget,
  TIME_SCALE,
} from "./budgetBench.ts";
import { BASELINE_COMMIT, BUNDLE_TARGETS, checkoutOf, measureBundles, median } from "./bundleBench.ts";
import { measureCaching } from "./cachingBench.ts";
import { measureReading } from "./readingBench.ts";
import { measureReReview } from "./reReviewBench.ts";
import { measureWarmWebhook } from "./webhookBench.ts";

// The AWS SDK's notice that its 2027 releases need Node 22 changes no figure here (see README "Set up").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "50,300,1000" },
    only: { type: "string" },
    before: { type: "string" },
  },
});
const sections = new Set((values.only ?? "bundles,caching,rereview,reading,budget").split(","));

if (sections.has("bundles")) {
  const now = await measureBundles();
  const baseline = values.before ?? BASELINE_COMMIT;
  const before = await measureBaseline(baseline);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(
    "Lambda bundles (esbuild, minified ESM, the AWS SDK included) and their import in a fresh Node process as deployed (--enable-source-maps), median of 15; KB = 1,024 bytes\n",
  );
  for (const figure of now) {
    const target = BUNDLE_TARGETS[figure.name];
    const earlier = before?.find((other) => other.name === figure.name);
    console.log(
      `${`${figure.name} function`.padEnd(17)} ${kb(figure.bytes).padStart(8)} (${figure.bytes.toLocaleString("en-US")} bytes, target ${kb(target)}: ${figure.bytes <= target ? "met" : "MISSED"})  import ${median(figure.importMs).toFixed(0)} ms` +
        (earlier
          ? `  | before (${baseline}): ${kb(earlier.bytes)}, import ${median(earlier.importMs).toFixed(0)} ms`
          : ""),
    );
  }
  const warm = await measureWarmWebhook();
  console.log(
    `webhook answer on a warm function (secrets and prompts cached, one SQS send): median ${median(warm).toFixed(1)} ms, p95 ${[...warm].sort((a, b) => a - b)[Math.floor(warm.length * 0.95)]!.toFixed(1)} ms over ${warm.length} deliveries\n`,
  );
}
if (sections.has("caching")) {
  const figures = await measureCaching();
  const count = (n: number) => n.toLocaleString("en-US").padStart(9);
  console.log(
    `Prompt caching: the RFC Reviewer on the demo RFC, Anthropic Messages (${figures.model}), a scripted server that caches as Anthropic documents\n`,
  );
  console.log(
    `stable prefix (tools, instructions, the reviewer's references): ${figures.stablePrefixTokens.toLocaleString("en-US")} tokens`,
  );
  const shared = figures.sharedPrefixTokens;
  console.log(
    `shared by a first review and a re-review: ${shared.toLocaleString("en-US")} tokens, ${
      shared >= figures.stablePrefixTokens
        ? "all of the stable prefix and the opening of the document message"
        : `${((shared / figures.stablePrefixTokens) * 100).toFixed(0)}% of the stable prefix`
    }\n`,
  );
  console.log("                        uncached  cache writes  cache reads    output");
  for (const { name, usage } of figures.turns) {
    console.log(
      `${name.padEnd(22)} ${count(usage.uncachedInputTokens)} ${count(usage.cacheWriteTokens).padStart(13)} ${count(usage.cacheReadTokens).padStart(12)} ${count(usage.outputTokens)}`,
    );
  }
  console.log("");
}
if (sections.has("rereview")) {
  const figures = await measureReReview(300, 20);
  const floorOf = (count: { reads: number; writes: number }) =>
    floorSeconds(count.reads + count.writes, MAX_CONCURRENT);
  const saving =
    1 - (figures.again.reads + figures.again.writes) / (figures.first.reads + figures.first.writes);
  console.log(
    `Notion requests of a review and a re-review of the same unchanged page (${figures.blocks} blocks, 20 discussions)\n`,
  );
  console.log("              reads  of which comment lists  writes  total");
  for (const [name, count] of [
    ["first review", figures.first],
    ["re-review", figures.again],
  ] as const) {
    console.log(
      `${name.padEnd(13)} ${String(count.reads).padStart(5)} ${String(count.commentLists).padStart(23)} ${String(count.writes).padStart(7)} ${String(count.reads + count.writes).padStart(6)}`,
    );
  }
  console.log(
    `the re-review makes ${(saving * 100).toFixed(0)}% fewer requests: a floor of ${floorOf(figures.first).toFixed(0)} s against ${floorOf(figures.again).toFixed(0)} s at ${PER_WINDOW} requests per minute (floor as in the budget section)\n`,
  );
}
if (sections.has("reading")) await printReading();
if (sections.has("budget")) await printBudget();

async function printReading(): Promise<void> {
  const sizes = values.sizes
    .split(",")
    .map((size) => Number.parseInt(size, 10))
    .filter((size) => size > 0);
  const THREADS: Record<number, number> = { 50: 5, 300: 20, 1000: 50 };

  console.log(
    `Reading and rendering a page (emulator in window mode at ${PER_WINDOW} requests per minute, ${LATENCY_MS} ms latency; time-scaled ${TIME_SCALE}x with times multiplied back, except pages read within one window, read in real time; one run per size)`,
  );
  console.log(`${FLOOR_DEFINITION}\n`);
  console.log(
    "blocks  threads  requests  429s  read (s)  floor (s)  read/floor  rendered tok  plain tok  rendered/plain  round trips",
  );
  for (const size of sizes) {
    const figures = await measureReading(size, THREADS[size] ?? Math.max(1, Math.round(size / 15)));
    console.log(
      [
        String(figures.blocks).padStart(6),
        String(figures.threads).padStart(8),
        String(figures.requests).padStart(9),
        String(figures.rateLimited).padStart(5),
        figures.seconds.toFixed(1).padStart(9),
        figures.floorSeconds.toFixed(1).padStart(10),
        `${(figures.seconds / figures.floorSeconds).toFixed(2)}x`.padStart(11),
        String(figures.renderedTokens).padStart(13),
        String(figures.plainTokens).padStart(10),
        `${(figures.renderedTokens / figures.plainTokens).toFixed(2)}x`.padStart(15),
        String(figures.roundTrips).padStart(12),
      ].join(" "),
    );
  }
  console.log("");
}

/** The bundles of an earlier checkout or commit, or undefined (said why) when it cannot be built here. */
async function measureBaseline(ref: string) {
  let checkout: ReturnType<typeof checkoutOf> | undefined;
  try {
    checkout = checkoutOf(ref);
    return await measureBundles(checkout.path);
  } catch (error) {
    console.log(
      `(${ref} could not be measured here for comparison: ${(error as Error).message.split("\n")[0]})`,
    );
    return undefined;
  } finally {
    checkout?.dispose();
  }
}
