/**
 * The `access` of a cross-cluster API key and the role descriptor Elasticsearch derives from it
 * (CrossClusterApiKeyRoleDescriptorBuilder): `search` entries get the read privileges a remote
 * search needs, `replication` entries those of cross-cluster replication, and the cluster
 * privileges follow from which of the two are present.
 */
import type { RoleDescriptor } from '../../core/privileges/index.js';
import { EsError, illegalArgument } from '../errors.js';
import { isObject, tokenOf } from '../util.js';
import { atLeast, type VersionProfile } from '../version.js';
import type { ApiKeyRecord } from './api-key-store.js';

export const CROSS_CLUSTER_ROLE = 'cross_cluster';
const CCS_INDICES = ['read', 'read_cross_cluster', 'view_index_metadata'];
const CCR_INDICES = ['cross_cluster_replication', 'cross_cluster_replication_internal'];

type IndexEntry = NonNullable<RoleDescriptor['indices']>[number];

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function parseEntries(kind: 'search' | 'replication', v: unknown): IndexEntry[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new EsError(
      400,
      'x_content_parse_exception',
      `[cross_cluster_api_key_request_access] ${kind} doesn't support values of type: ${tokenOf(v)}`,
    );
  }
  const allowed = ['names', 'query', 'field_security', 'allow_restricted_indices'];
  return v.map((e) => {
    if (!isObject(e)) {
      throw new EsError(
        400,
        'x_content_parse_exception',
        `[cross_cluster_api_key_request_access] ${kind} entries must be objects`,
      );
    }
    for (const k of Object.keys(e)) {
      if (!allowed.includes(k)) {
        throw new EsError(
          400,
          'parse_exception',
          `failed to parse indices privileges for role [${CROSS_CLUSTER_ROLE}]. unexpected field [${k}]`,
        );
      }
    }
    const names = Array.isArray(e.names)
      ? e.names.map(String)
      : typeof e.names === 'string'
        ? [e.names]
        : undefined;
    if (!names || names.length === 0) {
      throw new EsError(
        400,
        'parse_exception',
        `failed to parse indices privileges for role [${CROSS_CLUSTER_ROLE}]. missing required [names] field`,
      );
    }
    return {
      names,
      privileges: kind === 'search' ? [...CCS_INDICES] : [...CCR_INDICES],
      ...(e.field_security !== undefined ? { field_security: e.field_security as { grant?: string[] } } : {}),
      ...(e.query !== undefined && e.query !== null
        ? { query: typeof e.query === 'string' ? e.query : JSON.stringify(e.query) }
        : {}),
      allow_restricted_indices: e.allow_restricted_indices === true,
    };
  });
}

/**
 * Builds the single `cross_cluster` role descriptor from an `access` object. Cluster privileges:
 * search only → cross_cluster_search (plus monitor_enrich on newer versions), replication only →
 * cross_cluster_replication, both → all of them.
 */
export function crossClusterDescriptor(access: unknown, version: VersionProfile): RoleDescriptor {
  if (!isObject(access)) {
    throw new EsError(
      400,
      'x_content_parse_exception',
      `[cross_cluster_api_key_request] access doesn't support values of type: ${tokenOf(access)}`,
    );
  }
  for (const k of Object.keys(access)) {
    if (k !== 'search' && k !== 'replication') {
      throw new EsError(
        400,
        'x_content_parse_exception',
        `[cross_cluster_api_key_request_access] unknown field [${k}]`,
      );
    }
  }
  const search = parseEntries('search', access.search);
  const replication = parseEntries('replication', access.replication);
  if (search.length === 0 && replication.length === 0) {
    throw illegalArgument('must specify non-empty access for either [search] or [replication]');
  }
  if (replication.some((e) => e.query !== undefined || e.field_security !== undefined)) {
    throw illegalArgument('replication does not support document or field level security');
  }
  const ccs = atLeast(version, 8, 15) ? ['cross_cluster_search', 'monitor_enrich'] : ['cross_cluster_search'];
  const cluster =
    replication.length === 0
      ? ccs
      : search.length === 0
        ? ['cross_cluster_replication']
        : [...ccs, 'cross_cluster_replication'];
  return {
    cluster,
    indices: [...search, ...replication],
    applications: [],
    run_as: [],
    metadata: {},
    transient_metadata: { enabled: true },
  };
}

/** The `access` shown by get/query for a cross-cluster key, rebuilt from its role descriptor. */
export function crossClusterAccess(k: ApiKeyRecord): Record<string, unknown> {
  const d = k.roleDescriptors[CROSS_CLUSTER_ROLE];
  const search: Record<string, unknown>[] = [];
  const replication: Record<string, unknown>[] = [];
  for (const e of d?.indices ?? []) {
    const entry = {
      names: Array.isArray(e.names) ? e.names : [e.names],
      ...(e.field_security ? { field_security: e.field_security } : {}),
      ...(e.query !== undefined ? { query: e.query } : {}),
      allow_restricted_indices: e.allow_restricted_indices === true,
    };
    if (sameList(e.privileges, CCS_INDICES)) search.push(entry);
    else if (sameList(e.privileges, CCR_INDICES)) replication.push(entry);
  }
  return { ...(search.length > 0 ? { search } : {}), ...(replication.length > 0 ? { replication } : {}) };
}
