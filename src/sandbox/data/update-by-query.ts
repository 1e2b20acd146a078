/**
 * `_update_by_query` without a script, as Elasticsearch runs it: a search over the refreshed view
 * of the indices (the sandbox's own search handler, so its query support applies), then each hit
 * re-indexed in place with `if_seq_no`/`if_primary_term` from the hit, so a document changed since
 * the last refresh is a version conflict (`conflicts=abort` stops and answers 409, `proceed`
 * counts it). Scripts, pipelines, routing, slicing and asynchronous runs are refused with a 400
 * naming them. Facts: docs/es-facts.md, "Documents: mget, msearch, update by query and _source
 * parameters (issue 14, item 3)".
 */
import { EsError, illegalArgument, validationError } from '../errors.js';
import { boolParam, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { validateRequest, withParsedRequest } from '../http/validation.js';
import { isObject } from '../util.js';
import { type BulkItem, executeItems } from './bulk.js';
import { refreshIndex } from './indices.js';
import { searchRouteHandler } from './search-route.js';

/** What the request asks for, parsed before authorization. */
interface UpdateByQuery {
  readonly abortOnConflict: boolean;
  readonly maxDocs: number | undefined;
  readonly scrollSize: number;
  readonly refresh: boolean;
  readonly requestsPerSecond: number;
  /** The search that selects the documents, ready for the search handler. */
  readonly search: RequestContext;
}

/** The most hits one search of the sandbox returns (index.max_result_window). */
const MAX_RESULT_WINDOW = 10_000;

/** URL parameters handed to the search that selects the documents. */
const SEARCH_PARAMS = [
  'allow_no_indices',
  'analyzer',
  'analyze_wildcard',
  'default_operator',
  'df',
  'expand_wildcards',
  'ignore_unavailable',
  'lenient',
  'q',
];

/** Accepted with no effect on the answer of a single-node sandbox (timeouts, caches, stats). */
const NEUTRAL_PARAMS = [
  'preference',
  'request_cache',
  'scroll',
  'search_timeout',
  'search_type',
  'stats',
  'timeout',
  'version',
  'version_type',
  'wait_for_active_shards',
];

/** Parameters the sandbox refuses, each changing what Elasticsearch would do. */
const REFUSED_PARAMS = ['from', 'pipeline', 'routing', 'sort', 'terminate_after', '_slice'];

function notEmulated(what: string): EsError {
  return illegalArgument(`the eskeys sandbox does not emulate [${what}] in [update_by_query]`);
}

function positiveInt(raw: unknown, name: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n)) throw illegalArgument(`failed to parse [${name}] with value [${String(raw)}]`);
  return n;
}

function parseUpdateByQuery(ctx: RequestContext, search: Handler): UpdateByQuery {
  for (const p of REFUSED_PARAMS) if (ctx.query.get(p) !== null) throw notEmulated(p);
  if (!boolParam(ctx, 'wait_for_completion', true)) throw notEmulated('wait_for_completion=false');
  const slices = ctx.query.get('slices');
  if (slices !== null && slices !== '1' && slices !== 'auto') throw notEmulated(`slices=${slices}`);
  const body = jsonBody(ctx);
  const b = isObject(body) ? body : {};
  if (body !== undefined && !isObject(body)) {
    throw new EsError(400, 'parsing_exception', 'request body is required to be an object');
  }
  if (b.script !== undefined) throw notEmulated('script');
  if (b.slice !== undefined) throw notEmulated('slice');
  const conflicts = String(ctx.query.get('conflicts') ?? b.conflicts ?? 'abort');
  if (conflicts !== 'abort' && conflicts !== 'proceed') {
    // AbstractBulkByScrollRequest.setConflicts
    throw illegalArgument(`conflicts may only be "proceed" or "abort" but was [${conflicts}]`);
  }
  const rawMax = ctx.query.get('max_docs') ?? b.max_docs;
  const maxDocs = rawMax === undefined ? undefined : positiveInt(rawMax, 'max_docs');
  // AbstractBulkByScrollRequest: setMaxDocs refuses negatives, validate() refuses 0.
  if (maxDocs !== undefined && maxDocs < 0) {
    throw illegalArgument(`[max_docs] parameter cannot be negative, found [${maxDocs}]`);
  }
  if (maxDocs === 0) {
    throw validationError([
      "maxDocs should be greater than 0 if the request is limited to some number of documents or -1 if it isn't but it was [0]",
    ]);
  }
  const scrollSize = positiveInt(ctx.query.get('scroll_size') ?? 1000, 'scroll_size');
  const rps = ctx.query.get('requests_per_second');
  const requestsPerSecond = rps === null || rps === '-1' ? -1 : Number(rps);
  // The query is the search's business, validated as `_search` does; other search keys would
  // change which hits are updated in ways the sandbox does not emulate here.
  const { conflicts: _c, max_docs: _m, ...searchBody } = b;
  for (const k of Object.keys(searchBody)) if (k !== 'query') throw notEmulated(k);
  const query = new URLSearchParams();
  for (const p of SEARCH_PARAMS) {
    const v = ctx.query.get(p);
    if (v !== null) query.set(p, v);
  }
  const searchCtx: RequestContext = {
    ...ctx,
    method: 'POST',
    path: `/${ctx.params.index}/_search`,
    uri: `/${ctx.params.index}/_search`,
    query,
    rawBody: Buffer.from(
      JSON.stringify({ ...searchBody, size: MAX_RESULT_WINDOW, track_total_hits: true, _source: false }),
      'utf8',
    ),
    authorized: undefined,
  };
  validateRequest(searchCtx, search);
  return {
    abortOnConflict: conflicts === 'abort',
    maxDocs,
    scrollSize,
    refresh: boolParam(ctx, 'refresh'),
    requestsPerSecond,
    search: searchCtx,
  };
}

