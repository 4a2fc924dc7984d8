/**
 * Golden files: the expected output kept next to the test, so a change in it shows up in review. Run the
 * tests with UPDATE_GOLDEN=1 to rewrite them after a deliberate change.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

export function expectGolden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    if (!process.env.UPDATE_GOLDEN)
      throw new Error(`Golden file ${file} did not exist; it was written. Check it and run again.`);
    return;
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}
