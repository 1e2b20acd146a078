/**
 * `_msearch` as Elasticsearch answers it: NDJSON header/body pairs, each search run as its own
 * `_search` (the sandbox's own search handler, so whatever it emulates applies here too), and one
 * `responses` item per search: the search answer with its `status`, or the error object with its
 * `status`. Facts: docs/es-facts.md, "Documents: mget, msearch, update by query and _source
 * parameters (issue 14, item 3)".
 */
import { EsError, errorBody, illegalArgument, validationError } from '../errors.js';
import { bodyText, type Handler, ok, type RequestContext } from '../http/context.js';
import { parseJson } from '../http/json.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { validateRequest, withValidation } from '../http/validation.js';
import type { ItemIndicesOptions } from '../security/authorize.js';
import { isObject, tokenOf } from '../util.js';
import { pointInTimeSearchNames } from './point-in-time.js';
import { resolvedName } from './resolve.js';
import { searchRouteHandler } from './search-route.js';

/** One search of the request, ready to run through the search handler. */
interface SearchItem {
  readonly ctx: RequestContext;
  readonly options: ItemIndicesOptions;
}

/** Header keys MultiSearchRequest.readMultiLineFormat accepts (camelCase forms too). */
const HEADER_PARAMS: ReadonlyMap<string, string> = new Map([
  ['index', 'index'],
  ['indices', 'index'],
  ['search_type', 'search_type'],
  ['searchType', 'search_type'],
  ['ccs_minimize_roundtrips', 'ccs_minimize_roundtrips'],
  ['ccsMinimizeRoundtrips', 'ccs_minimize_roundtrips'],
  ['request_cache', 'request_cache'],
  ['requestCache', 'request_cache'],
  ['preference', 'preference'],
  ['routing', 'routing'],
  ['allow_partial_search_results', 'allow_partial_search_results'],
  ['expand_wildcards', 'expand_wildcards'],
  ['expandWildcards', 'expand_wildcards'],
  ['ignore_unavailable', 'ignore_unavailable'],
  ['ignoreUnavailable', 'ignore_unavailable'],
  ['allow_no_indices', 'allow_no_indices'],
  ['allowNoIndices', 'allow_no_indices'],
  ['ignore_throttled', 'ignore_throttled'],
  ['ignoreThrottled', 'ignore_throttled'],
]);

/** URL parameters of `_msearch` that each search inherits (the others concern the batch). */
const INHERITED_PARAMS = [
  'allow_no_indices',
  'ccs_minimize_roundtrips',
  'expand_wildcards',
  'ignore_throttled',
  'ignore_unavailable',
  'include_named_queries_score',
  'max_concurrent_shard_requests',
  'pre_filter_shard_size',
  'rest_total_hits_as_int',
  'routing',
  'search_type',
  'typed_keys',
];

const MSEARCH_PARAMS = [...INHERITED_PARAMS, 'max_concurrent_searches'];

const commaList = (v: string) => v.split(',').filter((s) => s !== '');

function headerNames(v: unknown): string[] {
  if (typeof v === 'string') return commaList(v);
  if (Array.isArray(v)) return v.map(String);
  throw illegalArgument(`the index of an msearch header must be a string or an array, found [${tokenOf(v)}]`);
}

/**
 * MultiSearchRequest.readMultiLineFormat: a header line (empty means `{}`) then a body line, the
 * whole body ending with a newline; header keys outside the documented list fail the request.
 * Each search is then parsed and validated as `_search` parses it, before anything runs.
 */
