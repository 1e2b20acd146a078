import { type ActionScope, type ApiAction, apiActionFor, NEWEST_MAJOR } from './api-actions.js';
import {
  CAT_REQUESTS,
  NAME_PARAM_BY_API,
  QUERY_INDEX_APIS,
  REQUESTS_WITH_PARAM,
} from './authorization-rules.js';
import { resolveDateMathName } from './date-math-index.js';
import { PathTrie } from './path-trie.js';
import type { RestApiSpec } from './rest-api-spec.js';
import { REST_APIS } from './rest-routes.generated.js';

/** One URL pattern of one API: what a trie leaf holds. */
export interface ApiRoute {
  readonly api: RestApiSpec;
  /** The specification's path pattern, e.g. `/{index}/_doc/{id}`. */
  readonly pattern: string;
  /** The pattern's parameter names, in path order. */
  readonly paramNames: readonly string[];
}

const paramNamesOf = (pattern: string) =>
  pattern
    .split('/')
    .filter((seg) => seg.startsWith('{') && seg.endsWith('}'))
    .map((seg) => seg.slice(1, -1));

/** A request as the resolver needs it. */
export interface RestRequest {
  readonly method: string;
  /** Path without the query string (percent-encoded or not). */
  readonly path: string;
  readonly query?: URLSearchParams;
  /** Raw body text, for APIs whose names come from the body (`_bulk`, `_mget`, `_msearch`). */
  readonly body?: string;
  /** Epoch millis used to resolve date-math names; omit to leave `<...>` names as sent. */
  readonly now?: number;
  /**
   * The Elasticsearch major the request goes to: some actions differ per major (connectors).
   * @defaultValue NEWEST_MAJOR (9)
   */
  readonly major?: number;
}

/** What one request asks for. */
export interface Resolution {
  /** The rest-api-spec name, e.g. `indices.delete`. */
  readonly api: string;
  /** The transport action, or undefined when no verified action is recorded for the API. */
  readonly action: string | undefined;
  readonly scope: ActionScope | undefined;
  /**
   * Index names from the path/query (`request`) and per body item (`items`, for bulk, mget,
   * msearch); date math resolved when `now` was given. Undefined when the request names none.
   */
  readonly indices: readonly string[] | undefined;
  readonly items?: readonly (readonly string[] | undefined)[];
  /** `POST /_aliases`: the index and alias names of each action, in body order. */
  readonly aliasActions?: readonly AliasActionNames[];
  /** `PUT /{index}` with `aliases` in the body: the alias names it creates. */
  readonly aliases?: readonly string[];
  /** `POST /_reindex`: the body's `source.index` and `dest.index` names. */
  readonly reindex?: { readonly source: readonly string[]; readonly dest: readonly string[] };
  /**
   * For REST handlers that send several transport requests (or none, `cat.help`): each request in
   * the order Elasticsearch reports its denial, with the names it carries. `action` is the first.
   */
  readonly requests?: readonly ResolvedTransportRequest[];
  /** Where the action comes from: the Elasticsearch REST handler, or the spec's documented privileges. */
  readonly evidence: string;
  /** Privileges the specification documents for the API. */
  readonly documented: { readonly cluster: readonly string[]; readonly index: readonly string[] };
}

/** One transport request of a multi-request REST handler, with the index names it carries. */
export interface ResolvedTransportRequest {
  readonly action: string;
  readonly scope: 'cluster' | 'index';
  readonly indices: readonly string[] | undefined;
  /** Names the caller may not use are dropped instead of denied (ignore_unavailable). */
  readonly lenient?: boolean;
  /** The request's default `expand_wildcards` when it is not the usual `open`. */
  readonly expandWildcards?: string;
}

/** One action of an update-aliases body, as far as authorization needs it. */
export interface AliasActionNames {
  readonly kind: 'add' | 'remove' | 'remove_index';
  readonly indices: readonly string[];
  readonly aliases: readonly string[];
}

function buildTrie(): PathTrie<ApiRoute> {
  const trie = new PathTrie<ApiRoute>();
  for (const api of REST_APIS) {
    for (const url of api.urls)
      trie.addMissing(url.methods, url.path, { api, pattern: url.path, paramNames: paramNamesOf(url.path) });
  }
  return trie;
}

let trie: PathTrie<ApiRoute> | undefined;

/** The trie of every API of the specification (built once). */
export function restRouteTrie(): PathTrie<ApiRoute> {
  trie ??= buildTrie();
  return trie;
}

/** The API serving `method` on a sandbox-style pattern (params compared by position). */
export function apiForPattern(method: string, pattern: string): ApiRoute | undefined {
  return restRouteTrie().lookupPattern(method, pattern);
}

/** Path params named as the specification names them, from positional values. */
export function paramsByPosition(route: ApiRoute, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  route.paramNames.forEach((name, k) => {
    out[name] = values[k]!;
  });
  return out;
}

