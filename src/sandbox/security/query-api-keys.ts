import { EsError, illegalArgument } from '../errors.js';
import { isObject } from '../util.js';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
import { flattenMetadata } from './api-key-store.js';
import { parseDateValue } from './date-math.js';

/** A compiled query: a predicate plus, when cheap, a candidate set from the inverted index. */
export interface Compiled {
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
