/**
 * Application privileges (`/_security/privilege`) and the application part of role descriptors,
 * as Elasticsearch's ApplicationPrivilege, ApplicationPermission and PutPrivilegesRequest define
 * them: a privilege is (application, name, actions); a role grants privilege names or raw action
 * patterns on resource patterns; `_has_privileges` asks whether the actions a requested privilege
 * stands for are covered on a resource.
 */
import { type GlobSet, glob, isSubset } from '../../core/privileges/glob.js';
import {
  clusterPrivilegeNamesIn,
  indexPrivilegeNamesIn,
  type RoleDescriptor,
} from '../../core/privileges/index.js';
import { EsError, validationError } from '../errors.js';
import { type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withParsedRequest } from '../http/validation.js';
import type { ApplicationPrivilegeRecord, SandboxState } from '../state.js';
import { isObject, tokenOf } from '../util.js';
import { requireCluster } from './authorize.js';

const VALID_APPLICATION_PREFIX = /^[a-z][A-Za-z0-9]*$/;
const VALID_NAME = /^[a-z][a-zA-Z0-9_.-]*$/;
/** `\p{Graph}`: printable, visible ASCII. */
// These actions are also granted per application by the configurable `global.application.manage`
// privilege, so their check depends on the request (scope `special`) and stays here; the
// sandbox stores `global` privileges without granting by them, leaving the plain check.
const ACTION = 'cluster:admin/xpack/security/privilege';

const VALID_NAME_OR_ACTION = /^[\x21-\x7e]*$/;
/** Strings.INVALID_FILENAME_CHARS. */
const INVALID_FILENAME_CHARS = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ','];

/** ApplicationPrivilege.validateApplicationName(OrWildcard): the IllegalArgumentException message, if any. */
export function applicationNameError(application: string, allowWildcard: boolean): string | undefined {
  if (application === '') return 'Application names cannot be blank';
  const asterisk = application.indexOf('*');
  if (asterisk !== -1) {
    if (!allowWildcard) return `Application names may not contain '*' (found '${application}')`;
    if (application === '*') return undefined;
    if (asterisk !== application.length - 1) {
      return `Application name patterns only support trailing wildcards (found '${application}')`;
    }
  }
  if (/\s/.test(application)) return `Application names may not contain whitespace (found '${application}')`;
  const sep = application.search(/[_-]/);
  let prefix = sep === -1 ? application : application.slice(0, sep);
  if (prefix.endsWith('*')) prefix = prefix.slice(0, -1);
  if (!VALID_APPLICATION_PREFIX.test(prefix)) {
    return `An application name prefix must match the pattern ^[a-z][A-Za-z0-9]*$ (found '${prefix}')`;
  }
  if (prefix.length < 3 && asterisk === -1) {
    return `An application name prefix must be at least 3 characters long (found '${prefix}')`;
  }
  if (sep !== -1) {
    let suffix = application.slice(sep + 1);
    if (allowWildcard && suffix.endsWith('*')) suffix = suffix.slice(0, -1);
    if (INVALID_FILENAME_CHARS.some((c) => suffix.includes(c))) {
      return `An application name suffix may not contain any of the characters '${INVALID_FILENAME_CHARS.join('')}' (found '${suffix}')`;
    }
  }
  return undefined;
}

function privilegeNameError(name: string): string | undefined {
  return VALID_NAME.test(name)
    ? undefined
    : `Application privilege names must match the pattern ^[a-z][a-zA-Z0-9_.-]*$ (found '${name}')`;
}

/** ApplicationPrivilege.validatePrivilegeOrActionName (role descriptors, `_has_privileges`). */
export function privilegeOrActionNameError(name: string): string | undefined {
  return VALID_NAME_OR_ACTION.test(name)
    ? undefined
    : `Application privilege names and actions must match the pattern ^\\p{Graph}*$ (found '${name}')`;
}

function actionNameError(action: string): string | undefined {
  if (!action.includes('/') && !action.includes('*') && !action.includes(':')) {
    return `The application privilege pattern [${action}] must contain one of [ '/' , '*' , ':' ]`;
  }
  return privilegeOrActionNameError(action);
}

/** Application entries of a role descriptor: RoleDescriptor.parseApplicationPrivilege. */
export function parseApplicationEntries(
  role: string,
  field: string,
  v: unknown,
): RoleDescriptor['applications'] {
  const where = `failed to parse application privileges for role [${role}].`;
  if (!Array.isArray(v)) {
    throw new EsError(
      400,
      'parse_exception',
      `${where} expected field [${field}] value to be an array, but found [${tokenOf(v)}] instead`,
    );
  }
  return v.map((e) => {
    if (!isObject(e)) {
      throw new EsError(
        400,
        'parse_exception',
        `${where} expected field [${field}] value to be an array of objects, but found an array element of type [${tokenOf(e)}]`,
      );
    }
    const strings = (x: unknown) =>
      Array.isArray(x) ? x.map(String) : typeof x === 'string' ? [x] : undefined;
    const resources = strings(e.resources);
    const privileges = strings(e.privileges);
    if (resources === undefined)
      throw new EsError(400, 'parse_exception', `${where} missing required [resources] field`);
    if (privileges === undefined)
      throw new EsError(400, 'parse_exception', `${where} missing required [privileges] field`);
    return { application: typeof e.application === 'string' ? e.application : '', privileges, resources };
  });
}

