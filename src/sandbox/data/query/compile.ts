/**
 * The search query DSL over stored documents: what the sandbox emulates, exactly, and a loud 400
 * for the rest (`unknown query [x]` for names Elasticsearch does not know either, "does not
 * emulate" for the ones it does).
 */
import { EsError } from '../../errors.js';
import { notEmulated } from '../../http/not-emulated.js';
import { didYouMean } from '../../http/params.js';
import type { IndexRecord } from '../../state.js';
import { isObject, wildcardRegex } from '../../util.js';
import { type FieldKind, fieldInfo, type Hit, normalize, rawValues, tokens } from './fields.js';
import { compileQueryString } from './query-string.js';

/** Whether a document matches. */
export type Predicate = (hit: Hit) => boolean;

/** Query names Elasticsearch registers (SearchModule and the default plugins) that the sandbox does not emulate. */
const KNOWN_ELSEWHERE = new Set([
  'boosting',
  'combined_fields',
  'dis_max',
  'distance_feature',
  'function_score',
  'fuzzy',
  'geo_bounding_box',
  'geo_distance',
  'geo_grid',
  'geo_polygon',
  'geo_shape',
  'has_child',
  'has_parent',
  'intervals',
  'knn',
  'match_bool_prefix',
  'match_phrase',
  'match_phrase_prefix',
  'more_like_this',
  'nested',
  'parent_id',
  'percolate',
  'pinned',
  'rank_feature',
  'regexp',
  'rule',
  'script',
  'script_score',
  'semantic',
  'shape',
  'simple_query_string',
  'field_masking_span',
  'span_containing',
  'span_field_masking',
  'span_first',
  'span_multi',
  'span_near',
  'span_not',
  'span_or',
  'span_term',
  'span_within',
  'sparse_vector',
  'terms_set',
  'text_expansion',
  'weighted_tokens',
  'wrapper',
]);

/** The queries compileQuery evaluates. */
const EMULATED = [
  'bool',
  'constant_score',
  'exists',
  'ids',
  'match',
  'match_all',
  'match_none',
  'multi_match',
  'prefix',
  'query_string',
  'range',
  'term',
  'terms',
  'wildcard',
];

const parsing = (reason: string) => new EsError(400, 'parsing_exception', reason);

/** Options every query accepts (AbstractQueryBuilder's standard fields). */
const STANDARD = ['boost', '_name'];

function checkKeys(query: string, spec: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(spec)) {
    if (!allowed.includes(k) && !STANDARD.includes(k))
      throw parsing(`[${query}] query does not support [${k}]`);
  }
}

/** `{field: value}` or `{field: {<valueKey>: value, …options}}`, the single-field query shape. */
function singleField(
  query: string,
  spec: Record<string, unknown>,
  valueKey: string,
  options: readonly string[],
): { field: string; value: unknown; opts: Record<string, unknown> } {
  const fields = Object.keys(spec).filter((k) => !STANDARD.includes(k));
  if (fields.length !== 1) {
    if (fields.length === 0) throw parsing(`[${query}] query doesn't support multiple fields, found none`);
    throw parsing(
      `[${query}] query doesn't support multiple fields, found [${fields[0]}] and [${fields[1]}]`,
    );
  }
  const field = fields[0]!;
  const v = spec[field];
  if (!isObject(v)) return { field, value: v, opts: {} };
  checkKeys(query, v, [valueKey, ...options]);
  return { field, value: v[valueKey], opts: v };
}

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

/** Values of a field normalised to its kind (text fields: their tokens). */
function valuesOf(hit: Hit, field: string, kind: FieldKind, now: number): (string | number | boolean)[] {
  const out: (string | number | boolean)[] = [];
  for (const raw of rawValues(hit, field)) {
    if (kind === 'text') out.push(...tokens(textOf(raw)));
    else {
      const n = normalize(kind, raw, now);
      if (n !== undefined) out.push(n);
    }
  }
  return out;
}

/** The 400 a value gets that the field's type cannot read (the shard's query_shard_exception). */
function unreadable(idx: IndexRecord, kind: FieldKind, value: unknown): EsError {
  const reason =
    kind === 'number'
      ? `failed to create query: For input string: "${String(value)}"`
      : kind === 'date'
        ? `failed to create query: failed to parse date field [${String(value)}] with format [strict_date_optional_time||epoch_millis]`
        : `failed to create query: Can't parse boolean value [${String(value)}], expected [true] or [false]`;
  return new EsError(400, 'query_shard_exception', reason, {
    metadata: { index_uuid: idx.uuid, index: idx.name },
  });
}

