/**
 * Verification tokens that arrive wait as candidates: the newest first, each for a day, at most ten, a
 * token sent again counted once; kept in a file only its owner may read.
 */
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_CANDIDATES } from "../../lambda/config/VerificationCandidates.ts";
import { FileVerificationCandidates } from "../../lambda/config/verificationCandidateStores.ts";

const at = (hours: number) => new Date(Date.UTC(2026, 11, 1, hours));

function store() {
  const file = join(mkdtempSync(join(tmpdir(), "margin-candidates-")), "candidates.json");
  return { file, candidates: new FileVerificationCandidates(file) };
}

describe("verification candidates", () => {
  it("lists the newest first, a token sent again once, and forgets them after a day", async () => {
    const { candidates } = store();
    await candidates.add("secret_a", at(1));
    await candidates.add("secret_b", at(2));
    await candidates.add("secret_a", at(3));

    expect((await candidates.list(at(4))).map((candidate) => candidate.token)).toEqual([
      "secret_a",
      "secret_b",
    ]);
    expect((await candidates.list(at(26))).map((candidate) => candidate.token)).toEqual(["secret_a"]);
    expect(await candidates.list(at(28))).toEqual([]);
  });

  it("keeps only the newest ten, so a flood of forged tokens stays small", async () => {
    const { candidates } = store();
    for (let i = 0; i < 25; i++) await candidates.add(`secret_${i}`, new Date(at(1).getTime() + i * 1000));

    const listed = await candidates.list(at(2));

    expect(listed).toHaveLength(MAX_CANDIDATES);
    expect(listed[0]!.token).toBe("secret_24");
  });

  it("keeps them in a file only its owner may read, and forgets them all once one is confirmed", async () => {
    const { file, candidates } = store();
    await candidates.add("secret_a", at(1));

    expect(statSync(file).mode & 0o777).toBe(0o600);
    await candidates.clear();
    expect(await candidates.list(at(2))).toEqual([]);
  });
});
