/**
 * Issue 12, batch 3: verified rows for APIs newer than the operator-privileges Constants.java
 * that batches 1 and 2 checked names against (commit 003bea93df06626dfd46c7036abb55fff235b20f).
 *
 * Evidence rule for this file: the REST handler in the third column was read in the newest
 * stored elastic/elasticsearch source and executes the action whose NAME / TYPE (read in its
 * action class) is the second column. docs/es-facts.md ("Transport actions, batch 3") lists the
 * files read and the APIs of the batch left unverified, with the reason.
 */
import type { ApiActionRow } from './api-actions.js';

export const NEWER_ROWS: readonly ApiActionRow[] = [
  // x-pack/plugin/esql: org.elasticsearch.xpack.esql.action. The async result and stop are
  // `special` like eql.get (the async id decides whose result it is; EsqlAsyncActionNames).
  ['esql.async_query_get', 'indices:data/read/esql/async/get', 'RestEsqlGetAsyncResultAction', 'special'],
  ['esql.async_query_stop', 'indices:data/read/esql/async/stop', 'RestEsqlStopAsyncAction', 'special'],
  // one handler: `/_query/queries/{id}` sends EsqlGetQueryAction, `/_query/queries` EsqlListQueriesAction
  ['esql.get_query', 'cluster:monitor/xpack/esql/get_query', 'RestEsqlListQueriesAction'],
  ['esql.list_queries', 'cluster:monitor/xpack/esql/list_queries', 'RestEsqlListQueriesAction'],
  // modules/data-streams rest handlers over server's action.datastreams actions; the data
  // streams are the path's {name} (NAME_PARAM_BY_API)
  [
    'indices.get_data_stream_options',
    'indices:admin/data_stream/options/get',
    'RestGetDataStreamOptionsAction',
  ],
  [
    'indices.put_data_stream_options',
    'indices:admin/data_stream/options/put',
    'RestPutDataStreamOptionsAction',
  ],
  [
    'indices.delete_data_stream_options',
    'indices:admin/data_stream/options/delete',
    'RestDeleteDataStreamOptionsAction',
  ],
  [
    'indices.get_data_stream_settings',
    'indices:monitor/data_stream/settings/get',
    'RestGetDataStreamSettingsAction',
  ],
  [
    'indices.put_data_stream_settings',
    'indices:admin/data_stream/settings/update',
    'RestUpdateDataStreamSettingsAction',
  ],
  [
    'indices.get_data_stream_mappings',
    'indices:monitor/data_stream/mappings/get',
    'RestGetDataStreamMappingsAction',
  ],
  [
    'indices.put_data_stream_mappings',
    'indices:admin/data_stream/mappings/update',
    'RestUpdateDataStreamMappingsAction',
  ],
  // x-pack/plugin/migrate: the reindex status and cancel requests name the path's {index}
  [
    'indices.get_migrate_reindex_status',
    'indices:admin/data_stream/reindex_status',
    'RestGetReindexDataStreamStatusAction',
  ],
  [
    'indices.cancel_migrate_reindex',
    'indices:admin/data_stream/reindex_cancel',
    'RestCancelReindexDataStreamAction',
  ],
  // x-pack/plugin/migrate (batch 4): CreateIndexFromSourceAction.Request.indices() is the source
  // index only (NAME_PARAM_BY_API: {source}); ReindexDataStreamRequest.indices() is the body's
  // source.index (resolve-request.ts reads it)
  ['indices.create_from', 'indices:admin/index/create_from_source', 'RestCreateIndexFromSourceAction'],
  ['indices.migrate_reindex', 'indices:admin/data_stream/reindex', 'RestMigrationReindexAction'],
  // server: rest.action.admin.indices
  ['indices.remove_block', 'indices:admin/block/remove', 'RestRemoveIndexBlockAction'],
  ['indices.resolve_cluster', 'indices:admin/resolve/cluster', 'RestResolveClusterAction'],
  // modules/ingest-geoip: ingest.geoip.direct. The delete handler serves both the `geoip` and
  // the `ip_location` path with one action.
  [
    'ingest.get_geoip_database',
    'cluster:admin/ingest/geoip/database/get',
    'RestGetDatabaseConfigurationAction',
  ],
  [
    'ingest.put_geoip_database',
    'cluster:admin/ingest/geoip/database/put',
    'RestPutDatabaseConfigurationAction',
  ],
  [
    'ingest.delete_geoip_database',
    'cluster:admin/ingest/geoip/database/delete',
    'RestDeleteDatabaseConfigurationAction',
  ],
  [
    'ingest.delete_ip_location_database',
    'cluster:admin/ingest/geoip/database/delete',
    'RestDeleteDatabaseConfigurationAction',
  ],
  // batch 5: the get/put handlers serve the `ip_location` paths with the same actions as the
  // `geoip` ones (the stored handler copies predate those routes; docs/es-facts.md, batch 5)
  [
    'ingest.get_ip_location_database',
    'cluster:admin/ingest/geoip/database/get',
    'RestGetDatabaseConfigurationAction',
  ],
  [
    'ingest.put_ip_location_database',
    'cluster:admin/ingest/geoip/database/put',
    'RestPutDatabaseConfigurationAction',
  ],
  // x-pack/plugin/profiling (batch 4): a GetStackTracesRequest whose indices come from the body,
  // as for flamegraph and stacktraces
  [
    'profiling.topn_functions',
    'indices:data/read/profiling/topn/functions',
    'RestGetTopNFunctionsAction',
    'special',
  ],
  // x-pack/plugin/ml .../rest/dataframe (batch 4): the action of the body-config route; for
  // `{id}` the handler fetches the config first (REQUESTS_WITH_PARAM, authorization-rules.ts)
  [
    'ml.explain_data_frame_analytics',
    'cluster:admin/xpack/ml/data_frame/analytics/explain',
    'RestExplainDataFrameAnalyticsAction',
  ],
  [
    'ml.preview_data_frame_analytics',
    'cluster:admin/xpack/ml/data_frame/analytics/preview',
    'RestPreviewDataFrameAnalyticsAction',
  ],
  // x-pack/plugin/inference (batch 4): the newest RestStreamInferenceAction has no chat-completion
  // branch of its own; BaseInferenceAction sends InferenceActionProxy for every task type and the
  // proxy's transport action routes chat completion to UnifiedCompletionAction internally
  ['inference.chat_completion_unified', 'cluster:monitor/xpack/inference', 'RestStreamInferenceAction'],
  // x-pack/plugin/inference (batch 4): Rest{Get,Put,Delete}RegionPolicyAction on
  // /_inference/_region_policy
  [
    'inference.get_region_policy',
    'cluster:monitor/xpack/inference/region_policy/get',
    'RestGetRegionPolicyAction',
  ],
  [
    'inference.put_region_policy',
    'cluster:admin/xpack/inference/region_policy/put',
    'RestPutRegionPolicyAction',
  ],
  [
    'inference.delete_region_policy',
    'cluster:admin/xpack/inference/region_policy/delete',
    'RestDeleteRegionPolicyAction',
  ],
  // x-pack/plugin/inference
  ['inference.update', 'cluster:admin/xpack/inference/update', 'RestUpdateInferenceModelAction'],
  // server: rest.action.admin.cluster
  ['capabilities', 'cluster:monitor/nodes/capabilities', 'RestNodesCapabilitiesAction'],
  ['_internal.get_desired_balance', 'cluster:admin/desired_balance/get', 'RestGetDesiredBalanceAction'],
  // modules/reindex: reindex management (org.elasticsearch.reindex.management)
  ['cancel_reindex', 'cluster:admin/reindex/cancel', 'RestCancelReindexAction'],
  ['get_reindex', 'cluster:monitor/reindex/get', 'RestGetReindexAction'],
  ['list_reindex', 'cluster:monitor/reindex/list', 'RestListReindexAction'],
  // x-pack/plugin/ent-search: application.rules.action
  ['query_rules.put_rule', 'cluster:admin/xpack/query_rules/rule/put', 'RestPutQueryRuleAction'],
  ['query_rules.get_rule', 'cluster:admin/xpack/query_rules/rule/get', 'RestGetQueryRuleAction'],
  ['query_rules.delete_rule', 'cluster:admin/xpack/query_rules/rule/delete', 'RestDeleteQueryRuleAction'],
  ['query_rules.test', 'cluster:admin/xpack/query_rules/test', 'RestTestQueryRulesetAction'],
  // x-pack/plugin/fleet: the newest handlers route `/_fleet/secret[/{id}]`, the specification's path
  ['fleet.post_secret', 'cluster:admin/fleet/secrets/post', 'RestPostSecretsAction'],
  ['fleet.get_secret', 'cluster:admin/fleet/secrets/get', 'RestGetSecretsAction'],
  ['fleet.delete_secret', 'cluster:admin/fleet/secrets/delete', 'RestDeleteSecretsAction'],
  // streams: enable and disable send one toggle action with a flag (LogsStreamsActivationToggleAction)
  ['streams.logs_enable', 'cluster:admin/streams/logs/toggle', 'RestSetLogStreamsEnabledAction'],
  ['streams.logs_disable', 'cluster:admin/streams/logs/toggle', 'RestSetLogStreamsEnabledAction'],
  ['streams.status', 'cluster:admin/streams/status', 'RestStreamsStatusAction'],
  // x-pack/plugin/text-structure
  [
    'text_structure.find_field_structure',
    'cluster:monitor/text_structure/find_field_structure',
    'RestFindFieldStructureAction',
  ],
  [
    'text_structure.find_message_structure',
    'cluster:monitor/text_structure/find_message_structure',
    'RestFindMessageStructureAction',
  ],
  [
    'text_structure.test_grok_pattern',
    'cluster:monitor/text_structure/test_grok_pattern',
    'RestTestGrokPatternAction',
  ],
  // x-pack/plugin/security: the clone names its source key by credential; whether
  // manage_own_api_key's per-request rule covers it was not read (AUTHORIZATION_NOT_ESTABLISHED)
  [
    'security.clone_api_key',
    'cluster:admin/xpack/security/api_key/clone',
    'RestCloneApiKeyAction',
    'special',
  ],
  ['security.get_stats', 'cluster:monitor/xpack/security/stats', 'RestSecurityStatsAction'],
  // x-pack/plugin/transform
  ['transform.get_node_stats', 'cluster:admin/transform/node_stats', 'RestGetTransformNodeStatsAction'],
  ['transform.set_upgrade_mode', 'cluster:admin/transform/upgrade_mode', 'RestSetTransformUpgradeModeAction'],
  // project encryption keys
  ['encryption.reset', 'cluster:admin/encryption/reset', 'RestEncryptionResetAction'],
  // repository integrity verification (VerifyRepositoryIntegrityAction)
  [
    'snapshot.repository_verify_integrity',
    'cluster:admin/repository/verify_integrity',
    'RestRepositoryVerifyIntegrityAction',
  ],
];
