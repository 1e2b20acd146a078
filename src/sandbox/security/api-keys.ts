import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { RoleDescriptor } from '../../core/privileges/index.js';
import { EsError, illegalArgument, parseError, resourceNotFound, validationError } from '../errors.js';
import { bodyText, boolParam, type Handler, ok, type RequestContext } from '../http/context.js';
import { at } from '../http/json.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withParsedRequest } from '../http/validation.js';
import { base64Uuid, type SandboxState } from '../state.js';
import { atLeast } from '../version.js';
import {
  type ApiKeyBody,
  parseCreateBody,
  parseUpdateBody,
  StrictObject,
  validateMetadata,
  validateNameAndMetadata,
} from './api-key-body.js';
import type { ApiKeyRecord } from './api-key-store.js';
import {
  type Authentication,
  authenticateHeaders,
  userAuthentication,
  verifyUserPassword,
} from './authenticate.js';
import { requireCluster } from './authorize.js';
import { crossClusterAccess } from './cross-cluster-access.js';
import { registerCrossClusterApiKeyRoutes } from './cross-cluster-api-keys.js';
import { runAsForGrant } from './grant-run-as.js';
import { hashSecret } from './hashing.js';
import { renderDescriptor } from './native-realm.js';
import { computeAggregations, verifyAggregations } from './query-aggregations.js';
import { compileQuery } from './query-api-keys.js';
import { checkWindow, parseSearchAfter, parseSort, runQuery, sortValues } from './query-paging.js';
import { isEmptyDescriptor, validateRoleDescriptor } from './role-descriptors.js';

const ACTION = 'cluster:admin/xpack/security/api_key';

/** Renders an API key as get/query show it (ApiKey.innerToXContent, §4.3), gated by version. */
export function renderApiKey(
  state: SandboxState,
  k: ApiKeyRecord,
  opts: { withLimitedBy?: boolean; sort?: unknown[] } = {},
): Record<string, unknown> {
  const v = state.version;
  const out: Record<string, unknown> = { id: k.id, name: k.name };
  if (atLeast(v, 8, 10)) out.type = k.type;
  out.creation = k.creation;
  if (k.expiration !== null) out.expiration = k.expiration;
  out.invalidated = k.invalidated;
  if (k.invalidated && k.invalidation !== undefined && atLeast(v, 8, 12)) out.invalidation = k.invalidation;
  out.username = k.username;
  out.realm = k.realm;
  if (atLeast(v, 8, 14)) out.realm_type = k.realmType;
  out.metadata = k.metadata;
  // role_descriptors joined the get/query answer in 8.5, with limited_by (§4.3).
  if (atLeast(v, 8, 5)) out.role_descriptors = renderDescriptors(k.roleDescriptors);
  // A cross-cluster key has no owner snapshot, so no limited_by even when asked for.
  if (opts.withLimitedBy && k.type === 'rest') out.limited_by = [renderDescriptors(k.limitedBy)];
  if (k.type === 'cross_cluster') out.access = crossClusterAccess(k);
  if (opts.sort) out._sort = opts.sort;
  return out;
}

function renderDescriptors(d: Record<string, RoleDescriptor>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(d).map(([n, rd]) => [n, renderDescriptor(rd)]));
}

/** Whether `auth` owns the key (same username and owner realm). */
export function isOwner(auth: Authentication, k: ApiKeyRecord): boolean {
  return k.username === auth.username && k.realm === ownerRealm(auth);
}

/** The realm keys created by this principal are recorded under (an API key's owner realm for derived keys). */
function ownerRealm(auth: Authentication): string {
  return auth.apiKey ? auth.apiKey.realm : auth.realm.name;
}

/** Whether the key's expiration has passed. */
export function isExpired(state: SandboxState, k: ApiKeyRecord): boolean {
  return k.expiration !== null && k.expiration <= state.now();
}

/**
 * Creates and stores a key for `owner` (the create, grant and cross-cluster paths share it). A
 * cross-cluster key keeps no owner snapshot: its `limited_by` is empty.
 */
