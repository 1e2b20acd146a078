/** `_search`, `_count` and `_delete_by_query` over the refreshed view of indices. */
import { EsError, illegalArgument, validationError } from '../errors.js';
import {
  authorizedIndices,
  bodyText,
  boolParam,
  type Handler,
  jsonBody,
  ok,
  type RequestContext,
} from '../http/context.js';
import { notEmulated } from '../http/not-emulated.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withParsedRequest } from '../http/validation.js';
import type { DocRecord, IndexRecord } from '../state.js';
import { isObject } from '../util.js';
import { computeAggregations, TextFieldAggregation } from './aggregations/compute.js';
import { type BulkItem, executeItems } from './bulk.js';
import { refreshIndex, resolveForRead } from './indices.js';
import {
  pointInTimeSearchErrors,
  recordPointInTimeSearch,
  registerPointInTimeRoutes,
  usePointInTime,
} from './point-in-time.js';
import { compileQuery } from './query/compile.js';
import { fieldInfo, type Hit } from './query/fields.js';
import { concreteIndices, refuseClosed } from './resolve.js';
import {
  keepAliveOf,
  openScroll,
  registerScrollRoutes,
  scrollRequestErrors,
  scrollSourceErrors,
} from './scroll.js';
import {
  type ParsedSearch,
  parseCountBody,
  parseSearchBody,
  trackTotalHitsParam,
  validateQuery,
} from './search-body.js';
import type { ScrollSort } from './search-contexts.js';
import { allShardsFailed, type FailedShard, fielddataDisabled, shardsHeader } from './shard-failure.js';
import { effectiveSort, type SortedHit, SortedSearch, withPointInTimeTiebreaker } from './sort.js';
import { locateParseError, parseSortParam, SortParseError, sortValidationErrors } from './sort-parse.js';
import { filterSource, type SourceFilter, sourceFilterFromParams } from './source-filter.js';

interface SearchPlan {
  indices: IndexRecord[];
  query: unknown;
  from: number;
  size: number;
  /** The documents of a point in time, instead of each index's current refreshed view. */
  view?: (idx: IndexRecord) => ReadonlyMap<string, DocRecord> | undefined;
}

/** The request parts parsed before authorization (REST parsing runs before the security filter). */
interface ParsedSearchRequest extends ParsedSearch {
  totalHitsAsInt: boolean;
  typedKeys: boolean;
  /** `scroll=`: the keep-alive of the scroll this search opens. */
  scrollKeepAliveMs: number | undefined;
}

/** `?q=` is a query_string query, with `df` and `default_operator` (RestActions.urlParamsToQueryBuilder). */
function queryOfQ(ctx: RequestContext, q: string): unknown {
  const df = ctx.query.get('df');
  const op = ctx.query.get('default_operator');
  return {
    query_string: {
      query: q,
      ...(df === null ? {} : { default_field: df }),
      ...(op === null ? {} : { default_operator: op }),
    },
  };
}

/**
 * URL parameters that change a search answer in ways the sandbox does not emulate, with the value
 * that changes nothing (absent: any value is refused). Refused by name rather than ignored.
 */
const URL_NOT_EMULATED: Readonly<Record<string, string | undefined>> = {
  stored_fields: undefined,
  docvalue_fields: undefined,
  explain: 'false',
  version: 'false',
  seq_no_primary_term: 'false',
  terminate_after: undefined,
  suggest_field: undefined,
  suggest_mode: undefined,
  suggest_size: undefined,
  suggest_text: undefined,
  analyzer: undefined,
  force_synthetic_source: 'false',
};

/** The same for `_count`. */
const COUNT_URL_NOT_EMULATED: Readonly<Record<string, string | undefined>> = {
  min_score: undefined,
  terminate_after: undefined,
  analyzer: undefined,
};

function refuseUnemulatedParams(
  ctx: RequestContext,
  api: string,
  params: Readonly<Record<string, string | undefined>>,
): void {
  if (ctx.query.size === 0) return;
  for (const [name, harmless] of Object.entries(params)) {
    const v = ctx.query.get(name);
    if (v !== null && v !== harmless) throw notEmulated(`${api}?${name}`);
  }
}

