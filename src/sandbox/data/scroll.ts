/**
 * Scrolling searches (`_search?scroll=`, `/_search/scroll`, clear scroll) as Elasticsearch answers
 * them. The first search keeps the ordered list of its matches (document references, taken from
 * the refreshed view it searched, so later writes stay invisible to it) and each scroll request
 * returns the next page of the first request's size. Facts and evidence: docs/es-facts.md,
 * "Search: scroll and point in time".
 */
import { EsError, illegalArgument, validationError } from '../errors.js';
import { boolParam, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { notEmulated } from '../http/not-emulated.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withParsedRequest } from '../http/validation.js';
import { parseTimeValueMillis, TimeValueError } from '../security/time-value.js';
import type { IndexRecord } from '../state.js';
import { isObject, tokenOf } from '../util.js';
import type { Hit } from './query/fields.js';
import {
  contextMissing,
  contextOwner,
  refuseDeletedIndices,
  type ScrollContext,
  type ScrollSort,
} from './search-contexts.js';
import type { SourceFilter } from './source-filter.js';

/** search.max_keep_alive's default (SearchService.MAX_KEEPALIVE_SETTING): 24 hours. */
const MAX_KEEP_ALIVE_MS = 86_400_000;

/** A keep-alive parameter (`scroll`, `keep_alive`) in milliseconds: TimeValue.parseTimeValue's 400s. */
export function keepAliveOf(raw: string, name: string): number {
  let ms: number;
  try {
    ms = parseTimeValueMillis(raw, name);
  } catch (e) {
    if (e instanceof TimeValueError) {
      throw new EsError(
        400,
        'illegal_argument_exception',
        e.message,
        e.esCause ? { causedBy: e.esCause } : {},
      );
    }
    throw e;
  }
  // Elasticsearch refuses keep-alives above search.max_keep_alive; its wording was not established.
  if (ms > MAX_KEEP_ALIVE_MS) throw notEmulated(`${name}=${raw} (above search.max_keep_alive, 24h)`);
  return ms;
}

/** What the search request asked of a scroll, checked by SearchRequest.validate before authorization. */
export interface ScrollRequestParts {
  readonly from: number;
  readonly size: number;
  readonly trackTotalHits: boolean | number | undefined;
  readonly searchAfter: boolean;
  readonly pit: boolean;
  readonly requestCache: string | null;
}

/** SearchSourceBuilder.validate's scroll rules, in its order (the body's part of a scroll search). */
export function scrollSourceErrors(parts: ScrollRequestParts): string[] {
  const errors: string[] = [];
  if (parts.trackTotalHits === false)
    errors.push('disabling [track_total_hits] is not allowed in a scroll context');
  if (parts.from > 0) errors.push('using [from] is not allowed in a scroll context');
  if (parts.size === 0) errors.push('[size] cannot be [0] in a scroll context');
  if (parts.searchAfter) errors.push('[search_after] cannot be used in a scroll context');
  return errors;
}

/** SearchRequest.validate's own scroll rules, checked after the body's (request cache, point in time). */
export function scrollRequestErrors(parts: ScrollRequestParts): string[] {
  const errors: string[] = [];
  if (parts.requestCache === 'true' || parts.requestCache === '')
    errors.push('[request_cache] cannot be used in a scroll context');
  if (parts.pit) errors.push('using [point in time] is not allowed in a scroll context');
  return errors;
}

const SCROLL_ID_PREFIX = 'eskeys-sandbox-scroll;';

/** What a scroll id carries, as Elasticsearch's carries its shard contexts: the first id and how many. */
interface ScrollIdParts {
  readonly key: number;
  readonly shards: number;
}

function encodeScrollId(parts: ScrollIdParts): string {
  return Buffer.from(`${SCROLL_ID_PREFIX}${parts.key};${parts.shards}`, 'utf8').toString('base64url');
}

/** TransportSearchHelper.parseScrollId: an id that does not decode is a 400. */
function decodeScrollId(id: string): ScrollIdParts {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const m = text.startsWith(SCROLL_ID_PREFIX)
    ? /^(\d+);(\d+)$/.exec(text.slice(SCROLL_ID_PREFIX.length))
    : null;
  if (!m) throw illegalArgument('Cannot parse scroll id');
  return { key: Number(m[1]), shards: Number(m[2]) };
}

/** The shard contexts a scroll id names, as a missing-context error lists them. */
function shardsOf(parts: ScrollIdParts): { id: number; index: null }[] {
  return Array.from({ length: Math.max(parts.shards, 1) }, (_, i) => ({ id: parts.key + i, index: null }));
}

/**
 * Opens a scroll over `hits` (every match, in the search's order; the first `size` are the first
 * page) and returns its id. The context belongs to the caller.
 */
export function openScroll(
  ctx: RequestContext,
  opened: {
    indices: readonly IndexRecord[];
    hits: readonly Hit[];
    size: number;
    source: SourceFilter | undefined;
    keepAliveMs: number;
    sort?: ScrollSort;
  },
): string {
  const now = ctx.state.now();
  const shardIds = ctx.state.searchContexts.allocate(opened.indices.length);
  const key = shardIds[0] ?? ctx.state.searchContexts.allocate(1)[0]!;
  const context: ScrollContext = {
    kind: 'scroll',
    shardIds,
    owner: contextOwner(ctx.auth),
    indices: opened.indices,
    hits: opened.hits,
    size: opened.size,
    source: opened.source,
    ...(opened.sort ? { sort: opened.sort } : {}),
    next: opened.size,
    keepAliveMs: opened.keepAliveMs,
    expiresAt: now + opened.keepAliveMs,
  };
  ctx.state.searchContexts.put(key, context, now);
  return encodeScrollId({ key, shards: shardIds.length });
}

/** How a scroll page renders a hit and the shard header (search.ts owns the search answer's shape). */
export interface ScrollPageRenderer {
  hit(h: Hit, source: SourceFilter | undefined, score?: number | null): Record<string, unknown>;
  shards(n: number): unknown;
}

/** A page of a scroll's hits from `start`, rendered as its first page was (sorted: sort values and scores). */
function renderPage(
  render: ScrollPageRenderer,
  context: ScrollContext,
  page: readonly Hit[],
  start: number,
): Record<string, unknown>[] {
  const { sort } = context;
  return page.map((h, i) => {
    if (!sort) return render.hit(h, context.source);
    const hit = render.hit(h, context.source, sort.score);
    hit.sort = sort.values(start + i);
    return hit;
  });
}

interface ScrollRequest {
  scrollId: string;
  parsedId: ScrollIdParts;
  keepAliveMs: number | undefined;
  totalHitsAsInt: boolean;
}

/**
 * RestSearchScrollAction: `scroll_id` and `scroll` from the path or query, then the body's
 * (SearchScrollRequest.fromXContent: only string `scroll_id` and `scroll`), then validation.
 */
function parseScrollRequest(ctx: RequestContext): ScrollRequest {
  let scrollId: string | undefined = ctx.params.scroll_id ?? ctx.query.get('scroll_id') ?? undefined;
  const scrollParam = ctx.query.get('scroll');
  let keepAliveMs = scrollParam === null ? undefined : keepAliveOf(scrollParam, 'scroll');
  const body = jsonBody(ctx);
  if (body !== undefined) {
    if (!isObject(body)) throw illegalArgument('Malformed content, must start with an object');
    for (const [key, value] of Object.entries(body)) {
      if (key === 'scroll_id' && typeof value === 'string') scrollId = value;
      else if (key === 'scroll' && typeof value === 'string') keepAliveMs = keepAliveOf(value, 'scroll');
      else
        throw illegalArgument(
          `Unknown parameter [${key}] in request body or parameter is of the wrong type[${tokenOf(value)}] `,
        );
    }
  }
  if (scrollId === undefined) throw validationError(['scrollId is missing']);
  // RBACEngine parses the id before it checks any privilege, so a malformed id is a 400 even for
  // a caller the check would refuse.
  const parsedId = decodeScrollId(scrollId);
  return { scrollId, parsedId, keepAliveMs, totalHitsAsInt: boolParam(ctx, 'rest_total_hits_as_int') };
}

/** The next page of a scroll (the central step authorized indices:data/read/scroll by name only). */
function scrollHandler(render: ScrollPageRenderer): Handler {
  return withParsedRequest(parseScrollRequest, (ctx, req) => {
    const started = Date.now();
    const id = req.parsedId;
    const contexts = ctx.state.searchContexts;
    const now = ctx.state.now();
    const context = contexts.get(id.key, 'scroll', now);
    // SecuritySearchOperationListener: another user or API key is told the context is missing.
    if (!context || context.owner !== contextOwner(ctx.auth)) throw contextMissing(shardsOf(id));
    contexts.renew(context, now, req.keepAliveMs);
    refuseDeletedIndices('scroll', ctx.state, context.indices);
    const start = context.next;
    const page = context.hits.slice(start, start + context.size);
    context.next += page.length;
    const total = context.hits.length;
    const maxScore = context.sort ? context.sort.maxScore : 1.0;
    return ok({
      _scroll_id: req.scrollId,
      took: Date.now() - started,
      timed_out: false,
      _shards: render.shards(context.shardIds.length),
      hits: {
        total: req.totalHitsAsInt ? total : { value: total, relation: 'eq' },
        max_score: page.length > 0 ? maxScore : null,
        hits: renderPage(render, context, page, start),
      },
    });
  });
}

/** A JSON value Jackson calls a value token (`Token.isValue`), as the text `parser.text()` gives. */
function valueText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * RestClearScrollAction: ids from the path (comma-separated); a body replaces them with its
 * `scroll_id` (a value or an array of values; ClearScrollRequest.fromXContent starts from none);
 * none at all is a validation error.
 */
function parseClearScroll(ctx: RequestContext): string[] {
  let ids = (ctx.params.scroll_id ?? ctx.query.get('scroll_id') ?? '').split(',').filter((s) => s !== '');
  const body = jsonBody(ctx);
  if (body !== undefined) {
    if (!isObject(body)) throw illegalArgument('Malformed content, must start with an object');
    ids = [];
    for (const [key, value] of Object.entries(body)) {
      if (key !== 'scroll_id')
        throw illegalArgument(
          `Unknown parameter [${key}] in request body or parameter is of the wrong type[${tokenOf(value)}] `,
        );
      for (const v of Array.isArray(value) ? value : [value]) {
        const text = valueText(v);
        if (text === undefined)
          throw illegalArgument(
            Array.isArray(value)
              ? 'scroll_id array element should only contain scroll_id'
              : 'scroll_id element should only contain scroll_id',
          );
        ids.push(text);
      }
    }
  }
  if (ids.length === 0) throw validationError(['no scroll ids specified']);
  return ids;
}

/**
 * ClearScrollController: `_all` alone frees every scroll on every node and counts the nodes that
 * answered (one here); ids free their shard contexts, counted one by one, whoever opened them.
 * ClearScrollResponse answers 404 when nothing was freed.
 */
const clearScroll = withParsedRequest(parseClearScroll, (ctx, ids) => {
  const contexts = ctx.state.searchContexts;
  if (ids.length === 1 && ids[0] === '_all') {
    contexts.freeAllScrolls();
    return ok({ succeeded: true, num_freed: 1 });
  }
  const parsed = ids.map(decodeScrollId);
  const now = ctx.state.now();
  const freed = parsed.reduce((n, id) => n + contexts.free(id.key, 'scroll', now), 0);
  return ok({ succeeded: true, num_freed: freed }, freed === 0 ? 404 : 200);
});

/** Registers the scroll and clear-scroll routes. */
export function registerScrollRoutes(r: Router<Handler>, render: ScrollPageRenderer): void {
  const scroll = withParams(['scroll', 'scroll_id', 'rest_total_hits_as_int'], scrollHandler(render));
  const clear = withParams(['scroll_id'], clearScroll);
  r.add(['GET', 'POST'], '/_search/scroll', scroll)
    .add(['GET', 'POST'], '/_search/scroll/{scroll_id}', scroll)
    .add('DELETE', '/_search/scroll', clear)
    .add('DELETE', '/_search/scroll/{scroll_id}', clear);
}
