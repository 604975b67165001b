/** The known config key nearest to a misspelt one, for "did you mean" messages. */

/** Levenshtein distance, case-insensitive: how far a misspelt key is from a known one. */
function editDistance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/** The known key nearest to a misspelt one, if any is close enough to be what was meant. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (!best || distance < best.distance) {
      best = { key: candidate, distance };
    }
  }
  // A quarter of the name (at least two edits) separates a typo from a different word.
  return best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? best.key : undefined;
}
