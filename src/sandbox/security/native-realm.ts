import { randomBytes } from 'node:crypto';
import {
  type RoleDescriptor,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
  unknownClusterPrivilegeMessage,
  unknownIndexPrivilegeMessage,
} from '../../core/privileges/index.js';
import { EsError, illegalArgument, validationError } from '../errors.js';
import { type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withParsedRequest } from '../http/validation.js';
import type { UserRecord } from '../state.js';
import { isObject } from '../util.js';
import {
  applicationNameError,
  grantsApplicationPrivilege,
  registerApplicationPrivilegeRoutes,
} from './application-privileges.js';
import { requireCluster } from './authorize.js';
import { hashSecret } from './hashing.js';
import { parsePutUserBody } from './put-user-body.js';
import { parseRoleDescriptor, validateRoleDescriptor } from './role-descriptors.js';
import { userPrivilegesBody } from './user-privileges.js';

const RESERVED_USERS = new Set([
  'elastic',
  'kibana',
  'kibana_system',
  'logstash_system',
  'beats_system',
  'apm_system',
  'remote_monitoring_user',
]);

/** Validation.isValidUserOrRoleName: printable ASCII, 1..1024 chars, no leading/trailing space. */
function invalidName(kind: 'User' | 'Role', name: string): string | undefined {
  const ok =
    name.length >= 1 &&
    name.length <= 1024 &&
    /^[\x20-\x7e]+$/.test(name) &&
    !name.startsWith(' ') &&
    !name.endsWith(' ');
  return ok
    ? undefined
    : `${kind} names must be at least 1 and no more than 1024 characters. They can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.`;
}

/**
 * Whether the caller is the target user, authenticated by a realm of one of `realmTypes`. An API
 * key's effective subject is in the `_es_api_key` realm, so its owner's account is another user.
 */
function isSameRealmUser(ctx: RequestContext, username: string, realmTypes: readonly string[]): boolean {
  const a = ctx.auth;
  return a.kind === 'user' && a.username === username && realmTypes.includes(a.realm.type);
}

/** PutUserRequest parsing and validation, which run before authorization (TransportAction). */
function parsePutUser(ctx: RequestContext): ReturnType<typeof parsePutUserBody> {
  const username = ctx.params.username!;
  const body = parsePutUserBody(username, jsonBody(ctx) ?? {});
  const existing = ctx.state.users.get(username);
  const errors: string[] = [];
  const badName = invalidName('User', username);
  if (badName) errors.push(badName);
  if (RESERVED_USERS.has(username)) {
    throw validationError([`user [${username}] is reserved and only the password can be changed`]);
  }
  if (body.password !== undefined && body.password.length < 6) {
    errors.push('passwords must be at least [6] characters long');
  }
  if (body.password === undefined && body.password_hash === undefined && !existing) {
    errors.push('password must be specified unless you are updating an existing user');
  }
  if (Object.keys(body.metadata ?? {}).some((k) => k.startsWith('_')))
    errors.push('metadata keys may not start with [_]');
  if (errors.length > 0) throw validationError(errors);
  return body;
}

const putUser = withParsedRequest(parsePutUser, async (ctx, body) => {
  const username = ctx.params.username!;
  const existing = ctx.state.users.get(username);
  // TransportPutUserAction.validateRequest, after authorization.
  if (body.enabled === false && isSameRealmUser(ctx, username, ['native'])) {
    throw validationError([
      'native and reserved realm users may not update the enabled status of their own account',
    ]);
  }
  const user: UserRecord = {
    username,
    // A supplied password_hash cannot be verified here; such a user can never log in.
    passwordHash:
      body.password !== undefined
        ? await hashSecret(body.password)
        : (existing?.passwordHash ?? (await hashSecret(randomBytes(32).toString('hex')))),
    roles: body.roles ?? existing?.roles ?? [],
    full_name: body.full_name !== undefined ? body.full_name : (existing?.full_name ?? null),
    email: body.email !== undefined ? body.email : (existing?.email ?? null),
    metadata: body.metadata ?? existing?.metadata ?? {},
    enabled: body.enabled ?? existing?.enabled ?? true,
    realm: { name: 'default_native', type: 'native' },
  };
  ctx.state.users.set(username, user);
  ctx.state.securityChanged();
  return ok({ created: !existing });
});