/** RoleDescriptorRequestValidator's application part: one validation entry per problem. */
export function validateApplicationEntries(d: RoleDescriptor, errors: string[]): void {
  for (const a of d.applications ?? []) {
    const appError = applicationNameError(a.application, true);
    if (appError) errors.push(appError);
    for (const p of a.privileges) {
      const e = privilegeOrActionNameError(p);
      if (e) errors.push(e);
    }
  }
}

/** Automatons.patterns over application actions or resources. */
const patterns = (xs: readonly string[]): GlobSet => ({ include: xs.map((x) => glob(x)) });
const matchesApplication = (pattern: string, app: string) => glob(pattern).regex.test(app);

/** One resolved application privilege: ApplicationPrivilege.resolve (names → stored actions, raw actions kept). */
interface ResolvedAppPrivilege {
  application: string;
  names: string[];
  actions: string[];
}

function resolve(state: SandboxState, application: string, names: readonly string[]): ResolvedAppPrivilege {
  const stored = state.applicationPrivileges.get(application);
  const actions = new Set<string>();
  for (const n of names) {
    if (VALID_NAME.test(n)) for (const a of stored?.get(n)?.actions ?? []) actions.add(a);
    else actions.add(n);
  }
  return { application, names: [...names], actions: [...actions] };
}

/** ApplicationPrivilege.get: a wildcard application expands to the stored applications it matches. */
function resolveAll(
  state: SandboxState,
  application: string,
  names: readonly string[],
): ResolvedAppPrivilege[] {
  if (!application.includes('*')) return [resolve(state, application, names)];
  const apps = [...state.applicationPrivileges.keys()].filter((a) => matchesApplication(application, a));
  return apps.length > 0
    ? apps.map((a) => resolve(state, a, names))
    : [{ application, names: [...names], actions: names.filter((n) => !VALID_NAME.test(n)) }];
}

interface PermissionEntry {
  privilege: ResolvedAppPrivilege;
  resources: GlobSet;
}

/** ApplicationPermission of a set of descriptors, entries merged by application and resources. */
function permissionEntries(state: SandboxState, descriptors: readonly RoleDescriptor[]): PermissionEntry[] {
  const byKey = new Map<string, { application: string; resources: string[]; names: Set<string> }>();
  for (const d of descriptors) {
    for (const a of d.applications ?? []) {
      const key = JSON.stringify([a.application, [...new Set(a.resources)].sort()]);
      const found = byKey.get(key);
      if (found) for (const p of a.privileges) found.names.add(p);
      else
        byKey.set(key, { application: a.application, resources: a.resources, names: new Set(a.privileges) });
    }
  }
  return [...byKey.values()].flatMap((m) =>
    resolveAll(state, m.application, [...m.names]).map((privilege) => ({
      privilege,
      resources: patterns(m.resources),
    })),
  );
}

/** PermissionEntry.matchesPrivilege. */
function matchesPrivilege(granted: ResolvedAppPrivilege, asked: ResolvedAppPrivilege): boolean {
  if (!matchesApplication(granted.application, asked.application)) return false;
  const g = patterns(granted.actions);
  if (granted.actions.includes('*')) return true;
  if (granted.actions.length === 0 || asked.actions.length === 0) return false;
  return isSubset(patterns(asked.actions), g);
}

/**
 * Does a principal holding `descriptors` have application privilege `name` on `resource`?
 * (ApplicationPermission.checkResourcePrivileges: any one entry must cover both.)
 */
export function grantsApplicationPrivilege(
  state: SandboxState,
  descriptors: readonly RoleDescriptor[],
  application: string,
  resource: string,
  name: string,
): boolean {
  const entries = permissionEntries(state, descriptors);
  const resourceSet = patterns([resource]);
  return resolveAll(state, application, [name]).every((asked) =>
    entries.some((e) => matchesPrivilege(e.privilege, asked) && isSubset(resourceSet, e.resources)),
  );
}

function render(p: ApplicationPrivilegeRecord): Record<string, unknown> {
  return { application: p.application, name: p.name, actions: p.actions, metadata: p.metadata };
}

