import {
  clusterPrivilegesGranting,
  indexPrivilegesGranting,
  isRestrictedIndex,
  type Permission,
} from '../../core/privileges/index.js';
import {
  AUTHORIZATION_NOT_ESTABLISHED,
  CHILD_REQUESTS,
  NAME_ONLY_INDEX_ACTIONS,
  type Resolution,
  type ResolvedTransportRequest,
  UNPRIVILEGED_INDEX_ACTIONS,
} from '../../core/resolver/index.js';
import { closedIndexNames, existingNames, parentDataStream } from '../data/resolve.js';
import { EsError, forbidden } from '../errors.js';
import { notEmulated } from '../http/not-emulated.js';
import type { SandboxState } from '../state.js';
import { wildcardRegex } from '../util.js';
import type { Authentication } from './authenticate.js';

/** `on indices [a,b]`, `on restricted indices [x]` or both, listing denied names in request order (§3a). */
function indicesClause(names: readonly string[]): string {
  const plain = names.filter((n) => !isRestrictedIndex(n));
  const restricted = names.filter((n) => isRestrictedIndex(n));
  if (plain.length > 0 && restricted.length > 0) {
    return ` on indices [${plain.join(',')}] and restricted indices [${restricted.join(',')}]`;
  }
  if (restricted.length > 0) return ` on restricted indices [${restricted.join(',')}]`;
  if (plain.length > 0) return ` on indices [${plain.join(',')}]`;
  return '';
}

/** The 403 for an index action (§8): subject, optional indices clause, granted-by list. */
export function indexDenied(auth: Authentication, action: string, names?: readonly string[]): EsError {
  const clause = names ? indicesClause([...new Set(names)]) : '';
  return forbidden(
    `action [${action}] is unauthorized for ${auth.subject}${clause}, this action is granted by the index privileges [${indexPrivilegesGranting(action, auth.major).join(',')}]`,
  );
}

/** The 403 for a cluster action; `ownership` says whether manage_own_api_key's check held (§2). */
export function clusterDenied(auth: Authentication, action: string, ownership = true): EsError {
  return forbidden(
    `action [${action}] is unauthorized for ${auth.subject}, this action is granted by the cluster privileges [${clusterPrivilegesGranting(action, ownership, auth.major).join(',')}]`,
  );
}

/** Requires a cluster action (manage_own_api_key's ownership via `ownedByCaller`). */
export function requireCluster(auth: Authentication, action: string, ownedByCaller = false): void {
  if (!auth.permission.checkCluster(action, { ownedByCaller }))
    throw clusterDenied(auth, action, ownedByCaller);
}

/**
 * Step 1 of §3a: the action must be granted on some index. `requested` is the index expression
 * list as sent, for IndicesRequests; omit it for name-only requests like top-level `_bulk`.
 */
export function requireIndexActionOnAny(
  auth: Authentication,
  action: string,
  requested?: readonly string[],
): void {
  if (!auth.permission.checkIndexActionOnAny(action)) throw indexDenied(auth, action, requested);
}

/**
 * Whether the action is granted on a name. A data stream's backing index is granted through its
 * stream too (RBACEngine checks the parent data stream first, then the index itself), so a role
 * on `logs-*` reaches `.ds-logs-app-…`.
 */
export function grantedOn(perm: Permission, state: SandboxState, action: string, name: string): boolean {
  const parent = parentDataStream(state, name);
  if (parent === undefined) return perm.checkIndex(action, name, state.dataStreams.has(name));
  return perm.checkIndex(action, parent.name, true) || perm.checkIndex(action, name, true);
}

/** Step 3 of §3a: every name must be granted; 403 listing the denied ones. */
export function requireIndices(
  auth: Authentication,
  action: string,
  names: readonly string[],
  state?: SandboxState,
): void {
  const denied = names.filter((n) =>
    state ? !grantedOn(auth.permission, state, action, n) : !auth.permission.checkIndex(action, n),
  );
  if (denied.length > 0) throw indexDenied(auth, action, denied);
}