export async function mintKey(
  ctx: RequestContext,
  owner: Authentication,
  body: ApiKeyBody,
  type: ApiKeyRecord['type'] = 'rest',
): Promise<{ record: ApiKeyRecord; secret: string }> {
  const state = ctx.state;
  const secret = randomBytes(16).toString('base64url').slice(0, 22);
  const now = state.now();
  const record: ApiKeyRecord = {
    id: base64Uuid(),
    name: body.name ?? '',
    type,
    creation: now,
    // Creation + whole seconds of the duration (§4.1): sub-second parts are dropped.
    expiration: body.expiration ? now + body.expiration.seconds * 1000 : null,
    invalidated: false,
    username: owner.username,
    realm: ownerRealm(owner),
    realmType: owner.apiKey ? owner.apiKey.realmType : owner.realm.type,
    metadata: body.metadata ?? {},
    roleDescriptors: body.roleDescriptors ?? {},
    limitedBy: type === 'rest' ? owner.snapshot : {},
    hash: await hashSecret(secret),
    owner: {
      full_name: owner.user.full_name,
      email: owner.user.email,
      metadata: owner.user.metadata,
    },
    version: 1,
    seq: state.apiKeys.nextSeq(),
  };
  state.apiKeys.add(record);
  return { record, secret };
}

/** The create/grant answer: id, name, expiration when set, the secret and its encoded form. */
export function createResponse(record: ApiKeyRecord, secret: string): Record<string, unknown> {
  const out: Record<string, unknown> = { id: record.id, name: record.name };
  if (record.expiration !== null) out.expiration = record.expiration;
  out.api_key = secret;
  out.encoded = Buffer.from(`${record.id}:${secret}`).toString('base64');
  return out;
}

/** CreateApiKeyRequest.validate; privilege names are those of Elasticsearch `major`. */
function validateCreate(body: ApiKeyBody, major: number): void {
  const errors: string[] = [];
  validateNameAndMetadata(body, errors);
  for (const d of Object.values(body.roleDescriptors ?? {})) validateRoleDescriptor(d, errors, major);
  if (errors.length > 0) throw validationError(errors);
}

const createApiKey: Handler = async (ctx) => {
  const body = parseCreateBody(bodyText(ctx));
  validateCreate(body, ctx.state.version.major);
  requireCluster(ctx.auth, `${ACTION}/create`, true);
  if (ctx.auth.kind === 'api_key') {
    // Derived-key rule (§5): only an explicit, non-empty map of empty descriptors.
    const rds = Object.values(body.roleDescriptors ?? {});
    if (rds.length === 0 || rds.some((d) => !isEmptyDescriptor(d))) {
      throw illegalArgument(
        'creating derived api keys requires an explicit role descriptor that is empty (has no privileges)',
      );
    }
  }
  const { record, secret } = await mintKey(ctx, ctx.auth, body);
  return ok(createResponse(record, secret));
};

interface GrantRequest {
  grantType: string | undefined;
  username: string | undefined;
  password: string | undefined;
  runAs: string | undefined;
  body: ApiKeyBody;
}

/** GrantApiKeyRequest parsing and Grant.validate, which run before authorization. */
function parseGrant(ctx: RequestContext): GrantRequest {
  const p = StrictObject.parse('grant_api_key_request', bodyText(ctx));
  p.checkKnown(['grant_type', 'username', 'password', 'access_token', 'run_as', 'api_key']);
  const grantType = p.string('grant_type');
  const username = p.string('username');
  const password = p.string('password');
  const accessToken = p.string('access_token');
  const runAs = p.string('run_as');
  const apiKeyRaw = p.obj.api_key;
  let body: ApiKeyBody = { name: '' };
  if (apiKeyRaw !== undefined) {
    if (typeof apiKeyRaw !== 'object' || apiKeyRaw === null || Array.isArray(apiKeyRaw))
      throw p.typeError('api_key');
    try {
      body = parseCreateBody(JSON.stringify(apiKeyRaw), 'api_key_request');
    } catch (e) {
      if (e instanceof EsError) {
        throw parseError(
          `${at(p.valuePos('api_key'))} [grant_api_key_request] failed to parse field [api_key]`,
          e,
        );
      }
      throw e;
    }
  }
  // Grant.validate (elastic/elasticsearch Grant.java), then the key's own validation.
  const errors: string[] = [];
  if (grantType === undefined) errors.push('[grant_type] is required');
  else if (grantType === 'password') {
    if (!username) errors.push('[username] is required for grant_type [password]');
    if (!password) errors.push('[password] is required for grant_type [password]');
    if (accessToken) errors.push('[access_token] is not supported for grant_type [password]');
  } else if (grantType === 'access_token') {
    if (!accessToken) errors.push('[access_token] is required for grant_type [access_token]');
    if (username) errors.push('[username] is not supported for grant_type [access_token]');
    if (password) errors.push('[password] is not supported for grant_type [access_token]');
  } else errors.push(`grant_type [${grantType}] is not supported`);
  validateNameAndMetadata(body, errors);
  for (const d of Object.values(body.roleDescriptors ?? {}))
    validateRoleDescriptor(d, errors, ctx.state.version.major);
  if (errors.length > 0) throw validationError(errors);
  return { grantType, username, password, runAs, body };
}