function parseMultiSearch(ctx: RequestContext, search: Handler): SearchItem[] {
  const text = bodyText(ctx);
  if (text.length > 0 && !text.endsWith('\n')) {
    throw illegalArgument('The msearch request must be terminated by a newline [\n]');
  }
  const lines = text.split('\n');
  const now = ctx.state.now();
  lines.pop();
  const items: SearchItem[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const headerText = lines[i]!;
    const header = headerText.trim() === '' ? {} : parseJson(headerText);
    if (!isObject(header)) {
      throw new EsError(400, 'parsing_exception', `Expected [START_OBJECT] but found [${tokenOf(header)}]`);
    }
    const query = new URLSearchParams();
    for (const p of INHERITED_PARAMS) {
      const v = ctx.query.get(p);
      if (v !== null) query.set(p, v);
    }
    let names = ctx.params.index === undefined ? [] : commaList(ctx.params.index);
    for (const [k, v] of Object.entries(header)) {
      const param = HEADER_PARAMS.get(k);
      if (param === undefined) throw illegalArgument(`key [${k}] is not supported in the metadata section`);
      if (param === 'index') names = headerNames(v);
      else query.set(param, Array.isArray(v) ? v.map(String).join(',') : String(v));
    }
    // Item names are resolved (date math) before authorization, as the items of bulk are.
    names = names.map((n) => resolvedName(n, now));
    const index = names.join(',');
    const itemCtx: RequestContext = {
      ...ctx,
      method: 'POST',
      path: index === '' ? '/_search' : `/${index}/_search`,
      uri: index === '' ? '/_search' : `/${index}/_search`,
      query,
      params: index === '' ? {} : { index },
      rawBody: Buffer.from(lines[i + 1]!, 'utf8'),
      authorized: undefined,
    };
    validateRequest(itemCtx, search);
    // A search with a point in time is authorized on the indices its id names.
    names = [...(pointInTimeSearchNames(itemCtx) ?? names)];
    const ignoreUnavailable = query.get('ignore_unavailable');
    items.push({
      ctx: itemCtx,
      options: {
        names,
        ignoreUnavailable: ignoreUnavailable === '' || ignoreUnavailable === 'true',
        expandWildcards: query.get('expand_wildcards') ?? undefined,
      },
    });
  }
  if (items.length === 0) throw validationError(['no requests added']);
  return items;
}

const parsedByRequest = new WeakMap<RequestContext, SearchItem[]>();

/**
 * The names and indices options of each search, for the server's authorization step (which
 * authorizes each search as Elasticsearch's security filter authorizes the SearchRequests the
 * multi search sends).
 */
export function multiSearchItemOptions(ctx: RequestContext): ItemIndicesOptions[] {
  const items = parsedByRequest.get(ctx);
  if (!items) throw new Error(`bug: ${ctx.method} ${ctx.path} authorized before its parsing`);
  return items.map((i) => i.options);
}

/** The failure item of MultiSearchResponse: the error object and its status. */
function failure(e: EsError): Record<string, unknown> {
  return { ...errorBody(e) };
}

async function runItem(item: SearchItem, search: Handler, index: number, ctx: RequestContext) {
  const auth = ctx.authorized?.items?.[index];
  if (!auth) throw new Error(`bug: msearch item ${index} was not authorized`);
  if (auth.denied) return failure(auth.denied);
  item.ctx.authorized = { indices: auth.indices ?? [] };
  try {
    const result = await search(item.ctx);
    const body = result.body ?? (result.rawJson === undefined ? {} : JSON.parse(result.rawJson));
    return { ...(body as Record<string, unknown>), status: result.status };
  } catch (e) {
    if (e instanceof EsError) return failure(e);
    throw e;
  }
}

/** Registers `_msearch` with and without a path index; each search runs through the search route. */
export function registerMultiSearchRoutes(r: Router<Handler>): void {
  const searchHandler = searchRouteHandler(r);
  const run: Handler = async (ctx) => {
    const started = Date.now();
    const items = parsedByRequest.get(ctx);
    if (!items) throw new Error(`bug: ${ctx.method} ${ctx.path} ran before its parsing`);
    const responses: unknown[] = [];
    // Searches run one after the other: the sandbox is single-threaded, and the answer keeps
    // request order as Elasticsearch's does whatever max_concurrent_searches allows.
    for (let i = 0; i < items.length; i++) responses.push(await runItem(items[i]!, searchHandler(), i, ctx));
    return ok({ took: Date.now() - started, responses });
  };
  const handler = withParams(
    MSEARCH_PARAMS,
    withValidation((ctx) => {
      parsedByRequest.set(ctx, parseMultiSearch(ctx, searchHandler()));
    }, run),
  );
  r.add(['GET', 'POST'], '/_msearch', handler).add(['GET', 'POST'], '/{index}/_msearch', handler);
}
