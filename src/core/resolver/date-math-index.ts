/**
 * Date-math index names (`<logs-{now/M}>`, `<logs-{now/d{yyyy.MM.dd|+01:00}}>`) resolved the way
 * Elasticsearch's IndexNameExpressionResolver.DateMathExpressionResolver does before
 * authorization: static text is kept, each `{math{format|zone}}` is evaluated at `now` and
 * formatted (default format `uuuu.MM.dd`, UTC). Only fixed-offset zones are supported; other
 * zones are refused with an error rather than guessed.
 */

import { addUnit, roundDown } from '../date-math.js';

/** A name that is not valid date math. */
export class DateMathNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** `now`, `now-1d/d`, … → epoch millis in the (offset-shifted) local time line. */
function evalMath(expr: string, now: number, name: string): number {
  if (!expr.startsWith('now')) throw new DateMathNameError(`invalid date math expression [${name}]`);
  let ms = now;
  const re = /([+-])(\d+)([yMwdhHms])|\/([yMwdhHms])/y;
  const rest = expr.slice(3);
  let i = 0;
  while (i < rest.length) {
    re.lastIndex = i;
    const m = re.exec(rest);
    if (!m) throw new DateMathNameError(`invalid date math expression [${name}]`);
    ms = m[4] ? roundDown(ms, m[4]) : addUnit(ms, (m[1] === '-' ? -1 : 1) * Number(m[2]), m[3]!);
    i = re.lastIndex;
  }
  return ms;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Formats with the java.time letters index names use: y/u (year), M, d, H, m, s. */
function format(ms: number, pattern: string, name: string): string {
  const d = new Date(ms);
  return pattern.replace(/([yuMdHms])\1*|[A-Za-z]/g, (tok) => {
    const w = tok.length;
    switch (tok[0]) {
      case 'y':
      case 'u':
        return w === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), w);
      case 'M':
        return pad(d.getUTCMonth() + 1, w);
      case 'd':
        return pad(d.getUTCDate(), w);
      case 'H':
        return pad(d.getUTCHours(), w);
      case 'm':
        return pad(d.getUTCMinutes(), w);
      case 's':
        return pad(d.getUTCSeconds(), w);
      default:
        throw new DateMathNameError(`unsupported date format [${pattern}] in [${name}]`);
    }
  });
}

function offsetMs(zone: string, name: string): number {
  if (zone === 'UTC' || zone === 'Z') return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
  if (!m) throw new DateMathNameError(`unsupported time zone [${zone}] in [${name}]`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** Whether `name` is a date-math expression (`<...>`). */
export function isDateMathName(name: string): boolean {
  return name.length > 2 && name.startsWith('<') && name.endsWith('>');
}

/** Resolves one name; names that are not `<...>` are returned unchanged. */
export function resolveDateMathName(name: string, now: number): string {
  if (!isDateMathName(name)) return name;
  const inner = name.slice(1, -1);
  let out = '';
  let i = 0;
  while (i < inner.length) {
    const c = inner[i]!;
    if (c === '\\' && i + 1 < inner.length) {
      out += inner[i + 1];
      i += 2;
      continue;
    }
    if (c !== '{') {
      if (c === '}') throw new DateMathNameError(`invalid dynamic name expression [${inner}]`);
      out += c;
      i++;
      continue;
    }
    // {math} or {math{format|zone}}: find the matching close brace.
    let depth = 0;
    let j = i;
    for (; j < inner.length; j++) {
      if (inner[j] === '{') depth++;
      else if (inner[j] === '}' && --depth === 0) break;
    }
    if (j >= inner.length) throw new DateMathNameError(`invalid dynamic name expression [${inner}]`);
    const body = inner.slice(i + 1, j);
    const open = body.indexOf('{');
    const math = open >= 0 ? body.slice(0, open) : body;
    let pattern = 'uuuu.MM.dd';
    let zone = 'UTC';
    if (open >= 0) {
      if (!body.endsWith('}')) throw new DateMathNameError(`invalid dynamic name expression [${inner}]`);
      const spec = body.slice(open + 1, -1);
      const bar = spec.indexOf('|');
      if (bar >= 0) {
        pattern = spec.slice(0, bar) || pattern;
        zone = spec.slice(bar + 1);
      } else if (spec !== '') pattern = spec;
    }
    const shift = offsetMs(zone, name);
    out += format(evalMath(math, now + shift, name), pattern, name);
    i = j + 1;
  }
  return out;
}
