import { CLUSTER_PRIVILEGES } from '../privileges/cluster-privileges.js';
import { INDEX_PRIVILEGES } from '../privileges/index-privileges.js';
import { PROBE_OPERATIONS } from '../probes/catalogue.js';

/**
 * Concrete action names that diff and explanations enumerate. Privileges grant wildcard
 * patterns (`indices:data/write/*`), so "which actions does this change add" needs a finite
 * list: every concrete action of the privilege tables and the probe catalogue, plus the
 * well-known actions of Elasticsearch's security reference (docs/es-facts.md).
 */

const EXTRA_INDEX_ACTIONS = [
  'indices:data/read/search',
  'indices:data/read/get',
  'indices:data/read/mget',
  'indices:data/read/msearch',
  'indices:data/read/scroll',
  'indices:data/read/field_caps',
  'indices:data/read/open_point_in_time',
  'indices:data/read/esql',
  'indices:data/write/index',
  'indices:data/write/index:op_type/create',
  'indices:data/write/index:op_type/index',
  'indices:data/write/update',
  'indices:data/write/delete',
  'indices:data/write/bulk',
  'indices:data/write/delete/byquery',
  'indices:data/write/update/byquery',
  'indices:data/write/reindex',
  'indices:admin/create',
  'indices:admin/auto_create',
  'indices:admin/delete',
  'indices:admin/get',
  'indices:admin/settings/update',
  'indices:admin/mapping/put',
  'indices:admin/mapping/auto_put',
  'indices:admin/mappings/get',
  'indices:admin/aliases',
  'indices:admin/aliases/get',
  'indices:admin/close',
  'indices:admin/open',
  'indices:admin/rollover',
  'indices:admin/resize',
  'indices:admin/block/add',
  'indices:admin/refresh',
  'indices:admin/flush',
  'indices:admin/forcemerge',
  'indices:admin/data_stream/create',
  'indices:admin/data_stream/delete',
  'indices:admin/ilm/explain',
  'indices:admin/ilm/remove_policy',
  'indices:admin/ilm/retry',
  'indices:monitor/settings/get',
  'indices:monitor/stats',
  'indices:monitor/recovery',
];

const EXTRA_CLUSTER_ACTIONS = [
  'cluster:monitor/health',
  'cluster:monitor/main',
  'cluster:monitor/state',
  'cluster:monitor/stats',
  'cluster:monitor/nodes/info',
  'cluster:monitor/nodes/stats',
  'cluster:admin/settings/update',
  'cluster:admin/reroute',
  'cluster:admin/script/put',
  'cluster:admin/snapshot/create',
  'cluster:admin/snapshot/delete',
  'cluster:admin/snapshot/restore',
  'cluster:admin/repository/put',
  'indices:admin/index_template/put',
  'indices:admin/index_template/delete',
  'indices:admin/index_template/get',
  'indices:admin/template/put',
  'indices:admin/template/delete',
  'indices:admin/template/get',
  'cluster:admin/component_template/put',
  'cluster:admin/component_template/delete',
  'cluster:admin/component_template/get',
  'cluster:admin/ilm/put',
  'cluster:admin/ilm/delete',
  'cluster:admin/ilm/get',
  'cluster:admin/ilm/start',
  'cluster:admin/ilm/stop',
  'cluster:admin/ingest/pipeline/put',
  'cluster:admin/ingest/pipeline/delete',
  'cluster:admin/ingest/pipeline/get',
  'cluster:admin/ingest/pipeline/simulate',
  'cluster:admin/xpack/security/api_key/create',
  'cluster:admin/xpack/security/api_key/grant',
  'cluster:admin/xpack/security/api_key/get',
  'cluster:admin/xpack/security/api_key/query',
  'cluster:admin/xpack/security/api_key/invalidate',
  'cluster:admin/xpack/security/api_key/update',
  'cluster:admin/xpack/security/role/put',
  'cluster:admin/xpack/security/role/delete',
  'cluster:admin/xpack/security/user/put',
  'cluster:admin/xpack/security/user/delete',
  'cluster:admin/xpack/security/role_mapping/put',
  'cluster:admin/xpack/security/token/create',
  'cluster:admin/tasks/cancel',
];

function concreteOf(patterns: Iterable<string>): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    const star = p.indexOf('*');
    const bare = star < 0 ? p : star === p.length - 1 ? p.slice(0, -1) : undefined;
    // `indices:data/write/*` and `indices:*` name families, not actions.
    if (bare !== undefined && !/[:/[]$/.test(bare)) out.push(bare);
  }
  return out;
}

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** Concrete index actions (authorized against index names). */
export const KNOWN_INDEX_ACTIONS: readonly string[] = sortedUnique(
  [
    ...EXTRA_INDEX_ACTIONS,
    ...concreteOf(Object.values(INDEX_PRIVILEGES).flat()),
    ...PROBE_OPERATIONS.filter((o) => o.scope === 'index').map((o) => o.action),
  ].filter((a) => a.startsWith('indices:') && !isClusterAuthorized(a)),
);

/** Concrete cluster actions (including the `indices:admin/*template/*` ones authorized as cluster actions). */
export const KNOWN_CLUSTER_ACTIONS: readonly string[] = sortedUnique([
  ...EXTRA_CLUSTER_ACTIONS,
  ...concreteOf(Object.values(CLUSTER_PRIVILEGES).flatMap((d) => d.allow)),
  ...PROBE_OPERATIONS.filter((o) => o.scope === 'cluster').map((o) => o.action),
]);

function isClusterAuthorized(action: string): boolean {
  return action.startsWith('indices:admin/template/') || action.startsWith('indices:admin/index_template/');
}
