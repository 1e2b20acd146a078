/**
 * `_source` filtering of get, get-source and mget answers, as Elasticsearch's FetchSourceContext
 * reads it and XContentMapValues.filter applies it (facts: docs/es-facts.md, "Documents: mget,
 * msearch, update by query and _source parameters (issue 14, item 3)").
 */
import { EsError } from '../errors.js';
import { isObject } from '../util.js';

/** Whether to return `_source`, and which paths (empty includes = everything). */
export interface SourceFilter {
  readonly fetch: boolean;
  readonly includes: readonly string[];
  readonly excludes: readonly string[];
}

/** The whole source: what a request that says nothing about `_source` gets. */
export const FULL_SOURCE: SourceFilter = { fetch: true, includes: [], excludes: [] };

const commaList = (v: string) => v.split(',').filter((s) => s !== '');

/**
 * FetchSourceContext.parseFromRestRequest: `_source` is a boolean or a comma list of includes;
 * `_source_includes`/`_source_excludes` are comma lists and imply fetching. Undefined when the
 * request names none of them (the caller's default applies).
 */
export function sourceFilterFromParams(query: URLSearchParams): SourceFilter | undefined {
  const source = query.get('_source');
  const inc = query.get('_source_includes');
  const exc = query.get('_source_excludes');
  if (source === null && inc === null && exc === null) return undefined;
  let fetch: boolean | undefined;
  let includes: string[] = [];
  if (source === 'true') fetch = true;
  else if (source === 'false') fetch = false;
  else if (source !== null) includes = commaList(source);
  if (inc !== null) includes = commaList(inc);
  return { fetch: fetch ?? true, includes, excludes: exc === null ? [] : commaList(exc) };
}

function stringList(v: unknown, field: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  throw new EsError(400, 'parsing_exception', `Expected [VALUE_STRING] or [START_ARRAY] for [${field}]`);
}

/**
 * FetchSourceContext.fromXContent for an mget `docs[]._source`: a boolean, a string, a list of
 * strings, or `{includes, excludes}` (`include`/`exclude` accepted too).
 */
export function sourceFilterFromBody(v: unknown): SourceFilter {
  if (typeof v === 'boolean') return { fetch: v, includes: [], excludes: [] };
  if (typeof v === 'string' || Array.isArray(v)) {
    return { fetch: true, includes: stringList(v, '_source'), excludes: [] };
  }
  if (isObject(v)) {
    let includes: string[] = [];
    let excludes: string[] = [];
    for (const [k, val] of Object.entries(v)) {
      if (k === 'includes' || k === 'include') includes = stringList(val, k);
      else if (k === 'excludes' || k === 'exclude') excludes = stringList(val, k);
      else throw new EsError(400, 'parsing_exception', `Unknown key for a START_ARRAY in [${k}].`);
    }
    return { fetch: true, includes, excludes };
  }
  throw new EsError(
    400,
    'parsing_exception',
    'Expected one of [VALUE_BOOLEAN, VALUE_STRING, START_ARRAY, START_OBJECT] but found [VALUE_NUMBER]',
  );
}

/**
 * A set of simple wildcard patterns (`*` only) each followed by "nothing or `.` and anything",
 * so a pattern naming an object also names its inner fields (makeMatchDotsInFieldNames). A state
 * is the set of positions reached in each pattern; `TAIL` means "past the pattern and a dot".
 */
class PathPatterns {
  static readonly TAIL = -1;
  constructor(private readonly patterns: readonly string[]) {}

  start(): number[][] {
    return this.patterns.map(() => [0]);
  }

  /** The state after reading `text`; undefined when no pattern can match any continuation. */
  step(state: readonly number[][], text: string): number[][] | undefined {
    let cur = state.map((s) => [...s]);
    for (const ch of text) {
      cur = cur.map((positions, p) => this.advance(this.patterns[p]!, positions, ch));
      if (cur.every((s) => s.length === 0)) return undefined;
    }
    return cur;
  }