/** `PUT|POST /_security/privilege`: `{app: {name: {actions, metadata}}}` (PutPrivilegesRequest). */
function parsePutPrivileges(ctx: RequestContext): ApplicationPrivilegeRecord[] {
  const body = jsonBody(ctx) ?? {};
  if (!isObject(body))
    throw new EsError(400, 'parse_exception', 'failed to parse privileges. expected an object');
  const parsed: ApplicationPrivilegeRecord[] = [];
  for (const [application, privileges] of Object.entries(body)) {
    if (!isObject(privileges)) {
      throw new EsError(400, 'parse_exception', `expected the value for [${application}] to be an object`);
    }
    for (const [name, def] of Object.entries(privileges)) {
      const d = isObject(def) ? def : {};
      parsed.push({
        application,
        name,
        actions: Array.isArray(d.actions) ? d.actions.map(String) : [],
        metadata: isObject(d.metadata) ? d.metadata : {},
      });
    }
  }
  // PutPrivilegesRequest.validate runs before authorization.
  const errors: string[] = [];
  if (parsed.length === 0) errors.push('At least one application privilege must be provided');
  for (const p of parsed) {
    const appError = applicationNameError(p.application, false);
    if (appError) errors.push(appError);
    const nameError = privilegeNameError(p.name);
    if (nameError) errors.push(nameError);
    if (p.actions.length === 0) errors.push('Application privileges must have at least one action');
    for (const a of p.actions) {
      const e = actionNameError(a);
      if (e) errors.push(e);
    }
    if (Object.keys(p.metadata).some((k) => k.startsWith('_'))) {
      errors.push(`metadata keys may not start with [_] (in privilege ${p.application} ${p.name})`);
    }
  }
  if (errors.length > 0) throw validationError(errors);
  return parsed;
}

const putPrivileges = withParsedRequest(parsePutPrivileges, (ctx, parsed) => {
  requireCluster(ctx.auth, `${ACTION}/put`);
  const out: Record<string, Record<string, { created: boolean }>> = {};
  for (const p of parsed) {
    let app = ctx.state.applicationPrivileges.get(p.application);
    if (!app) {
      app = new Map();
      ctx.state.applicationPrivileges.set(p.application, app);
    }
    const created = !app.has(p.name);
    app.set(p.name, p);
    out[p.application] ??= {};
    out[p.application]![p.name] = { created };
  }
  ctx.state.securityChanged();
  return ok(out);
});

/** `GET /_security/privilege[/{application}[/{name}]]`: comma lists; 404 with `{}` when a named one is missing. */
const getPrivileges: Handler = (ctx) => {
  requireCluster(ctx.auth, `${ACTION}/get`);
  const apps = ctx.params.application?.split(',').filter((a) => a !== '');
  const names = ctx.params.name?.split(',').filter((n) => n !== '');
  const out: Record<string, Record<string, unknown>> = {};
  for (const [application, privileges] of ctx.state.applicationPrivileges) {
    if (apps && !apps.some((a) => a === '_all' || matchesApplication(a, application))) continue;
    for (const p of privileges.values()) {
      if (names && !names.includes(p.name)) continue;
      out[application] ??= {};
      out[application]![p.name] = render(p);
    }
  }
  if ((apps || names) && Object.keys(out).length === 0) return { status: 404, body: {} };
  return ok(out);
};

/** `DELETE /_security/privilege/{application}/{name}`: `{app: {name: {found}}}`, 404 when none was found. */
const deletePrivileges: Handler = (ctx) => {
  requireCluster(ctx.auth, `${ACTION}/delete`);
  const application = ctx.params.application!;
  const out: Record<string, Record<string, { found: boolean }>> = { [application]: {} };
  let any = false;
  for (const name of ctx.params.name!.split(',')) {
    const found = ctx.state.applicationPrivileges.get(application)?.delete(name) === true;
    out[application]![name] = { found };
    any ||= found;
  }
  if (ctx.state.applicationPrivileges.get(application)?.size === 0)
    ctx.state.applicationPrivileges.delete(application);
  ctx.state.securityChanged();
  return { status: any ? 200 : 404, body: out };
};

/**
 * `GET /_security/privilege/_builtin` (TransportGetBuiltinPrivilegesAction): the cluster and index
 * privilege names the profile's release knows, sorted (TreeSet). `remote_cluster` is not listed.
 */
const getBuiltinPrivileges: Handler = (ctx) => {
  const major = ctx.state.version.major;
  return ok({
    cluster: [...clusterPrivilegeNamesIn(major)].sort(),
    index: [...indexPrivilegeNamesIn(major)].sort(),
  });
};

/** Registers the application privilege routes. */
export function registerApplicationPrivilegeRoutes(r: Router<Handler>): void {
  r.add(['PUT', 'POST'], '/_security/privilege', withParams(['refresh'], putPrivileges))
    .add('GET', '/_security/privilege', withParams([], getPrivileges))
    .add('GET', '/_security/privilege/_builtin', withParams([], getBuiltinPrivileges))
    .add('GET', '/_security/privilege/{application}', withParams([], getPrivileges))
    .add('GET', '/_security/privilege/{application}/{name}', withParams([], getPrivileges))
    .add('DELETE', '/_security/privilege/{application}/{name}', withParams(['refresh'], deletePrivileges));
}
