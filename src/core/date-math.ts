/**
 * Date-math arithmetic shared by date-math index names (`<logs-{now/M}>`, src/core/resolver) and
 * date values of the sandbox's queries (`now-7d/d`): rounding down to a unit and adding units,
 * in UTC, with Elasticsearch's units (weeks start on Monday).
 */

export const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  H: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function roundDown(ms: number, unit: string): number {
  const d = new Date(ms);
  switch (unit) {
    case 'y':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    case 'M':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'w':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    case 'd':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    default: {
      const u = UNIT_MS[unit] ?? 1;
      return Math.floor(ms / u) * u;
    }
  }
}

export function addUnit(ms: number, n: number, unit: string): number {
  if (unit === 'y' || unit === 'M') {
    const d = new Date(ms);
    if (unit === 'y') d.setUTCFullYear(d.getUTCFullYear() + n);
    else d.setUTCMonth(d.getUTCMonth() + n);
    return d.getTime();
  }
  return ms + n * (UNIT_MS[unit] ?? 0);
}
