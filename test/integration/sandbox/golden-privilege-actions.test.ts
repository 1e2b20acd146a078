import { errors } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOLDEN_PRIVILEGE_ACTIONS, type PrivilegeKind } from '../../fixtures/golden-privilege-actions.js';
import { type Json, startTestCluster, type TestCluster } from './helpers.js';

// A sample of the golden privilege → action table, checked end to end: an API key whose role
// holds only the privilege (index privileges on golden-*) calls the REST API that runs the
// action. A denial must be a 403 naming that action; a grant must not be a 403 (the call may
// still fail for other reasons, e.g. 404 or the sandbox's not-emulated 400).

interface Req {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: Record<string, unknown>;
}

// Action → a request whose REST handler runs it, written out by hand (REST handler in the comment).
const REQUEST_FOR: Readonly<Record<string, Req>> = {
  // RestSearchAction
  'indices:data/read/search': { method: 'GET', path: '/golden-1/_search' },
  // RestGetMappingAction
  'indices:admin/mappings/get': { method: 'GET', path: '/golden-1/_mapping' },
  // RestPutMappingAction
  'indices:admin/mapping/put': {
    method: 'PUT',
    path: '/golden-1/_mapping',
    body: { properties: { tag: { type: 'keyword' } } },
  },
  // RestClusterSearchShardsAction
  'indices:admin/shards/search_shards': { method: 'GET', path: '/golden-1/_search_shards' },
  // RestIndexAction.CreateHandler (PUT /{index}/_create/{id}: op_type create, which create_doc allows
  // at the shard level too; a second call answers 409)
  'indices:data/write/index': { method: 'PUT', path: '/golden-1/_create/written', body: { n: 1 } },
  // RestUpdateAction
  'indices:data/write/update': { method: 'POST', path: '/golden-1/_update/1', body: { doc: { n: 2 } } },
  // RestDeleteAction (the document does not exist: a granted delete answers 404)
  'indices:data/write/delete': { method: 'DELETE', path: '/golden-1/_doc/absent' },
  // RestIndicesStatsAction
  'indices:monitor/stats': { method: 'GET', path: '/golden-1/_stats' },
  // RestCreateIndexAction
  'indices:admin/create': { method: 'PUT', path: '/golden-created' },
  // RestDeleteIndexAction (the index does not exist: a granted delete answers 404)
  'indices:admin/delete': { method: 'DELETE', path: '/golden-absent' },
  // RestRolloverIndexAction (golden-1 is no alias: a granted rollover answers 400)
  'indices:admin/rollover': { method: 'POST', path: '/golden-1/_rollover' },
  // RestCloseIndexAction
  'indices:admin/close': { method: 'POST', path: '/golden-1/_close' },
  // RestExplainLifecycleAction
  'indices:admin/ilm/explain': { method: 'GET', path: '/golden-1/_ilm/explain' },
  // RestUpdateSettingsAction
  'indices:admin/settings/update': {
    method: 'PUT',
    path: '/golden-1/_settings',
    body: { index: { number_of_replicas: 0 } },
  },
  // RestGetDataStreamsAction
  'indices:admin/data_stream/get': { method: 'GET', path: '/_data_stream/golden-1' },
  // RestRefreshAction
  'indices:admin/refresh': { method: 'POST', path: '/golden-1/_refresh' },
  // RestClusterHealthAction
  'cluster:monitor/health': { method: 'GET', path: '/_cluster/health' },
  // RestClusterStateAction
  'cluster:monitor/state': { method: 'GET', path: '/_cluster/state' },
  // RestNodesHotThreadsAction
  'cluster:monitor/nodes/hot_threads': { method: 'GET', path: '/_nodes/hot_threads' },
  // RestListTasksAction
  'cluster:monitor/tasks/lists': { method: 'GET', path: '/_tasks' },
  // RestCancelTasksAction
  'cluster:admin/tasks/cancel': { method: 'POST', path: '/_tasks/_cancel' },
  // RestClusterUpdateSettingsAction
  // (an empty update fails validation, which runs before authorization)
  'cluster:admin/settings/update': {
    method: 'PUT',
    path: '/_cluster/settings',
    body: { persistent: { 'action.destructive_requires_name': true } },
  },
  // RestXPackInfoAction
  'cluster:monitor/xpack/info': { method: 'GET', path: '/_xpack' },
  // RestCreateApiKeyAction
  'cluster:admin/xpack/security/api_key/create': {
    method: 'POST',
    path: '/_security/api_key',
    body: { name: 'golden-derived' },
  },
  // RestGetApiKeyAction
  'cluster:admin/xpack/security/api_key/get': { method: 'GET', path: '/_security/api_key' },
  // RestGrantApiKeyAction
  'cluster:admin/xpack/security/api_key/grant': {
    method: 'POST',
    path: '/_security/api_key/grant',
    body: { grant_type: 'password', username: 'nobody', password: 'wrong-password', api_key: { name: 'g' } },
  },
  // RestGetUsersAction
  'cluster:admin/xpack/security/user/get': { method: 'GET', path: '/_security/user' },
  // RestPutRoleAction
  'cluster:admin/xpack/security/role/put': { method: 'PUT', path: '/_security/role/golden-role', body: {} },
  // RestGetServiceAccountAction
  'cluster:admin/xpack/security/service_account/get': { method: 'GET', path: '/_security/service' },
  // RestGetProfilesAction
  'cluster:admin/xpack/security/profile/get': { method: 'GET', path: '/_security/profile/u_golden' },
  // RestPutComposableIndexTemplateAction
  'indices:admin/index_template/put': {
    method: 'PUT',
    path: '/_index_template/golden-template',
    body: { index_patterns: ['golden-template-*'] },
  },
  // RestGetLifecycleAction
  'cluster:admin/ilm/get': { method: 'GET', path: '/_ilm/policy' },
  // RestPutLifecycleAction
  'cluster:admin/ilm/put': {
    method: 'PUT',
    path: '/_ilm/policy/golden-policy',
    body: { policy: { phases: {} } },
  },
  // RestGetSnapshotLifecycleAction
  'cluster:admin/slm/get': { method: 'GET', path: '/_slm/policy' },
  // RestGetSLMStatusAction
  'cluster:admin/slm/status': { method: 'GET', path: '/_slm/status' },
  // RestGetSnapshotLifecycleStatsAction
  'cluster:admin/slm/stats': { method: 'GET', path: '/_slm/stats' },
  // RestGetPipelineAction
  'cluster:admin/ingest/pipeline/get': { method: 'GET', path: '/_ingest/pipeline' },
  // RestPutPipelineAction
  'cluster:admin/ingest/pipeline/put': {
    method: 'PUT',
    path: '/_ingest/pipeline/golden-pipeline',
    body: { processors: [] },
  },
  // GrokProcessorGetAction.RestAction
  'cluster:admin/ingest/processor/grok/get': { method: 'GET', path: '/_ingest/processor/grok' },
  // RestEnrichStatsAction
  'cluster:monitor/xpack/enrich/stats': { method: 'GET', path: '/_enrich/_stats' },
  // RestGetEnrichPolicyAction
  'cluster:admin/xpack/enrich/get': { method: 'GET', path: '/_enrich/policy' },
  // RestPutEnrichPolicyAction
  'cluster:admin/xpack/enrich/put': {
    method: 'PUT',
    path: '/_enrich/policy/golden-enrich',
    body: { match: { indices: 'golden-1', match_field: 'n', enrich_fields: ['tag'] } },
  },
  // RestGetJobsAction
  'cluster:monitor/xpack/ml/job/get': { method: 'GET', path: '/_ml/anomaly_detectors' },
  // RestMlInfoAction
  'cluster:monitor/xpack/ml/info/get': { method: 'GET', path: '/_ml/info' },
  // RestGetTransformAction
  'cluster:monitor/transform/get': { method: 'GET', path: '/_transform' },
  // RestPutTransformAction
  'cluster:admin/transform/put': {
    method: 'PUT',
    path: '/_transform/golden-transform',
    body: { source: { index: 'golden-1' }, dest: { index: 'golden-dest' }, pivot: {} },
  },
  // RestWatcherStatsAction
  'cluster:monitor/xpack/watcher/stats/dist': { method: 'GET', path: '/_watcher/stats' },
  // RestPutWatchAction
  'cluster:admin/xpack/watcher/watch/put': { method: 'PUT', path: '/_watcher/watch/golden-watch', body: {} },
  // RestGetRepositoriesAction
  'cluster:admin/repository/get': { method: 'GET', path: '/_snapshot' },
  // RestCreateSnapshotAction
  'cluster:admin/snapshot/create': { method: 'PUT', path: '/_snapshot/golden-repo/golden-snap' },
  // RestDeleteSnapshotAction
  'cluster:admin/snapshot/delete': { method: 'DELETE', path: '/_snapshot/golden-repo/golden-snap' },
  // RestGetPipelineAction (logstash)
  'cluster:admin/logstash/pipeline/get': { method: 'GET', path: '/_logstash/pipeline' },
  // RestGetInferenceModelAction
  'cluster:admin/xpack/inference/get': { method: 'GET', path: '/_inference' },
  // RestListQueryRulesetsAction
  'cluster:admin/xpack/query_rules/list': { method: 'GET', path: '/_query_rules' },
  // RestPutQueryRulesetAction
  'cluster:admin/xpack/query_rules/put': {
    method: 'PUT',
    path: '/_query_rules/golden-rules',
    body: { rules: [] },
  },
  // RestGetSynonymsSetsAction
  'cluster:admin/synonyms_sets/get': { method: 'GET', path: '/_synonyms' },
  // RestPutSynonymsAction
  'cluster:admin/synonyms/put': {
    method: 'PUT',
    path: '/_synonyms/golden-synonyms',
    body: { synonyms_set: [] },
  },
};

