/**
 * Simple wildcard patterns as Elasticsearch uses them for action names and index names
 * (`*` = any run of characters, `?` = one character, `\` escapes the next character),
 * compiled two ways: to a RegExp for fast membership tests, and to a tiny NFA so that
 * language questions ("is every name `a` matches also matched by `b`?") can be answered
 * exactly. Elasticsearch answers the same questions with Lucene automata
 * (Automatons.subsetOf); see Elasticsearch's security reference (docs/es-facts.md).
 */

/** One step of a glob: a literal character, any single character, or any run. */
type Token = { kind: 'char'; char: string } | { kind: 'any' } | { kind: 'star' };

/** A wildcard pattern prepared for matching and for language checks. */
export interface Glob {
  readonly source: string;
  readonly tokens: readonly Token[];
  readonly regex: RegExp;
}

const cache = new Map<string, Glob>();

/** Parses (and memoises) a wildcard pattern. `withQuestionMark` is off for action patterns, where `?` is literal. */
export function glob(source: string, withQuestionMark = true): Glob {
  const cacheKey = (withQuestionMark ? 'q:' : 'a:') + source;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const tokens: Token[] = [];
  let re = '^';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
      re += '[\\s\\S]*';
    } else if (c === '?' && withQuestionMark) {
      tokens.push({ kind: 'any' });
      re += '[\\s\\S]';
    } else if (c === '\\' && withQuestionMark && i + 1 < source.length) {
      i++;
      tokens.push({ kind: 'char', char: source[i]! });
      re += escapeRegex(source[i]!);
    } else {
      tokens.push({ kind: 'char', char: c });
      re += escapeRegex(c);
    }
  }
  const compiled: Glob = { source, tokens, regex: new RegExp(re + '$') };
  cache.set(cacheKey, compiled);
  return compiled;
}

/** True when the pattern contains no wildcard at all (a concrete name). */
export function isConcrete(pattern: Glob): boolean {
  return pattern.tokens.every((t) => t.kind === 'char');
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c;
}

/** A language over strings: the union of `include` minus the union of `exclude`. */
export interface GlobSet {
  readonly include: readonly Glob[];
  readonly exclude?: readonly Glob[];
}

/** Membership test for a set. */
export function setMatches(set: GlobSet, value: string): boolean {
  if (!set.include.some((g) => g.regex.test(value))) return false;
  return !(set.exclude ?? []).some((g) => g.regex.test(value));
}

// --- exact language checks -------------------------------------------------
// Every glob is an NFA whose states are token positions. Characters that appear in no
// pattern behave identically in all of them, so a single "other" symbol stands for them;
// that keeps the alphabet finite and the search exact.

const OTHER = '\u0000other';

function alphabetOf(globs: readonly Glob[]): string[] {
  const chars = new Set<string>();
  for (const g of globs) for (const t of g.tokens) if (t.kind === 'char') chars.add(t.char);
  return [...chars, OTHER];
}

/** Closure over `star` tokens, which may match the empty string. */
function closure(g: Glob, states: Iterable<number>): Set<number> {
  const out = new Set<number>();
  const stack = [...states];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (out.has(s)) continue;
    out.add(s);
    if (g.tokens[s]?.kind === 'star') stack.push(s + 1);
  }
  return out;
}

function step(g: Glob, states: Set<number>, symbol: string): Set<number> {
  const next: number[] = [];
  for (const s of states) {
    const t = g.tokens[s];
    if (!t) continue;
    if (t.kind === 'star') next.push(s);
    else if (t.kind === 'any') next.push(s + 1);
    else if (t.char === symbol) next.push(s + 1);
  }
  return closure(g, next);
}

function accepts(g: Glob, states: Set<number>): boolean {
  return states.has(g.tokens.length);
}

function key(sets: Set<number>[]): string {
  return sets.map((s) => [...s].sort((a, b) => a - b).join(',')).join('|');
}

/**
 * Searches for a string on which `predicate(accepted[])` holds, where `accepted[i]` says whether
 * `globs[i]` matches it. Breadth-first over the product of the determinised NFAs; terminates
 * because each NFA has finitely many state sets.
 */
export function existsString(globs: readonly Glob[], predicate: (accepted: boolean[]) => boolean): boolean {
  const alphabet = alphabetOf(globs);
  const start = globs.map((g) => closure(g, [0]));
  const seen = new Set<string>([key(start)]);
  const queue: Set<number>[][] = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (predicate(current.map((states, i) => accepts(globs[i]!, states)))) return true;
    for (const symbol of alphabet) {
      const next = current.map((states, i) => step(globs[i]!, states, symbol));
      const k = key(next);
      if (seen.has(k)) continue;
      seen.add(k);
      queue.push(next);
    }
  }
  return false;
}

/** True when every string in `a` is also in `b`, or in the union of `b` when it is a list (Automatons.subsetOf). */
export function isSubset(a: GlobSet, b: GlobSet | readonly GlobSet[]): boolean {
  if (a.include.length === 0) return true;
  const targets: readonly GlobSet[] = Array.isArray(b) ? b : [b as GlobSet];
  // Cheap rejection first: a few concrete members of `a` that `b` must also hold.
  for (const g of a.include) {
    for (const w of witnesses(g)) {
      if ((a.exclude ?? []).some((x) => x.regex.test(w))) continue;
      if (!targets.some((t) => setMatches(t, w))) return false;
    }
  }
  const sets = [a, ...targets];
  const globs: Glob[] = [];
  const ranges: { inc: [number, number]; exc: [number, number] }[] = [];
  for (const set of sets) {
    const incStart = globs.length;
    globs.push(...set.include);
    const excStart = globs.length;
    globs.push(...(set.exclude ?? []));
    ranges.push({ inc: [incStart, excStart], exc: [excStart, globs.length] });
  }
  const member = (acc: boolean[], i: number) => {
    const r = ranges[i]!;
    return acc.slice(r.inc[0], r.inc[1]).some(Boolean) && !acc.slice(r.exc[0], r.exc[1]).some(Boolean);
  };
  const counterexample = existsString(globs, (acc) => {
    if (!member(acc, 0)) return false;
    for (let i = 1; i < sets.length; i++) if (member(acc, i)) return false;
    return true;
  });
  return !counterexample;
}

/** Concrete strings a glob matches (its wildcards filled in two different ways). */
function witnesses(g: Glob): string[] {
  let shortest = '';
  let odd = '';
  for (const t of g.tokens) {
    if (t.kind === 'char') {
      shortest += t.char;
      odd += t.char;
    } else if (t.kind === 'any') {
      shortest += 'x';
      odd += '\u00a7';
    } else {
      odd += '\u00a7/';
    }
  }
  return [shortest, odd];
}

/** True when some string is matched by both sets. */
export function intersects(a: GlobSet, b: GlobSet): boolean {
  const all = [...a.include, ...(a.exclude ?? []), ...b.include, ...(b.exclude ?? [])];
  const o1 = a.include.length;
  const o2 = o1 + (a.exclude ?? []).length;
  const o3 = o2 + b.include.length;
  const any = (acc: boolean[], from: number, to: number) => acc.slice(from, to).some(Boolean);
  return existsString(
    all,
    (acc) => any(acc, 0, o1) && !any(acc, o1, o2) && any(acc, o2, o3) && !any(acc, o3, all.length),
  );
}