const grantApiKey = withParsedRequest(
  parseGrant,
  async (ctx, { grantType, username, password, runAs, body }) => {
    const user =
      grantType === 'password' ? await verifyUserPassword(ctx.state, username!, password!) : undefined;
    if (!user) {
      const who = grantType === 'password' ? username : '_token';
      throw new EsError(
        401,
        'security_exception',
        `unable to authenticate user [${who}] for action [${ACTION}/grant]`,
        {
          headers: { 'WWW-Authenticate': authenticateHeaders(ctx.state, ctx.secure) },
        },
      );
    }
    const granter = userAuthentication(ctx.state, user);
    // With run_as the key belongs to the run-as user, limited by that user's roles.
    const owner =
      runAs === undefined ? granter : userAuthentication(ctx.state, runAsForGrant(ctx.state, granter, runAs));
    const { record, secret } = await mintKey(ctx, owner, body);
    return ok(createResponse(record, secret));
  },
);

function nameMatcher(name: string): (n: string) => boolean {
  if (name === '*') return () => true;
  if (name.endsWith('*')) {
    const prefix = name.slice(0, -1);
    return (n) => n.startsWith(prefix);
  }
  return (n) => n === name;
}

const getApiKeys: Handler = (ctx) => {
  const q = ctx.query;
  const id = q.get('id') || undefined;
  const name = q.get('name') || undefined;
  const username = q.get('username') || undefined;
  const realm = q.get('realm_name') || undefined;
  const owner = boolParam(ctx, 'owner');
  const withLimitedBy = boolParam(ctx, 'with_limited_by');
  const activeOnly = boolParam(ctx, 'active_only');
  boolParam(ctx, 'with_profile_uid');
  const errors: string[] = [];
  if ((username || realm) && (id || name)) {
    errors.push(
      'username or realm name must not be specified when the api key id or api key name is specified',
    );
  }
  if (owner && (username || realm)) {
    errors.push('neither username nor realm-name may be specified when retrieving owned API keys');
  }
  if (id && name) errors.push('only one of [api key id, api key name] can be specified');
  if (errors.length > 0) throw validationError(errors);
  const auth = ctx.auth;
  // Same-user rule (§2): an API key may read its own info without privileges.
  const ownKey = auth.apiKey !== undefined && id === auth.apiKey.id && !withLimitedBy;
  if (!ownKey) {
    const owned =
      auth.kind === 'api_key'
        ? !withLimitedBy && id === auth.apiKey!.id
        : owner || (username === auth.username && realm === auth.realm.name);
    requireCluster(auth, `${ACTION}/get`, owned);
  }
  const matchName = name ? nameMatcher(name) : undefined;
  const now = ctx.state.now();
  const keys: Record<string, unknown>[] = [];
  const candidates = id
    ? [ctx.state.apiKeys.get(id)].filter((k): k is ApiKeyRecord => !!k)
    : ctx.state.apiKeys.all();
  for (const k of candidates) {
    if (matchName && !matchName(k.name)) continue;
    if (owner && !isOwner(auth, k)) continue;
    if (username && k.username !== username) continue;
    if (realm && k.realm !== realm) continue;
    if (activeOnly && (k.invalidated || (k.expiration !== null && k.expiration <= now))) continue;
    keys.push(renderApiKey(ctx.state, k, { withLimitedBy }));
  }
  if (id && keys.length === 0) return { status: 404, body: { api_keys: [] } };
  return ok({ api_keys: keys });
};

