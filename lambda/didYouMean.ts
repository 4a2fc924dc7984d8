/**
 * "Did you mean …?": the closest of a few known words to one a person typed (an option, a prompt's name),
 * by edit distance, when it is close enough to be a slip rather than another word.
 */

/** The candidate a slip of at most a third of the word's letters (and at least one) away, if any. */
export function closestTo(given: string, candidates: readonly string[]): string | undefined {
  const word = given.trim().toLowerCase();
  const scored = candidates
    .map((candidate) => ({ candidate, distance: editDistance(word, candidate.trim().toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance);
  const best = scored[0];
  return best && best.distance <= Math.max(1, Math.ceil(word.length / 3)) ? best.candidate : undefined;
}

/** Levenshtein distance: the fewest one-letter edits between two words. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
