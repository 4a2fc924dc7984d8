#!/usr/bin/env node
// The `margin` command. Margin is written in TypeScript; tsx runs it directly, with no build step.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../lambda/cli/main.ts");
const { processIo } = await import("../lambda/cli/CliIo.ts");
process.exitCode = await runCli(process.argv.slice(2), processIo());
