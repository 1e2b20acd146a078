/**
 * Issue 12, batch 3: connector APIs, whose transport actions differ between the majors the
 * sandbox impersonates.
 *
 * - 8.x, since elastic/elasticsearch#105289: `indices:data/{read,write}/xpack/connector/*`. The
 *   requests extend ConnectorActionRequest, an IndicesRequest whose indices() is the connector
 *   index (`ConnectorTemplateRegistry.CONNECTOR_INDEX_NAME_PATTERN`, `.elastic-connectors-v1`), so
 *   Elasticsearch authorizes them as index actions on that name, whatever the URL says.
 * - 9.x, since elastic/elasticsearch#119863: `cluster:admin/xpack/connector/*` cluster actions
 *   (manage_connector / monitor_connector).
 * - Connector secrets are `cluster:admin/xpack/connector/secret/*` on both.
 *
 * A major is filled in only where that major's action class NAME was read in the stored
 * elastic/elasticsearch source; docs/es-facts.md ("Transport actions, batch 3") lists the rest.
 */
import type { ActionScope } from './api-actions.js';

/** One major's verified action for an API. */
export interface MajorAction {
  readonly action: string;
  readonly scope: ActionScope;
  /** The names the transport request carries whatever the URL says (8.x connector requests). */
  readonly indices?: readonly string[];
}

/** [api, REST handler, the action per major]; a missing major is not verified for it. */
export type VersionedApiActionRow = readonly [
  string,
  string,
  { readonly 8?: MajorAction; readonly 9?: MajorAction },
];

/** ConnectorTemplateRegistry.CONNECTOR_INDEX_NAME_PATTERN on 8.x: `".elastic-connectors-v" + REGISTRY_VERSION` (1). */
export const CONNECTOR_INDEX_8X = '.elastic-connectors-v1';

const onConnectorIndex = (action: string): MajorAction => ({
  action: `indices:data/${action}`,
  scope: 'index',
  indices: [CONNECTOR_INDEX_8X],
});
const cluster = (action: string): MajorAction => ({
  action: `cluster:admin/xpack/connector/${action}`,
  scope: 'cluster',
});
/** The same cluster action on both majors. */
const both = (action: string) => ({ 8: cluster(action), 9: cluster(action) });

