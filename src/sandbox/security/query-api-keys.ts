import { EsError, illegalArgument, validationError } from '../errors.js';
import { isObject } from '../util.js';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
import { flattenMetadata } from './api-key-store.js';
import { parseDateValue } from './date-math.js';

/** A compiled query: a predicate plus, when cheap, a candidate set from the inverted index. */
interface Compiled {
  test(k: ApiKeyRecord): boolean;
  /** Keys that may match (a superset of matches), or undefined for "scan everything". */
  candidates(): readonly ApiKeyRecord[] | undefined;
}

/** How a query field's values are typed. */
export type FieldKind = 'keyword' | 'date' | 'boolean' | 'metadata';

/** Query field → how its values are read (FieldNameTranslators, §4.4). */
const FIELDS: Record<string, FieldKind> = {
  username: 'keyword',
  realm_name: 'keyword',
  name: 'keyword',
  type: 'keyword',
  creation: 'date',
  expiration: 'date',
  invalidated: 'boolean',
  invalidation: 'date',
};

const SUPPORTED = new Set([
  'bool',
  'match_all',
  'ids',
  'term',
  'terms',
  'prefix',
  'wildcard',
  'match',
  'exists',
  'range',
  'simple_query_string',
]);

/** Query types Elasticsearch knows but the API key query API rejects. */
const KNOWN_UNSUPPORTED = new Set([
  'match_none',
  'match_phrase',
  'match_phrase_prefix',
  'multi_match',
  'query_string',
  'fuzzy',
  'regexp',
  'nested',
  'has_child',
  'has_parent',
  'constant_score',
  'dis_max',
  'function_score',
  'boosting',
  'script',
  'script_score',
  'geo_distance',
  'geo_bounding_box',
  'more_like_this',
  'terms_set',
  'intervals',
  'span_term',
  'combined_fields',
  'knn',
  'distance_feature',
  'pinned',
  'wrapper',
  'percolate',
]);

/** The kind of a queryable field, raising ES's errors for others. */
export function fieldKind(field: string): FieldKind {
  if (field === 'metadata' || field.startsWith('metadata.')) return 'metadata';
  const kind = FIELDS[field];
  if (kind) return kind;
  if (field.includes('*'))
    throw illegalArgument(`Field name pattern [${field}] is not allowed for querying or aggregation`);
  throw illegalArgument(`Field [${field}] is not allowed for querying or aggregation`);
}

/** The values of a query field on a key, as strings (keywords) or numbers (dates). */
/** The values of a query field on a key. */
export function readField(k: ApiKeyRecord, field: string): (string | number | boolean)[] {
  switch (field) {
    case 'username':
      return [k.username];
    case 'realm_name':
      return [k.realm];
    case 'name':
      return [k.name];
    case 'type':
      return [k.type];
    case 'creation':
      return [k.creation];
    case 'expiration':
      return k.expiration === null ? [] : [k.expiration];
    case 'invalidated':
      return [k.invalidated];
    case 'invalidation':
      return k.invalidation === undefined ? [] : [k.invalidation];
  }
  const flat = flattenMetadata(k.metadata);
  if (field === 'metadata') return [...flat.values()].flat();
  const path = field.slice('metadata.'.length);
  const exact = flat.get(path) ?? [];
  return exact;
}

function hasField(k: ApiKeyRecord, field: string): boolean {
  if (field === 'metadata') return Object.keys(k.metadata).length > 0;
  if (field.startsWith('metadata.')) {
    const path = field.slice('metadata.'.length);
    for (const p of flattenMetadata(k.metadata).keys())
      if (p === path || p.startsWith(path + '.')) return true;
    return false;
  }
  return readField(k, field).length > 0;
}

const INDEXED = (field: string) => field === 'metadata' || field.startsWith('metadata.') || field in FIELDS;

