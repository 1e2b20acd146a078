/**
 * Points in time (`POST /{index}/_pit`, `DELETE /_pit`, `pit` in a search body) as Elasticsearch
 * answers them. A point in time keeps the refreshed view of each index it was opened on (a
 * reference to the map a refresh replaces, not a copy); searches with it read that view, so
 * documents indexed afterwards stay invisible to them. Its id carries the concrete index names,
 * as Elasticsearch's does, so a search with it is authorized on those names even once it expired
 * (RestSearchAction.preparePointInTime sets the request's indices from the id before the security
 * filter runs). Facts and evidence: docs/es-facts.md, "Search: scroll and point in time".
 */
import { illegalArgument, validationError } from '../errors.js';
import { type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { notEmulated } from '../http/not-emulated.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withParsedRequest } from '../http/validation.js';
import type { DocRecord, IndexRecord } from '../state.js';
import { isObject } from '../util.js';
import { atLeast } from '../version.js';
import { resolveForRead } from './indices.js';
import { refuseClosed } from './resolve.js';
import { keepAliveOf } from './scroll.js';
import { contextMissing, type PointInTimeContext, refuseDeletedIndices } from './search-contexts.js';

/** What a point-in-time id carries: the first shard context id and the concrete index names. */
export interface PointInTimeId {
  readonly key: number;
  readonly indices: readonly string[];
}

const PIT_ID_PREFIX = 'eskeys-sandbox-pit;';

function encodePitId(id: PointInTimeId): string {
  return Buffer.from(`${PIT_ID_PREFIX}${JSON.stringify([id.key, id.indices])}`, 'utf8').toString('base64url');
}

/** Decodes an id this sandbox issued; any other is refused loudly (Elasticsearch: a 400 too). */
function decodePitId(id: string): PointInTimeId {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  if (text.startsWith(PIT_ID_PREFIX)) {
    try {
      const v: unknown = JSON.parse(text.slice(PIT_ID_PREFIX.length));
      if (
        Array.isArray(v) &&
        Number.isInteger(v[0]) &&
        Array.isArray(v[1]) &&
        v[1].every((n: unknown) => typeof n === 'string')
      ) {
        return { key: v[0] as number, indices: v[1] as string[] };
      }
    } catch {
      // not JSON: refused below
    }
  }
  throw notEmulated('point in time ids it did not issue');
}

/** The body's `pit` (PointInTimeBuilder): its decoded id and the keep-alive that extends it. */
export interface PitRequest {
  readonly id: string;
  readonly decoded: PointInTimeId;
  readonly keepAliveMs: number | undefined;
}

/** Parses the search body's `pit` object (`id` required, `keep_alive` optional). */
export function parsePitBody(value: unknown): PitRequest {
  if (!isObject(value)) throw notEmulated('search.pit that is not an object');
  for (const key of Object.keys(value)) {
    if (key !== 'id' && key !== 'keep_alive') throw notEmulated(`search.pit.${key}`);
  }
  if (typeof value.id !== 'string') throw notEmulated('search.pit without a string id');
  if (value.keep_alive !== undefined && typeof value.keep_alive !== 'string')
    throw notEmulated('search.pit.keep_alive that is not a string');
  return {
    id: value.id,
    decoded: decodePitId(value.id),
    keepAliveMs: value.keep_alive === undefined ? undefined : keepAliveOf(value.keep_alive, 'keep_alive'),
  };
}

/**
 * RestSearchAction.preparePointInTime's checks, before authorization: a search with a point in
 * time names no index and keeps the default indices options, routing and preference.
 */
export function pointInTimeSearchErrors(ctx: RequestContext): string[] {
  const errors: string[] = [];
  if (ctx.params.index !== undefined)
    errors.push('[indices] cannot be used with point in time. Do not specify any index with point in time.');
  const q = ctx.query;
  const isTrue = (name: string) => q.get(name) === 'true' || q.get(name) === '';
  const nonDefaultOptions =
    isTrue('ignore_unavailable') ||
    q.get('allow_no_indices') === 'false' ||
    (q.get('expand_wildcards') ?? 'open') !== 'open' ||
    q.get('ignore_throttled') === 'false';
  if (nonDefaultOptions) errors.push('[indicesOptions] cannot be used with point in time');
  if (q.get('routing') !== null) errors.push('[routing] cannot be used with point in time');
  if (q.get('preference') !== null) errors.push('[preference] cannot be used with point in time');
  if (isTrue('ccs_minimize_roundtrips'))
    errors.push('[ccs_minimize_roundtrips] cannot be used with point in time');
  return errors;
}

const pitNamesByRequest = new WeakMap<RequestContext, readonly string[]>();

/** Records the names a point-in-time search is authorized on (its id's indices). */
export function recordPointInTimeSearch(ctx: RequestContext, pit: PitRequest): void {
  pitNamesByRequest.set(ctx, pit.decoded.indices);
}

/** The names the central authorization step uses for a point-in-time search; undefined for others. */
export function pointInTimeSearchNames(ctx: RequestContext): readonly string[] | undefined {
  return pitNamesByRequest.get(ctx);
}

/** The indices and views a search with a point in time reads. */
export interface PointInTimeView {
  readonly id: string;
  readonly indices: IndexRecord[];
  view(idx: IndexRecord): ReadonlyMap<string, DocRecord> | undefined;
}

/** The live point in time of a search, its keep-alive extended; 404 when closed or expired. */
export function usePointInTime(ctx: RequestContext, pit: PitRequest): PointInTimeView {
  const now = ctx.state.now();
  const contexts = ctx.state.searchContexts;
  const context = contexts.get(pit.decoded.key, 'pit', now);
  if (!context) {
    throw contextMissing(
      pit.decoded.indices.map((index, i) => ({ id: pit.decoded.key + i, index, node: ctx.state.nodeId })),
    );
  }
  contexts.renew(context, now, pit.keepAliveMs);
  refuseDeletedIndices(
    'search with a point in time',
    ctx.state,
    context.views.map((v) => v.idx),
  );
  const views = new Map(context.views.map((v) => [v.idx, v.docs]));
  return { id: pit.id, indices: context.views.map((v) => v.idx), view: (idx) => views.get(idx) };
}

/** The refreshed documents of an index as a search would read them now. */
export type SearchableView = (ctx: RequestContext, idx: IndexRecord) => ReadonlyMap<string, DocRecord>;

interface OpenRequest {
  keepAliveMs: number;
}

/** RestOpenPointInTimeAction and OpenPointInTimeRequest.validate: `keep_alive` is required. */
function parseOpenRequest(ctx: RequestContext): OpenRequest {
  const raw = ctx.query.get('keep_alive');
  const body = jsonBody(ctx);
  if (body !== undefined) {
    if (!isObject(body)) throw illegalArgument('request body must be an object');
    // index_filter (8.12+) narrows which shards the view holds; not emulated.
    for (const key of Object.keys(body)) throw notEmulated(`open_point_in_time.${key}`);
  }
  if (ctx.query.get('routing') !== null) throw notEmulated('open_point_in_time?routing');
  if (raw === null) throw validationError(['[keep_alive] is not specified']);
  return { keepAliveMs: keepAliveOf(raw, 'keep_alive') };
}

function openPointInTime(searchable: SearchableView): Handler {
  return withParsedRequest(parseOpenRequest, (ctx, req) => {
    // The central step authorized indices:data/read/open_point_in_time on these names.
    const indices = resolveForRead(ctx);
    refuseClosed(indices);
    const now = ctx.state.now();
    const contexts = ctx.state.searchContexts;
    const shardIds = contexts.allocate(indices.length);
    const key = shardIds[0] ?? contexts.allocate(1)[0]!;
    const context: PointInTimeContext = {
      kind: 'pit',
      shardIds,
      views: indices.map((idx) => ({ idx, docs: searchable(ctx, idx) })),
      keepAliveMs: req.keepAliveMs,
      expiresAt: now + req.keepAliveMs,
    };
    contexts.put(key, context, now);
    const id = encodePitId({ key, indices: indices.map((i) => i.name) });
    // OpenPointInTimeResponse renders the shard header since 8.16 (allow_partial_search_results).
    if (!atLeast(ctx.state.version, 8, 16)) return ok({ id });
    const n = indices.length;
    return ok({ id, _shards: { total: n, successful: n, skipped: 0, failed: 0 } });
  });
}

/** ClosePointInTimeRequest: the body's `id`; an empty one is refused before anything runs. */
function parseCloseRequest(ctx: RequestContext): PointInTimeId {
  const body = jsonBody(ctx);
  if (body !== undefined && !isObject(body)) throw illegalArgument('request body must be an object');
  for (const key of Object.keys(body ?? {})) {
    if (key !== 'id') throw notEmulated(`close_point_in_time.${key}`);
  }
  const id = isObject(body) ? body.id : undefined;
  if (typeof id !== 'string' || id === '') throw illegalArgument('reader id must be specified');
  return decodePitId(id);
}

/**
 * Frees a point in time's shard contexts (anyone may: RBACEngine grants the close without
 * privileges and no owner is recorded for points in time); ClosePointInTimeResponse is a
 * ClearScrollResponse, 404 when nothing was freed.
 */
const closePointInTime = withParsedRequest(parseCloseRequest, (ctx, id) => {
  const freed = ctx.state.searchContexts.free(id.key, 'pit', ctx.state.now());
  return ok({ succeeded: true, num_freed: freed }, freed === 0 ? 404 : 200);
});

const OPEN_PARAMS = [
  'keep_alive',
  'ignore_unavailable',
  'expand_wildcards',
  'preference',
  'routing',
  'allow_partial_search_results',
  'max_concurrent_shard_requests',
];

/** Registers open and close point in time. */
export function registerPointInTimeRoutes(r: Router<Handler>, searchable: SearchableView): void {
  r.add('POST', '/{index}/_pit', withParams(OPEN_PARAMS, openPointInTime(searchable))).add(
    'DELETE',
    '/_pit',
    withParams([], closePointInTime),
  );
}