// [kind, privilege, an action it grants or null, an action it does not grant]: each pair is a row
// of the golden table (asserted below), chosen among actions the sandbox routes to a verified API.
const SAMPLE: readonly (readonly [PrivilegeKind, string, string | null, string])[] = [
  ['index', 'none', null, 'indices:data/read/search'],
  ['index', 'all', 'indices:data/read/search', 'cluster:monitor/health'],
  ['index', 'read', 'indices:data/read/search', 'indices:admin/mappings/get'],
  ['index', 'read_cross_cluster', 'indices:admin/shards/search_shards', 'indices:data/read/search'],
  ['index', 'create', 'indices:data/write/index', 'indices:data/write/update'],
  ['index', 'create_doc', 'indices:data/write/index', 'indices:data/write/update'],
  ['index', 'index', 'indices:data/write/update', 'indices:data/write/delete'],
  ['index', 'delete', 'indices:data/write/delete', 'indices:data/write/index'],
  ['index', 'write', 'indices:data/write/delete', 'indices:admin/create'],
  ['index', 'monitor', 'indices:monitor/stats', 'indices:admin/mappings/get'],
  ['index', 'manage', 'indices:admin/mappings/get', 'indices:data/read/search'],
  ['index', 'create_index', 'indices:admin/create', 'indices:admin/delete'],
  ['index', 'delete_index', 'indices:admin/delete', 'indices:admin/create'],
  ['index', 'view_index_metadata', 'indices:admin/mappings/get', 'indices:admin/mapping/put'],
  ['index', 'manage_follow_index', 'indices:admin/rollover', 'indices:admin/create'],
  ['index', 'manage_leader_index', null, 'indices:admin/close'],
  ['index', 'manage_ilm', 'indices:admin/ilm/explain', 'indices:admin/settings/update'],
  ['index', 'manage_data_stream_lifecycle', null, 'indices:admin/data_stream/get'],
  ['index', 'maintenance', 'indices:admin/refresh', 'indices:monitor/stats'],
  ['index', 'auto_configure', null, 'indices:admin/create'],
  ['index', 'cross_cluster_replication', 'indices:monitor/stats', 'indices:data/read/search'],
  ['index', 'cross_cluster_replication_internal', null, 'indices:monitor/stats'],
  ['index', 'read_failure_store', null, 'indices:data/read/search'],
  ['index', 'manage_failure_store', null, 'indices:admin/mappings/get'],
  ['cluster', 'none', null, 'cluster:monitor/health'],
  ['cluster', 'all', 'cluster:admin/xpack/security/api_key/create', 'indices:data/read/search'],
  ['cluster', 'monitor', 'cluster:monitor/health', 'cluster:admin/settings/update'],
  ['cluster', 'manage', 'cluster:monitor/health', 'cluster:admin/xpack/security/api_key/create'],
  ['cluster', 'manage_security', 'cluster:admin/xpack/security/api_key/create', 'cluster:monitor/health'],
  [
    'cluster',
    'read_security',
    'cluster:admin/xpack/security/user/get',
    'cluster:admin/xpack/security/role/put',
  ],
  [
    'cluster',
    'manage_api_key',
    'cluster:admin/xpack/security/api_key/get',
    'cluster:admin/xpack/security/user/get',
  ],
  [
    'cluster',
    'manage_own_api_key',
    'cluster:admin/xpack/security/api_key/create',
    'cluster:admin/xpack/security/user/get',
  ],
  [
    'cluster',
    'grant_api_key',
    'cluster:admin/xpack/security/api_key/grant',
    'cluster:admin/xpack/security/api_key/create',
  ],
  // The token APIs are authorized by their handlers in Elasticsearch and not emulated here, so
  // these privileges are sampled through an action they do not grant.
  ['cluster', 'manage_token', null, 'cluster:admin/xpack/security/api_key/create'],
  ['cluster', 'manage_saml', null, 'cluster:admin/xpack/security/api_key/create'],
  ['cluster', 'manage_oidc', null, 'cluster:admin/xpack/security/api_key/create'],
  ['cluster', 'delegate_pki', null, 'cluster:admin/xpack/security/api_key/create'],
  [
    'cluster',
    'manage_service_account',
    'cluster:admin/xpack/security/service_account/get',
    'cluster:admin/xpack/security/api_key/create',
  ],
  [
    'cluster',
    'manage_user_profile',
    'cluster:admin/xpack/security/profile/get',
    'cluster:admin/xpack/security/user/get',
  ],
  ['cluster', 'manage_index_templates', 'indices:admin/index_template/put', 'cluster:monitor/health'],
  ['cluster', 'manage_ilm', 'cluster:admin/ilm/get', 'cluster:admin/slm/get'],
  ['cluster', 'read_ilm', 'cluster:admin/ilm/get', 'cluster:admin/ilm/put'],
  ['cluster', 'manage_slm', 'cluster:admin/slm/get', 'cluster:admin/ilm/get'],
  ['cluster', 'read_slm', 'cluster:admin/slm/status', 'cluster:admin/slm/stats'],
  [
    'cluster',
    'manage_pipeline',
    'cluster:admin/ingest/pipeline/get',
    'cluster:admin/ingest/processor/grok/get',
  ],
  [
    'cluster',
    'manage_ingest_pipelines',
    'cluster:admin/ingest/pipeline/get',
    'cluster:admin/ingest/processor/grok/get',
  ],
  ['cluster', 'read_pipeline', 'cluster:admin/ingest/pipeline/get', 'cluster:admin/ingest/pipeline/put'],
  ['cluster', 'transport_client', 'cluster:monitor/state', 'cluster:monitor/health'],
  ['cluster', 'cancel_task', 'cluster:admin/tasks/cancel', 'cluster:monitor/tasks/lists'],
  ['cluster', 'manage_enrich', 'cluster:monitor/xpack/enrich/stats', 'cluster:admin/ingest/pipeline/put'],
  ['cluster', 'monitor_enrich', 'cluster:admin/xpack/enrich/get', 'cluster:admin/xpack/enrich/put'],
  ['cluster', 'manage_ml', 'cluster:monitor/xpack/ml/job/get', 'cluster:admin/transform/put'],
  ['cluster', 'monitor_ml', 'cluster:monitor/xpack/ml/info/get', 'cluster:monitor/health'],
  ['cluster', 'manage_transform', 'cluster:monitor/transform/get', 'cluster:monitor/health'],
  ['cluster', 'manage_data_frame_transforms', 'cluster:monitor/transform/get', 'cluster:monitor/health'],
  ['cluster', 'monitor_transform', 'cluster:monitor/transform/get', 'cluster:admin/transform/put'],
  [
    'cluster',
    'monitor_data_frame_transforms',
    'cluster:monitor/transform/get',
    'cluster:admin/transform/put',
  ],
  ['cluster', 'manage_watcher', 'cluster:monitor/xpack/watcher/stats/dist', 'cluster:monitor/health'],
  [
    'cluster',
    'monitor_watcher',
    'cluster:monitor/xpack/watcher/stats/dist',
    'cluster:admin/xpack/watcher/watch/put',
  ],
  ['cluster', 'manage_rollup', null, 'cluster:monitor/health'],
  ['cluster', 'monitor_rollup', null, 'cluster:monitor/health'],
  ['cluster', 'manage_ccr', 'cluster:monitor/state', 'cluster:monitor/nodes/hot_threads'],
  ['cluster', 'read_ccr', 'cluster:monitor/state', 'cluster:monitor/health'],
  ['cluster', 'create_snapshot', 'cluster:admin/repository/get', 'cluster:admin/snapshot/delete'],
  ['cluster', 'monitor_snapshot', 'cluster:admin/repository/get', 'cluster:admin/snapshot/create'],
  [
    'cluster',
    'manage_logstash_pipelines',
    'cluster:admin/logstash/pipeline/get',
    'cluster:admin/ingest/pipeline/put',
  ],
  ['cluster', 'manage_autoscaling', null, 'cluster:admin/settings/update'],
  ['cluster', 'manage_inference', 'cluster:admin/xpack/inference/get', 'cluster:monitor/health'],
  ['cluster', 'monitor_inference', null, 'cluster:admin/xpack/inference/get'],
  [
    'cluster',
    'manage_search_query_rules',
    'cluster:admin/xpack/query_rules/list',
    'cluster:admin/synonyms/put',
  ],
  [
    'cluster',
    'manage_search_synonyms',
    'cluster:admin/synonyms_sets/get',
    'cluster:admin/xpack/query_rules/put',
  ],
  ['cluster', 'monitor_text_structure', null, 'cluster:monitor/health'],
  ['cluster', 'cross_cluster_search', 'cluster:monitor/xpack/info', 'cluster:monitor/state'],
  ['cluster', 'cross_cluster_replication', 'cluster:monitor/state', 'cluster:monitor/health'],
  ['cluster', 'monitor_data_stream_global_retention', null, 'cluster:monitor/health'],
  ['cluster', 'manage_data_stream_global_retention', null, 'cluster:admin/settings/update'],
];

