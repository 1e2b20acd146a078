import { addUnit, roundDown } from '../../core/date-math.js';

/**
 * Parses a date value of a date field: epoch millis (number or digits), an ISO-8601 date, or
 * date math (`now-7d/d`, `2024-01-01||+1M`). Returns undefined when it does not parse.
 */
export function parseDateValue(value: unknown, now: number, roundUp = false): number | undefined {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value !== 'string') return undefined;
  if (/^-?\d+$/.test(value)) return Number(value);
  let anchor: number;
  let rest: string;
  if (value.startsWith('now')) {
    anchor = now;
    rest = value.slice(3);
  } else {
    const sep = value.indexOf('||');
    const datePart = sep >= 0 ? value.slice(0, sep) : value;
    rest = sep >= 0 ? value.slice(sep + 2) : '';
    const parsed = Date.parse(/T|Z|[+-]\d\d:\d\d$/.test(datePart) ? datePart : `${datePart}T00:00:00Z`);
    if (Number.isNaN(parsed)) return undefined;
    anchor = parsed;
  }
  let ms = anchor;
  const re = /([+-])(\d+)([yMwdhHms])|\/([yMwdhHms])/y;
  let i = 0;
  while (i < rest.length) {
    re.lastIndex = i;
    const m = re.exec(rest);
    if (!m) return undefined;
    if (m[4]) {
      ms = roundDown(ms, m[4]);
      if (roundUp) ms = addUnit(ms, 1, m[4]) - 1;
    } else ms = addUnit(ms, (m[1] === '-' ? -1 : 1) * Number(m[2]), m[3]!);
    i = re.lastIndex;
  }
  return ms;
}
