import {
  InvalidIndexPatternError,
  parseIndexPattern,
  type RoleDescriptor,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
  unknownClusterPrivilegeMessage,
  unknownIndexPrivilegeMessage,
} from '../../core/privileges/index.js';
import { type ErrorCause, EsError } from '../errors.js';
import { isObject, tokenOf } from '../util.js';
import { parseApplicationEntries, validateApplicationEntries } from './application-privileges.js';

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
  'type',
]);

/** 400 parse_exception raised by RoleDescriptor.parse (ElasticsearchParseException). */
function roleParseError(reason: string, causedBy?: ErrorCause): EsError {
  return new EsError(400, 'parse_exception', reason, causedBy ? { causedBy } : {});
}

function stringArray(role: string, field: string, v: unknown): string[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return [...v];
  const bad = Array.isArray(v) ? v.find((x) => typeof x !== 'string') : v;
  throw roleParseError(`failed to parse role [${role}]`, {
    type: 'parse_exception',
    reason: `failed to parse field [${field}] value [${tokenOf(bad)}] expected an array of strings`,
  });
}

const INDICES = (role: string) => `failed to parse indices privileges for role [${role}].`;

function parseIndexEntry(
  role: string,
  field: string,
  entry: unknown,
): NonNullable<RoleDescriptor['indices']>[number] {
  if (!isObject(entry)) {
    throw roleParseError(
      `${INDICES(role)} expected field [${field}] value to be an array of objects, but found an array element of type [${tokenOf(entry)}]`,
    );
  }
  let names: string[] | undefined;
  let privileges: string[] | undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) {
    switch (k) {
      case 'names':
        if (typeof v === 'string') names = [v];
        else if (Array.isArray(v)) {
          names = stringArray(role, k, v);
          if (names.length === 0) throw roleParseError(`${INDICES(role)} [names] cannot be an empty array`);
        } else {
          throw roleParseError(
            `${INDICES(role)} expected field [names] value to be a string or an array of strings, but found [${tokenOf(v)}] instead`,
          );
        }
        break;
      case 'privileges':
        privileges = stringArray(role, k, v);
        break;
      case 'allow_restricted_indices':
        if (typeof v !== 'boolean') {
          throw roleParseError(
            `${INDICES(role)} expected field [allow_restricted_indices] value to be a boolean, but found [${tokenOf(v)}] instead`,
          );
        }
        out.allow_restricted_indices = v;
        break;
      case 'query':
        if (isObject(v)) out.query = JSON.stringify(v);
        else if (typeof v === 'string') {
          if (v !== '') out.query = v;
        } else if (v !== null) {
          throw roleParseError(
            `${INDICES(role)} expected field [query] value to be null, a string, an array, or an object, but found [${tokenOf(v)}] instead`,
          );
        }
        break;
      case 'field_security':
        out.field_security = v;
        break;
      case 'transient_metadata':
        break;
      default:
        throw roleParseError(`${INDICES(role)} unexpected field [${k}]`);
    }
  }
  if (names === undefined) throw roleParseError(`${INDICES(role)} missing required [names] field`);
  if (privileges === undefined) throw roleParseError(`${INDICES(role)} missing required [privileges] field`);
  return {
    names,
    privileges,
    ...(out.field_security !== undefined
      ? { field_security: out.field_security as { grant?: string[] } }
      : {}),
    ...(out.query !== undefined ? { query: out.query as string } : {}),
    allow_restricted_indices: out.allow_restricted_indices === true,
  };
}

/**
 * Parses one role descriptor body as RoleDescriptor.parse does: structural problems throw a
 * parse_exception with ES's wording; privilege names are checked later by
 * {@link validateRoleDescriptor}. Returns the normalised descriptor ES would echo back
 * (transient metadata given in a request is dropped; stored descriptors carry `{enabled: true}`).
 */
export function parseRoleDescriptor(name: string, body: unknown): RoleDescriptor {
  if (!isObject(body)) {
    throw roleParseError(
      `failed to parse role [${name}]. expected an object but found [${tokenOf(body)}] instead`,
    );
  }
  const out: RoleDescriptor = { cluster: [], indices: [], applications: [], run_as: [] };
  for (const [k, v] of Object.entries(body)) {
    if (!DESCRIPTOR_FIELDS.has(k))
      throw roleParseError(`failed to parse role [${name}]. unexpected field [${k}]`);
    switch (k) {
      case 'cluster':
        out.cluster = v === null ? [] : stringArray(name, k, v);
        break;
      case 'run_as':
        out.run_as = v === null ? [] : stringArray(name, k, v);
        break;
      case 'indices':
      case 'index':
        if (!Array.isArray(v)) {
          throw roleParseError(
            `${INDICES(name)} expected field [${k}] value to be an array, but found [${tokenOf(v)}] instead`,
          );
        }
        out.indices = v.map((e) => parseIndexEntry(name, k, e));
        break;
      case 'applications':
      case 'application':
        out.applications = parseApplicationEntries(name, k, v);
        break;
      case 'metadata':
        if (!isObject(v)) {
          throw roleParseError(
            `expected field [metadata] to be of type object, but found [${tokenOf(v)}] instead`,
          );
        }
        out.metadata = v;
        break;
      case 'transient_metadata':
        if (!isObject(v)) throw roleParseError(`failed to parse role [${name}]. unexpected field [${k}]`);
        break;
      case 'remote_indices':
        out.remote_indices = v as unknown[];
        break;
      case 'remote_cluster':
        out.remote_cluster = v as unknown[];
        break;
      case 'description':
        if (typeof v === 'string') out.description = v;
        break;
      case 'global':
        // Configurable cluster privileges ({application: {manage: {applications: [...]}}, profile: …}):
        // stored and returned as given; the sandbox grants nothing from them.
        if (!isObject(v)) {
          throw roleParseError(
            `failed to parse role [${name}]. expected field [global] value to be an object, but found [${tokenOf(v)}] instead`,
          );
        }
        if (Object.keys(v).length > 0) out.global = v;
        break;
    }
  }
  out.metadata ??= {};
  out.transient_metadata = { enabled: true };
  return out;
}

/**
 * RoleDescriptorRequestValidator: every problem becomes one numbered validation entry (§11),
 * in the order cluster privileges, index privileges and patterns, metadata. Privilege names are
 * those Elasticsearch `major` knows: a name newer than the profile's release is unknown there.
 */
export function validateRoleDescriptor(d: RoleDescriptor, errors: string[], major: number): void {
  for (const p of d.cluster ?? []) {
    if (!resolveClusterPrivilege(p, major)) errors.push(unknownClusterPrivilegeMessage(p, major));
  }
  for (const entry of d.indices ?? []) {
    for (const p of entry.privileges) {
      if (!resolveIndexPrivilege(p, major)) errors.push(unknownIndexPrivilegeMessage(p, major));
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
  validateApplicationEntries(d, errors);
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
    (d.remote_cluster ?? []).length === 0 &&
    Object.keys(d.metadata ?? {}).length === 0
  );
}
