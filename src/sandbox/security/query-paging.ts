/** Sorting, paging (from/size/search_after) and bounded top-k selection for the API key query API (§4.4). */
import { EsError, illegalArgument, validationError } from '../errors.js';
import { isObject } from '../util.js';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
import { type Compiled, fieldKind, readField } from './query-api-keys.js';

const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** One sort key of the request. */
export interface SortSpec {
  field: string;
  desc: boolean;
}

/** Parses `sort` as the query API accepts it: strings, `{field: order}` or `{field: {order}}`. */
export function parseSort(raw: unknown): SortSpec[] {
  const out: SortSpec[] = [];
  for (const s of asArray(raw)) {
    let field: string;
    let order: unknown;
    if (typeof s === 'string') {
      field = s;
    } else if (isObject(s)) {
      const [f, spec] = Object.entries(s)[0] ?? ['', undefined];
      field = f;
      if (isObject(spec)) {
        if (spec.nested !== undefined)
          throw illegalArgument('nested sorting is not supported for API Key query');
        order = spec.order;
      } else order = spec;
    } else
      throw new EsError(
        400,
        'parsing_exception',
        'malformed sort format, within the sort array, an object, or an actual string are allowed',
      );
    if (field !== '_doc') {
      if (field === 'id' || field === '_id')
        throw illegalArgument(`sorting is not supported for field [${field}]`);
      fieldKind(field);
    }
    out.push({ field, desc: order === 'desc' });
  }
  return out;
}

const LONG_MAX = '__LONG_MAX__';
const LONG_MIN = '__LONG_MIN__';

/** Replaces the Long.MAX/MIN sentinels used for missing date sort values with their JSON text. */
export function renderLongSentinels(json: string): string {
  if (!json.includes('"__LONG_M')) return json;
  return json
    .replaceAll(`"${LONG_MAX}"`, '9223372036854775807')
    .replaceAll(`"${LONG_MIN}"`, '-9223372036854775808');
}

/** The `_sort` values of a key (dates as epoch millis; missing values sort last as ES does). */
export function sortValues(k: ApiKeyRecord, sort: readonly SortSpec[]): unknown[] {
  const out = new Array<unknown>(sort.length);
  for (let i = 0; i < sort.length; i++) out[i] = sortValue(k, sort[i]!);
  return out;
}