const splitNames = (v: string) => v.split(',').filter((s) => s.length > 0);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Names per NDJSON action line of a `_bulk` body (action lines carry `_index`; sources follow). */
function bulkItems(body: string, defaultIndex: string | undefined): (string[] | undefined)[] {
  const lines = body.split('\n').filter((l) => l.trim() !== '');
  const out: (string[] | undefined)[] = [];
  for (let i = 0; i < lines.length; i++) {
    const action = parseLine(lines[i]!);
    if (!isObject(action)) break;
    const [op] = Object.keys(action);
    const meta = op === undefined ? undefined : action[op];
    const index = isObject(meta) && typeof meta._index === 'string' ? meta._index : defaultIndex;
    out.push(index === undefined ? undefined : [index]);
    if (op !== 'delete') i++;
  }
  return out;
}

/** Names per `docs` entry of an `_mget` body (`ids` use the path index). */
function mgetItems(body: string, defaultIndex: string | undefined): (string[] | undefined)[] {
  const parsed = parseLine(body);
  if (!isObject(parsed)) return [];
  if (Array.isArray(parsed.docs)) {
    return parsed.docs.map((d) => {
      const index = isObject(d) && typeof d._index === 'string' ? d._index : defaultIndex;
      return index === undefined ? undefined : [index];
    });
  }
  if (Array.isArray(parsed.ids))
    return parsed.ids.map(() => (defaultIndex === undefined ? undefined : [defaultIndex]));
  return [];
}

/** Names per header line of an `_msearch` body (header, body, header, body…). */
function msearchItems(body: string, defaultIndex: string | undefined): (string[] | undefined)[] {
  const lines = body.split('\n').filter((l) => l.trim() !== '');
  const out: (string[] | undefined)[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const header = parseLine(lines[i]!);
    const index = isObject(header) ? header.index : undefined;
    if (typeof index === 'string') out.push(splitNames(index));
    else if (Array.isArray(index)) out.push(index.filter((x): x is string => typeof x === 'string'));
    else out.push(defaultIndex === undefined ? undefined : splitNames(defaultIndex));
  }
  return out;
}

function namesOf(spec: Record<string, unknown>, one: string, many: string): string[] {
  const out: string[] = [];
  if (typeof spec[one] === 'string') out.push(spec[one]);
  if (Array.isArray(spec[many])) out.push(...spec[many].map(String));
  return out;
}

/** The actions of an update-aliases body (entries that are not `add`/`remove`/`remove_index` objects are skipped). */
function aliasActionsOf(body: string): AliasActionNames[] {
  const parsed = parseLine(body);
  if (!isObject(parsed) || !Array.isArray(parsed.actions)) return [];
  const out: AliasActionNames[] = [];
  for (const a of parsed.actions) {
    if (!isObject(a)) continue;
    const [kind, spec] = Object.entries(a)[0] ?? [];
    if ((kind !== 'add' && kind !== 'remove' && kind !== 'remove_index') || !isObject(spec)) continue;
    out.push({
      kind,
      indices: namesOf(spec, 'index', 'indices'),
      aliases: namesOf(spec, 'alias', 'aliases'),
    });
  }
  return out;
}

/** `source.index` (string or list, comma lists split) and `dest.index` of a reindex body. */
function reindexNamesOf(body: string): { source: string[]; dest: string[] } {
  const parsed = parseLine(body);
  const part = (key: string) => {
    const spec = isObject(parsed) ? parsed[key] : undefined;
    const index = isObject(spec) ? spec.index : undefined;
    if (typeof index === 'string') return splitNames(index);
    return Array.isArray(index) ? index.filter((x): x is string => typeof x === 'string') : [];
  };
  return { source: part('source'), dest: part('dest') };
}

/**
 * The data stream a migration reindex body names: ReindexDataStreamRequest.indices() is its
 * `source.index`, one string (the parser declares it a string, so anything else names nothing).
 */
function migrateReindexSourceOf(body: string): string[] | undefined {
  const parsed = parseLine(body);
  const source = isObject(parsed) ? parsed.source : undefined;
  const index = isObject(source) ? source.index : undefined;
  return typeof index === 'string' ? [index] : undefined;
}

/** The alias names of a create-index body. */
function createAliasesOf(body: string): string[] {
  const parsed = parseLine(body);
  return isObject(parsed) && isObject(parsed.aliases) ? Object.keys(parsed.aliases) : [];
}

/** APIs whose names (partly) come from the body: the caller passes `body` only for these. */
const BODY_NAMED_APIS = new Set([
  'bulk',
  'mget',
  'msearch',
  'msearch_template',
  'indices.update_aliases',
  'indices.create',
  'reindex',
  'indices.migrate_reindex',
]);

/** Whether resolving `api` reads the request body. */
export function resolverReadsBody(api: string): boolean {
  return BODY_NAMED_APIS.has(api);
}

const ITEM_PARSERS: Record<string, (body: string, index: string | undefined) => (string[] | undefined)[]> = {
  bulk: bulkItems,
  mget: mgetItems,
  msearch: msearchItems,
  msearch_template: msearchItems,
};