interface Hit {
  readonly _index: string;
  readonly _id: string;
}

async function selectHits(req: UpdateByQuery, search: Handler, ctx: RequestContext): Promise<Hit[]> {
  // The server authorized the action and its child search on these names (CHILD_REQUESTS).
  req.search.authorized = ctx.authorized;
  const result = await search(req.search);
  const body = (result.body ?? JSON.parse(result.rawJson ?? '{}')) as Record<string, unknown>;
  const hits = body.hits as { total: { value: number } | number; hits: Hit[] };
  const total = typeof hits.total === 'number' ? hits.total : hits.total.value;
  if (total > hits.hits.length && (req.maxDocs === undefined || req.maxDocs > hits.hits.length)) {
    throw illegalArgument(
      `the eskeys sandbox does not emulate [update_by_query] over more than ${MAX_RESULT_WINDOW} documents`,
    );
  }
  return req.maxDocs === undefined ? hits.hits : hits.hits.slice(0, req.maxDocs);
}

async function updateByQuery(ctx: RequestContext, req: UpdateByQuery, search: Handler) {
  const started = Date.now();
  const hits = await selectHits(req, search, ctx);
  const items: BulkItem[] = [];
  for (const h of hits) {
    const doc = ctx.state.indices.get(h._index)?.searchable.get(h._id);
    if (!doc) continue;
    items.push({
      op: 'index',
      index: h._index,
      id: h._id,
      source: doc.source,
      ifSeqNo: doc.seqNo,
      ifPrimaryTerm: doc.primaryTerm,
    });
  }
  let updated = 0;
  let conflicts = 0;
  let batches = 0;
  const failures: Record<string, unknown>[] = [];
  // One bulk per scroll batch (scroll_size hits); with conflicts=abort, a batch with a failure
  // is the last one (AbstractAsyncBulkByScrollAction.onBulkResponse).
  for (let start = 0; start < items.length; start += req.scrollSize) {
    const batch = items.slice(start, start + req.scrollSize);
    batches++;
    const results = executeItems(ctx, batch, 'false');
    results.forEach((r, i) => {
      if (!r.error) {
        updated++;
        return;
      }
      const isConflict = r.error.type === 'version_conflict_engine_exception';
      if (isConflict) conflicts++;
      if (!isConflict || req.abortOnConflict) {
        failures.push({ index: batch[i]!.index, id: batch[i]!.id, cause: r.body.error, status: r.status });
      }
    });
    if (failures.length > 0) break;
  }
  if (req.refresh) {
    for (const name of new Set(items.map((i) => i.index))) {
      const idx = ctx.state.indices.get(name);
      if (idx) refreshIndex(idx, ctx.state.now());
    }
  }
  // BulkIndexByScrollResponseContentListener: the highest failure status is the answer's status.
  const status = failures.reduce((max, f) => Math.max(max, f.status as number), 200);
  return ok(
    {
      took: Date.now() - started,
      timed_out: false,
      total: hits.length,
      updated,
      deleted: 0,
      batches,
      version_conflicts: conflicts,
      noops: 0,
      retries: { bulk: 0, search: 0 },
      throttled_millis: 0,
      requests_per_second: req.requestsPerSecond,
      throttled_until_millis: 0,
      failures,
    },
    status,
  );
}

const UBQ_PARAMS = [
  ...SEARCH_PARAMS,
  ...NEUTRAL_PARAMS,
  ...REFUSED_PARAMS,
  'conflicts',
  'max_docs',
  'refresh',
  'requests_per_second',
  'scroll_size',
  'slices',
  'wait_for_completion',
];

/** Registers `POST /{index}/_update_by_query`; the documents are selected by the search route. */
export function registerUpdateByQueryRoutes(r: Router<Handler>): void {
  const searchHandler = searchRouteHandler(r);
  r.add(
    'POST',
    '/{index}/_update_by_query',
    withParams(
      UBQ_PARAMS,
      withParsedRequest(
        (ctx) => parseUpdateByQuery(ctx, searchHandler()),
        (ctx, req) => updateByQuery(ctx, req, searchHandler()),
      ),
    ),
  );
}
