/** date_histogram intervals: calendar units (UTC) and fixed multiples of a time unit. */
import { illegalArgument } from '../../errors.js';

/** Rounds epoch milliseconds down to the start of their bucket; `next` gives the following bucket start. */
export interface Rounding {
  floor(ms: number): number;
  next(start: number): number;
}

const CALENDAR: Record<string, string> = {
  minute: 'm',
  '1m': 'm',
  hour: 'h',
  '1h': 'h',
  day: 'd',
  '1d': 'd',
  week: 'w',
  '1w': 'w',
  month: 'M',
  '1M': 'M',
  quarter: 'q',
  '1q': 'q',
  year: 'y',
  '1y': 'y',
};
const FIXED_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DAY = 86_400_000;

function calendar(unit: string): Rounding {
  const fixed = unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : unit === 'd' ? DAY : undefined;
  if (fixed) return { floor: (ms) => Math.floor(ms / fixed) * fixed, next: (s) => s + fixed };
  if (unit === 'w') {
    // ISO weeks start on Monday; 1970-01-01 was a Thursday.
    return {
      floor: (ms) => {
        const day = Math.floor(ms / DAY);
        return (day - ((((day + 3) % 7) + 7) % 7)) * DAY;
      },
      next: (s) => s + 7 * DAY,
    };
  }
  const months = unit === 'M' ? 1 : unit === 'q' ? 3 : 12;
  return {
    floor: (ms) => {
      const d = new Date(ms);
      const m = d.getUTCMonth();
      return Date.UTC(d.getUTCFullYear(), m - (m % months), 1);
    },
    next: (s) => {
      const d = new Date(s);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
    },
  };
}

/** The rounding of a date_histogram body (exactly one of calendar_interval and fixed_interval). */
export function roundingOf(body: Record<string, unknown>): Rounding {
  const cal = body.calendar_interval;
  const fix = body.fixed_interval;
  if (cal !== undefined && fix !== undefined) {
    throw illegalArgument('Cannot use [fixed_interval] with [calendar_interval] configuration option.');
  }
  if (cal !== undefined) {
    const unit = CALENDAR[String(cal)];
    if (!unit)
      throw illegalArgument(
        `The supplied interval [${String(cal)}] could not be parsed as a calendar interval.`,
      );
    return calendar(unit);
  }
  if (fix !== undefined) {
    const m = /^(\d+)(ms|s|m|h|d)$/.exec(String(fix));
    if (!m || Number(m[1]) === 0) {
      throw illegalArgument(
        `failed to parse setting [date_histogram.fixedInterval] with value [${String(fix)}] as a time value: unit is missing or unrecognized`,
      );
    }
    const step = Number(m[1]) * FIXED_UNIT_MS[m[2]!]!;
    return { floor: (ms) => Math.floor(ms / step) * step, next: (s) => s + step };
  }
  throw illegalArgument('Invalid interval specified, must be non-null and non-empty');
}