type Facts = { verified: ApiAction | undefined; evidence: string };

/** Per major, per API: computed once (the lookup stays a table hit on the request path). */
const factsByMajor = new Map<number, WeakMap<RestApiSpec, Facts>>();

/** The verified action of an API on `major` and the evidence sentence, computed once per API and major. */
function factsOf(api: RestApiSpec, major: number): Facts {
  let byApi = factsByMajor.get(major);
  if (!byApi) {
    byApi = new WeakMap();
    factsByMajor.set(major, byApi);
  }
  let facts = byApi.get(api);
  if (!facts) {
    const verified = apiActionFor(api.name, major);
    const cat = CAT_REQUESTS.get(api.name);
    const evidence = verified
      ? `${verified.restHandler} (Elasticsearch REST handler)`
      : cat
        ? `${cat.handler} (Elasticsearch REST handler; sends no transport request)`
        : `not verified; the specification documents cluster [${api.clusterPrivileges.join(',')}] index [${api.indexPrivileges.join(',')}]`;
    facts = { verified, evidence };
    byApi.set(api, facts);
  }
  return facts;
}

/**
 * The raw index expression a request carries: the API's name parameter (`{index}` unless
 * NAME_PARAM_BY_API says otherwise), or `index=` in the query for the APIs that read it there.
 */
function indexExpressionOf(
  api: string,
  params: Record<string, string>,
  query: URLSearchParams | undefined,
): string | undefined {
  const fromPath = params[NAME_PARAM_BY_API.get(api) ?? 'index'];
  if (fromPath !== undefined || !QUERY_INDEX_APIS.has(api)) return fromPath;
  return query?.get('index') ?? undefined;
}

/** Resolves an already-matched route: action, names (path/query parameter, body items), date math. */
export function resolveRoute(
  route: ApiRoute,
  params: Record<string, string>,
  request: Pick<RestRequest, 'body' | 'now' | 'query' | 'major'> = {},
): Resolution {
  const api = route.api;
  const { verified, evidence } = factsOf(api, request.major ?? NEWEST_MAJOR);
  const resolveName = (n: string) => (request.now === undefined ? n : resolveDateMathName(n, request.now));
  const indexParam = indexExpressionOf(api.name, params, request.query);
  const bodyNames =
    api.name === 'indices.migrate_reindex' && request.body !== undefined
      ? migrateReindexSourceOf(request.body)
      : undefined;
  const indices =
    verified?.indices ??
    bodyNames?.map(resolveName) ??
    (indexParam === undefined ? undefined : splitNames(indexParam).map(resolveName));
  const itemParser = ITEM_PARSERS[api.name];
  const items =
    itemParser && request.body !== undefined
      ? itemParser(request.body, indexParam).map((names) => names?.map(resolveName))
      : undefined;
  const body = request.body;
  const aliasActions =
    api.name === 'indices.update_aliases' && body !== undefined ? aliasActionsOf(body) : undefined;
  const aliases = api.name === 'indices.create' && body !== undefined ? createAliasesOf(body) : undefined;
  const reindex = api.name === 'reindex' && body !== undefined ? reindexNamesOf(body) : undefined;
  const cat = CAT_REQUESTS.get(api.name);
  const withParam = REQUESTS_WITH_PARAM.get(api.name);
  const sequence =
    cat?.requests ?? (withParam && params[withParam.param] !== undefined ? withParam.requests : undefined);
  const requests = sequence?.map((t) => ({
    action: t.action,
    scope: t.scope,
    indices: t.names === 'request' ? indices : undefined,
    ...(t.lenient ? { lenient: true } : {}),
    ...(t.expandWildcards ? { expandWildcards: t.expandWildcards } : {}),
  }));
  // The first request is the action a denial names first (the API's row, but for a parameter
  // that makes the handler fetch a stored config first).
  const first = withParam && requests ? requests[0] : undefined;
  return {
    api: api.name,
    action: first?.action ?? verified?.action,
    ...(reindex
      ? { reindex: { source: reindex.source.map(resolveName), dest: reindex.dest.map(resolveName) } }
      : {}),
    ...(requests ? { requests } : {}),
    ...(aliasActions ? { aliasActions } : {}),
    ...(aliases && aliases.length > 0 ? { aliases } : {}),
    scope: first?.scope ?? verified?.scope,
    indices,
    ...(items ? { items } : {}),
    evidence,
    documented: { cluster: api.clusterPrivileges, index: api.indexPrivileges },
  };
}

/** method + path (+ body) → API, transport action and the index names it asks for; undefined when no API serves the path. */
export function resolveRequest(request: RestRequest): Resolution | undefined {
  const lookup = restRouteTrie().lookup(request.method.toUpperCase(), request.path);
  if (lookup.kind !== 'match') return undefined;
  const { handler: route, params } = lookup.match;
  return resolveRoute(route, params, request);
}
