/**
 * "Did you mean" suggestions for misspelt names (privileges, probe ids, field names),
 * by optimal-string-alignment Damerau-Levenshtein distance: a swap of two neighbouring
 * characters (`delete_idnex`) costs one edit, like an insertion, deletion or substitution.
 */

/** Edit distance between `a` and `b`, counting adjacent transpositions as one edit. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  // Three rolling rows: two back (for transpositions), previous, current.
  let before = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[n]!;
}

/**
 * The candidate nearest to `input` when it is close enough to be a plausible typo:
 * at most a third of the input's length in edits (at least one, at most three), and fewer
 * edits than the input has characters.
 * Case differences are free. Ties go to the earlier candidate.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(needle.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(needle, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // A candidate that shares nothing with the input (`c` → `a`) is no suggestion.
  if (best === undefined || bestDistance > limit || bestDistance >= needle.length) return undefined;
  if (bestDistance === 0 && best === input) return undefined;
  return best;
}

/** `; did you mean "x"?` or the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const s = suggest(input, candidates);
  return s === undefined ? '' : `; did you mean "${s}"?`;
}