/** How an index expression is resolved (IndicesOptions subset). */
export interface ResolveOptions {
  /** Honour `ignore_unavailable`: drop missing (and unauthorized concrete) names instead of failing. */
  ignoreUnavailable?: boolean;
  /** Whether wildcards are expanded at all (false for APIs that take concrete names only). */
  expandWildcards?: boolean;
  /** The `expand_wildcards` parameter (default `open`). */
  expandWildcardsParam?: string;
}

const isWildcard = (p: string) => p.includes('*') || p === '_all';

function expressionRegex(p: string): RegExp {
  return wildcardRegex(p === '_all' ? '*' : p);
}

/**
 * Authorizes and resolves an index expression the way §3a orders it: (1) the action must be
 * granted on some index, else 403 naming the expression as sent; (2) wildcards expand only to
 * existing names the caller may use; (3) concrete names must each be granted, else 403 listing
 * the denied ones. Existence is not consulted for concrete names (404 comes later, at execution).
 */
export function authorizeIndexExpression(
  auth: Authentication,
  state: SandboxState,
  action: string,
  expression: string,
  opts: ResolveOptions = {},
): string[] {
  const parts = expression === '' ? ['_all'] : expression.split(',');
  // A request without index names (`GET /_search`) has no indices clause in its denial.
  requireIndexActionOnAny(auth, action, expression === '' ? undefined : parts);
  const perm = auth.permission;
  const out = new Set<string>();
  const concrete: string[] = [];
  let existing: Map<string, boolean> | undefined;
  let closed: Set<string> | undefined;
  const expand = (opts.expandWildcardsParam ?? 'open').split(',');
  const includeHidden = expand.includes('hidden') || expand.includes('all');
  const includeClosed = expand.includes('closed') || expand.includes('all');
  for (const part of parts) {
    if (part.startsWith('-') && out.size > 0) {
      const re = expressionRegex(part.slice(1));
      for (const n of [...out]) if (re.test(n)) out.delete(n);
      continue;
    }
    if (isWildcard(part) && opts.expandWildcards !== false) {
      existing ??= existingNames(state);
      closed ??= includeClosed ? new Set() : closedIndexNames(state);
      const re = expressionRegex(part);
      for (const [n, hidden] of existing) {
        // Hidden names match only with expand_wildcards=hidden|all, or a dot pattern for dot names.
        if (hidden && !includeHidden && !(part.startsWith('.') && n.startsWith('.'))) continue;
        if (closed.has(n)) continue;
        if (re.test(n) && grantedOn(perm, state, action, n)) out.add(n);
      }
      continue;
    }
    concrete.push(part);
    out.add(part);
  }
  if (opts.ignoreUnavailable) {
    for (const n of concrete) if (!grantedOn(perm, state, action, n)) out.delete(n);
  } else {
    requireIndices(auth, action, concrete, state);
  }
  return [...out];
}

/**
 * APIs whose request carries a single concrete name checked in full here (steps 1 and 3 of §3a);
 * other index APIs get step 1 here and their wildcard expansion in the data layer.
 */
const SINGLE_NAME_APIS = new Set([
  'indices.create',
  'get',
  'exists',
  'get_source',
  'exists_source',
  'update',
]);

/** Composite requests: step 1 is name-only (no indices clause); items are authorized per item. */
const COMPOSITE_APIS = new Set(['bulk', 'mget', 'msearch', 'msearch_template']);

/** Single-document writes: a name-only step 1 with an indices clause; items are checked in the bulk layer. */
const DOCUMENT_WRITE_APIS = new Set(['index', 'create', 'delete']);

/** Alias APIs that add the alias named in the path: the alias name is authorized too. */
const ALIAS_ADDING_APIS = new Set(['indices.put_alias']);

/** APIs whose request expands wildcards to other than open indices by default (OpenIndexRequest: closed ones). */
const DEFAULT_EXPAND_WILDCARDS: ReadonlyMap<string, string> = new Map([['indices.open', 'closed']]);

