import { LimitedRole, type Permission, Role, type RoleDescriptor } from '../../core/privileges/index.js';
import { EsError } from '../errors.js';
import type { RequestContext } from '../http/context.js';
import type { SandboxState, UserRecord } from '../state.js';
import { atLeast } from '../version.js';
import type { ApiKeyRecord } from './api-key-store.js';
import { verifyCached } from './hashing.js';

/** The authenticated principal of a request. */
export interface Authentication {
  readonly kind: 'user' | 'api_key';
  /** The user, or for API keys the owner's principal. */
  readonly username: string;
  readonly roles: readonly string[];
  readonly realm: { name: string; type: string };
  readonly user: Pick<UserRecord, 'full_name' | 'email' | 'metadata' | 'enabled'>;
  readonly apiKey?: ApiKeyRecord;
  readonly permission: Permission;
  /** The subject part of 403 messages (§8). */
  readonly subject: string;
  /** The descriptors that become `limited_by` of keys this principal creates. */
  readonly snapshot: Record<string, RoleDescriptor>;
  /** The impersonated Elasticsearch major: 403 messages list only the privileges it knows. */
  readonly major: number;
}

/** WWW-Authenticate values of every 401 (§8: Basic, Bearer when the token service runs, ApiKey). */
export function authenticateHeaders(state: SandboxState, secure: boolean): string[] {
  const basic = atLeast(state.version, 8, 15)
    ? 'Basic realm="security", charset="UTF-8"'
    : 'Basic realm="security" charset="UTF-8"';
  return secure ? [basic, 'Bearer realm="security"', 'ApiKey'] : [basic, 'ApiKey'];
}

function unauthorized(ctx: RequestContext, reason: string, metadata?: Record<string, unknown>): EsError {
  return new EsError(401, 'security_exception', reason, {
    ...(metadata ? { metadata } : {}),
    headers: { 'WWW-Authenticate': authenticateHeaders(ctx.state, ctx.secure) },
  });
}

/** The permission of a user (union of its existing roles), cached per user. */
export function userPermission(state: SandboxState, user: UserRecord): Permission {
  const key = `u\u0000${user.username}`;
  let p = state.permissionCache.get(key);
  if (!p) {
    p = Role.fromDescriptors(Object.values(state.roleDescriptorsOf(user)));
    state.permissionCache.set(key, p);
  }
  return p;
}

/** An API key's permission: its descriptors (or, when empty, the owner snapshot) limited by the snapshot (§5). */
export function apiKeyPermission(state: SandboxState, key: ApiKeyRecord): Permission {
  const cacheKey = `k\u0000${key.id}\u0000${key.version}`;
  let p = state.permissionCache.get(cacheKey);
  if (!p) {
    const limitedBy = Role.fromDescriptors(Object.values(key.limitedBy));
    const own = Object.values(key.roleDescriptors);
    p = own.length === 0 ? limitedBy : new LimitedRole(Role.fromDescriptors(own), limitedBy);
    state.permissionCache.set(cacheKey, p);
  }
  return p;
}

/** `user [u] with effective roles [a,b]` (found roles, sorted; missing ones reported as ES does). */
function userSubject(state: SandboxState, user: UserRecord): string {
  const found = user.roles.filter((r) => state.roles.has(r)).sort();
  const missing = user.roles.filter((r) => !state.roles.has(r));
  const suffix = missing.length > 0 ? ` (assigned roles [${missing.sort().join(',')}] were not found)` : '';
  return `user [${user.username}] with effective roles [${found.join(',')}]${suffix}`;
}

/** Builds the Authentication of a realm user. */
export function userAuthentication(state: SandboxState, user: UserRecord): Authentication {
  return {
    kind: 'user',
    username: user.username,
    roles: user.roles,
    realm: user.realm,
    user,
    permission: userPermission(state, user),
    subject: userSubject(state, user),
    snapshot: state.roleDescriptorsOf(user),
    major: state.version.major,
  };
}

const keyAuthentications = new WeakMap<ApiKeyRecord, { version: number; auth: Authentication }>();

