/**
 * `_mget` as Elasticsearch answers it: one answer per requested document, in request order; a
 * document that does not exist answers `found: false`, an index that does not exist or a shard
 * the caller may not read answers the item's error object; the request itself fails only when
 * its body cannot be parsed or validated. Facts: docs/es-facts.md, "Documents: mget, msearch,
 * update by query and _source parameters (issue 14, item 3)".
 */
import { EsError, errorBody, illegalArgument, indexNotFound, validationError } from '../errors.js';
import { boolParam, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withParsedRequest } from '../http/validation.js';
import type { ItemIndicesOptions } from '../security/authorize.js';
import type { IndexRecord, SandboxState } from '../state.js';
import { isObject, tokenOf } from '../util.js';
import { checkStoredFields, foundDocument, type GetOptions, missingDocument } from './get-result.js';
import { refreshIndex } from './indices.js';
import { resolvedName } from './resolve.js';
import { type SourceFilter, sourceFilterFromBody, sourceFilterFromParams } from './source-filter.js';

/** One document to get. */
interface MultiGetItem {
  readonly index: string | undefined;
  readonly id: string | undefined;
  readonly options: GetOptions;
}

const DOC_KEYS = new Set([
  '_index',
  '_id',
  'routing',
  '_routing',
  'stored_fields',
  'version',
  'version_type',
  '_source',
]);

function notEmulatedHere(what: string): EsError {
  return illegalArgument(`the eskeys sandbox does not emulate [${what}] in [mget]`);
}

function parseParseError(reason: string): EsError {
  return new EsError(400, 'parse_exception', reason);
}

function storedFieldsParam(ctx: RequestContext): string[] | undefined {
  const v = ctx.query.get('stored_fields');
  return v === null ? undefined : v.split(',').filter((s) => s !== '');
}

function parseDoc(doc: unknown, defaults: MultiGetItem): MultiGetItem {
  if (!isObject(doc)) throw illegalArgument('docs array element should include an object');
  let { index, options } = defaults;
  let id: string | undefined;
  let source: SourceFilter | undefined;
  let storedFields = options.storedFields;
  for (const [k, v] of Object.entries(doc)) {
    if (!DOC_KEYS.has(k)) {
      if (k === 'fields') {
        throw new EsError(
          400,
          'parsing_exception',
          'Unsupported field [fields] used, expected [stored_fields] instead',
        );
      }
      throw parseParseError(`failed to parse multi get request. unknown field [${k}]`);
    }
    if (k === '_index') index = v === null ? undefined : String(v);
    else if (k === '_id') id = v === null ? undefined : String(v);
    else if (k === '_source') source = sourceFilterFromBody(v);
    else if (k === 'stored_fields') storedFields = Array.isArray(v) ? v.map(String) : [String(v)];
    else if (k === 'routing' || k === '_routing' || k === 'version' || k === 'version_type') {
      // Routing and versioned reads are not emulated: refusing is better than ignoring them.
      throw notEmulatedHere(k);
    }
  }
  options = { source: source ?? options.source, storedFields };
  return { index, id, options };
}

/**
 * MultiGetRequest's REST parsing (an object with a `docs` or an `ids` array; `ids` take the path
 * index and the URL's `_source`/`stored_fields`) and validate() ("no documents to get", "index is
 * missing for doc N", "id is missing for doc N").
 */