/** What the authorization step resolved, for the handler to use. */
export interface AuthorizedRequest {
  /**
   * Names after authorization's expansion (wildcards → existing names the caller may use;
   * concrete names kept), for APIs that take an index expression; undefined otherwise.
   */
  readonly indices?: readonly string[];
  /** `POST /_aliases`: per action (body order), the names its index expressions resolved to. */
  readonly aliasActionIndices?: readonly (readonly string[])[];
  /**
   * `_mget` and `_msearch`: per body item, the 403 its child request met (the item answers it)
   * or, for a search, the names its expression resolved to.
   */
  readonly items?: readonly ItemAuthorization[];
}

/** How one item of a composite request fared in the authorization of its child request. */
export interface ItemAuthorization {
  readonly denied?: EsError;
  readonly indices?: readonly string[];
}

/** The indices options of one `_msearch` item (its header, defaulting to the URL's). */
export interface ItemIndicesOptions extends IndicesOptionsParams {
  readonly names: readonly string[];
}

/** How the request's IndicesOptions shape the expansion (`ignore_unavailable`, `expand_wildcards`). */
export interface IndicesOptionsParams {
  readonly ignoreUnavailable: boolean;
  readonly expandWildcards: string | undefined;
}

/**
 * The one authorization step the server runs before any handler, from the resolved request:
 * every transport request the REST handler sends (in order, for multi-request `_cat` APIs), the
 * action by name only or not at all where RBACEngine says so, the names of IndicesRequests, then
 * the child requests of composite actions. Only the security APIs whose rule is per object
 * (API-key ownership under manage_own_api_key, self-service password change, `_authenticate`,
 * `_has_privileges`, application privileges) keep their check in their handler.
 */
export function authorizeRequest(
  auth: Authentication,
  state: SandboxState,
  r: Resolution,
  emulated: boolean,
  params: Record<string, string>,
  options: () => IndicesOptionsParams,
  /** `_mget` and `_msearch`: the names (and options) of each body item, as the handler parsed them. */
  bodyItems?: () => readonly ItemIndicesOptions[],
): AuthorizedRequest {
  if (r.requests) {
    // The first IndicesRequest decides which names the handler reports (RestIndicesAction lists
    // what its get-settings request resolved to; the later requests only add detail).
    let indices: string[] | undefined;
    for (const request of r.requests) {
      const names = authorizeTransportRequest(auth, state, request, options);
      indices ??= names;
    }
    return indices ? { indices } : {};
  }
  if (r.action === undefined || r.scope === undefined) {
    if (emulated) return {};
    if (r.action === undefined) refuseByDocumentedPrivileges(auth, r);
    throw notEmulated(r.api);
  }
  if (UNPRIVILEGED_INDEX_ACTIONS.has(r.action)) {
    // Granted to anyone; the stored scroll/PIT/async context must belong to the caller.
    authorizeChildRequests(auth, state, r, [], options);
    return {};
  }
  if (r.scope === 'special' && !NAME_ONLY_INDEX_ACTIONS.has(r.action)) {
    if (emulated) return {};
    if (AUTHORIZATION_NOT_ESTABLISHED.has(r.api)) refuseByDocumentedPrivileges(auth, r);
    throw notEmulated(r.api);
  }
  if (r.scope === 'cluster') {
    requireCluster(auth, r.action);
    return {};
  }
  if (COMPOSITE_APIS.has(r.api)) {
    requireIndexActionOnAny(auth, r.action);
    if (r.api === 'mget' && bodyItems) {
      return {
        items: authorizeMultiGetShards(
          auth,
          state,
          bodyItems().map((i) => i.names),
        ),
      };
    }
    if (r.api === 'msearch' && bodyItems) return { items: authorizeSearchItems(auth, state, bodyItems()) };
    return {};
  }
  if (r.api === 'indices.update_aliases')
    return authorizeAliasActions(auth, state, r.action, r.aliasActions ?? []);
  if (DOCUMENT_WRITE_APIS.has(r.api)) {
    requireIndexActionOnAny(auth, r.action, r.indices);
    return {};
  }
  if (NAME_ONLY_INDEX_ACTIONS.has(r.action)) {
    // A CompositeIndicesRequest or a scroll id: no names in the denial; child requests carry them.
    requireIndexActionOnAny(auth, r.action);
    authorizeChildRequests(auth, state, r, [], options);
    return {};
  }
  if (SINGLE_NAME_APIS.has(r.api)) {
    requireIndexActionOnAny(auth, r.action, r.indices);
    if (r.indices) requireIndices(auth, r.action, r.indices, state);
    // Aliases created with the index need indices:admin/aliases on their names (RBACEngine).
    if (r.aliases) requireIndices(auth, 'indices:admin/aliases', r.aliases);
    return {};
  }
  const { ignoreUnavailable, expandWildcards } = options();
  const expand = expandWildcards ?? DEFAULT_EXPAND_WILDCARDS.get(r.api);
  const indices = authorizeIndexExpression(auth, state, r.action, r.indices?.join(',') ?? '', {
    ignoreUnavailable,
    ...(expand ? { expandWildcardsParam: expand } : {}),
  });
  if (ALIAS_ADDING_APIS.has(r.api) && params.name !== undefined) {
    requireIndices(auth, r.action, params.name.split(','));
  }
  authorizeChildRequests(auth, state, r, indices, options);
  return { indices };
}