export const CONNECTOR_ROWS: readonly VersionedApiActionRow[] = [
  // x-pack/plugin/ent-search: org.elasticsearch.xpack.application.connector.action
  [
    'connector.list',
    'RestListConnectorAction',
    { 8: onConnectorIndex('read/xpack/connector/list'), 9: cluster('list') },
  ],
  ['connector.get', 'RestGetConnectorAction', { 9: cluster('get') }],
  // RestUpdateConnectorLastSeenAction serves `_check_in`
  [
    'connector.check_in',
    'RestUpdateConnectorLastSeenAction',
    { 8: onConnectorIndex('write/xpack/connector/update_last_seen') },
  ],
  [
    'connector.put',
    'RestPutConnectorAction',
    { 8: onConnectorIndex('write/xpack/connector/put'), 9: cluster('put') },
  ],
  [
    'connector.post',
    'RestPostConnectorAction',
    { 8: onConnectorIndex('write/xpack/connector/post'), 9: cluster('post') },
  ],
  [
    'connector.delete',
    'RestDeleteConnectorAction',
    { 8: onConnectorIndex('write/xpack/connector/delete'), 9: cluster('delete') },
  ],
  // RestUpdateConnectorLastSyncStatsAction serves `_last_sync`
  [
    'connector.last_sync',
    'RestUpdateConnectorLastSyncStatsAction',
    {
      8: onConnectorIndex('write/xpack/connector/update_last_sync_stats'),
      9: cluster('update_last_sync_stats'),
    },
  ],
  [
    'connector.update_filtering',
    'RestUpdateConnectorFilteringAction',
    { 8: onConnectorIndex('write/xpack/connector/update_filtering'), 9: cluster('update_filtering') },
  ],
  [
    'connector.update_index_name',
    'RestUpdateConnectorIndexNameAction',
    { 8: onConnectorIndex('write/xpack/connector/update_index_name'), 9: cluster('update_index_name') },
  ],
  [
    'connector.update_error',
    'RestUpdateConnectorErrorAction',
    { 8: onConnectorIndex('write/xpack/connector/update_error'), 9: cluster('update_error') },
  ],
  [
    'connector.update_active_filtering',
    'RestUpdateConnectorActiveFilteringAction',
    { 9: cluster('update_filtering/activate') },
  ],
  [
    'connector.update_filtering_validation',
    'RestUpdateConnectorFilteringValidationAction',
    { 9: cluster('update_filtering/draft_validation') },
  ],
  ['connector.update_api_key_id', 'RestUpdateConnectorApiKeyIdAction', { 9: cluster('update_api_key_id') }],
  [
    'connector.update_configuration',
    'RestUpdateConnectorConfigurationAction',
    { 9: cluster('update_configuration') },
  ],
  ['connector.update_features', 'RestUpdateConnectorFeaturesAction', { 9: cluster('update_features') }],
  ['connector.update_name', 'RestUpdateConnectorNameAction', { 9: cluster('update_name') }],
  ['connector.update_native', 'RestUpdateConnectorNativeAction', { 9: cluster('update_native') }],
  ['connector.update_pipeline', 'RestUpdateConnectorPipelineAction', { 9: cluster('update_pipeline') }],
  ['connector.update_scheduling', 'RestUpdateConnectorSchedulingAction', { 9: cluster('update_scheduling') }],
  ['connector.update_status', 'RestUpdateConnectorStatusAction', { 9: cluster('update_status') }],
  // batch 4: UpdateConnectorServiceTypeAction.NAME in its stored (cluster-action era) copy
  [
    'connector.update_service_type',
    'RestUpdateConnectorServiceTypeAction',
    { 9: cluster('update_service_type') },
  ],
  // org.elasticsearch.xpack.application.connector.syncjob.action
  ['connector.sync_job_get', 'RestGetConnectorSyncJobAction', { 9: cluster('sync_job/get') }],
  ['connector.sync_job_list', 'RestListConnectorSyncJobsAction', { 9: cluster('sync_job/list') }],
  ['connector.sync_job_post', 'RestPostConnectorSyncJobAction', { 9: cluster('sync_job/post') }],
  ['connector.sync_job_delete', 'RestDeleteConnectorSyncJobAction', { 9: cluster('sync_job/delete') }],
  ['connector.sync_job_cancel', 'RestCancelConnectorSyncJobAction', { 9: cluster('sync_job/cancel') }],
  ['connector.sync_job_check_in', 'RestCheckInConnectorSyncJobAction', { 9: cluster('sync_job/check_in') }],
  ['connector.sync_job_claim', 'RestClaimConnectorSyncJobAction', { 9: cluster('sync_job/claim') }],
  [
    'connector.sync_job_error',
    'RestUpdateConnectorSyncJobErrorAction',
    { 9: cluster('sync_job/update_error') },
  ],
  [
    'connector.sync_job_update_stats',
    'RestUpdateConnectorSyncJobIngestionStatsAction',
    { 9: cluster('sync_job/update_stats') },
  ],
  // org.elasticsearch.xpack.application.connector.secrets.action: not ConnectorActionRequests, so
  // the same cluster actions on both majors (read_connector_secrets / write_connector_secrets)
  ['connector.secret_get', 'RestGetConnectorSecretAction', both('secret/get')],
  ['connector.secret_post', 'RestPostConnectorSecretAction', both('secret/post')],
  ['connector.secret_put', 'RestPutConnectorSecretAction', both('secret/put')],
  ['connector.secret_delete', 'RestDeleteConnectorSecretAction', both('secret/delete')],
];