/** An exact-value test on one field (term, terms, ids): unanalysed, as Lucene term queries are. */
function termTest(
  idx: IndexRecord,
  field: string,
  wanted: unknown[],
  now: number,
  opts: { caseInsensitive?: boolean; lenient?: boolean } = {},
): Predicate {
  const { kind } = fieldInfo(idx, field);
  const fold = (x: string | number | boolean) =>
    opts.caseInsensitive && typeof x === 'string' ? x.toLowerCase() : x;
  const set = new Set<string | number | boolean>();
  for (const w of wanted) {
    const n = normalize(kind === 'text' ? 'keyword' : kind, w, now);
    if (n !== undefined) set.add(fold(n));
    else if (!opts.lenient) throw unreadable(idx, kind, w);
  }
  return (hit) => valuesOf(hit, field, kind, now).some((x) => set.has(fold(x)));
}

/** The `minimum_should_match` count for `optional` clauses (Queries.calculateMinShouldMatch). */
export function minimumShouldMatch(spec: unknown, optional: number): number {
  const s = String(spec).trim();
  if (s.includes('<')) {
    // Conditional specs "N<spec …": past each upper bound N, the next spec applies.
    let result = optional;
    for (const part of s.replace(/\s*<\s*/g, '<').split(/\s+/)) {
      const [upper, rest] = part.split('<');
      if (optional <= Number.parseInt(upper!, 10)) return result;
      result = minimumShouldMatch(rest, optional);
    }
    return result;
  }
  const pct = s.endsWith('%');
  const n = Number.parseInt(pct ? s.slice(0, -1) : s, 10);
  if (Number.isNaN(n)) throw new EsError(400, 'illegal_argument_exception', `For input string: "${s}"`);
  const calc = pct ? Math.trunc((optional * n) / 100) : n;
  const result = calc < 0 ? optional + calc : calc;
  return Math.max(result, 0);
}

/** A `match` test of `text` on one field: analysed on text fields (or/and), exact elsewhere. */
export function matchTest(
  idx: IndexRecord,
  field: string,
  text: unknown,
  operator: string,
  msm: unknown,
  now: number,
  lenient = false,
): Predicate {
  const { kind } = fieldInfo(idx, field);
  if (kind !== 'text') return termTest(idx, field, [text], now, { lenient });
  const wanted = [...new Set(tokens(textOf(text)))];
  if (wanted.length === 0) return () => false;
  const need =
    operator === 'and'
      ? wanted.length
      : msm === undefined
        ? 1
        : Math.max(1, minimumShouldMatch(msm, wanted.length));
  return (hit) => {
    const have = new Set(valuesOf(hit, field, kind, now));
    let n = 0;
    for (const w of wanted) if (have.has(w)) n++;
    return n >= need;
  };
}

function wildcardToRegex(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.+()[\]{}|/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'si' : 's');
}

/** A test of each value (text fields: each token) against a pattern: prefix and wildcard. */
function patternTest(idx: IndexRecord, field: string, test: (s: string) => boolean, now: number): Predicate {
  const { kind } = fieldInfo(idx, field);
  return (hit) =>
    valuesOf(hit, field, kind === 'text' ? 'text' : 'keyword', now).some((x) => test(String(x)));
}

