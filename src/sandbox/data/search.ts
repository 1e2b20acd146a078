/** `_search`, `_count` and `_delete_by_query` over the refreshed view of indices. */
import { EsError, illegalArgument } from '../errors.js';
import { authorizedIndices, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { DocRecord, IndexRecord } from '../state.js';
import { isObject } from '../util.js';
import { type BulkItem, executeItems } from './bulk.js';
import { refreshIndex, resolveForRead } from './indices.js';
import { concreteIndices, refuseClosed } from './resolve.js';

type DocPredicate = (id: string, doc: DocRecord) => boolean;

function fieldValues(source: Record<string, unknown>, field: string): unknown[] {
  const path = field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field;
  let cur: unknown[] = [source];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (isObject(c) && c[part] !== undefined) {
        const v = c[part];
        if (Array.isArray(v)) next.push(...v);
        else next.push(v);
      }
    }
    cur = next;
  }
  return cur.filter((v) => v !== null);
}

const tokens = (s: string) =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);

function isTextField(idx: IndexRecord, field: string): boolean {
  if (field.endsWith('.keyword')) return false;
  let node = idx.mappings as Record<string, unknown>;
  for (const part of field.split('.')) {
    const props = node.properties as Record<string, Record<string, unknown>> | undefined;
    const next = props?.[part];
    if (!next) return false;
    node = next;
  }
  return node.type === 'text';
}

