import {
  InvalidIndexPatternError,
  parseIndexPattern,
  type RoleDescriptor,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
  unknownClusterPrivilegeMessage,
  unknownIndexPrivilegeMessage,
} from '../../core/privileges/index.js';
import { EsError } from '../errors.js';

const DESCRIPTOR_FIELDS = new Set([
  'cluster',
  'indices',
  'index',
  'applications',
  'application',
  'run_as',
  'metadata',
  'transient_metadata',
  'global',
  'remote_indices',
  'remote_cluster',
  'description',
  'restriction',
]);
const INDEX_FIELDS = new Set(['names', 'privileges', 'field_security', 'query', 'allow_restricted_indices']);

/** 400 parse_exception raised by RoleDescriptor.parse (wrapped by callers where ES wraps it). */
function roleParseError(reason: string): EsError {
  return new EsError(400, 'parse_exception', reason);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const stringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Parses one role descriptor body as RoleDescriptor.parse does: structural problems throw a
 * parse_exception ("failed to parse role [x]…"); privilege names are checked later by
 * {@link validateRoleDescriptor}. Returns the normalised descriptor ES would echo back.
 */
export function parseRoleDescriptor(name: string, body: unknown): RoleDescriptor {
  if (!isObject(body))
    throw roleParseError(
      `failed to parse role [${name}]. expected an object but found [${typeof body}] instead`,
    );
  for (const k of Object.keys(body)) {
    if (!DESCRIPTOR_FIELDS.has(k))
      throw roleParseError(`failed to parse role [${name}]. unexpected field [${k}]`);
  }
  const out: RoleDescriptor = { cluster: [], indices: [], applications: [], run_as: [] };
  if (body.cluster !== undefined) {
    if (!stringArray(body.cluster))
      throw roleParseError(`failed to parse role [${name}]. unexpected field [cluster]`);
    out.cluster = [...body.cluster];
  }
  const indices = body.indices ?? body.index;
  if (indices !== undefined) {
    if (!Array.isArray(indices)) {
      throw roleParseError(
        `failed to parse indices privileges for role [${name}]. expected field [indices] value to be an array, but found [${typeof indices}] instead`,
      );
    }
    out.indices = indices.map((entry) => {
      if (!isObject(entry))
        throw roleParseError(
          `failed to parse indices privileges for role [${name}]. expected field [indices] value to be an array of objects`,
        );
      for (const k of Object.keys(entry)) {
        if (!INDEX_FIELDS.has(k)) {
          throw roleParseError(
            `failed to parse indices privileges for role [${name}]. unexpected field [${k}]`,
          );
        }
      }
      const names = typeof entry.names === 'string' ? [entry.names] : entry.names;
      if (names === undefined)
        throw roleParseError(
          `failed to parse indices privileges for role [${name}]. missing required [names] field`,
        );
      if (!stringArray(names))
        throw roleParseError(
          `failed to parse indices privileges for role [${name}]. expected field [names] value to be a string or an array of strings`,
        );
      if (entry.privileges === undefined) {
        throw roleParseError(
          `failed to parse indices privileges for role [${name}]. missing required [privileges] field`,
        );
      }
      if (!stringArray(entry.privileges))
        throw roleParseError(
          `failed to parse indices privileges for role [${name}]. expected field [privileges] value to be an array of strings`,
        );
      const normalized: Record<string, unknown> = { names: [...names], privileges: [...entry.privileges] };
      if (entry.field_security !== undefined) normalized.field_security = entry.field_security;
      if (entry.query !== undefined) {
        normalized.query = typeof entry.query === 'string' ? entry.query : JSON.stringify(entry.query);
      }
      normalized.allow_restricted_indices = entry.allow_restricted_indices === true;
      return normalized as unknown as NonNullable<RoleDescriptor['indices']>[number];
    });
  }
  const apps = body.applications ?? body.application;
  if (apps !== undefined) {
    if (!Array.isArray(apps))
      throw roleParseError(`failed to parse application privileges for role [${name}]. expected an array`);
    out.applications = apps as RoleDescriptor['applications'];
  }
  if (body.run_as !== undefined) {
    if (!stringArray(body.run_as))
      throw roleParseError(`failed to parse role [${name}]. unexpected field [run_as]`);
    out.run_as = [...body.run_as];
  }
  out.metadata = isObject(body.metadata) ? body.metadata : {};
  out.transient_metadata = isObject(body.transient_metadata) ? body.transient_metadata : { enabled: true };
  if (body.remote_indices !== undefined) out.remote_indices = body.remote_indices as unknown[];
  if (body.remote_cluster !== undefined) out.remote_cluster = body.remote_cluster as unknown[];
  if (typeof body.description === 'string') out.description = body.description;
  return out;
}

/**
 * RoleDescriptorRequestValidator: every problem becomes one numbered validation entry (§11),
 * in the order cluster privileges, index privileges and patterns, metadata.
 */
export function validateRoleDescriptor(d: RoleDescriptor, errors: string[]): void {
  for (const p of d.cluster ?? []) {
    if (!resolveClusterPrivilege(p)) errors.push(unknownClusterPrivilegeMessage(p));
  }
  for (const entry of d.indices ?? []) {
    for (const p of entry.privileges) {
      if (!resolveIndexPrivilege(p)) errors.push(unknownIndexPrivilegeMessage(p));
    }
    for (const n of Array.isArray(entry.names) ? entry.names : [entry.names]) {
      try {
        parseIndexPattern(n);
      } catch (e) {
        if (e instanceof InvalidIndexPatternError) errors.push(e.message);
        else throw e;
      }
    }
  }
  for (const k of Object.keys(d.metadata ?? {})) {
    if (k.startsWith('_')) {
      errors.push('role descriptor metadata keys may not start with [_]');
      break;
    }
  }
}

/** True when the descriptor grants nothing at all (RoleDescriptor.isEmpty, for the derived-key rule §5). */
export function isEmptyDescriptor(d: RoleDescriptor): boolean {
  return (
    (d.cluster ?? []).length === 0 &&
    (d.indices ?? []).length === 0 &&
    (d.applications ?? []).length === 0 &&
    (d.run_as ?? []).length === 0 &&
    (d.remote_indices ?? []).length === 0 &&
    (d.remote_cluster ?? []).length === 0
  );
}