function parseMultiGet(ctx: RequestContext): MultiGetItem[] {
  boolParam(ctx, 'refresh');
  // Routing and reads of the refreshed view only are not emulated: refused, never ignored.
  if (ctx.query.get('routing') !== null) throw notEmulatedHere('routing');
  if (!boolParam(ctx, 'realtime', true)) throw notEmulatedHere('realtime=false');
  const defaults: MultiGetItem = {
    index: ctx.params.index,
    id: undefined,
    options: { source: sourceFilterFromParams(ctx.query), storedFields: storedFieldsParam(ctx) },
  };
  const body = jsonBody(ctx);
  const items: MultiGetItem[] = [];
  if (body !== undefined) {
    if (!isObject(body)) {
      throw new EsError(
        400,
        'parsing_exception',
        `unexpected token [${tokenOf(body)}], expected [START_OBJECT]`,
      );
    }
    for (const [k, v] of Object.entries(body)) {
      if (!Array.isArray(v)) {
        throw new EsError(
          400,
          'parsing_exception',
          `unexpected token [${tokenOf(v)}], expected [FIELD_NAME] or [START_ARRAY]`,
        );
      }
      if (k === 'docs') for (const d of v) items.push(parseDoc(d, defaults));
      else if (k === 'ids') {
        for (const id of v) {
          if (id === null || typeof id === 'object')
            throw illegalArgument('ids array element should only contain ids');
          items.push({ ...defaults, id: String(id) });
        }
      } else {
        throw new EsError(
          400,
          'parsing_exception',
          `unknown key [${k}] for a START_ARRAY, expected [docs] or [ids]`,
        );
      }
    }
  }
  if (items.length === 0) throw validationError(['no documents to get']);
  const problems: string[] = [];
  items.forEach((item, i) => {
    if (item.index === undefined) problems.push(`index is missing for doc ${i}`);
    if (item.id === undefined) problems.push(`id is missing for doc ${i}`);
  });
  if (problems.length > 0) throw validationError(problems);
  // Item names are resolved (date math) before authorization, as the items of bulk are.
  const now = ctx.state.now();
  return items.map((item) => ({ ...item, index: resolvedName(item.index!, now) }));
}

/**
 * IndexNameExpressionResolver.concreteSingleIndex: the index, or the one index of an alias;
 * a missing name or an alias of several indices fails the item.
 */
function concreteSingleIndex(state: SandboxState, name: string): IndexRecord {
  const direct = state.indices.get(name);
  if (direct) return direct;
  const holders = [...state.indices.values()].filter((i) => i.aliases.has(name));
  if (holders.length === 0) throw indexNotFound(name);
  if (holders.length > 1) {
    throw illegalArgument(
      `alias [${name}] has more than one index associated with it [${holders.map((i) => i.name).join(', ')}], can't execute a single index op`,
    );
  }
  return holders[0]!;
}

/** MultiGetResponse.Failure: `_index`, `_id`, then the error as a REST error renders it. */
function failure(index: string, id: string, e: EsError): Record<string, unknown> {
  return { _index: index, _id: id, error: errorBody(e).error };
}

function multiGet(ctx: RequestContext, items: MultiGetItem[]): ReturnType<Handler> {
  const refresh = boolParam(ctx, 'refresh');
  const itemAuth = ctx.authorized?.items ?? [];
  const docs = items.map((item, i) => {
    const name = item.index!;
    const id = item.id!;
    let idx: IndexRecord;
    try {
      idx = concreteSingleIndex(ctx.state, name);
    } catch (e) {
      if (e instanceof EsError) return failure(name, id, e);
      throw e;
    }
    // The shard request failed as a whole: every item of the shard carries its concrete index.
    const denied = itemAuth[i]?.denied;
    if (denied) return failure(idx.name, id, denied);
    try {
      checkStoredFields(idx, item.options.storedFields);
    } catch (e) {
      if (e instanceof EsError) return failure(idx.name, id, e);
      throw e;
    }
    if (refresh) refreshIndex(idx, ctx.state.now());
    const doc = idx.docs.get(id);
    return doc ? foundDocument(idx, id, doc, item.options) : missingDocument(idx.name, id);
  });
  return ok({ docs });
}

const MGET_PARAMS = [
  'preference',
  'realtime',
  'refresh',
  'routing',
  '_source',
  '_source_excludes',
  '_source_includes',
  'stored_fields',
];

const parsedByRequest = new WeakMap<RequestContext, MultiGetItem[]>();

/**
 * The index name of each document, as parsed, for the server's authorization step (which
 * authorizes the shard requests Elasticsearch would send for them).
 */
export function multiGetItemNames(ctx: RequestContext): ItemIndicesOptions[] {
  const items = parsedByRequest.get(ctx);
  if (!items) throw new Error(`bug: ${ctx.method} ${ctx.path} authorized before its parsing`);
  return items.map((i) => ({ names: [i.index!], ignoreUnavailable: false, expandWildcards: undefined }));
}

/** Registers `_mget` with and without a path index. */
export function registerMultiGetRoutes(r: Router<Handler>): void {
  const handler = withParams(
    MGET_PARAMS,
    withParsedRequest((ctx) => {
      const items = parseMultiGet(ctx);
      parsedByRequest.set(ctx, items);
      return items;
    }, multiGet),
  );
  r.add(['GET', 'POST'], '/_mget', handler).add(['GET', 'POST'], '/{index}/_mget', handler);
}