function renderUser(u: UserRecord): Record<string, unknown> {
  return {
    username: u.username,
    roles: u.roles,
    full_name: u.full_name,
    email: u.email,
    metadata: u.metadata,
    enabled: u.enabled,
  };
}

const getUsers: Handler = (ctx) => {
  const names = ctx.params.username?.split(',');
  const out: Record<string, unknown> = {};
  for (const u of ctx.state.users.values()) {
    if (!names || names.includes(u.username)) out[u.username] = renderUser(u);
  }
  if (names && Object.keys(out).length === 0) return { status: 404, body: {} };
  return ok(out);
};

const deleteUser: Handler = (ctx) => {
  const username = ctx.params.username!;
  if (RESERVED_USERS.has(username))
    throw illegalArgument(`user [${username}] is reserved and cannot be deleted`);
  const found = ctx.state.users.delete(username);
  ctx.state.securityChanged();
  return { status: found ? 200 : 404, body: { found } };
};

const setEnabled =
  (enabled: boolean): Handler =>
  (ctx) => {
    // TransportSetEnabledAction: a native or reserved realm user may not enable or disable itself.
    if (isSameRealmUser(ctx, ctx.params.username!, ['native', 'reserved'])) {
      throw illegalArgument('users may not update the enabled status of their own account');
    }
    const user = ctx.state.users.get(ctx.params.username!);
    if (!user)
      throw new EsError(404, 'resource_not_found_exception', `user [${ctx.params.username}] not found`);
    user.enabled = enabled;
    ctx.state.securityChanged();
    return ok({});
  };

const changePassword: Handler = async (ctx) => {
  const target = ctx.params.username ?? ctx.auth.username;
  const self = ctx.auth.kind === 'user' && target === ctx.auth.username;
  // Same-user rule (§2): realm users may change their own password without privileges.
  if (!self) requireCluster(ctx.auth, 'cluster:admin/xpack/security/user/change_password');
  const body = jsonBody(ctx);
  const password = isObject(body) ? body.password : undefined;
  if (typeof password !== 'string' || password.length < 6) {
    throw validationError(['passwords must be at least [6] characters long']);
  }
  const user = ctx.state.users.get(target);
  if (!user) throw new EsError(404, 'resource_not_found_exception', `user [${target}] not found`);
  user.passwordHash = await hashSecret(password);
  ctx.state.securityChanged();
  return ok({});
};

/** Renders a descriptor as GET role / API key responses show it. */
export function renderDescriptor(d: RoleDescriptor): Record<string, unknown> {
  const out: Record<string, unknown> = {
    cluster: d.cluster ?? [],
    indices: (d.indices ?? []).map((i) => ({
      names: Array.isArray(i.names) ? i.names : [i.names],
      privileges: i.privileges,
      ...(i.field_security ? { field_security: i.field_security } : {}),
      ...(i.query !== undefined ? { query: i.query } : {}),
      allow_restricted_indices: i.allow_restricted_indices === true,
    })),
    applications: d.applications ?? [],
    run_as: d.run_as ?? [],
    metadata: d.metadata ?? {},
    transient_metadata: d.transient_metadata ?? { enabled: true },
  };
  // RoleDescriptor.toXContent writes `global` only when the role has configurable privileges.
  if (d.global !== undefined) out.global = d.global;
  if (d.remote_indices) out.remote_indices = d.remote_indices;
  if (d.remote_cluster) out.remote_cluster = d.remote_cluster;
  if (d.description !== undefined) out.description = d.description;
  return out;
}

/** PutRoleRequest parsing and validation, before authorization. */
function parsePutRole(ctx: RequestContext): RoleDescriptor {
  const name = ctx.params.name!;
  if (ctx.state.roles.get(name)?.reserved)
    throw validationError([`Role [${name}] is reserved and may not be used.`]);
  const badName = invalidName('Role', name);
  if (badName) throw validationError([badName]);
  const descriptor = parseRoleDescriptor(name, jsonBody(ctx) ?? {});
  const errors: string[] = [];
  validateRoleDescriptor(descriptor, errors, ctx.state.version.major);
  if (errors.length > 0) throw validationError(errors);
  return descriptor;
}