/** One transport request of a multi-request REST handler: a cluster action or an IndicesRequest. */
function authorizeTransportRequest(
  auth: Authentication,
  state: SandboxState,
  request: ResolvedTransportRequest,
  options: () => IndicesOptionsParams,
): string[] | undefined {
  if (request.scope === 'cluster') {
    requireCluster(auth, request.action);
    return undefined;
  }
  const { ignoreUnavailable, expandWildcards } = options();
  const expand = expandWildcards ?? request.expandWildcards;
  return authorizeIndexExpression(auth, state, request.action, request.indices?.join(',') ?? '', {
    ignoreUnavailable: request.lenient === true || ignoreUnavailable,
    ...(expand ? { expandWildcardsParam: expand } : {}),
  });
}

/**
 * The child requests a composite action sends, each authorized on its own names as
 * Elasticsearch authorizes them when they are sent (CHILD_REQUESTS): the scroll search of
 * update/delete by query over the names the parent resolved to, reindex's search over its
 * source, the search of a search template or an async search submit, and the name-only bulk.
 */
function authorizeChildRequests(
  auth: Authentication,
  state: SandboxState,
  r: Resolution,
  parentNames: readonly string[],
  options: () => IndicesOptionsParams,
): void {
  for (const child of CHILD_REQUESTS.get(r.api) ?? []) {
    switch (child.names) {
      case 'none':
        requireIndexActionOnAny(auth, child.action);
        break;
      case 'parent':
        requireIndexActionOnAny(auth, child.action, parentNames);
        requireIndices(auth, child.action, parentNames);
        break;
      case 'request':
        authorizeTransportRequest(auth, state, { ...child, indices: r.indices }, options);
        break;
      case 'source':
        authorizeIndexExpression(auth, state, child.action, r.reindex?.source.join(',') ?? '');
        break;
    }
  }
}

/**
 * An API whose transport action the sandbox does not know: the specification documents the
 * privileges that grant it, so the action is among each documented privilege's actions. When the
 * caller may use no action of any documented privilege (cluster ones, and index ones on any
 * index), Elasticsearch refuses it whatever the action is: 403. Otherwise nothing is proven and
 * the request goes on (to the not-emulated 400).
 */
function refuseByDocumentedPrivileges(auth: Authentication, r: Resolution): void {
  const { cluster, index } = r.documented;
  if (cluster.length === 0 && index.length === 0) return;
  const perm = auth.permission;
  if (cluster.some((p) => perm.mayGrantClusterActionOf(p))) return;
  if (index.some((p) => perm.mayGrantIndexActionOf(p))) return;
  const granted = [
    ...(cluster.length > 0 ? [`the cluster privileges [${cluster.join(',')}]`] : []),
    ...(index.length > 0 ? [`the index privileges [${index.join(',')}]`] : []),
  ].join(' or ');
  throw forbidden(
    `the action of [${r.api}] is unauthorized for ${auth.subject}, the specification documents it as granted by ${granted} (the eskeys sandbox does not know its transport action)`,
  );
}

