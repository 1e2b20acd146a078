/**
 * Index names → the patterns an operator would write: time-series suffixes (`-2025-10`,
 * `.2025.11.03`, `-000001`) become `*`, so `gmail_emails-2025-10` and `gmail_emails-2025-11`
 * are `gmail_emails-*`. Explicit `--pattern` values win over the heuristic.
 */
import { glob } from '../privileges/glob.js';

/** A date-like suffix (year, year-month, year-month-day with `-`, `.` or `_`), or a rollover counter. */
const TIME_SERIES_SUFFIX = /^(.+?[-_.])(?:\d{4}(?:[-._]\d{2}){0,2}|\d{6})$/;

/** A plain numeric suffix (`books-3`): generalized only when two names share the prefix. */
const NUMERIC_SUFFIX = /^(.+?[-_.])\d+$/;

/** Maps each observed name to the pattern that will carry its privileges. */
export function generalizeNames(
  names: readonly string[],
  patterns: readonly string[] = [],
): Map<string, string> {
  const out = new Map<string, string>();
  const explicit = patterns.map((p) => ({ p, g: glob(p) }));
  const numericPrefixes = new Map<string, number>();
  for (const n of names) {
    const m = NUMERIC_SUFFIX.exec(n);
    if (m) numericPrefixes.set(m[1]!, (numericPrefixes.get(m[1]!) ?? 0) + 1);
  }
  for (const name of names) {
    const pinned = explicit.find((e) => e.g.regex.test(name));
    if (pinned) {
      out.set(name, pinned.p);
      continue;
    }
    const ts = TIME_SERIES_SUFFIX.exec(name);
    if (ts) {
      out.set(name, `${ts[1]}*`);
      continue;
    }
    const num = NUMERIC_SUFFIX.exec(name);
    out.set(name, num && (numericPrefixes.get(num[1]!) ?? 0) > 1 ? `${num[1]}*` : name);
  }
  return out;
}