/** RestRequest.paramAsInt: an integer, or 400 naming the parameter. */
function intParam(name: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n)) {
    throw illegalArgument(`Failed to parse int parameter [${name}] with value [${raw}]`);
  }
  return n;
}

/** Runs a body parser, adding the `[line:col]` Elasticsearch's object parsers put in their errors. */
function withParseLocation<T>(ctx: RequestContext, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof SortParseError) throw locateParseError(e, bodyText(ctx));
    throw e;
  }
}

function parseSearchRequest(ctx: RequestContext): ParsedSearchRequest {
  refuseUnemulatedParams(ctx, 'search', URL_NOT_EMULATED);
  const now = ctx.state.now();
  const parsed = withParseLocation(ctx, () => parseSearchBody(jsonBody(ctx), now, ctx.state.version));
  const q = ctx.query.get('q');
  if (q !== null) {
    parsed.query = queryOfQ(ctx, q);
    validateQuery(parsed.query, now);
  }
  const from = ctx.query.get('from');
  const size = ctx.query.get('size');
  if (from !== null) parsed.from = intParam('from', from);
  if (size !== null) parsed.size = intParam('size', size);
  const track = ctx.query.get('track_total_hits');
  if (track !== null) parsed.trackTotalHits = trackTotalHitsParam(track);
  // RestSearchAction: the URL's `_source` parameters replace the body's (parseFromRestRequest)
  const urlSource = sourceFilterFromParams(ctx.query);
  if (urlSource !== undefined) parsed.source = urlSource;
  const totalHitsAsInt = boolParam(ctx, 'rest_total_hits_as_int');
  if (totalHitsAsInt) {
    // RestSearchAction: an int total needs exact (or no) tracking; unset means exact.
    if (parsed.trackTotalHits === undefined) parsed.trackTotalHits = true;
    else if (typeof parsed.trackTotalHits === 'number')
      throw illegalArgument(
        `[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got ${parsed.trackTotalHits}`,
      );
  }
  if (parsed.from < 0) throw illegalArgument(`[from] parameter cannot be negative, found [${parsed.from}]`);
  if (parsed.size < 0) throw illegalArgument(`[size] parameter cannot be negative, found [${parsed.size}]`);
  // RestSearchAction adds the URL's sorts after the body's, and reads `track_scores`.
  const urlSort = ctx.query.get('sort');
  if (urlSort !== null) parsed.sort = [...(parsed.sort ?? []), ...parseSortParam(urlSort)];
  if (ctx.query.get('track_scores') !== null) parsed.trackScores = boolParam(ctx, 'track_scores');
  const scroll = ctx.query.get('scroll');
  const scrollKeepAliveMs = scroll === null ? undefined : keepAliveOf(scroll, 'scroll');
  validateSearchRequest(ctx, parsed, scrollKeepAliveMs);
  // The windows are checked on the shards, after the request's validation.
  if (parsed.from + parsed.size > 10_000 && scrollKeepAliveMs !== undefined) {
    // DefaultSearchContext.preProcess words a scroll's window as its batch size.
    throw illegalArgument(
      `Batch size is too large, size must be less than or equal to: [10000] but was [${parsed.from + parsed.size}]. Scroll batch sizes cost as much memory as result windows so they are controlled by the [index.max_result_window] index level setting.`,
    );
  }
  if (parsed.from + parsed.size > 10_000) {
    throw illegalArgument(
      `Result window is too large, from + size must be less than or equal to: [10000] but was [${parsed.from + parsed.size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
    );
  }
  // Not `{ ...parsed, … }`: Node 20's V8 builds a literal that opens with a spread slowly (µs).
  return Object.assign(parsed, {
    totalHitsAsInt,
    typedKeys: boolParam(ctx, 'typed_keys'),
    scrollKeepAliveMs,
  });
}

/**
 * RestSearchAction.preparePointInTime's 400 (before the request is validated), then
 * SearchRequest.validate: every message in one 400, in its order — the body's rules
 * (SearchSourceBuilder.validate: scroll, then search_after with from, then _shard_doc without a
 * point in time), then the request's (request cache and point in time in a scroll). A scroll
 * counts every hit, whatever track_total_hits says.
 */
function validateSearchRequest(ctx: RequestContext, parsed: ParsedSearch, scrollKeepAliveMs?: number): void {
  if (parsed.pit) {
    const errors = pointInTimeSearchErrors(ctx);
    if (errors.length > 0) throw validationError(errors);
    recordPointInTimeSearch(ctx, parsed.pit);
  }
  const scrolling = scrollKeepAliveMs !== undefined;
  if (scrolling && typeof parsed.trackTotalHits === 'number')
    throw notEmulated('search.track_total_hits with a number in a scroll');
  const parts = {
    from: parsed.from,
    size: parsed.size,
    trackTotalHits: parsed.trackTotalHits,
    searchAfter: parsed.searchAfter !== undefined && parsed.searchAfter.length > 0,
    pit: parsed.pit !== undefined,
    requestCache: ctx.query.get('request_cache'),
  };
  const errors = [
    ...(scrolling ? scrollSourceErrors(parts) : []),
    ...sortValidationErrors(parsed.sort, parsed.searchAfter, parsed.from, parts.pit),
    ...(scrolling ? scrollRequestErrors(parts) : []),
  ];
  if (errors.length > 0) throw validationError(errors);
  if (scrolling) parsed.trackTotalHits = true;
}

function parseCountRequest(ctx: RequestContext): unknown {
  refuseUnemulatedParams(ctx, 'count', COUNT_URL_NOT_EMULATED);
  const now = ctx.state.now();
  let query = parseCountBody(jsonBody(ctx), now);
  const q = ctx.query.get('q');
  if (q !== null) {
    query = queryOfQ(ctx, q);
    validateQuery(query, now);
  }
  return query;
}

/** The refreshed documents of an index, refreshing it first when its refresh interval has passed. */
export function searchable(ctx: RequestContext, idx: IndexRecord): Map<string, DocRecord> {
  // Near-real-time: a periodic refresh (index.refresh_interval, 1s by default) makes writes visible.
  const interval = String(idx.settings['index.refresh_interval'] ?? '1s');
  const ms =
    interval === '-1'
      ? Number.POSITIVE_INFINITY
      : Number.parseInt(interval, 10) * (interval.endsWith('ms') ? 1 : 1000);
  if (ctx.state.now() - idx.lastRefresh >= ms) refreshIndex(idx, ctx.state.now());
  return idx.searchable;
}

/**
 * A query that cannot be built on an index (QueryShardException: a value its field type cannot
 * read, a query_string that does not parse) fails that shard, naming the index.
 */
function queryShardFailure(e: unknown, idx: IndexRecord): FailedShard | undefined {
  if (!(e instanceof EsError) || e.type !== 'query_shard_exception') return undefined;
  return {
    index: idx.name,
    cause: {
      type: e.type,
      reason: e.reason,
      metadata: e.metadata ?? { index_uuid: idx.uuid, index: idx.name },
      ...(e.causedBy ? { causedBy: e.causedBy } : {}),
    },
  };
}

/**
 * The matches of the plan's query on each index, in index-name order. With `failures`, an index
 * the query cannot be built on is reported there and left out (a search's shard failure);
 * without, its error is thrown.
 */
function matches(ctx: RequestContext, plan: SearchPlan, failures?: FailedShard[]): Hit[] {
  const out: Hit[] = [];
  const now = ctx.state.now();
  for (const idx of plan.indices.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    let pred: (hit: Hit) => boolean;
    try {
      pred = plan.query === undefined ? () => true : compileQuery(plan.query, idx, now);
    } catch (e) {
      const failure = failures && queryShardFailure(e, idx);
      if (!failure) throw e;
      failures.push(failure);
      continue;
    }
    for (const [id, doc] of plan.view?.(idx) ?? searchable(ctx, idx)) {
      const hit = { idx, id, doc };
      if (pred(hit)) out.push(hit);
    }
  }
  return out;
}

/** `hits.total` as track_total_hits and rest_total_hits_as_int shape it (SearchHits.toXContent). */
function totalHits(count: number, parsed: ParsedSearchRequest): unknown {
  const track = parsed.trackTotalHits ?? 10_000;
  if (track === false) return parsed.totalHitsAsInt ? -1 : undefined;
  if (parsed.totalHitsAsInt) return count;
  if (track === true || count <= track) return { value: count, relation: 'eq' };
  return { value: track, relation: 'gte' };
}

/** One hit; `_source` left out when fetching is off, filtered as FetchSourcePhase does. */
function hitOf(
  h: Hit,
  source: SourceFilter | undefined,
  score: number | null = 1.0,
): Record<string, unknown> {
  const hit: Record<string, unknown> = { _index: h.idx.name, _id: h.id, _score: score };
  if (source === undefined) hit._source = h.doc.source;
  else if (source.fetch) hit._source = filterSource(h.doc.source, source.includes, source.excludes);
  return hit;
}

/**
 * Sorted hits: `_score` is null unless scores are tracked (`track_scores`, or a `_score` key that
 * needs them), and `sort` carries the hit's sort values.
 */
function sortedHitOf(
  s: SortedHit,
  sorted: SortedSearch,
  parsed: ParsedSearchRequest,
): Record<string, unknown> {
  const hit = hitOf(s.hit, parsed.source, parsed.trackScores || sorted.scoresHits ? 1.0 : null);
  hit.sort = sorted.render(s);
  return hit;
}

/**
 * The first page of a scroll search and the scroll it opens. The scroll keeps the whole list in
 * the search's order (a scroll search takes no `from` and no `search_after`); its later pages
 * continue after this one and render as this one does: a sorted scroll's hits carry their sort
 * values and the same scores.
 */
function openScrollPage(
  ctx: RequestContext,
  parsed: ParsedSearchRequest,
  plan: SearchPlan,
  hits: readonly Hit[],
  sorted: SortedSearch | undefined,
): { page: Record<string, unknown>[]; scrollId: string } {
  const all = sorted?.page(hits, 0, hits.length);
  const list = all ? all.map((s) => s.hit) : hits;
  const sort: ScrollSort | undefined =
    all && sorted
      ? {
          values: (i) => sorted.render(all[i]!),
          score: parsed.trackScores || sorted.scoresHits ? 1.0 : null,
          maxScore: parsed.trackScores ? 1.0 : null,
        }
      : undefined;
  const page = list.slice(0, plan.size).map((h, i) => {
    if (!sort) return hitOf(h, parsed.source);
    const hit = hitOf(h, parsed.source, sort.score);
    hit.sort = sort.values(i);
    return hit;
  });
  const scrollId = openScroll(ctx, {
    indices: plan.indices,
    hits: list,
    size: plan.size,
    source: parsed.source,
    keepAliveMs: parsed.scrollKeepAliveMs!,
    ...(sort ? { sort } : {}),
  });
  return { page, scrollId };
}

/**
 * The search's aggregations. One on a text field fails on every shard that maps it as text
 * (TextFieldMapper: fielddata is disabled), answered as all shards failed; when only some of the
 * searched indices map it as text, the partial answer is refused by name rather than computed.
 */
function aggregate(
  ctx: RequestContext,
  parsed: ParsedSearchRequest,
  hits: readonly Hit[],
  indices: readonly IndexRecord[],
  failures: readonly FailedShard[],
): unknown {
  try {
    return computeAggregations(parsed.aggs!, hits, ctx.state.now(), parsed.typedKeys);
  } catch (e) {
    if (!(e instanceof TextFieldAggregation)) throw e;
    // The shards that already failed (sort, query) are not asked again.
    const asked = indices.filter((idx) => !failures.some((f) => f.index === idx.name));
    const failed = asked.filter((idx) => fieldInfo(idx, e.field).kind === 'text');
    if (failed.length < asked.length)
      throw notEmulated('search.aggregations on a field mapped as text in only some of the searched indices');
    const all = [
      ...failures,
      ...failed.map((idx) => ({ index: idx.name, cause: fielddataDisabled(e.field, idx.name) })),
    ];
    throw allShardsFailed(all, ctx.state.nodeId);
  }
}

/** The indices a search or count reads: a closed one answers index_closed_exception. */
function openIndicesForRead(ctx: RequestContext): IndexRecord[] {
  const indices = resolveForRead(ctx);
  refuseClosed(indices);
  return indices;
}

function shards(n: number) {
  return { total: n, successful: n, skipped: 0, failed: 0 };
}

const search = withParsedRequest(parseSearchRequest, (ctx, parsed) => {
  const started = Date.now();
  // The reaper of search contexts runs with the searches, so abandoned scrolls do not pile up.
  ctx.state.searchContexts.expire(ctx.state.now());
  const pit = parsed.pit ? usePointInTime(ctx, parsed.pit) : undefined;
  const read = pit ? pit.indices : openIndicesForRead(ctx);
  const view = (idx: IndexRecord) => pit?.view(idx) ?? searchable(ctx, idx);
  const keys = effectiveSort(pit ? withPointInTimeTiebreaker(parsed.sort, parsed.searchAfter) : parsed.sort);
  const sorting =
    keys.length > 0 || parsed.searchAfter !== undefined
      ? SortedSearch.prepare(keys, parsed.searchAfter, read, ctx.state.now(), view)
      : undefined;
  const failures = [...(sorting?.failures ?? [])];
  const allFailed = () => read.length > 0 && failures.length === read.length;
  if (allFailed()) throw allShardsFailed(failures, ctx.state.nodeId);
  const plan: SearchPlan = {
    indices: sorting?.indices ?? read,
    query: parsed.query,
    from: parsed.from,
    size: parsed.size,
    ...(pit ? { view: pit.view } : {}),
  };
  const hits = matches(ctx, plan, failures);
  if (allFailed()) throw allShardsFailed(failures, ctx.state.nodeId);
  const sorted = keys.length > 0 ? sorting?.sorted : undefined;
  // Sorted by a field, Elasticsearch tracks no max score unless asked to.
  const maxScore = hits.length > 0 && (!sorted || parsed.trackScores) ? 1.0 : null;
  const { page, scrollId } =
    parsed.scrollKeepAliveMs === undefined
      ? {
          page: sorted
            ? sorted.page(hits, plan.from, plan.size).map((s) => sortedHitOf(s, sorted, parsed))
            : hits.slice(plan.from, plan.from + plan.size).map((h) => hitOf(h, parsed.source)),
          scrollId: undefined,
        }
      : openScrollPage(ctx, parsed, plan, hits, sorted);
  const total = totalHits(hits.length, parsed);
  const aggregations = parsed.aggs ? aggregate(ctx, parsed, hits, plan.indices, failures) : undefined;
  // Elasticsearch writes the scroll and point-in-time ids first; built without a leading spread
  // (slow on Node 20's V8, see parseSearchRequest).
  const head: Record<string, unknown> = {};
  if (scrollId !== undefined) head._scroll_id = scrollId;
  if (pit) head.pit_id = pit.id;
  return ok(
    Object.assign(head, {
      took: Date.now() - started,
      timed_out: false,
      _shards: shardsHeader(read.length, failures, ctx.state.nodeId),
      hits: {
        total, // JSON.stringify leaves it out when undefined (track_total_hits=false)
        max_score: maxScore,
        hits: page,
      },
      ...(aggregations ? { aggregations } : {}),
    }),
  );
});

const count = withParsedRequest(parseCountRequest, (ctx, query) => {
  const plan: SearchPlan = { indices: openIndicesForRead(ctx), query, from: 0, size: 0 };
  return ok({ count: matches(ctx, plan).length, _shards: shards(plan.indices.length) });
});

/**
 * RestDeleteByQueryAction parses the URL and body as a search (RestSearchAction.parseSearchRequest),
 * so a `sort` would order the documents deleted (which ones, with max_docs), and the body's other
 * keys change what is deleted too: refused by name, not ignored. Only `query` is emulated.
 */
function parseDeleteByQuery(ctx: RequestContext): unknown {
  if (ctx.query.get('sort') !== null) throw notEmulated('delete_by_query?sort');
  const body = jsonBody(ctx);
  if (isObject(body)) {
    for (const key of Object.keys(body)) if (key !== 'query') throw notEmulated(`delete_by_query.${key}`);
  }
  return body;
}

const deleteByQuery = withParsedRequest(parseDeleteByQuery, (ctx, body) => {
  const started = Date.now();
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
});

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
  registerScrollRoutes(r, { hit: hitOf, shards });
  registerPointInTimeRoutes(r, searchable);
}
