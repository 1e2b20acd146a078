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

/** True when `text` is a valid duration. */
export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
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
