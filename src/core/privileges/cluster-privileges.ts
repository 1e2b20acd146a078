/**
 * Named cluster privileges: allowed action patterns minus excluded ones, as in Elasticsearch's
 * ClusterPrivilegeResolver. Only the privileges eskeys reasons about are exact to the source
 * Elasticsearch's security reference (docs/es-facts.md); the others carry their documented action namespace so
 * that names validate and lint can explain them.
 */
export interface ClusterPrivilegeDef {
  readonly allow: readonly string[];
  readonly exclude?: readonly string[];
}

const SECURITY = 'cluster:admin/xpack/security/*';
const API_KEY = 'cluster:admin/xpack/security/api_key/*';
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
  manage_enrich: { allow: ['cluster:admin/xpack/enrich/*'] },
  monitor_enrich: { allow: ['cluster:monitor/xpack/enrich/*', 'cluster:admin/xpack/enrich/get'] },
  manage_ml: { allow: ['cluster:admin/xpack/ml/*', 'cluster:monitor/xpack/ml/*'] },
  monitor_ml: { allow: ['cluster:monitor/xpack/ml/*'] },
  manage_transform: { allow: ['cluster:admin/transform/*', 'cluster:monitor/transform/*'] },
  monitor_transform: { allow: ['cluster:monitor/transform/*'] },
  manage_watcher: { allow: ['cluster:admin/xpack/watcher/*', 'cluster:monitor/xpack/watcher/*'] },
  monitor_watcher: { allow: ['cluster:monitor/xpack/watcher/*'] },
  manage_rollup: { allow: ['cluster:admin/xpack/rollup/*', 'cluster:monitor/xpack/rollup/*'] },
  monitor_rollup: { allow: ['cluster:monitor/xpack/rollup/*'] },
  manage_ccr: {
    allow: ['cluster:admin/xpack/ccr/*', 'cluster:monitor/state', 'cluster:monitor/nodes/hot_threads'],
  },
  read_ccr: { allow: ['cluster:monitor/state', 'cluster:monitor/xpack/ccr/*'] },
  create_snapshot: {
    allow: ['cluster:admin/snapshot/create', 'cluster:admin/snapshot/get', 'cluster:admin/snapshot/status'],
  },
  monitor_snapshot: {
    allow: ['cluster:admin/snapshot/get', 'cluster:admin/snapshot/status', 'cluster:admin/repository/get'],
  },
  manage_saml: { allow: ['cluster:admin/xpack/security/saml/*'] },
  manage_oidc: { allow: ['cluster:admin/xpack/security/oidc/*'] },
  manage_service_account: { allow: ['cluster:admin/xpack/security/service_account/*'] },
  manage_user_profile: { allow: ['cluster:admin/xpack/security/profile/*'] },
  manage_logstash_pipelines: { allow: ['cluster:admin/logstash/pipeline/*'] },
  manage_autoscaling: { allow: ['cluster:admin/autoscaling/*'] },
  delegate_pki: { allow: ['cluster:admin/xpack/security/delegate_pki'] },
  manage_inference: { allow: ['cluster:admin/xpack/inference/*', 'cluster:monitor/xpack/inference*'] },
  monitor_inference: { allow: ['cluster:monitor/xpack/inference*'] },
  manage_connector: { allow: ['cluster:admin/xpack/connector/*'] },
  monitor_connector: { allow: ['cluster:admin/xpack/connector/get', 'cluster:admin/xpack/connector/list'] },
  manage_search_application: { allow: ['cluster:admin/xpack/application/search_application/*'] },
  manage_search_synonyms: { allow: ['cluster:admin/synonyms/*'] },
  manage_search_query_rules: { allow: ['cluster:admin/xpack/query_rules/*'] },
  manage_behavioral_analytics: { allow: ['cluster:admin/xpack/application/analytics/*'] },
  post_behavioral_analytics_event: { allow: ['cluster:admin/xpack/application/analytics/post_event'] },
  cross_cluster_search: { allow: ['cluster:internal/remote_cluster/handshake*'] },
  cross_cluster_replication: {
    allow: ['cluster:internal/remote_cluster/handshake*', 'cluster:monitor/state'],
  },
  read_connector_secrets: { allow: ['cluster:admin/xpack/connector/secret/get'] },
  write_connector_secrets: {
    allow: ['cluster:admin/xpack/connector/secret/post', 'cluster:admin/xpack/connector/secret/put'],
  },
  read_fleet_secrets: { allow: ['cluster:admin/fleet/secrets/get'] },
  write_fleet_secrets: { allow: ['cluster:admin/fleet/secrets/post', 'cluster:admin/fleet/secrets/delete'] },
  monitor_text_structure: { allow: ['cluster:monitor/text_structure/*'] },
  monitor_data_stream_global_retention: { allow: ['cluster:monitor/data_stream/global_retention/*'] },
  manage_data_stream_global_retention: {
    allow: ['cluster:admin/data_stream/global_retention/*', 'cluster:monitor/data_stream/global_retention/*'],
  },
};

/** Cluster privileges whose check also depends on the request (ownership); see §2. */
export const REQUEST_AWARE_CLUSTER_PRIVILEGES: ReadonlySet<string> = new Set(['manage_own_api_key']);