/**
 * `POST /_aliases`: the action must be granted on some index (403 naming every action's
 * indices), then each action's index expressions are expanded to authorized names, and an
 * `add` needs the action on each alias name too (§3).
 */
function authorizeAliasActions(
  auth: Authentication,
  state: SandboxState,
  action: string,
  actions: readonly { kind: string; indices: readonly string[]; aliases: readonly string[] }[],
): AuthorizedRequest {
  requireIndexActionOnAny(
    auth,
    action,
    actions.flatMap((a) => a.indices),
  );
  const aliasActionIndices = actions.map((a) => {
    const names = a.indices.flatMap((i) => authorizeIndexExpression(auth, state, action, i));
    if (a.kind === 'add') requireIndices(auth, action, a.aliases);
    return names;
  });
  return { aliasActionIndices };
}

/** The shard-level action of `_mget` (TransportShardMultiGetAction). */
const MGET_SHARD_ACTION = 'indices:data/read/mget[shard]';

/** The one index a read by id targets (an index, or an alias of exactly one index). */
function singleIndexOf(state: SandboxState, name: string): string | undefined {
  if (state.indices.has(name)) return name;
  const holders = [...state.indices.values()].filter((i) => i.aliases.has(name));
  return holders.length === 1 ? holders[0]!.name : undefined;
}

/**
 * `_mget` items: TransportMultiGetAction groups the items by shard and sends one
 * MultiGetShardRequest per shard, whose indices() are the names its items used; the security
 * filter authorizes `indices:data/read/mget[shard]` on them and a denial fails every item of that
 * shard with the 403 (one shard per index here). Items whose name resolves to no single index are
 * never sent to a shard: they fail in the handler, unauthorized.
 */
function authorizeMultiGetShards(
  auth: Authentication,
  state: SandboxState,
  items: readonly (readonly string[] | undefined)[],
): ItemAuthorization[] {
  const shardOf = items.map((names) => (names?.length === 1 ? singleIndexOf(state, names[0]!) : undefined));
  const namesByShard = new Map<string, string[]>();
  items.forEach((names, i) => {
    const shard = shardOf[i];
    if (shard === undefined || !names) return;
    const list = namesByShard.get(shard) ?? [];
    list.push(...names);
    namesByShard.set(shard, list);
  });
  const denials = new Map<string, EsError>();
  for (const [shard, names] of namesByShard) {
    const denied = names.filter((n) => !auth.permission.checkIndex(MGET_SHARD_ACTION, n));
    if (denied.length > 0) denials.set(shard, indexDenied(auth, MGET_SHARD_ACTION, denied));
  }
  return shardOf.map((shard) => {
    const denied = shard === undefined ? undefined : denials.get(shard);
    return denied ? { denied } : {};
  });
}

/**
 * `_msearch` items: TransportMultiSearchAction sends each search as its own SearchRequest, which
 * the security filter authorizes like a `_search` on the item's names and options; a 403 is the
 * item's answer, the other items run.
 */
function authorizeSearchItems(
  auth: Authentication,
  state: SandboxState,
  items: readonly ItemIndicesOptions[],
): ItemAuthorization[] {
  return items.map((item) => {
    try {
      const indices = authorizeIndexExpression(auth, state, SEARCH_ACTION, item.names.join(','), {
        ignoreUnavailable: item.ignoreUnavailable,
        ...(item.expandWildcards ? { expandWildcardsParam: item.expandWildcards } : {}),
      });
      return { indices };
    } catch (e) {
      if (e instanceof EsError && e.status === 403) return { denied: e };
      throw e;
    }
  });
}

const SEARCH_ACTION = 'indices:data/read/search';