/** One sort value: the smallest (asc) or largest (desc) of the field's values, or the missing marker. */
function sortValue(k: ApiKeyRecord, s: SortSpec): unknown {
  if (s.field === '_doc') return k.seq;
  const vals = readField(k, s.field);
  if (vals.length === 1) return vals[0];
  if (vals.length === 0) return fieldKind(s.field) === 'date' ? (s.desc ? LONG_MIN : LONG_MAX) : null;
  const sorted = [...vals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return s.desc ? sorted.at(-1) : sorted[0];
}

function compareValue(a: unknown, b: unknown): number {
  const norm = (v: unknown) =>
    v === LONG_MAX ? Number.POSITIVE_INFINITY : v === LONG_MIN ? Number.NEGATIVE_INFINITY : v;
  const x = norm(a);
  const y = norm(b);
  if (x === y) return 0;
  if (x === null || x === undefined) return 1;
  if (y === null || y === undefined) return -1;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}

/** Comparator over precomputed sort values. */
export function compareSortValues(sort: readonly SortSpec[], a: unknown[], b: unknown[]): number {
  for (let i = 0; i < sort.length; i++) {
    const av = a[i];
    const bv = b[i];
    // Missing values sort last in both directions.
    const missingA = av === null || av === LONG_MAX || av === LONG_MIN;
    const missingB = bv === null || bv === LONG_MAX || bv === LONG_MIN;
    if (missingA !== missingB) return missingA ? 1 : -1;
    let c = compareValue(av, bv);
    if (sort[i]!.desc) c = -c;
    if (c !== 0) return c;
  }
  return 0;
}

/** Parsed `from`/`size` with ES's validation and result-window errors (§4.4). */
export function checkWindow(from: number, size: number): void {
  const errors: string[] = [];
  if (from < 0) errors.push(`[from] parameter cannot be negative but was [${from}]`);
  if (size < 0) errors.push(`[size] parameter cannot be negative but was [${size}]`);
  if (errors.length > 0) throw validationError(errors);
  if (from + size > 10_000) {
    const reason = `Result window is too large, from + size must be less than or equal to: [10000] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`;
    const cause = { type: 'illegal_argument_exception', reason };
    throw new EsError(400, 'search_phase_execution_exception', 'all shards failed', {
      metadata: {
        phase: 'query',
        grouped: true,
        failed_shards: [{ shard: 0, index: '.security-7', node: 'sandbox-node-id', reason: cause }],
      },
      causedBy: { ...cause, causedBy: cause },
      rootCauses: [cause],
    });
  }
}

/**
 * Runs a compiled query: exact total, then the requested page. With a sort, a bounded
 * selection keeps only the best `from + size` hits instead of sorting every match.
 */
export function runQuery(
  store: ApiKeyStore,
  compiled: Compiled,
  visible: (k: ApiKeyRecord) => boolean,
  sort: readonly SortSpec[],
  from: number,
  size: number,
  searchAfter: unknown[] | undefined,
  collect?: ApiKeyRecord[],
): { total: number; page: { key: ApiKeyRecord; sort: unknown[] }[] } {
  const candidates = compiled.candidates() ?? store.all();
  const want = from + size;
  let total = 0;
  const effectiveSort = sort;
  const firstSort = sort.slice(0, 1);
  const top: { key: ApiKeyRecord; sort: unknown[] }[] = [];
  const cmp = (a: { sort: unknown[] }, b: { sort: unknown[] }) =>
    compareSortValues(effectiveSort, a.sort, b.sort);
  for (const k of candidates) {
    if (!visible(k) || !compiled.test(k)) continue;
    total++;
    if (want === 0) {
      collect?.push(k);
      continue;
    }
    if (effectiveSort.length === 0) {
      collect?.push(k);
      if (top.length < want) top.push({ key: k, sort: [] });
      continue;
    }
    if (collect) collect.push(k);
    if (top.length === want && !searchAfter) {
      // Cheap rejection on the first sort key before building the full sort values.
      const first = compareSortValues(firstSort, [sortValue(k, firstSort[0]!)], top[top.length - 1]!.sort);
      if (first > 0) continue;
    }
    const entry = { key: k, sort: sortValues(k, effectiveSort) };
    if (searchAfter && compareSortValues(effectiveSort, entry.sort, searchAfter) <= 0) continue;
    if (top.length === want && cmp(entry, top[top.length - 1]!) >= 0) continue;
    // Binary insertion into the bounded, sorted top list.
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(top[mid]!, entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, entry);
    if (top.length > want) top.pop();
  }
  return { total, page: top.slice(from) };
}

/**
 * Converts `search_after` values to the sort fields' types as SearchAfterBuilder does. The API
 * key dates are mapped with `format: epoch_millis` in the security index, so a string date value
 * must be epoch millis ("1704067200000"); any other string fails to parse, as it does in
 * Elasticsearch, instead of silently comparing unequal to every key. Keyword values are compared
 * as strings (a number given for a keyword sort is read as its text).
 */
export function parseSearchAfter(sort: readonly SortSpec[], values: readonly unknown[]): unknown[] {
  return values.map((v, i) => {
    const s = sort[i]!;
    if (s.field === '_doc' || v === null) return v;
    const kind = fieldKind(s.field);
    if (kind === 'date') {
      if (typeof v === 'number') return Math.trunc(v);
      const text = String(v);
      if (/^-?\d+(\.\d+)?$/.test(text)) return Math.trunc(Number(text));
      throw new EsError(
        400,
        'parse_exception',
        `failed to parse date field [${text}] with format [epoch_millis]`,
      );
    }
    if (kind === 'keyword' && typeof v === 'number') return String(v);
    return v;
  });
}
