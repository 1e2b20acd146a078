/**
 * Named cluster privileges: allowed action patterns minus excluded ones, as in Elasticsearch's
 * ClusterPrivilegeResolver (8.16+). Every name is checked, grant and denial, against the golden
 * table written from that source (test/fixtures/golden-privilege-actions.ts; docs/es-facts.md,
 * "Privilege → actions oracle").
 */
export interface ClusterPrivilegeDef {
  readonly allow: readonly string[];
  readonly exclude?: readonly string[];
}

const SECURITY = 'cluster:admin/xpack/security/*';
const API_KEY = 'cluster:admin/xpack/security/api_key/*';
/**
 * What both cross-cluster privileges share: the remote handshake, RemoteClusterNodesAction,
 * TaskCancellationService's remote-cluster ban/cancel-child actions (their names are the local
 * internal: names behind a `cluster:` prefix, like the ES|QL exchange pair) and XPackInfoAction.
 */
const REMOTE_CLUSTER_BASE = [
  'cluster:internal/remote_cluster/handshake',
  'cluster:internal/remote_cluster/nodes',
  'cluster:internal:admin/tasks/ban',
  'cluster:internal:admin/tasks/cancel_child',
  'cluster:monitor/xpack/info',
];
const INVALIDATE_TOKEN = 'cluster:admin/xpack/security/token/invalidate';
const CONNECTOR_SECRETS = [
  'cluster:admin/xpack/connector/secret/get',
  'cluster:admin/xpack/connector/secret/delete',
  'cluster:admin/xpack/connector/secret/post',
  'cluster:admin/xpack/connector/secret/put',
];
const MONITOR_TRANSFORM = ['cluster:monitor/data_frame/*', 'cluster:monitor/transform/*'];
const MANAGE_TRANSFORM = [
  'cluster:admin/data_frame/*',
  'cluster:monitor/data_frame/*',
  'cluster:monitor/transform/*',
  'cluster:admin/transform/*',
];
const GET_TEMPLATES = [
  'indices:admin/template/get',
  'indices:admin/index_template/get',
  'cluster:admin/component_template/get',
];