function rangeTest(idx: IndexRecord, spec: Record<string, unknown>, now: number): Predicate {
  const { field, opts } = singleField('range', spec, 'gte', [
    'gt',
    'lt',
    'lte',
    'from',
    'to',
    'include_lower',
    'include_upper',
    'format',
    'time_zone',
    'relation',
  ]);
  if (!isObject(spec[field])) throw parsing(`[range] query malformed, no start_object after query name`);
  if (opts.format !== undefined) throw notEmulated('query.range.format');
  if (opts.time_zone !== undefined) throw notEmulated('query.range.time_zone');
  if (opts.relation !== undefined && opts.relation !== 'intersects')
    throw notEmulated('query.range.relation');
  const { kind } = fieldInfo(idx, field);
  const k: FieldKind = kind === 'text' || kind === 'unmapped' ? 'keyword' : kind;
  const bound = (v: unknown) => {
    if (v === undefined || v === null) return undefined;
    if (k === 'date' && typeof v === 'string' && v.includes('||'))
      throw notEmulated('query.range date math anchored on a date');
    if (k === 'date' && typeof v === 'string' && /^now.*\//.test(v))
      throw notEmulated('query.range date rounding');
    const n = normalize(k, v, now);
    if (n === undefined)
      throw parsing(`[range] query: cannot read bound [${String(v)}] for field [${field}]`);
    return n;
  };
  const lowerInclusive = opts.gt === undefined ? opts.include_lower !== false : false;
  const upperInclusive = opts.lt === undefined ? opts.include_upper !== false : false;
  const lower = bound(opts.gt ?? opts.gte ?? opts.from);
  const upper = bound(opts.lt ?? opts.lte ?? opts.to);
  return (hit) =>
    valuesOf(hit, field, k, now).some(
      (x) =>
        (lower === undefined || (lowerInclusive ? x >= lower : x > lower)) &&
        (upper === undefined || (upperInclusive ? x <= upper : x < upper)),
    );
}

/** The searchable field names of a document (leaf paths of its source), for `*` field patterns. */
function leafPaths(v: unknown, prefix: string, out: string[]): string[] {
  if (isObject(v)) for (const [k, x] of Object.entries(v)) leafPaths(x, prefix ? `${prefix}.${k}` : k, out);
  else if (Array.isArray(v)) for (const x of v) leafPaths(x, prefix, out);
  else if (prefix) out.push(prefix);
  return out;
}

/** A test over several fields (multi_match, query_string): field names with `*` and `^boost`. */
export function anyField(fields: readonly string[], test: (field: string) => Predicate): Predicate {
  const names = fields.map((f) => f.replace(/\^[\d.]+$/, ''));
  const exact = names.filter((f) => !f.includes('*')).map(test);
  const patterns = names.filter((f) => f.includes('*')).map((f) => wildcardRegex(f));
  const cache = new Map<string, Predicate>();
  return (hit) => {
    if (exact.some((p) => p(hit))) return true;
    if (patterns.length === 0) return false;
    for (const f of new Set(leafPaths(hit.doc.source, '', []))) {
      if (!patterns.some((re) => re.test(f))) continue;
      let p = cache.get(f);
      if (!p) {
        p = test(f);
        cache.set(f, p);
      }
      if (p(hit)) return true;
    }
    return false;
  };
}

function multiMatch(idx: IndexRecord, spec: Record<string, unknown>, now: number): Predicate {
  checkKeys('multi_match', spec, [
    'query',
    'fields',
    'type',
    'operator',
    'minimum_should_match',
    'lenient',
    'tie_breaker',
  ]);
  const type = String(spec.type ?? 'best_fields');
  if (type !== 'best_fields' && type !== 'most_fields') throw notEmulated(`query.multi_match.type.${type}`);
  if (spec.query === undefined) throw parsing('No text specified for multi_match query');
  const fields =
    spec.fields === undefined
      ? ['*']
      : Array.isArray(spec.fields)
        ? spec.fields.map(String)
        : [String(spec.fields)];
  const operator = String(spec.operator ?? 'or').toLowerCase();
  // best_fields and most_fields only rank differently: a document matches when one field matches.
  // Field patterns make the query lenient, as QueryParserHelper does for resolved wildcards.
  const lenient = spec.lenient === true || fields.some((f) => f.includes('*'));
  return anyField(fields, (f) =>
    matchTest(idx, f, spec.query, operator, spec.minimum_should_match, now, lenient),
  );
}

/** Compiles a query for one index (its mapping decides text vs exact matching). Throws the 400s. */
export function compileQuery(q: unknown, idx: IndexRecord, now: number): Predicate {
  if (!isObject(q)) throw parsing('[_na] query malformed, must start with start_object');
  const names = Object.keys(q);
  if (names.length === 0)
    throw new EsError(400, 'illegal_argument_exception', 'query malformed, empty clause found');
  if (names.length > 1)
    throw parsing(`[${names[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  const type = names[0]!;
  const spec = q[type];
  if (!isObject(spec)) throw parsing(`[${type}] query malformed, no start_object after query name`);
  const sub = (v: unknown) => compileQuery(v, idx, now);
  switch (type) {
    case 'match_all':
      checkKeys(type, spec, []);
      return () => true;
    case 'match_none':
      checkKeys(type, spec, []);
      return () => false;
    case 'ids': {
      checkKeys(type, spec, ['values']);
      const ids = new Set((Array.isArray(spec.values) ? spec.values : []).map(String));
      return (hit) => ids.has(hit.id);
    }
    case 'term': {
      const { field, value, opts } = singleField(type, spec, 'value', ['case_insensitive']);
      if (value === undefined || value === null || isObject(value))
        throw parsing('[term] query malformed, no value');
      return termTest(idx, field, [value], now, { caseInsensitive: opts.case_insensitive === true });
    }
    case 'terms': {
      const fields = Object.keys(spec).filter((k) => !STANDARD.includes(k));
      if (fields.length !== 1) throw parsing(`[terms] query does not support multiple fields`);
      const values = spec[fields[0]!];
      if (isObject(values)) throw notEmulated('query.terms lookup');
      if (!Array.isArray(values)) throw parsing(`[terms] query does not support [${fields[0]}]`);
      return termTest(idx, fields[0]!, values, now);
    }
    case 'match': {
      const { field, value, opts } = singleField(type, spec, 'query', [
        'operator',
        'minimum_should_match',
        'lenient',
        'zero_terms_query',
        'auto_generate_synonyms_phrase_query',
      ]);
      if (opts.zero_terms_query === 'all') throw notEmulated('query.match.zero_terms_query');
      return matchTest(
        idx,
        field,
        value,
        String(opts.operator ?? 'or').toLowerCase(),
        opts.minimum_should_match,
        now,
        opts.lenient === true,
      );
    }
    case 'multi_match':
      return multiMatch(idx, spec, now);
    case 'exists': {
      checkKeys(type, spec, ['field']);
      if (typeof spec.field !== 'string') throw parsing('[exists] must be provided with a [field]');
      const field = spec.field;
      if (field.includes('*')) return anyField([field], (f) => (hit) => rawValues(hit, f).length > 0);
      return (hit) => rawValues(hit, field).length > 0;
    }
    case 'prefix': {
      const { field, value, opts } = singleField(type, spec, 'value', ['case_insensitive', 'rewrite']);
      const ci = opts.case_insensitive === true;
      const p = ci ? String(value).toLowerCase() : String(value);
      return patternTest(idx, field, (s) => (ci ? s.toLowerCase() : s).startsWith(p), now);
    }
    case 'wildcard': {
      const { field, value, opts } = singleField(type, spec, 'value', [
        'wildcard',
        'case_insensitive',
        'rewrite',
      ]);
      const re = wildcardToRegex(String(value ?? opts.wildcard), opts.case_insensitive === true);
      return patternTest(idx, field, (s) => re.test(s), now);
    }
    case 'range':
      return rangeTest(idx, spec, now);
    case 'constant_score': {
      checkKeys(type, spec, ['filter']);
      if (spec.filter === undefined) throw parsing("[constant_score] requires a 'filter' element");
      return sub(spec.filter);
    }
    case 'bool': {
      checkKeys(type, spec, [
        'must',
        'filter',
        'should',
        'must_not',
        'minimum_should_match',
        'adjust_pure_negative',
      ]);
      const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(sub);
      const must = [...list(spec.must), ...list(spec.filter)];
      const should = list(spec.should);
      const mustNot = list(spec.must_not);
      // BoolQueryBuilder: without must/filter, one should clause must match; with them, none need.
      const msm =
        spec.minimum_should_match !== undefined
          ? minimumShouldMatch(spec.minimum_should_match, should.length)
          : must.length === 0 && should.length > 0
            ? 1
            : 0;
      return (hit) => {
        for (const p of must) if (!p(hit)) return false;
        for (const p of mustNot) if (p(hit)) return false;
        if (msm === 0) return true;
        let n = 0;
        for (const p of should) if (p(hit) && ++n >= msm) return true;
        return false;
      };
    }
    case 'query_string':
      return compileQueryString(spec, idx, now);
  }
  if (KNOWN_ELSEWHERE.has(type)) throw notEmulated(`query.${type}`);
  throw parsing(`unknown query [${type}]${didYouMean(type, [...EMULATED, ...KNOWN_ELSEWHERE])}`);
}
