/**
 * "Did you mean" suggestions for misspelt keys, kinds and options.
 *
 * The distance is the optimal string alignment variant of Damerau-Levenshtein:
 * a swapped pair of neighbouring letters (`sokaTime`) counts as one typo, as a
 * person would count it.
 */

/** Edits (insert, delete, substitute, swap neighbours) turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const width = b.length + 1;
  // Three rolling rows are enough: a swap looks back two rows.
  let before = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      }
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely
 * typo or a word cut short; otherwise undefined. Case differences alone
 * always match, so `SoakTime` suggests `soakTime`.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameIgnoringCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameIgnoringCase !== undefined) return sameIgnoringCase;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // One typo in every three letters of the longer word, and at least one:
    // beyond that a suggestion is more often noise than help.
    const limit = Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
    const d = editDistance(lower, candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined || word.length < 3) return best;
  // A key cut short (`bake` for `bakeTime`) is far by edits but plain to a reader.
  return candidates.find((c) => c.toLowerCase().startsWith(lower));
}

/** `; did you mean "x"?` or the empty string when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : `; did you mean ${JSON.stringify(match)}?`;
}
