/**
 * How the functions are bundled: one definition for CDK's NodejsFunction and for the benchmark, which
 * builds the same bundles with esbuild to report their size and load time.
 */
import { resolve } from "node:path";
import { type BundlingOptions, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";

/**
 * Nothing is left out, the AWS SDK included: one minified file loads in well under half the time the
 * runtime's own SDK takes to load from its many files (`npm run bench`), and the SDK version is the one
 * the tests ran against.
 */
const EXTERNAL: string[] = [];
const TARGET = "node24";
const MAIN_FIELDS = ["module", "main"];
// Some dependencies are CommonJS and call require(): the ESM bundle gets one.
const BANNER =
  "import { createRequire as __marginCreateRequire } from 'module'; const require = __marginCreateRequire(import.meta.url);";

/**
 * A function's AWS credentials are in its environment: the SDK's default provider chain is replaced by a
 * reader of those (`lambdaCredentials.ts`) in the bundles.
 */
const CREDENTIALS = resolve(import.meta.dirname, "lambdaCredentials.ts");
const ALIAS: Record<string, string> = {
  "@aws-sdk/credential-provider-node": CREDENTIALS,
  "@aws-sdk/credential-providers": CREDENTIALS,
  // The Bedrock client's resources: the Messages API without the beta API's tree (`bedrockResources.ts`).
  "@anthropic-ai/sdk/resources/index": resolve(import.meta.dirname, "bedrockResources.ts"),
};

export const LAMBDA_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  target: TARGET,
  mainFields: MAIN_FIELDS,
  banner: BANNER,
  externalModules: EXTERNAL,
  esbuildArgs: Object.fromEntries(Object.entries(ALIAS).map(([name, path]) => [`--alias:${name}`, path])),
};

/** The same bundle as esbuild options, for measuring it. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: TARGET,
    minify: true,
    sourcemap: true,
    mainFields: MAIN_FIELDS,
    banner: { js: BANNER },
    external: EXTERNAL,
    alias: ALIAS,
    logLevel: "silent",
  };
}
