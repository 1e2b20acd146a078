/**
 * Durations as templates and flags write them: a whole number and a unit
 * (`ms`, `s`, `m`, `h`, `d`, `w`), e.g. `90d`, `24h`, `15m`. Weeks are ours for convenience;
 * Elasticsearch's TimeValue has no `w`, so durations sent to the cluster go through
 * `toEsTimeValue`, which always emits seconds or days.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const DURATION = /^(\d+)\s*(ms|s|m|h|d|w)$/;

/** Parses a duration to milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) * UNIT_MS[m[2]!]!;
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * The longest duration eskeys accepts anywhere, from a flag or a file: 3650 days (about ten
 * years). Elasticsearch sets no upper bound of its own (an expiration is creation + the whole
 * seconds of the duration, stored as epoch milliseconds), so `99999999d` would be sent as is
 * and produce a key that effectively never expires; a grace or rotation period that long
 * means the old key is never retired. Ten years is longer than any sane key life.
 */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d!;

/** The cap in the form messages and docs show it. */
export const MAX_DURATION_TEXT = '3650d (10 years)';

/** True when `text` is a well-formed duration whose milliseconds are an exact integer (no cap). */
export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/**
 * Why `text` is not an acceptable duration for a flag, as a message fragment (`expected a duration such
 * as ...` / `must be at most 3650d (10 years)`); undefined when it is fine. Files get the same
 * cap from the template and config rules (template-rules.ts), with the same words.
 */
export function durationProblem(text: string): string | undefined {
  if (!DURATION.test(text.trim())) return 'expected a duration such as 24h, 30m or 7d';
  const ms = parseDuration(text);
  if (ms === undefined || ms > MAX_DURATION_MS) return `must be at most ${MAX_DURATION_TEXT}`;
  return undefined;
}

/** Formats milliseconds as the largest whole unit (`90d`, `36h`, `90s`). */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** An Elasticsearch TimeValue string for a duration, rounded up to whole seconds (ES drops sub-second parts). */
export function toEsTimeValue(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds % 86_400 === 0 ? `${seconds / 86_400}d` : `${seconds}s`;
}

/** Human form for reports: `3d 4h`, `25m`, `12s`. */
export function humanizeDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + (parts.join(' ') || '0s');
}
