/**
 * zod as Margin uses it: the functional `zod/mini` API, which a bundler can tree-shake (the classic
 * API's methods bring all of zod with them: about 70 KB more in each Lambda bundle), with zod's English
 * messages, which the classic API sets itself and mini leaves out. Import it as
 * `import * as z from "../schema.ts"`.
 */

import { config, type core } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";

/** Each problem zod found, as `path: message`; `root` names the value itself when the path is empty. */
export function describeProblems(error: core.$ZodError, root: string): string[] {
  return error.issues.map((issue) => `${issue.path.join(".") || root}: ${issue.message}`);
}

/** The first problem zod found, as `path: message`. */
export function firstProblem(error: core.$ZodError, root: string): string {
  return describeProblems(error, root)[0] ?? `${root}: invalid`;
}