function normaliseTerm(kind: FieldKind, v: unknown, now: number): string | number | boolean {
  if (kind === 'date') {
    const ms = parseDateValue(v, now);
    if (ms === undefined)
      throw new EsError(400, 'parse_exception', `failed to parse date field [${String(v)}]`);
    return ms;
  }
  if (kind === 'boolean') {
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw illegalArgument(`Failed to parse value [${String(v)}] as only [true] or [false] are allowed.`);
  }
  return String(v);
}

function termQuery(
  field: string,
  rawValues: unknown[],
  store: ApiKeyStore,
  now: number,
  caseInsensitive = false,
): Compiled {
  const kind = fieldKind(field);
  const values = rawValues.map((v) => normaliseTerm(kind, v, now));
  if (caseInsensitive && kind !== 'date') {
    const lower = new Set(values.map((v) => String(v).toLowerCase()));
    return {
      test: (k) => readField(k, field).some((x) => lower.has(String(x).toLowerCase())),
      candidates: () => undefined,
    };
  }
  const set = new Set(values.map(String));
  return {
    test: (k) => readField(k, field).some((x) => set.has(String(x))),
    candidates: () => {
      if (kind === 'date' || !INDEXED(field)) return undefined;
      if (values.length === 1) return store.postings(field, String(values[0]));
      const union = new Set<ApiKeyRecord>();
      for (const v of set) for (const k of store.postings(field, v)) union.add(k);
      return [...union];
    },
  };
}

function wildcardToRegex(pattern: string, caseInsensitive: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') re += (pattern[++i] ?? '\\').replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '');
}

/** `{field: value}` or `{field: {<valueKey>: value, …}}` → [field, value, options]. */
function singleField(
  type: string,
  body: unknown,
  valueKey: string,
): [string, unknown, Record<string, unknown>] {
  if (!isObject(body))
    throw new EsError(
      400,
      'parsing_exception',
      `[${type}] query malformed, no start_object after query name`,
    );
  const entries = Object.entries(body).filter(([k]) => k !== 'boost' && k !== '_name');
  if (entries.length !== 1) {
    throw new EsError(
      400,
      'parsing_exception',
      `[${type}] query doesn't support multiple fields, found [${entries.map(([k]) => k).join('] and [')}]`,
    );
  }
  const [field, spec] = entries[0]!;
  if (isObject(spec)) return [field, spec[valueKey] ?? spec.value, spec];
  return [field, spec, {}];
}

/** simple_query_string (basic subset): whitespace terms, `*` suffix = prefix, `-` = must not, `+` = must. */
function simpleQueryString(spec: Record<string, unknown>, store: ApiKeyStore, now: number): Compiled {
  const text = String(spec.query ?? '');
  const requested = Array.isArray(spec.fields) ? spec.fields.map(String) : ['*'];
  const allFields = ['name', 'username', 'realm_name', 'type', 'metadata'];
  const fields: string[] = [];
  for (const f of requested) {
    const name = f.replace(/\^.*$/, '');
    if (name.includes('*')) {
      const re = wildcardToRegex(name, false);
      for (const a of allFields) if (re.test(a)) fields.push(a);
      if (re.test('metadata.x')) fields.push('metadata');
    } else {
      const kind = fieldKind(name);
      if (kind !== 'date') fields.push(name);
    }
  }
  const and = String(spec.default_operator ?? 'or').toLowerCase() === 'and';
  const tokens = text.split(/\s+/).filter(Boolean);
  const clauses = tokens.map((t) => {
    const negate = t.startsWith('-');
    const must = t.startsWith('+');
    const term = negate || must ? t.slice(1) : t;
    const prefix = term.endsWith('*');
    const value = prefix ? term.slice(0, -1) : term;
    const test = (k: ApiKeyRecord) =>
      fields.some((f) =>
        readField(k, f).some((x) => (prefix ? String(x).startsWith(value) : String(x) === value)),
      );
    return { negate, must, test };
  });
  void store;
  void now;
  return {
    test: (k) => {
      let anyPositive = false;
      let matchedOne = false;
      for (const c of clauses) {
        const hit = c.test(k);
        if (c.negate) {
          if (hit) return false;
          continue;
        }
        anyPositive = true;
        if (c.must || and) {
          if (!hit) return false;
          matchedOne = true;
        } else if (hit) matchedOne = true;
      }
      return anyPositive ? matchedOne : clauses.length > 0;
    },
    candidates: () => undefined,
  };
}

