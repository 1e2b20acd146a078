/**
 * Named index privileges and the action patterns they grant, as in Elasticsearch's
 * IndexPrivilege (newest 8.x/9.x source). Table and notes: Elasticsearch's security reference (docs/es-facts.md).
 */
export const INDEX_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  none: [],
  all: ['indices:*', 'internal:transport/proxy/indices:*'],
  read: ['indices:data/read/*', 'indices:admin/resolve/index', 'indices:admin/resolve/cluster'],
  read_cross_cluster: [
    'internal:transport/proxy/indices:data/read/*',
    'indices:admin/shards/search_shards',
    'indices:admin/search/search_shards',
    'indices:admin/resolve/cluster',
    'indices:data/read/esql',
    'indices:data/read/esql/compute',
  ],
  create: ['indices:data/write/index*', 'indices:data/write/bulk*', 'indices:data/write/simulate/bulk*'],
  create_doc: [
    'indices:data/write/index',
    'indices:data/write/index[*',
    'indices:data/write/index:op_type/create',
    'indices:data/write/bulk*',
    'indices:data/write/simulate/bulk*',
  ],
  index: [
    'indices:data/write/index*',
    'indices:data/write/bulk*',
    'indices:data/write/update*',
    'indices:data/write/simulate/bulk*',
  ],
  delete: ['indices:data/write/delete*', 'indices:data/write/bulk*'],
  write: ['indices:data/write/*', 'indices:admin/mapping/auto_put'],
  monitor: ['indices:monitor/*'],
  manage: [
    'indices:monitor/*',
    'indices:admin/*',
    'indices:data/read/field_caps*',
    'indices:data/read/xpack/rollup/get/index/caps*',
  ],
  create_index: ['indices:admin/create', 'indices:admin/auto_create', 'indices:admin/data_stream/create'],
  delete_index: ['indices:admin/delete', 'indices:admin/data_stream/delete'],
  view_index_metadata: [
    'indices:admin/aliases/get',
    'indices:admin/get',
    'indices:admin/mappings/fields/get*',
    'indices:admin/mappings/get',
    'indices:admin/shards/search_shards',
    'indices:admin/search/search_shards',
    'indices:admin/validate/query*',
    'indices:monitor/settings/get',
    'indices:admin/ilm/explain',
    'indices:admin/data_stream/lifecycle/get',
    'indices:admin/data_stream/lifecycle/explain',
    'indices:admin/data_stream/get',
    'indices:admin/resolve/index',
    'indices:admin/resolve/cluster',
    'indices:data/read/field_caps*',
    'indices:data/read/xpack/rollup/get/index/caps*',
    'indices:monitor/transform/checkpoint*',
    // Serverless-only metering actions, listed in the stateful automaton too.
    'indices:monitor/get/metering/stats',
    'indices:admin/get/metering/stats',
  ],
  manage_follow_index: [
    'indices:admin/xpack/ccr/put_follow',
    'indices:admin/xpack/ccr/unfollow',
    'indices:admin/close*',
    'indices:admin/data_stream/promote',
    'indices:admin/rollover',
  ],
  manage_leader_index: ['indices:admin/xpack/ccr/forget_follower*'],
  manage_ilm: ['indices:admin/ilm/*'],
  manage_data_stream_lifecycle: ['indices:admin/data_stream/lifecycle/*'],
  maintenance: [
    'indices:admin/refresh*',
    'indices:admin/flush*',
    'indices:admin/synced_flush',
    'indices:admin/forcemerge*',
  ],
  auto_configure: ['indices:admin/mapping/auto_put', 'indices:admin/auto_create'],
  cross_cluster_replication: [
    'indices:data/read/xpack/ccr/shard_changes*',
    'indices:monitor/stats*',
    'indices:admin/seq_no/add_retention_lease*',
    'indices:admin/seq_no/remove_retention_lease*',
    'indices:admin/seq_no/renew_retention_lease*',
  ],
  cross_cluster_replication_internal: [
    'indices:internal/admin/ccr/restore/session/put*',
    'indices:internal/admin/ccr/restore/session/clear*',
    'indices:internal/admin/ccr/restore/file_chunk/get*',
    // The restore session is cleared and chunks fetched through the remote-cluster proxy too.
    'internal:transport/proxy/indices:internal/admin/ccr/restore/session/clear*',
    'internal:transport/proxy/indices:internal/admin/ccr/restore/file_chunk/get*',
  ],
  // 9.x failure-store privileges apply only to the `::failures` selector, which eskeys never
  // touches; they are valid names but grant nothing on the data selector modelled here.
  read_failure_store: [],
  manage_failure_store: [],
};

/** Privileges that never appear in "this action is granted by" lists (they grant no data-selector action). */
export const INDEX_PRIVILEGES_HIDDEN_IN_DENIALS: ReadonlySet<string> = new Set([
  'none',
  'read_failure_store',
  'manage_failure_store',
]);

/**
 * The BWC rule of IndicesPermission: a group holding any of these may also update mappings
 * (`indices:admin/mapping/put` and `auto_put`) on plain indices and aliases (§1).
 */
export const BWC_MAPPING_UPDATE_PRIVILEGES: ReadonlySet<string> = new Set([
  'create',
  'create_doc',
  'index',
  'write',
]);

/** The dynamic mapping update Elasticsearch runs for a write that brings a new field. */
export const AUTO_PUT_MAPPING_ACTION = 'indices:admin/mapping/auto_put';

/** Mapping-update actions the BWC rule applies to. */
export const MAPPING_UPDATE_ACTIONS: ReadonlySet<string> = new Set([
  'indices:admin/mapping/put',
  AUTO_PUT_MAPPING_ACTION,
]);