const queryApiKeys: Handler = (ctx) => {
  const withLimitedBy = boolParam(ctx, 'with_limited_by');
  boolParam(ctx, 'with_profile_uid');
  boolParam(ctx, 'typed_keys');
  const p = StrictObject.parse('query_api_key_request_payload', bodyText(ctx));
  p.checkKnown(['query', 'from', 'size', 'sort', 'search_after', 'aggs', 'aggregations']);
  const auth = ctx.auth;
  // Query authorization retry (§2): unfiltered first, then filtered to the caller's own keys.
  let ownOnly = false;
  if (!auth.permission.checkCluster(`${ACTION}/query`, { ownedByCaller: false })) {
    const owned = !(auth.kind === 'api_key' && withLimitedBy);
    requireCluster(auth, `${ACTION}/query`, owned);
    ownOnly = true;
  }
  const from = p.obj.from === undefined ? 0 : Number(p.obj.from);
  const size = p.obj.size === undefined ? 10 : Number(p.obj.size);
  checkWindow(from, size);
  const state = ctx.state;
  const compiled = compileQuery(p.obj.query ?? { match_all: {} }, state.apiKeys, state.now());
  const sort = parseSort(p.obj.sort);
  const searchAfter = Array.isArray(p.obj.search_after) ? p.obj.search_after : undefined;
  // The query runs as an internal search, so its request validation applies.
  if (searchAfter && from > 0) {
    throw validationError(['[from] parameter must be set to 0 when [search_after] is used']);
  }
  if (searchAfter && searchAfter.length !== sort.length) {
    throw illegalArgument(`search_after has ${searchAfter.length} value(s) but sort has ${sort.length}.`);
  }
  const visible = ownOnly ? (k: ApiKeyRecord) => isOwner(auth, k) : () => true;
  const aggs = p.obj.aggs ?? p.obj.aggregations;
  if (p.obj.aggs !== undefined && p.obj.aggregations !== undefined) {
    throw illegalArgument("Duplicate 'aggs' or 'aggregations' field");
  }
  verifyAggregations(aggs);
  const matched: ApiKeyRecord[] | undefined = aggs !== undefined ? [] : undefined;
  const after = searchAfter ? parseSearchAfter(sort, searchAfter) : undefined;
  const { total, page } = runQuery(state.apiKeys, compiled, visible, sort, from, size, after, matched);
  const apiKeys = page.map(({ key }) =>
    renderApiKey(state, key, { withLimitedBy, ...(sort.length > 0 ? { sort: sortValues(key, sort) } : {}) }),
  );
  const out: Record<string, unknown> = { total, count: apiKeys.length, api_keys: apiKeys };
  if (matched) out.aggregations = computeAggregations(aggs, matched, state.apiKeys, state.now());
  return ok(out);
};

const invalidateApiKeys: Handler = (ctx) => {
  const p = StrictObject.parse('invalidate_api_key', bodyText(ctx));
  p.checkKnown(['id', 'ids', 'name', 'owner', 'realm_name', 'username']);
  const single = p.string('id');
  let ids: string[] | undefined;
  if (p.obj.ids !== undefined && p.obj.ids !== null) {
    if (!Array.isArray(p.obj.ids)) throw p.typeError('ids');
    ids = p.obj.ids.map(String);
  }
  if (single !== undefined) ids = [single, ...(ids ?? [])];
  const name = p.string('name');
  const realm = p.string('realm_name');
  const username = p.string('username');
  const owner = p.obj.owner === true || p.obj.owner === 'true';
  // InvalidateApiKeyRequest.validate (§4.5).
  const errors: string[] = [];
  const hasIds = ids !== undefined;
  if (!owner && !hasIds && !name && !username && !realm) {
    errors.push(
      'One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false',
    );
  }
  if ((hasIds || name) && (username || realm)) {
    errors.push(
      'username or realm name must not be specified when the api key id(s) or api key name are specified',
    );
  }
  if (owner && (username || realm)) {
    errors.push('neither username nor realm-name may be specified when invalidating owned API keys');
  }
  if (hasIds && name) errors.push('only one of [api key id(s), api key name] can be specified');
  if (ids && ids.length === 0) errors.push('Field [ids] cannot be an empty array');
  if (ids) {
    const blank = ids.findIndex((i) => i.trim() === '');
    if (blank >= 0)
      errors.push(`Field [ids] must not contain blank id, but got blank id at index position: [${blank}]`);
  }
  if (errors.length > 0) throw validationError(errors);
  const auth = ctx.auth;
  const owned =
    auth.kind === 'api_key'
      ? hasIds && ids!.every((i) => i === auth.apiKey!.id)
      : owner || (username === auth.username && realm === auth.realm.name);
  requireCluster(auth, `${ACTION}/invalidate`, owned);
  const state = ctx.state;
  const matchName = name ? nameMatcher(name) : undefined;
  const invalidated: string[] = [];
  const candidates = ids
    ? ids.map((i) => state.apiKeys.get(i)).filter((k): k is ApiKeyRecord => !!k)
    : state.apiKeys.all();
  const now = state.now();
  const toInvalidate: ApiKeyRecord[] = [];
  for (const k of [...candidates]) {
    // Already-invalidated keys are filtered out of the search (§4.5).
    if (k.invalidated) continue;
    if (matchName && !matchName(k.name)) continue;
    if (owner && !isOwner(auth, k)) continue;
    if (username && k.username !== username) continue;
    if (realm && k.realm !== realm) continue;
    toInvalidate.push(k);
  }
  // ApiKeyService.invalidateApiKeys: a cross-cluster key needs manage_security (checked per key,
  // reported in error_details, the other keys are still invalidated).
  const mayInvalidateCrossCluster = auth.permission.hasClusterPrivilege('manage_security');
  const errorDetails: Record<string, unknown>[] = [];
  const allowed = toInvalidate.filter((k) => {
    if (k.type !== 'cross_cluster' || mayInvalidateCrossCluster) return true;
    errorDetails.push({
      type: 'security_exception',
      reason: `Cannot invalidate cross-cluster API key [${k.id}]. This requires [manage_security] cluster privilege or higher`,
    });
    return false;
  });
  // ApiKeyService.indexInvalidation starts the expired-keys remover when keys are invalidated.
  if (allowed.length > 0) state.maybeRemoveOldApiKeys();
  for (const k of allowed) {
    state.apiKeys.update(k, (key) => {
      key.invalidated = true;
      key.invalidation = now;
    });
    state.apiKeyAuthCache.evict(k.id);
    invalidated.push(k.id);
  }
  return ok({
    invalidated_api_keys: invalidated,
    previously_invalidated_api_keys: [],
    error_count: errorDetails.length,
    ...(errorDetails.length > 0 ? { error_details: errorDetails } : {}),
  });
};