const putRole = withParsedRequest(parsePutRole, (ctx, descriptor) => {
  const name = ctx.params.name!;
  const existing = ctx.state.roles.get(name);
  ctx.state.roles.set(name, { name, descriptor, reserved: false });
  ctx.state.securityChanged();
  return ok({ role: { created: !existing } });
});

const getRoles: Handler = (ctx) => {
  const names = ctx.params.name?.split(',');
  const out: Record<string, unknown> = {};
  for (const r of ctx.state.roles.values()) {
    if (!names || names.includes(r.name)) out[r.name] = renderDescriptor(r.descriptor);
  }
  if (names && Object.keys(out).length === 0) return { status: 404, body: {} };
  return ok(out);
};

const deleteRole: Handler = (ctx) => {
  const name = ctx.params.name!;
  if (ctx.state.roles.get(name)?.reserved)
    throw illegalArgument(`role [${name}] is reserved and cannot be deleted`);
  const found = ctx.state.roles.delete(name);
  ctx.state.securityChanged();
  return { status: found ? 200 : 404, body: { found } };
};

/** The `_authenticate` body (§6). */
export function authenticateBody(ctx: RequestContext): Record<string, unknown> {
  const a = ctx.auth;
  const out: Record<string, unknown> = {
    username: a.username,
    roles: a.roles,
    full_name: a.user.full_name,
    email: a.user.email,
    metadata: a.user.metadata,
    enabled: a.user.enabled,
    authentication_realm: a.realm,
    lookup_realm: a.realm,
    authentication_type: a.kind === 'api_key' ? 'api_key' : 'realm',
  };
  if (a.apiKey) {
    out.api_key = { id: a.apiKey.id, name: a.apiKey.name };
    if (ctx.state.version.major >= 9) (out.api_key as Record<string, unknown>).managed_by = 'elasticsearch';
  }
  return out;
}

const authenticateHandler: Handler = (ctx) => ok(authenticateBody(ctx));

/** `GET /_security/user/_privileges`: the caller's own merged privileges (same-user rule, §2). */
const getUserPrivileges: Handler = (ctx) => {
  const a = ctx.auth;
  let descriptors: RoleDescriptor[];
  if (a.apiKey) {
    if (Object.keys(a.apiKey.roleDescriptors).length > 0) {
      throw illegalArgument(
        'Cannot retrieve privileges for API keys with assigned role descriptors. Please use the Get API key information API https://ela.st/es-api-get-api-key',
      );
    }
    descriptors = Object.values(a.apiKey.limitedBy);
  } else descriptors = Object.values(a.snapshot);
  return ok(userPrivilegesBody(descriptors));
};