const keyName = (kind: PrivilegeKind, privilege: string) => `${kind}:${privilege}`;

let tc: TestCluster;
const keys = new Map<string, { id: string; client: TestCluster['admin'] }>();

beforeAll(async () => {
  tc = await startTestCluster();
  await tc.admin.index({ index: 'golden-1', id: '1', document: { n: 1 }, refresh: true });
  const created = await Promise.all(
    SAMPLE.map(async ([kind, privilege]) => {
      const role =
        kind === 'index'
          ? { indices: [{ names: ['golden-*'], privileges: [privilege] }] }
          : { cluster: [privilege] };
      return [keyName(kind, privilege), await tc.apiKey(role)] as const;
    }),
  );
  for (const [k, key] of created) keys.set(k, key);
});
afterAll(() => tc.close());

/** Sends the request for `action` with the key; status and error body (200 when it succeeded). */
async function call(
  client: TestCluster['admin'],
  action: string,
): Promise<{ status: number; reason: string | undefined }> {
  const req = REQUEST_FOR[action];
  if (!req) throw new Error(`no literal request for ${action}`);
  try {
    await client.transport.request({
      method: req.method,
      path: req.path,
      ...(req.body ? { body: req.body } : {}),
    });
    return { status: 200, reason: undefined };
  } catch (e) {
    if (e instanceof errors.ResponseError) {
      return { status: e.meta.statusCode ?? 0, reason: (e.meta.body as Json)?.error?.reason };
    }
    throw e;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('the sample is drawn from the golden table', () => {
  it.each(SAMPLE.map((s) => [s[0], s[1], s] as const))('%s %s', (_k, _p, [kind, privilege, grant, deny]) => {
    const row = (action: string) =>
      GOLDEN_PRIVILEGE_ACTIONS.find(
        (r) => r.kind === kind && r.privilege === privilege && r.action === action,
      );
    if (grant) expect(row(grant)?.granted).toBe(true);
    expect(row(deny)?.granted).toBe(false);
  });
});

describe('golden privilege facts through the sandbox over HTTP', () => {
  it.each(
    SAMPLE.filter((s) => s[2] !== null).map(([kind, privilege, grant]) => [kind, privilege, grant!] as const),
  )('%s privilege %s grants %s: not refused', async (kind, privilege, action) => {
    const key = keys.get(keyName(kind, privilege))!;
    const res = await call(key.client, action);
    expect(res.status, res.reason).not.toBe(403);
  });

  it.each(SAMPLE.map(([kind, privilege, , deny]) => [kind, privilege, deny] as const))(
    '%s privilege %s does not grant %s: 403 naming it',
    async (kind, privilege, action) => {
      const key = keys.get(keyName(kind, privilege))!;
      const res = await call(key.client, action);
      expect(res.status, res.reason).toBe(403);
      expect(res.reason).toMatch(
        new RegExp(`^action \\[${escapeRegExp(action)}\\] is unauthorized for API key id \\[${key.id}\\]`),
      );
    },
  );
});