/** UpdateApiKeyRequest.validate; privilege names are those of Elasticsearch `major`. */
function validateUpdate(body: ApiKeyBody, major: number): void {
  const errors: string[] = [];
  validateMetadata(body.metadata, errors);
  for (const d of Object.values(body.roleDescriptors ?? {})) validateRoleDescriptor(d, errors, major);
  if (body.expiration && body.expiration.seconds <= 0)
    errors.push('API key expiration must be in the future');
  if (errors.length > 0) throw validationError(errors);
}

/**
 * Applies one update (§4.6): ownership → invalidated → expired, then role descriptors (absent
 * keeps, `{}` clears), metadata (replaces), expiration (now + duration), and always a fresh
 * `limited_by`. Returns whether anything changed (ApiKeyService.isNoop).
 */
function applyUpdate(ctx: RequestContext, id: string, body: ApiKeyBody): boolean {
  const state = ctx.state;
  const k = state.apiKeys.get(id);
  if (!k || !isOwner(ctx.auth, k))
    throw resourceNotFound(`no API key owned by requesting user found for ID [${id}]`);
  if (k.invalidated) throw illegalArgument(`cannot update invalidated API key [${id}]`);
  if (isExpired(state, k)) throw illegalArgument(`cannot update expired API key [${id}]`);
  if (k.type !== 'rest') {
    throw illegalArgument(`cannot update API key of type [${k.type}] while expected type is [rest]`);
  }
  const snapshot = ctx.auth.snapshot;
  const noop =
    body.expiration === undefined &&
    (body.metadata === undefined || isDeepStrictEqual(body.metadata, k.metadata)) &&
    (body.roleDescriptors === undefined || isDeepStrictEqual(body.roleDescriptors, k.roleDescriptors)) &&
    isDeepStrictEqual(snapshot, k.limitedBy);
  if (noop) return false;
  state.apiKeys.update(k, (key) => {
    if (body.roleDescriptors !== undefined) key.roleDescriptors = body.roleDescriptors;
    if (body.metadata !== undefined) key.metadata = body.metadata;
    if (body.expiration) key.expiration = state.now() + body.expiration.seconds * 1000;
    key.limitedBy = snapshot;
    key.version++;
  });
  state.apiKeyAuthCache.evict(k.id);
  return true;
}

const apiKeyCallerCannotUpdate = () =>
  illegalArgument('authentication via API key not supported: only the owner user can update an API key');