  isAccept(state: readonly number[][]): boolean {
    return state.some((positions, p) =>
      positions.some(
        (i) => i === PathPatterns.TAIL || this.closure(this.patterns[p]!, i).has(this.patterns[p]!.length),
      ),
    );
  }

  private closure(pattern: string, i: number): Set<number> {
    const out = new Set<number>([i]);
    let j = i;
    while (j < pattern.length && pattern[j] === '*') out.add(++j);
    return out;
  }

  private advance(pattern: string, positions: readonly number[], ch: string): number[] {
    const next = new Set<number>();
    for (const start of positions) {
      if (start === PathPatterns.TAIL) {
        next.add(PathPatterns.TAIL);
        continue;
      }
      for (const i of this.closure(pattern, start)) {
        if (i === pattern.length) {
          if (ch === '.') next.add(PathPatterns.TAIL);
        } else if (pattern[i] === '*') next.add(i);
        else if (pattern[i] === ch) next.add(i + 1);
      }
    }
    return [...next];
  }
}

type State = number[][] | undefined;

/**
 * XContentMapValues.filter: keeps the properties an include matches and no exclude matches; an
 * object matched by an include keeps all its inner properties unless an exclude reaches inside;
 * an object only partly included is dropped when nothing inside it is left.
 */
export function filterSource(
  source: Record<string, unknown>,
  includes: readonly string[],
  excludes: readonly string[],
): Record<string, unknown> {
  if (includes.length === 0 && excludes.length === 0) return source;
  const inc = includes.length === 0 ? new PathPatterns(['*']) : new PathPatterns(includes);
  const exc = new PathPatterns(excludes);
  const all = new PathPatterns(['*']);
  return filterMap(source, inc, inc.start(), exc, excludes.length === 0 ? undefined : exc.start(), all);
}

function filterMap(
  map: Record<string, unknown>,
  inc: PathPatterns,
  incState: number[][],
  exc: PathPatterns,
  excState: State,
  all: PathPatterns,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    const includeState = inc.step(incState, key);
    if (!includeState) continue;
    const excludeState = excState && exc.step(excState, key);
    if (excludeState && exc.isAccept(excludeState)) continue;
    let subInc = inc;
    let subIncState: State = includeState;
    const included = inc.isAccept(includeState);
    if (included) {
      if (!excludeState || !exc.step(excludeState, '.')) {
        out[key] = value;
        continue;
      }
      subInc = all;
      subIncState = all.start();
    }
    if (isObject(value)) {
      subIncState = subInc.step(subIncState, '.');
      if (!subIncState) continue;
      const inner = filterMap(
        value,
        subInc,
        subIncState,
        exc,
        excludeState && exc.step(excludeState, '.'),
        all,
      );
      if (included || Object.keys(inner).length > 0) out[key] = inner;
    } else if (Array.isArray(value)) {
      const inner = filterList(value, subInc, subIncState, exc, excludeState, all);
      if (included || inner.length > 0) out[key] = inner;
    } else if (included) {
      out[key] = value;
    }
  }
  return out;
}

function filterList(
  list: readonly unknown[],
  inc: PathPatterns,
  incState: number[][],
  exc: PathPatterns,
  excState: State,
  all: PathPatterns,
): unknown[] {
  const out: unknown[] = [];
  const included = inc.isAccept(incState);
  for (const value of list) {
    if (isObject(value)) {
      const subInc = inc.step(incState, '.');
      if (!subInc) continue;
      const inner = filterMap(value, inc, subInc, exc, excState && exc.step(excState, '.'), all);
      if (Object.keys(inner).length > 0) out.push(inner);
    } else if (Array.isArray(value)) {
      const inner = filterList(value, inc, incState, exc, excState, all);
      if (inner.length > 0) out.push(inner);
    } else if (included) {
      out.push(value);
    }
  }
  return out;
}