/** `_has_privileges` from the same model that enforces requests (§7). */
const hasPrivileges: Handler = (ctx) => {
  const target = ctx.params.username;
  if (target !== undefined && target !== ctx.auth.username) {
    throw illegalArgument('users may only check the privileges of their own account');
  }
  const body = jsonBody(ctx) ?? {};
  if (!isObject(body)) throw new EsError(400, 'parse_exception', 'failed to parse privileges check request');
  const perm = ctx.auth.permission;
  // ClusterPrivilegeResolver / IndexPrivilege of the profile's release: newer names are unknown.
  const major = ctx.state.version.major;
  let all = true;
  const cluster: Record<string, boolean> = {};
  const errors: string[] = [];
  for (const p of Array.isArray(body.cluster) ? body.cluster.map(String) : []) {
    if (!resolveClusterPrivilege(p, major)) throw illegalArgument(unknownClusterPrivilegeMessage(p, major));
    const v = perm.hasClusterPrivilege(p);
    cluster[p] = v;
    all &&= v;
  }
  const index: Record<string, Record<string, boolean>> = {};
  for (const entry of Array.isArray(body.index) ? body.index : []) {
    if (!isObject(entry)) continue;
    // RoleDescriptor.parsePrivilegesToCheck rejects FLS/DLS in a has_privileges request.
    for (const field of ['field_security', 'query']) {
      if (entry[field] !== undefined) {
        throw new EsError(
          400,
          'parse_exception',
          `Field [${field}] is not supported in a has_privileges request`,
        );
      }
    }
    const names = Array.isArray(entry.names) ? entry.names.map(String) : [String(entry.names)];
    const privileges = Array.isArray(entry.privileges) ? entry.privileges.map(String) : [];
    for (const n of names) {
      index[n] ??= {};
      for (const p of privileges) {
        if (!resolveIndexPrivilege(p, major)) throw illegalArgument(unknownIndexPrivilegeMessage(p, major));
        const v = perm.hasIndexPrivilege(n, p, entry.allow_restricted_indices === true);
        index[n][p] = v;
        all &&= v;
      }
    }
  }
  if (errors.length > 0) throw validationError(errors);
  const application: Record<string, Record<string, Record<string, boolean>>> = {};
  const appEntries = (Array.isArray(body.application) ? body.application : []).filter(isObject);
  // HasPrivilegesRequest.validate: concrete application names only.
  const appErrors = appEntries
    .map((e) => applicationNameError(String(e.application ?? ''), false))
    .filter((e): e is string => e !== undefined);
  if (appErrors.length > 0) throw validationError(appErrors);
  // An API key holds an application privilege only if its own descriptors and its owner's do.
  const a = ctx.auth;
  const layers: RoleDescriptor[][] = a.apiKey
    ? [Object.values(a.apiKey.roleDescriptors), Object.values(a.apiKey.limitedBy)].filter((l) => l.length > 0)
    : [Object.values(a.snapshot)];
  for (const entry of appEntries) {
    const app = String(entry.application);
    application[app] ??= {};
    for (const r of Array.isArray(entry.resources) ? entry.resources.map(String) : []) {
      application[app][r] ??= {};
      for (const p of Array.isArray(entry.privileges) ? entry.privileges.map(String) : []) {
        const v = layers.every((l) => grantsApplicationPrivilege(ctx.state, l, app, r, p));
        application[app][r][p] = v;
        all &&= v;
      }
    }
  }
  return ok({ username: ctx.auth.username, has_all_requested: all, cluster, index, application });
};

/** Registers native-realm, _authenticate and _has_privileges routes. */
export function registerNativeRealmRoutes(r: Router<Handler>): void {
  r.add(['PUT', 'POST'], '/_security/user/{username}', withParams(['refresh'], putUser))
    .add('GET', '/_security/user', withParams(['with_profile_uid'], getUsers))
    .add('GET', '/_security/user/{username}', withParams(['with_profile_uid'], getUsers))
    .add('DELETE', '/_security/user/{username}', withParams(['refresh'], deleteUser))
    .add(['PUT', 'POST'], '/_security/user/{username}/_enable', withParams(['refresh'], setEnabled(true)))
    .add(['PUT', 'POST'], '/_security/user/{username}/_disable', withParams(['refresh'], setEnabled(false)))
    .add(['PUT', 'POST'], '/_security/user/{username}/_password', withParams(['refresh'], changePassword))
    .add(['PUT', 'POST'], '/_security/user/_password', withParams(['refresh'], changePassword))
    .add(['PUT', 'POST'], '/_security/role/{name}', withParams(['refresh'], putRole))
    .add('GET', '/_security/role', withParams([], getRoles))
    .add('GET', '/_security/role/{name}', withParams([], getRoles))
    .add('DELETE', '/_security/role/{name}', withParams(['refresh'], deleteRole))
    .add('GET', '/_security/user/_privileges', withParams([], getUserPrivileges))
    .add('GET', '/_security/_authenticate', withParams([], authenticateHandler))
    .add(['GET', 'POST'], '/_security/user/_has_privileges', withParams([], hasPrivileges))
    .add(['GET', 'POST'], '/_security/user/{username}/_has_privileges', withParams([], hasPrivileges));
  registerApplicationPrivilegeRoutes(r);
}