/** Compiles the data-plane query subset (match_all, term(s), match, ids, exists, range, bool). */
function compileDocQuery(q: unknown, idx: IndexRecord): DocPredicate {
  if (q === undefined) return () => true;
  if (!isObject(q))
    throw new EsError(400, 'parsing_exception', '[_na] query malformed, must start with start_object');
  const [type, spec] = Object.entries(q)[0] ?? ['match_all', {}];
  const single = (): [string, unknown] => {
    const [f, v] = Object.entries(isObject(spec) ? spec : {})[0] ?? ['', undefined];
    return [f, isObject(v) ? (v.value ?? v.query) : v];
  };
  switch (type) {
    case 'match_all':
      return () => true;
    case 'match_none':
      return () => false;
    case 'ids': {
      const ids = new Set((isObject(spec) && Array.isArray(spec.values) ? spec.values : []).map(String));
      return (id) => ids.has(id);
    }
    case 'term':
    case 'terms': {
      let field: string;
      let values: unknown[];
      if (type === 'term') {
        const [f, v] = single();
        field = f;
        values = [v];
      } else {
        const [f, v] = Object.entries(isObject(spec) ? spec : {}).find(([k]) => k !== 'boost') ?? ['', []];
        field = f;
        values = Array.isArray(v) ? v : [];
      }
      const wanted = new Set(values.map(String));
      const text = isTextField(idx, field);
      return (_id, doc) =>
        fieldValues(doc.source, field).some((x) =>
          text ? tokens(String(x)).some((t) => wanted.has(t)) : wanted.has(String(x)),
        );
    }
    case 'match': {
      const [field, v] = single();
      const text = isTextField(idx, field);
      const wanted = text ? tokens(String(v)) : [String(v)];
      return (_id, doc) =>
        fieldValues(doc.source, field).some((x) =>
          text ? tokens(String(x)).some((t) => wanted.includes(t)) : String(x) === wanted[0],
        );
    }
    case 'exists': {
      const field = String(isObject(spec) ? spec.field : '');
      return (_id, doc) => fieldValues(doc.source, field).length > 0;
    }
    case 'range': {
      const [field, b] = Object.entries(isObject(spec) ? spec : {})[0] ?? ['', {}];
      const bounds = isObject(b) ? b : {};
      const cmp = (x: unknown, y: unknown) =>
        typeof x === 'number' ? x - Number(y) : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
      return (_id, doc) =>
        fieldValues(doc.source, field).some(
          (x) =>
            (bounds.gt === undefined || cmp(x, bounds.gt) > 0) &&
            (bounds.gte === undefined || cmp(x, bounds.gte) >= 0) &&
            (bounds.lt === undefined || cmp(x, bounds.lt) < 0) &&
            (bounds.lte === undefined || cmp(x, bounds.lte) <= 0),
        );
    }
    case 'bool': {
      const s = isObject(spec) ? spec : {};
      const list = (v: unknown) =>
        (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((x) => compileDocQuery(x, idx));
      const must = [...list(s.must), ...list(s.filter)];
      const should = list(s.should);
      const mustNot = list(s.must_not);
      const msm =
        s.minimum_should_match !== undefined
          ? Number(s.minimum_should_match)
          : must.length > 0
            ? 0
            : should.length > 0
              ? 1
              : 0;
      return (id, doc) =>
        must.every((p) => p(id, doc)) &&
        !mustNot.some((p) => p(id, doc)) &&
        (msm === 0 || should.filter((p) => p(id, doc)).length >= msm);
    }
  }
  throw new EsError(400, 'parsing_exception', `unknown query [${type}]`);
}

interface SearchPlan {
  indices: IndexRecord[];
  query: unknown;
  from: number;
  size: number;
}

function planSearch(ctx: RequestContext): SearchPlan {
  const body = jsonBody(ctx);
  const b = isObject(body) ? body : {};
  const indices = resolveForRead(ctx);
  refuseClosed(indices);
  const q = ctx.query.get('q');
  let query = b.query;
  if (q !== null) {
    const [f, v] = q.includes(':') ? q.split(/:(.*)/s) : ['*', q];
    query = f === '*' ? { match_all: {} } : { match: { [f!]: v } };
  }
  const from = Number(ctx.query.get('from') ?? b.from ?? 0);
  const size = Number(ctx.query.get('size') ?? b.size ?? 10);
  if (from < 0) throw illegalArgument(`[from] parameter cannot be negative, found [${from}]`);
  if (size < 0) throw illegalArgument(`[size] parameter cannot be negative, found [${size}]`);
  if (from + size > 10_000) {
    throw illegalArgument(
      `Result window is too large, from + size must be less than or equal to: [10000] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
    );
  }
  return { indices, query, from, size };
}

function searchable(ctx: RequestContext, idx: IndexRecord): Map<string, DocRecord> {
  // Near-real-time: a periodic refresh (index.refresh_interval, 1s by default) makes writes visible.
  const interval = String(idx.settings['index.refresh_interval'] ?? '1s');
  const ms =
    interval === '-1'
      ? Number.POSITIVE_INFINITY
      : Number.parseInt(interval, 10) * (interval.endsWith('ms') ? 1 : 1000);
  if (ctx.state.now() - idx.lastRefresh >= ms) refreshIndex(idx, ctx.state.now());
  return idx.searchable;
}

function matches(ctx: RequestContext, plan: SearchPlan): { idx: IndexRecord; id: string; doc: DocRecord }[] {
  const out: { idx: IndexRecord; id: string; doc: DocRecord }[] = [];
  for (const idx of plan.indices.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const pred = compileDocQuery(plan.query, idx);
    for (const [id, doc] of searchable(ctx, idx)) if (pred(id, doc)) out.push({ idx, id, doc });
  }
  return out;
}

function shards(n: number) {
  return { total: n, successful: n, skipped: 0, failed: 0 };
}

const search: Handler = (ctx) => {
  const started = Date.now();
  const plan = planSearch(ctx);
  const hits = matches(ctx, plan);
  const page = hits.slice(plan.from, plan.from + plan.size);
  return ok({
    took: Date.now() - started,
    timed_out: false,
    _shards: shards(plan.indices.length),
    hits: {
      total: { value: hits.length, relation: 'eq' },
      max_score: hits.length > 0 ? 1.0 : null,
      hits: page.map((h) => ({ _index: h.idx.name, _id: h.id, _score: 1.0, _source: h.doc.source })),
    },
  });
};

const count: Handler = (ctx) => {
  const plan = planSearch(ctx);
  return ok({ count: matches(ctx, plan).length, _shards: shards(plan.indices.length) });
};

const deleteByQuery: Handler = (ctx) => {
  const started = Date.now();
  const body = jsonBody(ctx);
  if (!isObject(body) || body.query === undefined) {
    throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: query is missing;');
  }
  // The server authorized the action and its child scroll search on these names.
  const names = authorizedIndices(ctx);
  const indices = concreteIndices(ctx.state, names);
  refuseClosed(indices);
  const plan: SearchPlan = { indices, query: body.query, from: 0, size: 10_000 };
  for (const idx of indices) refreshIndex(idx, ctx.state.now());
  const hits = matches(ctx, plan);
  // The hits are deleted by one bulk of delete items on their concrete index, run as the caller:
  // its shard-level and item checks apply per item, as for `_bulk`; failed items are reported.
  const items: BulkItem[] = hits.map((h) => ({ op: 'delete', index: h.idx.name, id: h.id }));
  const results = executeItems(ctx, items, 'false');
  const failures = results.flatMap((r, i) =>
    r.error ? [{ index: items[i]!.index, id: items[i]!.id, cause: r.body.error, status: r.status }] : [],
  );
  if (ctx.query.get('refresh') !== null && ctx.query.get('refresh') !== 'false') {
    for (const idx of indices) refreshIndex(idx, ctx.state.now());
  }
  // BulkIndexByScrollResponseContentListener: the highest failure status is the answer's status.
  const status = failures.reduce((max, f) => Math.max(max, f.status), 200);
  return ok(
    {
      took: Date.now() - started,
      timed_out: false,
      total: hits.length,
      deleted: hits.length - failures.length,
      batches: hits.length > 0 ? 1 : 0,
      version_conflicts: 0,
      noops: 0,
      retries: { bulk: 0, search: 0 },
      throttled_millis: 0,
      requests_per_second: -1.0,
      throttled_until_millis: 0,
      failures,
    },
    status,
  );
};

const SEARCH_PARAMS = [
  'allow_no_indices',
  'allow_partial_search_results',
  'analyzer',
  'analyze_wildcard',
  'batched_reduce_size',
  'ccs_minimize_roundtrips',
  'default_operator',
  'df',
  'docvalue_fields',
  'expand_wildcards',
  'explain',
  'force_synthetic_source',
  'from',
  'ignore_throttled',
  'ignore_unavailable',
  'include_named_queries_score',
  'lenient',
  'max_concurrent_shard_requests',
  'preference',
  'pre_filter_shard_size',
  'request_cache',
  'routing',
  'scroll',
  'search_type',
  'seq_no_primary_term',
  'size',
  'sort',
  '_source',
  '_source_excludes',
  '_source_includes',
  'stats',
  'stored_fields',
  'suggest_field',
  'suggest_mode',
  'suggest_size',
  'suggest_text',
  'terminate_after',
  'timeout',
  'track_scores',
  'track_total_hits',
  'typed_keys',
  'rest_total_hits_as_int',
  'version',
  'q',
];
const COUNT_PARAMS = [
  'allow_no_indices',
  'analyzer',
  'analyze_wildcard',
  'default_operator',
  'df',
  'expand_wildcards',
  'ignore_throttled',
  'ignore_unavailable',
  'lenient',
  'min_score',
  'preference',
  'routing',
  'terminate_after',
  'q',
];
const DBQ_PARAMS = [
  'allow_no_indices',
  'analyzer',
  'analyze_wildcard',
  'conflicts',
  'default_operator',
  'df',
  'expand_wildcards',
  'from',
  'ignore_unavailable',
  'lenient',
  'max_docs',
  'preference',
  'refresh',
  'request_cache',
  'requests_per_second',
  'routing',
  'q',
  'scroll',
  'scroll_size',
  'search_timeout',
  'search_type',
  'slices',
  'sort',
  'stats',
  'terminate_after',
  'timeout',
  'version',
  'wait_for_active_shards',
  'wait_for_completion',
];

/** Registers search, count and delete-by-query. */
export function registerSearchRoutes(r: Router<Handler>): void {
  r.add(['GET', 'POST'], '/_search', withParams(SEARCH_PARAMS, search))
    .add(['GET', 'POST'], '/{index}/_search', withParams(SEARCH_PARAMS, search))
    .add(['GET', 'POST'], '/_count', withParams(COUNT_PARAMS, count))
    .add(['GET', 'POST'], '/{index}/_count', withParams(COUNT_PARAMS, count))
    .add('POST', '/{index}/_delete_by_query', withParams(DBQ_PARAMS, deleteByQuery));
}