function asArray(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function compileBool(spec: Record<string, unknown>, store: ApiKeyStore, now: number): Compiled {
  const must = asArray(spec.must).map((q) => compileQuery(q, store, now));
  const filter = asArray(spec.filter).map((q) => compileQuery(q, store, now));
  const should = asArray(spec.should).map((q) => compileQuery(q, store, now));
  const mustNot = asArray(spec.must_not).map((q) => compileQuery(q, store, now));
  const required = [...must, ...filter];
  let msm = required.length > 0 ? 0 : should.length > 0 ? 1 : 0;
  if (spec.minimum_should_match !== undefined) {
    const raw = String(spec.minimum_should_match);
    const pct = /^(-?\d+)%$/.exec(raw);
    let n = pct ? Math.trunc((should.length * Number(pct[1])) / 100) : Number.parseInt(raw, 10);
    if (n < 0) n = should.length + n;
    msm = Math.max(0, Math.min(n, should.length));
    if (Number.isNaN(msm)) msm = 0;
  }
  return {
    test: (k) => {
      for (const q of required) if (!q.test(k)) return false;
      for (const q of mustNot) if (q.test(k)) return false;
      if (msm > 0) {
        let hits = 0;
        for (const q of should) if (q.test(k) && ++hits >= msm) break;
        if (hits < msm) return false;
      }
      return true;
    },
    candidates: () => {
      let best: readonly ApiKeyRecord[] | undefined;
      for (const q of required) {
        const c = q.candidates();
        if (c && (!best || c.length < best.length)) best = c;
      }
      if (!best && msm > 0 && should.length > 0 && required.length === 0) {
        const union = new Set<ApiKeyRecord>();
        for (const q of should) {
          const c = q.candidates();
          if (!c) return undefined;
          for (const k of c) union.add(k);
        }
        return [...union];
      }
      return best;
    },
  };
}

/** Compiles one query clause of the API key query API (§4.4), raising ES's errors for the rest. */
export function compileQuery(q: unknown, store: ApiKeyStore, now: number): Compiled {
  if (!isObject(q))
    throw new EsError(400, 'parsing_exception', 'query malformed, must start with start_object');
  const entries = Object.entries(q);
  if (entries.length !== 1) {
    throw new EsError(
      400,
      'parsing_exception',
      entries.length === 0
        ? 'query malformed, empty clause found'
        : `[${entries[0]![0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`,
    );
  }
  const [type, spec] = entries[0]!;
  if (!SUPPORTED.has(type)) {
    if (KNOWN_UNSUPPORTED.has(type))
      throw illegalArgument(`Query type [${type}] is not currently supported in this context`);
    throw new EsError(400, 'parsing_exception', `unknown query [${type}]`);
  }
  switch (type) {
    case 'match_all':
      return { test: () => true, candidates: () => undefined };
    case 'bool':
      return compileBool(isObject(spec) ? spec : {}, store, now);
    case 'ids': {
      const ids = new Set(asArray(isObject(spec) ? spec.values : undefined).map(String));
      return {
        test: (k) => ids.has(k.id),
        candidates: () => [...ids].map((id) => store.get(id)).filter((k): k is ApiKeyRecord => !!k),
      };
    }
    case 'term': {
      const [field, value, opts] = singleField(type, spec, 'value');
      return termQuery(field, [value], store, now, opts.case_insensitive === true);
    }
    case 'match': {
      const [field, value] = singleField(type, spec, 'query');
      return termQuery(field, [value], store, now);
    }
    case 'terms': {
      if (!isObject(spec)) throw new EsError(400, 'parsing_exception', '[terms] query malformed');
      const entries2 = Object.entries(spec).filter(([k]) => k !== 'boost' && k !== '_name');
      const [field, values] = entries2[0] ?? ['', []];
      if (!Array.isArray(values))
        throw illegalArgument('terms query with terms lookup is not currently supported in this context');
      return termQuery(field, values, store, now);
    }
    case 'prefix':
    case 'wildcard': {
      const [field, value, opts] = singleField(type, spec, type === 'wildcard' ? 'value' : 'value');
      const kind = fieldKind(field);
      const raw = String(opts.wildcard ?? value);
      const ci = opts.case_insensitive === true;
      const re =
        type === 'prefix'
          ? wildcardToRegex(raw.replace(/[\\*?]/g, '\\$&') + '*', ci)
          : wildcardToRegex(raw, ci);
      if (kind === 'date')
        throw illegalArgument(
          `Can only use ${type} queries on keyword and text fields - not on [${field}] which is of type [date]`,
        );
      return {
        test: (k) => readField(k, field).some((x) => re.test(String(x))),
        candidates: () => undefined,
      };
    }
    case 'exists': {
      const field = String(isObject(spec) ? spec.field : '');
      fieldKind(field);
      return { test: (k) => hasField(k, field), candidates: () => undefined };
    }
    case 'range': {
      if (!isObject(spec)) throw new EsError(400, 'parsing_exception', '[range] query malformed');
      const [field, bounds] = Object.entries(spec)[0] ?? ['', {}];
      const kind = fieldKind(field);
      if (!isObject(bounds)) throw new EsError(400, 'parsing_exception', '[range] query malformed');
      if (bounds.relation !== undefined)
        throw illegalArgument('range query with relation is not currently supported in this context');
      const conv = (v: unknown, up: boolean): string | number =>
        kind === 'date' ? (parseDateValue(v, now, up) ?? Number.NaN) : String(v);
      const gt = bounds.gt ?? (bounds.include_lower === false ? bounds.from : undefined);
      const gte = bounds.gte ?? (bounds.include_lower !== false ? bounds.from : undefined);
      const lt = bounds.lt ?? (bounds.include_upper === false ? bounds.to : undefined);
      const lte = bounds.lte ?? (bounds.include_upper !== false ? bounds.to : undefined);
      const checks: ((x: string | number) => boolean)[] = [];
      if (gt != null) {
        const b = conv(gt, true);
        checks.push((x) => x > b);
      }
      if (gte != null) {
        const b = conv(gte, false);
        checks.push((x) => x >= b);
      }
      if (lt != null) {
        const b = conv(lt, false);
        checks.push((x) => x < b);
      }
      if (lte != null) {
        const b = conv(lte, true);
        checks.push((x) => x <= b);
      }
      return {
        test: (k) =>
          readField(k, field).some((x) => {
            const v = typeof x === 'boolean' ? String(x) : x;
            return checks.every((c) => c(v));
          }),
        candidates: () => undefined,
      };
    }
    case 'simple_query_string':
      return simpleQueryString(isObject(spec) ? spec : {}, store, now);
  }
  throw illegalArgument(`Query type [${type}] is not currently supported in this context`);
}

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
  return json
    .replaceAll(`"${LONG_MAX}"`, '9223372036854775807')
    .replaceAll(`"${LONG_MIN}"`, '-9223372036854775808');
}

/** The `_sort` values of a key (dates as epoch millis; missing values sort last as ES does). */
export function sortValues(k: ApiKeyRecord, sort: readonly SortSpec[]): unknown[] {
  return sort.map((s) => {
    if (s.field === '_doc') return k.seq;
    const kind = fieldKind(s.field);
    const vals = readField(k, s.field);
    if (vals.length === 0) return kind === 'date' ? (s.desc ? LONG_MIN : LONG_MAX) : null;
    const sorted = [...vals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return s.desc ? sorted.at(-1) : sorted[0];
  });
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