/** `expiration` in update bodies exists since 8.13 (§4.6); older parsers reject it as unknown. */
function updateFields(ctx: RequestContext): string[] {
  return atLeast(ctx.state.version, 8, 13)
    ? ['role_descriptors', 'metadata', 'expiration']
    : ['role_descriptors', 'metadata'];
}

const updateApiKey: Handler = (ctx) => {
  const body = parseUpdateBody(bodyText(ctx), updateFields(ctx));
  validateUpdate(body, ctx.state.version.major);
  requireCluster(ctx.auth, `${ACTION}/update`, true);
  if (ctx.auth.kind === 'api_key') throw apiKeyCallerCannotUpdate();
  return ok({ updated: applyUpdate(ctx, ctx.params.id!, body) });
};

const bulkUpdateApiKeys: Handler = (ctx) => {
  const body = parseUpdateBody(bodyText(ctx), [...updateFields(ctx), 'ids']);
  const p = body.rest;
  const rawIds = p.obj.ids;
  // `ids` is a required constructor argument of the bulk_update_api_key_request parser.
  if (rawIds === undefined) throw illegalArgument('Required [ids]');
  const ids = Array.isArray(rawIds) ? rawIds.map(String) : [String(rawIds)];
  const errors: string[] = [];
  if (ids.length === 0) errors.push('Field [ids] cannot be an empty array');
  const blank = ids.findIndex((i) => i.trim() === '');
  if (blank >= 0)
    errors.push(`Field [ids] must not contain blank id, but got blank id at index position: [${blank}]`);
  validateMetadata(body.metadata, errors);
  for (const d of Object.values(body.roleDescriptors ?? {}))
    validateRoleDescriptor(d, errors, ctx.state.version.major);
  if (body.expiration && body.expiration.seconds <= 0)
    errors.push('API key expiration must be in the future');
  if (errors.length > 0) throw validationError(errors);
  requireCluster(ctx.auth, `${ACTION}/bulk_update`, true);
  if (ctx.auth.kind === 'api_key') throw apiKeyCallerCannotUpdate();
  const updated: string[] = [];
  const noops: string[] = [];
  const details: Record<string, unknown> = {};
  for (const id of [...new Set(ids)]) {
    try {
      if (applyUpdate(ctx, id, body)) updated.push(id);
      else noops.push(id);
    } catch (e) {
      if (!(e instanceof EsError)) throw e;
      details[id] = { type: e.type, reason: e.reason };
    }
  }
  const out: Record<string, unknown> = { updated, noops };
  const count = Object.keys(details).length;
  if (count > 0) out.errors = { count, details };
  return ok(out);
};

const clearApiKeyCache: Handler = (ctx) => {
  const ids = ctx.params.ids!.split(',');
  if (ids.includes('*')) ctx.state.apiKeyAuthCache.evict();
  else for (const id of ids) ctx.state.apiKeyAuthCache.evict(id);
  const nodes = { [ctx.state.nodeId]: { name: 'sandbox-node' } };
  return ok({ _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: 'eskeys-sandbox', nodes });
};

/** Registers the API key routes (§4). */
export function registerApiKeyRoutes(r: Router<Handler>): void {
  registerCrossClusterApiKeyRoutes(r);
  const getSince = { with_limited_by: [8, 5], active_only: [8, 10], with_profile_uid: [8, 14] } as const;
  const querySince = { with_limited_by: [8, 5], with_profile_uid: [8, 14], typed_keys: [8, 14] } as const;
  r.add(['PUT', 'POST'], '/_security/api_key', withParams(['refresh'], createApiKey))
    .add('POST', '/_security/api_key/grant', withParams(['refresh'], grantApiKey))
    .add(
      'GET',
      '/_security/api_key',
      withParams(
        [
          'id',
          'name',
          'owner',
          'realm_name',
          'username',
          'with_limited_by',
          'active_only',
          'with_profile_uid',
        ],
        getApiKeys,
        getSince,
      ),
    )
    .add('DELETE', '/_security/api_key', withParams([], invalidateApiKeys))
    .add(
      ['GET', 'POST'],
      '/_security/_query/api_key',
      withParams(['with_limited_by', 'with_profile_uid', 'typed_keys'], queryApiKeys, querySince),
    )
    .add('PUT', '/_security/api_key/{id}', withParams([], updateApiKey))
    .add('POST', '/_security/api_key/_bulk_update', withParams([], bulkUpdateApiKeys))
    .add('POST', '/_security/api_key/{ids}/_clear_cache', withParams([], clearApiKeyCache));
}