/** Builds (or reuses, per key version) the Authentication of an API key. */
export function apiKeyAuthentication(state: SandboxState, key: ApiKeyRecord): Authentication {
  const hit = keyAuthentications.get(key);
  if (
    hit &&
    hit.version === key.version &&
    state.permissionCache.has(`k\u0000${key.id}\u0000${key.version}`)
  ) {
    return hit.auth;
  }
  const auth = buildApiKeyAuthentication(state, key);
  keyAuthentications.set(key, { version: key.version, auth });
  return auth;
}

function buildApiKeyAuthentication(state: SandboxState, key: ApiKeyRecord): Authentication {
  return {
    kind: 'api_key',
    username: key.username,
    roles: [],
    realm: { name: '_es_api_key', type: '_es_api_key' },
    user: { ...key.owner, enabled: true },
    apiKey: key,
    permission: apiKeyPermission(state, key),
    subject: `API key id [${key.id}] of user [${key.username}]`,
    // A derived key's limited_by is what its creator key may do (§5).
    snapshot: Object.keys(key.roleDescriptors).length > 0 ? key.roleDescriptors : key.limitedBy,
    major: state.version.major,
  };
}

/** Verifies a username/password against the native realm; undefined when it fails. */
export async function verifyUserPassword(
  state: SandboxState,
  username: string,
  password: string,
): Promise<UserRecord | undefined> {
  const user = state.users.get(username);
  if (!user?.enabled) return undefined;
  const ok = await verifyCached(state.userAuthCache, username, password, user.passwordHash);
  return ok ? user : undefined;
}

const API_KEY_FAILURE =
  'unable to authenticate with provided credentials and anonymous access is not allowed for this request';

async function authenticateApiKey(ctx: RequestContext, credential: string): Promise<Authentication> {
  const state = ctx.state;
  const fail = (message: string) =>
    unauthorized(ctx, API_KEY_FAILURE, { additional_unsuccessful_credentials: `API key: ${message}` });
  // Standard (not URL-safe) base64, as Base64.getDecoder() (§5).
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(credential) || credential.length % 4 === 1) {
    const bad = credential.split('').find((c) => !/[A-Za-z0-9+/=]/.test(c));
    const msg = bad
      ? `Illegal base64 character ${bad.charCodeAt(0).toString(16)}`
      : 'Last unit does not have enough valid bits';
    throw fail(msg);
  }
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw fail('invalid ApiKey value');
  const id = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  // Check order of ApiKeyService (§5): unknown → invalidated → secret → type → expired.
  const key = state.apiKeys.get(id);
  if (!key) throw fail(`unable to find apikey with id ${id}`);
  if (key.invalidated) throw fail(`api key [${id}] has been invalidated`);
  if (!(await verifyCached(state.apiKeyAuthCache, id, secret, key.hash))) {
    throw fail(`invalid credentials for API key [${id}]`);
  }
  // ApiKeyService.validateApiKeyTypeAndExpiration: the REST interface expects `rest` keys.
  if (key.type !== 'rest') {
    throw fail(`authentication expected API key type of [rest], but API key [${id}] has type [${key.type}]`);
  }
  if (key.expiration !== null && key.expiration <= state.now()) throw fail('api key is expired');
  return apiKeyAuthentication(state, key);
}

/**
 * Authenticates a request from its Authorization header (Basic or ApiKey), raising the 401s of
 * §5/§8. Authentication always precedes authorization.
 */
export async function authenticate(ctx: RequestContext): Promise<Authentication> {
  const header = ctx.headers.authorization;
  const uri = ctx.uri;
  if (header && header.length > 6 && header.slice(0, 6).toLowerCase() === 'basic ') {
    const encoded = header.slice(6).trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
      throw unauthorized(ctx, 'invalid basic authentication header encoding');
    }
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw unauthorized(ctx, 'invalid basic authentication header value');
    const username = decoded.slice(0, colon);
    const user = await verifyUserPassword(ctx.state, username, decoded.slice(colon + 1));
    if (!user) throw unauthorized(ctx, `unable to authenticate user [${username}] for REST request [${uri}]`);
    return userAuthentication(ctx.state, user);
  }
  if (header && header.length > 7 && header.slice(0, 7).toLowerCase() === 'apikey ') {
    return authenticateApiKey(ctx, header.slice(7));
  }
  // Other schemes (Bearer without a token service or JWT realm, …) are not credentials here.
  throw unauthorized(ctx, `missing authentication credentials for REST request [${uri}]`);
}