export const CLUSTER_PRIVILEGES: Readonly<Record<string, ClusterPrivilegeDef>> = {
  none: { allow: [] },
  all: { allow: ['cluster:*', 'indices:admin/template/*', 'indices:admin/index_template/*'] },
  manage: {
    allow: ['cluster:*', 'indices:admin/template/*', 'indices:admin/index_template/*'],
    exclude: [SECURITY],
  },
  monitor: { allow: ['cluster:monitor/*', ...GET_TEMPLATES] },
  manage_security: { allow: [SECURITY], exclude: ['cluster:admin/xpack/security/delegate_pki'] },
  read_security: {
    allow: [
      'cluster:admin/xpack/security/api_key/get',
      'cluster:admin/xpack/security/api_key/query',
      'cluster:admin/xpack/security/privilege/builtin/get',
      'cluster:admin/xpack/security/privilege/get',
      'cluster:admin/xpack/security/profile/get',
      'cluster:admin/xpack/security/profile/has_privileges',
      'cluster:admin/xpack/security/profile/suggest',
      'cluster:admin/xpack/security/role/get',
      'cluster:admin/xpack/security/role/query',
      'cluster:admin/xpack/security/role_mapping/get',
      'cluster:admin/xpack/security/service_account/get',
      'cluster:admin/xpack/security/service_account/credential/get*',
      'cluster:admin/xpack/security/user/get',
      'cluster:admin/xpack/security/user/query',
      'cluster:admin/xpack/security/user/list_privileges',
      'cluster:admin/xpack/security/user/has_privileges',
      'cluster:admin/xpack/security/settings/get',
    ],
  },
  manage_api_key: { allow: [API_KEY] },
  // Same automaton as manage_api_key plus a per-request ownership check (ManageOwnApiKeyClusterPrivilege).
  manage_own_api_key: { allow: [API_KEY] },
  grant_api_key: { allow: ['cluster:admin/xpack/security/api_key/grant*'] },
  manage_token: { allow: ['cluster:admin/xpack/security/token/*'] },
  manage_index_templates: {
    allow: [
      'indices:admin/template/*',
      'indices:admin/index_template/*',
      'cluster:admin/component_template/*',
    ],
  },
  manage_ilm: { allow: ['cluster:admin/ilm/*'] },
  read_ilm: { allow: ['cluster:admin/ilm/get', 'cluster:admin/ilm/operation_mode/get'] },
  manage_slm: {
    allow: [
      'cluster:admin/slm/*',
      'cluster:admin/ilm/start',
      'cluster:admin/ilm/stop',
      'cluster:admin/ilm/operation_mode/get',
    ],
  },
  read_slm: {
    allow: ['cluster:admin/slm/get', 'cluster:admin/slm/status', 'cluster:admin/ilm/operation_mode/get'],
  },
  manage_pipeline: { allow: ['cluster:admin/ingest/pipeline/*'] },
  manage_ingest_pipelines: { allow: ['cluster:admin/ingest/pipeline/*'] },
  read_pipeline: { allow: ['cluster:admin/ingest/pipeline/get', 'cluster:admin/ingest/pipeline/simulate'] },
  transport_client: { allow: ['cluster:monitor/nodes/liveness', 'cluster:monitor/state'] },
  cancel_task: { allow: ['cluster:admin/tasks/cancel*'] },
  manage_enrich: { allow: ['cluster:admin/xpack/enrich/*', 'cluster:monitor/xpack/enrich/*'] },
  monitor_enrich: { allow: ['cluster:monitor/xpack/enrich/*', 'cluster:admin/xpack/enrich/get'] },
  manage_ml: { allow: ['cluster:admin/xpack/ml/*', 'cluster:monitor/xpack/ml/*'] },
  monitor_ml: { allow: ['cluster:monitor/xpack/ml/*'] },
  manage_transform: { allow: MANAGE_TRANSFORM },
  monitor_transform: { allow: MONITOR_TRANSFORM },
  // The deprecated 7.x names, same automata as manage_transform / monitor_transform.
  manage_data_frame_transforms: { allow: MANAGE_TRANSFORM },
  monitor_data_frame_transforms: { allow: MONITOR_TRANSFORM },
  manage_watcher: { allow: ['cluster:admin/xpack/watcher/*', 'cluster:monitor/xpack/watcher/*'] },
  monitor_watcher: { allow: ['cluster:monitor/xpack/watcher/*'] },
  manage_rollup: { allow: ['cluster:admin/xpack/rollup/*', 'cluster:monitor/xpack/rollup/*'] },
  monitor_rollup: { allow: ['cluster:monitor/xpack/rollup/*'] },
  manage_ccr: {
    allow: [
      'cluster:admin/xpack/ccr/*',
      'cluster:monitor/state',
      'cluster:admin/xpack/security/user/has_privileges',
    ],
  },
  read_ccr: { allow: ['cluster:monitor/state', 'cluster:admin/xpack/security/user/has_privileges'] },
  create_snapshot: {
    allow: [
      'cluster:admin/snapshot/create',
      'cluster:admin/snapshot/status*',
      'cluster:admin/snapshot/get',
      'cluster:admin/repository/get',
    ],
  },
  monitor_snapshot: {
    allow: ['cluster:admin/snapshot/status*', 'cluster:admin/snapshot/get', 'cluster:admin/repository/get'],
  },
  manage_saml: {
    allow: [
      'cluster:admin/xpack/security/saml/*',
      INVALIDATE_TOKEN,
      'cluster:admin/xpack/security/token/refresh',
      'cluster:monitor/xpack/security/saml/metadata',
    ],
  },
  manage_oidc: { allow: ['cluster:admin/xpack/security/oidc/*'] },
  manage_service_account: { allow: ['cluster:admin/xpack/security/service_account/*'] },
  manage_user_profile: { allow: ['cluster:admin/xpack/security/profile/*'] },
  manage_logstash_pipelines: { allow: ['cluster:admin/logstash/pipeline/*'] },
  manage_autoscaling: { allow: ['cluster:admin/autoscaling/*'] },
  delegate_pki: { allow: ['cluster:admin/xpack/security/delegate_pki', INVALIDATE_TOKEN] },
  manage_inference: {
    allow: [
      'cluster:admin/xpack/inference/*',
      'cluster:monitor/xpack/inference*',
      'cluster:admin/xpack/ml/trained_models/deployment/start',
      'cluster:admin/xpack/ml/trained_models/deployment/stop',
      'cluster:monitor/xpack/ml/trained_models/deployment/infer',
    ],
  },
  monitor_inference: {
    allow: ['cluster:monitor/xpack/inference*', 'cluster:monitor/xpack/ml/trained_models/deployment/infer'],
  },
  manage_connector: { allow: ['cluster:admin/xpack/connector/*'], exclude: CONNECTOR_SECRETS },
  monitor_connector: {
    allow: [
      'cluster:admin/xpack/connector/get',
      'cluster:admin/xpack/connector/list',
      'cluster:admin/xpack/connector/sync_job/get',
      'cluster:admin/xpack/connector/sync_job/list',
    ],
  },
  manage_search_application: { allow: ['cluster:admin/xpack/application/search_application/*'] },
  manage_search_synonyms: {
    allow: ['cluster:admin/synonyms/*', 'cluster:admin/synonyms_sets/*', 'cluster:admin/synonym_rules/*'],
  },
  manage_search_query_rules: { allow: ['cluster:admin/xpack/query_rules/*'] },
  manage_behavioral_analytics: { allow: ['cluster:admin/xpack/application/analytics/*'] },
  post_behavioral_analytics_event: { allow: ['cluster:admin/xpack/application/analytics/post_event'] },
  cross_cluster_search: {
    allow: [
      ...REMOTE_CLUSTER_BASE,
      // ES|QL enrich across clusters
      'cluster:monitor/xpack/enrich/esql/resolve_policy',
      'cluster:internal:data/read/esql/open_exchange',
      'cluster:internal:data/read/esql/exchange',
    ],
  },
  cross_cluster_replication: { allow: [...REMOTE_CLUSTER_BASE, 'cluster:monitor/state'] },
  read_connector_secrets: { allow: ['cluster:admin/xpack/connector/secret/get'] },
  write_connector_secrets: {
    allow: [
      'cluster:admin/xpack/connector/secret/delete',
      'cluster:admin/xpack/connector/secret/post',
      'cluster:admin/xpack/connector/secret/put',
    ],
  },
  read_fleet_secrets: { allow: ['cluster:admin/fleet/secrets/get'] },
  write_fleet_secrets: { allow: ['cluster:admin/fleet/secrets/post', 'cluster:admin/fleet/secrets/delete'] },
  monitor_text_structure: { allow: ['cluster:monitor/text_structure/*'] },
  // Newer than 8.16 (ClusterPrivilegeResolver at a 2026 mirror of elastic/elasticsearch): cluster
  // stats, its per-node and remote sub-actions by the deliberate trailing `*`; the ES|QL query
  // listing (monitor_esql is ga in 9.1 and absent from 8.19: privilege-majors.ts marks it 9.x only).
  monitor_stats: { allow: ['cluster:monitor/stats*'] },
  monitor_esql: { allow: ['cluster:monitor/xpack/esql/*'] },
  // Kept as valid names but grant nothing since 8.16 (global retention became cluster settings).
  monitor_data_stream_global_retention: { allow: [] },
  manage_data_stream_global_retention: { allow: [] },
};

/** Cluster privileges whose check also depends on the request (ownership); see §2. */
export const REQUEST_AWARE_CLUSTER_PRIVILEGES: ReadonlySet<string> = new Set(['manage_own_api_key']);
