/**
 * REST API (rest-api-spec name) → the transport action Elasticsearch authorizes for it.
 *
 * Evidence for each row: the REST handler class named in the third column executes the transport
 * action whose NAME is the second column, and every name here is listed in Elasticsearch's
 * x-pack/plugin/security/qa/operator-privileges-tests/.../operator/Constants.java (the list of
 * every registered transport action). docs/es-facts.md ("Request resolver") records this.
 * APIs absent from this table have no verified action yet: the resolver answers `undefined`.
 */

import { SUPPORTED_MAJORS } from '../privileges/privilege-majors.js';
import { CONNECTOR_ROWS, type MajorAction } from './api-actions-connectors.js';
import { ML_AND_PLATFORM_ROWS } from './api-actions-ml-and-platform.js';
import { NEWER_ROWS } from './api-actions-newer.js';
import { SEARCH_AND_SECURITY_ROWS } from './api-actions-search-and-security.js';

/** How Elasticsearch authorizes the action. */
export type ActionScope =
  /** A cluster privilege must grant it. */
  | 'cluster'
  /** An index privilege must grant it on the names the request carries (an IndicesRequest). */
  | 'index'
  /**
   * Neither rule alone: actions RBACEngine authorizes by name only or without privileges (scroll,
   * cursors, PITs, async results, reindex, SQL; authorization-rules.ts), and security APIs whose
   * rule is per object (ownership, self service), checked by their sandbox handler.
   */
  | 'special';

/** One verified row of the table. */
export interface ApiAction {
  readonly action: string;
  readonly scope: ActionScope;
  /** The Elasticsearch REST handler that issues the action. */
  readonly restHandler: string;
  /**
   * The index names the transport request carries whatever the URL says (the 8.x connector
   * requests name the connector index); undefined: the names come from the request.
   */
  readonly indices?: readonly string[];
}

/**
 * [api, action, REST handler, scope override]. Scope defaults to `cluster` for `cluster:` names
 * and `index` for `indices:` names; template actions are cluster-scoped (not IndicesRequests).
 * Batches verified later live in their own files (api-actions-*.ts) with the same row shape;
 * APIs whose action differs between majors (connectors) have per-major rows
 * (api-actions-connectors.ts).
 */
export type ApiActionRow = readonly [string, string, string, ActionScope?];

const ROWS: readonly ApiActionRow[] = [
  ...ML_AND_PLATFORM_ROWS,
  ...SEARCH_AND_SECURITY_ROWS,
  ...NEWER_ROWS,
  // _cat handlers (org.elasticsearch.rest.action.cat and the x-pack ML / transform cat handlers).
  // Those that send several transport requests have their first one here; the whole sequence,
  // authorized in order, is CAT_REQUESTS in authorization-rules.ts (cat.help sends none).
  ['cat.health', 'cluster:monitor/health', 'cat.RestHealthAction (ClusterHealthRequest)'],
  ['cat.master', 'cluster:monitor/state', 'cat.RestMasterAction (ClusterStateRequest)'],
  ['cat.count', 'indices:data/read/search', 'cat.RestCountAction (SearchRequest)'],
  [
    'cat.pending_tasks',
    'cluster:monitor/task',
    'cat.RestPendingClusterTasksAction (PendingClusterTasksRequest)',
  ],
  ['cat.aliases', 'indices:admin/aliases/get', 'cat.RestAliasAction (GetAliasesRequest)'],
  ['cat.repositories', 'cluster:admin/repository/get', 'cat.RestRepositoriesAction (GetRepositoriesRequest)'],
  ['cat.fielddata', 'cluster:monitor/nodes/stats', 'cat.RestFielddataAction (NodesStatsRequest)'],
  ['cat.tasks', 'cluster:monitor/tasks/lists', 'cat.RestTasksAction (ListTasksRequest)'],
  ['cat.recovery', 'indices:monitor/recovery', 'cat.RestCatRecoveryAction (RecoveryRequest)'],
  [
    'cat.component_templates',
    'cluster:monitor/state',
    'cat.RestCatComponentTemplateAction (ClusterStateRequest)',
  ],
  ['cat.snapshots', 'cluster:admin/snapshot/get', 'cat.RestSnapshotAction (GetSnapshotsRequest)'],
  [
    'cat.circuit_breaker',
    'cluster:monitor/nodes/stats',
    'cat.RestCatCircuitBreakerAction (NodesStatsRequest)',
  ],
  ['cat.ml_jobs', 'cluster:monitor/xpack/ml/job/stats/get', 'RestCatJobsAction (GetJobsStatsAction)'],
  [
    'cat.ml_datafeeds',
    'cluster:monitor/xpack/ml/datafeeds/stats/get',
    'RestCatDatafeedsAction (GetDatafeedsStatsAction)',
  ],
  ['cat.indices', 'indices:monitor/settings/get', 'cat.RestIndicesAction (GetSettingsRequest, then 3 more)'],
  ['cat.shards', 'indices:monitor/stats', 'cat.RestShardsAction (IndicesStatsRequest, ClusterStateRequest)'],
  ['cat.nodes', 'cluster:monitor/state', 'cat.RestNodesAction (ClusterStateRequest, then nodes info, stats)'],
  [
    'cat.allocation',
    'cluster:monitor/state',
    'cat.RestAllocationAction (ClusterStateRequest, then nodes stats)',
  ],
  ['cat.segments', 'cluster:monitor/state', 'cat.RestSegmentsAction (ClusterStateRequest, then segments)'],
  [
    'cat.thread_pool',
    'cluster:monitor/state',
    'cat.RestThreadPoolAction (ClusterStateRequest, then nodes info, stats)',
  ],
  [
    'cat.nodeattrs',
    'cluster:monitor/state',
    'cat.RestNodeAttrsAction (ClusterStateRequest, then nodes info)',
  ],
  ['cat.plugins', 'cluster:monitor/state', 'cat.RestPluginsAction (ClusterStateRequest, then nodes info)'],
  [
    'cat.templates',
    'indices:admin/template/get',
    'cat.RestTemplatesAction (GetIndexTemplatesRequest, then composable templates)',
    'cluster',
  ],
  [
    'cat.ml_data_frame_analytics',
    'cluster:monitor/xpack/ml/data_frame/analytics/get',
    'RestCatDataFrameAnalyticsAction (GetDataFrameAnalyticsAction, then stats)',
  ],
  [
    'cat.ml_trained_models',
    'cluster:monitor/xpack/ml/inference/get',
    'RestCatTrainedModelsAction (GetTrainedModelsAction, then stats, data frame analytics)',
  ],
  [
    'cat.transforms',
    'cluster:monitor/transform/get',
    'RestCatTransformAction (GetTransformAction, then stats)',
  ],
  // cluster, nodes, tasks
  ['info', 'cluster:monitor/main', 'RestMainAction'],
  ['ping', 'cluster:monitor/main', 'RestMainAction'],
  ['cluster.health', 'cluster:monitor/health', 'RestClusterHealthAction'],
  ['cluster.state', 'cluster:monitor/state', 'RestClusterStateAction'],
  ['cluster.stats', 'cluster:monitor/stats', 'RestClusterStatsAction'],
  ['cluster.get_settings', 'cluster:monitor/settings', 'RestClusterGetSettingsAction'],
  ['cluster.put_settings', 'cluster:admin/settings/update', 'RestClusterUpdateSettingsAction'],
  ['cluster.reroute', 'cluster:admin/reroute', 'RestClusterRerouteAction'],
  ['cluster.allocation_explain', 'cluster:monitor/allocation/explain', 'RestClusterAllocationExplainAction'],
  ['cluster.remote_info', 'cluster:monitor/remote/info', 'RestRemoteClusterInfoAction'],
  ['cluster.pending_tasks', 'cluster:monitor/task', 'RestPendingClusterTasksAction'],
  [
    'cluster.put_component_template',
    'cluster:admin/component_template/put',
    'RestPutComponentTemplateAction',
  ],
  [
    'cluster.get_component_template',
    'cluster:admin/component_template/get',
    'RestGetComponentTemplateAction',
  ],
  [
    'cluster.exists_component_template',
    'cluster:admin/component_template/get',
    'RestGetComponentTemplateAction',
  ],
  [
    'cluster.delete_component_template',
    'cluster:admin/component_template/delete',
    'RestDeleteComponentTemplateAction',
  ],
  ['nodes.info', 'cluster:monitor/nodes/info', 'RestNodesInfoAction'],
  ['nodes.stats', 'cluster:monitor/nodes/stats', 'RestNodesStatsAction'],
  ['nodes.hot_threads', 'cluster:monitor/nodes/hot_threads', 'RestNodesHotThreadsAction'],
  ['nodes.usage', 'cluster:monitor/nodes/usage', 'RestNodesUsageAction'],
  [
    'nodes.reload_secure_settings',
    'cluster:admin/nodes/reload_secure_settings',
    'RestReloadSecureSettingsAction',
  ],
  ['tasks.list', 'cluster:monitor/tasks/lists', 'RestListTasksAction'],
  ['tasks.get', 'cluster:monitor/task/get', 'RestGetTaskAction'],
  ['tasks.cancel', 'cluster:admin/tasks/cancel', 'RestCancelTasksAction'],
  ['health_report', 'cluster:monitor/health_api', 'RestGetHealthAction'],
  ['features.get_features', 'cluster:admin/features/get', 'RestGetFeaturesAction'],
  ['features.reset_features', 'cluster:admin/features/reset', 'RestResetFeatureStateAction'],
  // license and x-pack
  ['license.get', 'cluster:monitor/xpack/license/get', 'RestGetLicenseAction'],
  // part R2: names read from the action classes (PutLicenseAction.NAME, DeleteLicenseAction.NAME)
  ['license.post', 'cluster:admin/xpack/license/put', 'RestPutLicenseAction'],
  ['license.delete', 'cluster:admin/xpack/license/delete', 'RestDeleteLicenseAction'],
  ['ssl.certificates', 'cluster:monitor/xpack/ssl/certificates/get', 'RestGetCertificateInfoAction'],
  ['ml.get_jobs', 'cluster:monitor/xpack/ml/job/get', 'RestGetJobsAction'],
  ['ml.get_job_stats', 'cluster:monitor/xpack/ml/job/stats/get', 'RestGetJobStatsAction'],
  ['ml.get_datafeeds', 'cluster:monitor/xpack/ml/datafeeds/get', 'RestGetDatafeedsAction'],
  ['ml.get_datafeed_stats', 'cluster:monitor/xpack/ml/datafeeds/stats/get', 'RestGetDatafeedStatsAction'],
  ['ml.info', 'cluster:monitor/xpack/ml/info/get', 'RestMlInfoAction'],
  // operator-only actions when operator privileges are enabled (not modelled by the sandbox)
  ['shutdown.get_node', 'cluster:admin/shutdown/get', 'RestGetShutdownStatusAction'],
  ['shutdown.put_node', 'cluster:admin/shutdown/create', 'RestPutShutdownNodeAction'],
  ['shutdown.delete_node', 'cluster:admin/shutdown/delete', 'RestDeleteShutdownNodeAction'],
  ['license.get_basic_status', 'cluster:admin/xpack/license/basic_status', 'RestGetBasicStatus'],
  ['license.get_trial_status', 'cluster:admin/xpack/license/trial_status', 'RestGetTrialStatus'],
  ['license.post_start_basic', 'cluster:admin/xpack/license/start_basic', 'RestPostStartBasicLicense'],
  ['license.post_start_trial', 'cluster:admin/xpack/license/start_trial', 'RestPostStartTrialLicense'],
  ['xpack.info', 'cluster:monitor/xpack/info', 'RestXPackInfoAction'],
  ['xpack.usage', 'cluster:monitor/xpack/usage', 'RestXPackUsageAction'],
  ['migration.deprecations', 'cluster:admin/xpack/deprecation/info', 'RestDeprecationInfoAction'],
  // ILM, SLM, ingest, scripts, snapshots
  ['ilm.put_lifecycle', 'cluster:admin/ilm/put', 'RestPutLifecycleAction'],
  ['ilm.get_lifecycle', 'cluster:admin/ilm/get', 'RestGetLifecycleAction'],
  ['ilm.delete_lifecycle', 'cluster:admin/ilm/delete', 'RestDeleteLifecycleAction'],
  ['ilm.get_status', 'cluster:admin/ilm/operation_mode/get', 'RestGetStatusAction'],
  ['ilm.start', 'cluster:admin/ilm/start', 'RestStartILMAction'],
  ['ilm.stop', 'cluster:admin/ilm/stop', 'RestStopAction'],
  ['ilm.move_to_step', 'cluster:admin/ilm/_move/post', 'RestMoveToStepAction'],
  ['ilm.explain_lifecycle', 'indices:admin/ilm/explain', 'RestExplainLifecycleAction'],
  ['ilm.remove_policy', 'indices:admin/ilm/remove_policy', 'RestRemoveIndexLifecyclePolicyAction'],
  ['ilm.retry', 'indices:admin/ilm/retry', 'RestRetryAction'],
  ['slm.put_lifecycle', 'cluster:admin/slm/put', 'RestPutSnapshotLifecycleAction'],
  ['slm.get_lifecycle', 'cluster:admin/slm/get', 'RestGetSnapshotLifecycleAction'],
  ['slm.delete_lifecycle', 'cluster:admin/slm/delete', 'RestDeleteSnapshotLifecycleAction'],
  ['slm.execute_lifecycle', 'cluster:admin/slm/execute', 'RestExecuteSnapshotLifecycleAction'],
  ['slm.execute_retention', 'cluster:admin/slm/execute-retention', 'RestExecuteSnapshotRetentionAction'],
  ['slm.get_stats', 'cluster:admin/slm/stats', 'RestGetSnapshotLifecycleStatsAction'],
  ['slm.get_status', 'cluster:admin/slm/status', 'RestGetSLMStatusAction'],
  ['slm.start', 'cluster:admin/slm/start', 'RestStartSLMAction'],
  ['slm.stop', 'cluster:admin/slm/stop', 'RestStopSLMAction'],
  ['ingest.put_pipeline', 'cluster:admin/ingest/pipeline/put', 'RestPutPipelineAction'],
  ['ingest.get_pipeline', 'cluster:admin/ingest/pipeline/get', 'RestGetPipelineAction'],
  ['ingest.delete_pipeline', 'cluster:admin/ingest/pipeline/delete', 'RestDeletePipelineAction'],
  ['ingest.simulate', 'cluster:admin/ingest/pipeline/simulate', 'RestSimulatePipelineAction'],
  ['ingest.processor_grok', 'cluster:admin/ingest/processor/grok/get', 'RestGetGrokPatternsAction'],
  ['put_script', 'cluster:admin/script/put', 'RestPutStoredScriptAction'],
  ['get_script', 'cluster:admin/script/get', 'RestGetStoredScriptAction'],
  ['delete_script', 'cluster:admin/script/delete', 'RestDeleteStoredScriptAction'],
  ['get_script_context', 'cluster:admin/script_context/get', 'RestGetScriptContextAction'],
  ['get_script_languages', 'cluster:admin/script_language/get', 'RestGetScriptLanguageAction'],
  ['snapshot.create_repository', 'cluster:admin/repository/put', 'RestPutRepositoryAction'],
  ['snapshot.get_repository', 'cluster:admin/repository/get', 'RestGetRepositoriesAction'],
  ['snapshot.delete_repository', 'cluster:admin/repository/delete', 'RestDeleteRepositoryAction'],
  ['snapshot.verify_repository', 'cluster:admin/repository/verify', 'RestVerifyRepositoryAction'],
  ['snapshot.cleanup_repository', 'cluster:admin/repository/_cleanup', 'RestCleanupRepositoryAction'],
  ['snapshot.create', 'cluster:admin/snapshot/create', 'RestCreateSnapshotAction'],
  ['snapshot.get', 'cluster:admin/snapshot/get', 'RestGetSnapshotsAction'],
  ['snapshot.delete', 'cluster:admin/snapshot/delete', 'RestDeleteSnapshotAction'],
  ['snapshot.restore', 'cluster:admin/snapshot/restore', 'RestRestoreSnapshotAction'],
  ['snapshot.status', 'cluster:admin/snapshot/status', 'RestSnapshotsStatusAction'],
  ['snapshot.clone', 'cluster:admin/snapshot/clone', 'RestCloneSnapshotAction'],
  // templates: cluster-scoped although named `indices:`
  [
    'indices.put_index_template',
    'indices:admin/index_template/put',
    'RestPutComposableIndexTemplateAction',
    'cluster',
  ],
  [
    'indices.get_index_template',
    'indices:admin/index_template/get',
    'RestGetComposableIndexTemplateAction',
    'cluster',
  ],
  [
    'indices.exists_index_template',
    'indices:admin/index_template/get',
    'RestGetComposableIndexTemplateAction',
    'cluster',
  ],
  [
    'indices.delete_index_template',
    'indices:admin/index_template/delete',
    'RestDeleteComposableIndexTemplateAction',
    'cluster',
  ],
  [
    'indices.simulate_index_template',
    'indices:admin/index_template/simulate_index',
    'RestSimulateIndexTemplateAction',
    'cluster',
  ],
  [
    'indices.simulate_template',
    'indices:admin/index_template/simulate',
    'RestSimulateTemplateAction',
    'cluster',
  ],
  ['indices.put_template', 'indices:admin/template/put', 'RestPutIndexTemplateAction', 'cluster'],
  ['indices.get_template', 'indices:admin/template/get', 'RestGetIndexTemplateAction', 'cluster'],
  ['indices.exists_template', 'indices:admin/template/get', 'RestGetIndexTemplateAction', 'cluster'],
  ['indices.delete_template', 'indices:admin/template/delete', 'RestDeleteIndexTemplateAction', 'cluster'],
  // index administration
  ['indices.create', 'indices:admin/create', 'RestCreateIndexAction'],
  ['indices.delete', 'indices:admin/delete', 'RestDeleteIndexAction'],
  ['indices.get', 'indices:admin/get', 'RestGetIndicesAction'],
  ['indices.exists', 'indices:admin/get', 'RestIndicesExistsAction'],
  ['indices.get_settings', 'indices:monitor/settings/get', 'RestGetSettingsAction'],
  ['indices.put_settings', 'indices:admin/settings/update', 'RestUpdateSettingsAction'],
  ['indices.get_mapping', 'indices:admin/mappings/get', 'RestGetMappingAction'],
  ['indices.put_mapping', 'indices:admin/mapping/put', 'RestPutMappingAction'],
  ['indices.get_field_mapping', 'indices:admin/mappings/fields/get', 'RestGetFieldMappingAction'],
  ['indices.refresh', 'indices:admin/refresh', 'RestRefreshAction'],
  ['indices.flush', 'indices:admin/flush', 'RestFlushAction'],
  ['indices.forcemerge', 'indices:admin/forcemerge', 'RestForceMergeAction'],
  ['indices.clear_cache', 'indices:admin/cache/clear', 'RestClearIndicesCacheAction'],
  ['indices.open', 'indices:admin/open', 'RestOpenIndexAction'],
  ['indices.close', 'indices:admin/close', 'RestCloseIndexAction'],
  ['indices.add_block', 'indices:admin/block/add', 'RestAddIndexBlockAction'],
  ['indices.analyze', 'indices:admin/analyze', 'RestAnalyzeAction'],
  ['indices.validate_query', 'indices:admin/validate/query', 'RestValidateQueryAction'],
  ['indices.rollover', 'indices:admin/rollover', 'RestRolloverIndexAction'],
  ['indices.shrink', 'indices:admin/resize', 'RestShrinkIndexAction'],
  ['indices.split', 'indices:admin/resize', 'RestSplitIndexAction'],
  ['indices.clone', 'indices:admin/resize', 'RestCloneIndexAction'],
  ['indices.stats', 'indices:monitor/stats', 'RestIndicesStatsAction'],
  ['indices.segments', 'indices:monitor/segments', 'RestIndicesSegmentsAction'],
  ['indices.recovery', 'indices:monitor/recovery', 'RestRecoveryAction'],
  ['indices.shard_stores', 'indices:monitor/shard_stores', 'RestIndicesShardStoresAction'],
  ['indices.field_usage_stats', 'indices:monitor/field_usage_stats', 'RestFieldUsageStatsAction'],
  ['indices.disk_usage', 'indices:admin/analyze_disk_usage', 'RestAnalyzeIndexDiskUsageAction'],
  ['indices.reload_search_analyzers', 'indices:admin/reload_analyzers', 'RestReloadAnalyzersAction'],
  ['indices.resolve_index', 'indices:admin/resolve/index', 'RestResolveIndexAction'],
  ['indices.get_alias', 'indices:admin/aliases/get', 'RestGetAliasesAction'],
  ['indices.exists_alias', 'indices:admin/aliases/get', 'RestGetAliasesAction'],
  ['indices.put_alias', 'indices:admin/aliases', 'RestIndexPutAliasAction'],
  ['indices.delete_alias', 'indices:admin/aliases', 'RestIndexDeleteAliasesAction'],
  ['indices.update_aliases', 'indices:admin/aliases', 'RestIndicesAliasesAction'],
  ['indices.create_data_stream', 'indices:admin/data_stream/create', 'RestCreateDataStreamAction'],
  ['indices.delete_data_stream', 'indices:admin/data_stream/delete', 'RestDeleteDataStreamAction'],
  ['indices.get_data_stream', 'indices:admin/data_stream/get', 'RestGetDataStreamsAction'],
  ['indices.data_streams_stats', 'indices:monitor/data_stream/stats', 'RestDataStreamsStatsAction'],
  ['indices.migrate_to_data_stream', 'indices:admin/data_stream/migrate', 'RestMigrateToDataStreamAction'],
  ['indices.modify_data_stream', 'indices:admin/data_stream/modify', 'RestModifyDataStreamsAction'],
  ['indices.promote_data_stream', 'indices:admin/data_stream/promote', 'RestPromoteDataStreamAction'],
  // documents and search
  ['index', 'indices:data/write/index', 'RestIndexAction'],
  ['create', 'indices:data/write/index', 'RestIndexAction.CreateHandler'],
  ['delete', 'indices:data/write/delete', 'RestDeleteAction'],
  ['update', 'indices:data/write/update', 'RestUpdateAction'],
  ['get', 'indices:data/read/get', 'RestGetAction'],
  ['exists', 'indices:data/read/get', 'RestGetAction'],
  ['get_source', 'indices:data/read/get', 'RestGetSourceAction'],
  ['exists_source', 'indices:data/read/get', 'RestGetSourceAction'],
  ['mget', 'indices:data/read/mget', 'RestMultiGetAction'],
  ['bulk', 'indices:data/write/bulk', 'RestBulkAction'],
  ['search', 'indices:data/read/search', 'RestSearchAction'],
  ['count', 'indices:data/read/search', 'RestCountAction'],
  ['msearch', 'indices:data/read/msearch', 'RestMultiSearchAction'],
  ['search_template', 'indices:data/read/search/template', 'RestSearchTemplateAction'],
  ['msearch_template', 'indices:data/read/msearch/template', 'RestMultiSearchTemplateAction'],
  ['explain', 'indices:data/read/explain', 'RestExplainAction'],
  ['termvectors', 'indices:data/read/tv', 'RestTermVectorsAction'],
  ['mtermvectors', 'indices:data/read/mtv', 'RestMultiTermVectorsAction'],
  ['field_caps', 'indices:data/read/field_caps', 'RestFieldCapabilitiesAction'],
  ['search_shards', 'indices:admin/shards/search_shards', 'RestSearchShardsAction'],
  ['rank_eval', 'indices:data/read/rank_eval', 'RestRankEvalAction'],
  ['terms_enum', 'indices:data/read/xpack/termsenum/list', 'RestTermsEnumAction'],
  ['delete_by_query', 'indices:data/write/delete/byquery', 'RestDeleteByQueryAction'],
  ['update_by_query', 'indices:data/write/update/byquery', 'RestUpdateByQueryAction'],
  ['reindex', 'indices:data/write/reindex', 'RestReindexAction', 'special'],
  ['open_point_in_time', 'indices:data/read/open_point_in_time', 'RestOpenPointInTimeAction'],
  ['close_point_in_time', 'indices:data/read/close_point_in_time', 'RestClosePointInTimeAction', 'special'],
  ['scroll', 'indices:data/read/scroll', 'RestSearchScrollAction', 'special'],
  ['clear_scroll', 'indices:data/read/scroll/clear', 'RestClearScrollAction', 'special'],
  ['async_search.submit', 'indices:data/read/async_search/submit', 'RestSubmitAsyncSearchAction'],
  ['async_search.get', 'indices:data/read/async_search/get', 'RestGetAsyncSearchAction', 'special'],
  ['async_search.delete', 'indices:data/read/async_search/delete', 'RestDeleteAsyncSearchAction', 'special'],
  ['async_search.status', 'cluster:monitor/async_search/status', 'RestGetAsyncStatusAction'],
  ['eql.search', 'indices:data/read/eql', 'RestEqlSearchAction'],
  ['esql.query', 'indices:data/read/esql', 'RestEsqlQueryAction', 'special'],
  ['sql.query', 'indices:data/read/sql', 'RestSqlQueryAction', 'special'],
  ['sql.translate', 'indices:data/read/sql/translate', 'RestSqlTranslateAction', 'special'],
  ['sql.clear_cursor', 'indices:data/read/sql/close_cursor', 'RestSqlClearCursorAction', 'special'],
  // enrich, transform
  ['enrich.put_policy', 'cluster:admin/xpack/enrich/put', 'RestPutEnrichPolicyAction'],
  ['enrich.get_policy', 'cluster:admin/xpack/enrich/get', 'RestGetEnrichPolicyAction'],
  ['enrich.delete_policy', 'cluster:admin/xpack/enrich/delete', 'RestDeleteEnrichPolicyAction'],
  ['enrich.execute_policy', 'cluster:admin/xpack/enrich/execute', 'RestExecuteEnrichPolicyAction'],
  ['enrich.stats', 'cluster:monitor/xpack/enrich/stats', 'RestEnrichStatsAction'],
  ['transform.get_transform', 'cluster:monitor/transform/get', 'RestGetTransformAction'],
  ['transform.get_transform_stats', 'cluster:monitor/transform/stats/get', 'RestGetTransformStatsAction'],
  ['transform.put_transform', 'cluster:admin/transform/put', 'RestPutTransformAction'],
  ['transform.delete_transform', 'cluster:admin/transform/delete', 'RestDeleteTransformAction'],
  ['transform.start_transform', 'cluster:admin/transform/start', 'RestStartTransformAction'],
  ['transform.stop_transform', 'cluster:admin/transform/stop', 'RestStopTransformAction'],
  ['transform.preview_transform', 'cluster:admin/transform/preview', 'RestPreviewTransformAction'],
  ['transform.update_transform', 'cluster:admin/transform/update', 'RestUpdateTransformAction'],
  ['transform.reset_transform', 'cluster:admin/transform/reset', 'RestResetTransformAction'],
  [
    'transform.schedule_now_transform',
    'cluster:admin/transform/schedule_now',
    'RestScheduleNowTransformAction',
  ],
  ['transform.upgrade_transforms', 'cluster:admin/transform/upgrade', 'RestUpgradeTransformsAction'],
  // watcher, logstash, synonyms, inference, dangling indices, query rules, search applications
  ['watcher.put_watch', 'cluster:admin/xpack/watcher/watch/put', 'RestPutWatchAction'],
  ['watcher.get_watch', 'cluster:monitor/xpack/watcher/watch/get', 'RestGetWatchAction'],
  ['watcher.delete_watch', 'cluster:admin/xpack/watcher/watch/delete', 'RestDeleteWatchAction'],
  ['watcher.execute_watch', 'cluster:admin/xpack/watcher/watch/execute', 'RestExecuteWatchAction'],
  ['watcher.ack_watch', 'cluster:admin/xpack/watcher/watch/ack', 'RestAckWatchAction'],
  ['watcher.activate_watch', 'cluster:admin/xpack/watcher/watch/activate', 'RestActivateWatchAction'],
  [
    'watcher.deactivate_watch',
    'cluster:admin/xpack/watcher/watch/activate',
    'RestActivateWatchAction.DeactivateRestHandler',
  ],
  ['watcher.query_watches', 'cluster:monitor/xpack/watcher/watch/query', 'RestQueryWatchesAction'],
  ['watcher.stats', 'cluster:monitor/xpack/watcher/stats/dist', 'RestWatcherStatsAction'],
  ['watcher.start', 'cluster:admin/xpack/watcher/service', 'RestWatchServiceAction'],
  ['watcher.stop', 'cluster:admin/xpack/watcher/service', 'RestWatchServiceAction.StopRestHandler'],
  ['logstash.put_pipeline', 'cluster:admin/logstash/pipeline/put', 'RestPutPipelineAction (logstash)'],
  ['logstash.get_pipeline', 'cluster:admin/logstash/pipeline/get', 'RestGetPipelineAction (logstash)'],
  [
    'logstash.delete_pipeline',
    'cluster:admin/logstash/pipeline/delete',
    'RestDeletePipelineAction (logstash)',
  ],
  ['synonyms.put_synonym', 'cluster:admin/synonyms/put', 'RestPutSynonymsAction'],
  ['synonyms.get_synonym', 'cluster:admin/synonyms/get', 'RestGetSynonymsAction'],
  ['synonyms.delete_synonym', 'cluster:admin/synonyms/delete', 'RestDeleteSynonymsAction'],
  ['synonyms.get_synonyms_sets', 'cluster:admin/synonyms_sets/get', 'RestGetSynonymsSetsAction'],
  ['synonyms.put_synonym_rule', 'cluster:admin/synonym_rules/put', 'RestPutSynonymRuleAction'],
  ['synonyms.get_synonym_rule', 'cluster:admin/synonym_rules/get', 'RestGetSynonymRuleAction'],
  ['synonyms.delete_synonym_rule', 'cluster:admin/synonym_rules/delete', 'RestDeleteSynonymRuleAction'],
  ['inference.get', 'cluster:admin/xpack/inference/get', 'RestGetInferenceModelAction'],
  ['inference.delete', 'cluster:admin/xpack/inference/delete', 'RestDeleteInferenceEndpointAction'],
  [
    'dangling_indices.list_dangling_indices',
    'cluster:admin/indices/dangling/list',
    'RestListDanglingIndicesAction',
  ],
  [
    'dangling_indices.import_dangling_index',
    'cluster:admin/indices/dangling/import',
    'RestImportDanglingIndexAction',
  ],
  [
    'dangling_indices.delete_dangling_index',
    'cluster:admin/indices/dangling/delete',
    'RestDeleteDanglingIndexAction',
  ],
  ['query_rules.put_ruleset', 'cluster:admin/xpack/query_rules/put', 'RestPutQueryRulesetAction'],
  ['query_rules.get_ruleset', 'cluster:admin/xpack/query_rules/get', 'RestGetQueryRulesetAction'],
  ['query_rules.delete_ruleset', 'cluster:admin/xpack/query_rules/delete', 'RestDeleteQueryRulesetAction'],
  ['query_rules.list_rulesets', 'cluster:admin/xpack/query_rules/list', 'RestListQueryRulesetsAction'],
  [
    'search_application.put',
    'cluster:admin/xpack/application/search_application/put',
    'RestPutSearchApplicationAction',
  ],
  [
    'search_application.get',
    'cluster:admin/xpack/application/search_application/get',
    'RestGetSearchApplicationAction',
  ],
  [
    'search_application.delete',
    'cluster:admin/xpack/application/search_application/delete',
    'RestDeleteSearchApplicationAction',
  ],
  [
    'search_application.list',
    'cluster:admin/xpack/application/search_application/list',
    'RestListSearchApplicationAction',
  ],
  // security: `special` rows keep their rule in the sandbox handler (ownership, self service,
  // per-application grants); the others are authorized by the server step like any API
  [
    'security.authenticate',
    'cluster:admin/xpack/security/user/authenticate',
    'RestAuthenticateAction',
    'special',
  ],
  [
    'security.create_api_key',
    'cluster:admin/xpack/security/api_key/create',
    'RestCreateApiKeyAction',
    'special',
  ],
  ['security.grant_api_key', 'cluster:admin/xpack/security/api_key/grant', 'RestGrantApiKeyAction'],
  ['security.get_api_key', 'cluster:admin/xpack/security/api_key/get', 'RestGetApiKeyAction', 'special'],
  [
    'security.query_api_keys',
    'cluster:admin/xpack/security/api_key/query',
    'RestQueryApiKeyAction',
    'special',
  ],
  [
    'security.invalidate_api_key',
    'cluster:admin/xpack/security/api_key/invalidate',
    'RestInvalidateApiKeyAction',
    'special',
  ],
  [
    'security.update_api_key',
    'cluster:admin/xpack/security/api_key/update',
    'RestUpdateApiKeyAction',
    'special',
  ],
  [
    'security.bulk_update_api_keys',
    'cluster:admin/xpack/security/api_key/bulk_update',
    'RestBulkUpdateApiKeyAction',
    'special',
  ],
  ['security.clear_api_key_cache', 'cluster:admin/xpack/security/cache/clear', 'RestClearApiKeyCacheAction'],
  [
    'security.create_cross_cluster_api_key',
    'cluster:admin/xpack/security/cross_cluster/api_key/create',
    'RestCreateCrossClusterApiKeyAction',
  ],
  [
    'security.update_cross_cluster_api_key',
    'cluster:admin/xpack/security/cross_cluster/api_key/update',
    'RestUpdateCrossClusterApiKeyAction',
  ],
  ['security.put_user', 'cluster:admin/xpack/security/user/put', 'RestPutUserAction'],
  ['security.get_user', 'cluster:admin/xpack/security/user/get', 'RestGetUsersAction'],
  ['security.delete_user', 'cluster:admin/xpack/security/user/delete', 'RestDeleteUserAction'],
  ['security.enable_user', 'cluster:admin/xpack/security/user/set_enabled', 'RestSetEnabledAction'],
  ['security.disable_user', 'cluster:admin/xpack/security/user/set_enabled', 'RestSetEnabledAction'],
  [
    'security.change_password',
    'cluster:admin/xpack/security/user/change_password',
    'RestChangePasswordAction',
    'special',
  ],
  [
    'security.has_privileges',
    'cluster:admin/xpack/security/user/has_privileges',
    'RestHasPrivilegesAction',
    'special',
  ],
  [
    'security.get_user_privileges',
    'cluster:admin/xpack/security/user/list_privileges',
    'RestGetUserPrivilegesAction',
    'special',
  ],
  ['security.put_role', 'cluster:admin/xpack/security/role/put', 'RestPutRoleAction'],
  // part R2: names read from xpack.core.security.action.ActionTypes and GetProfilesAction.NAME
  ['security.query_role', 'cluster:admin/xpack/security/role/query', 'RestQueryRoleAction'],
  ['security.bulk_put_role', 'cluster:admin/xpack/security/role/bulk_put', 'RestBulkPutRolesAction'],
  ['security.bulk_delete_role', 'cluster:admin/xpack/security/role/bulk_delete', 'RestBulkDeleteRolesAction'],
  ['security.query_user', 'cluster:admin/xpack/security/user/query', 'RestQueryUserAction'],
  ['security.get_user_profile', 'cluster:admin/xpack/security/profile/get', 'RestGetProfilesAction'],
  ['security.get_role', 'cluster:admin/xpack/security/role/get', 'RestGetRolesAction'],
  ['security.delete_role', 'cluster:admin/xpack/security/role/delete', 'RestDeleteRoleAction'],
  ['security.put_role_mapping', 'cluster:admin/xpack/security/role_mapping/put', 'RestPutRoleMappingAction'],
  ['security.get_role_mapping', 'cluster:admin/xpack/security/role_mapping/get', 'RestGetRoleMappingsAction'],
  [
    'security.delete_role_mapping',
    'cluster:admin/xpack/security/role_mapping/delete',
    'RestDeleteRoleMappingAction',
  ],
  [
    'security.clear_cached_roles',
    'cluster:admin/xpack/security/roles/cache/clear',
    'RestClearRolesCacheAction',
  ],
  [
    'security.clear_cached_realms',
    'cluster:admin/xpack/security/realm/cache/clear',
    'RestClearRealmCacheAction',
  ],
  [
    'security.put_privileges',
    'cluster:admin/xpack/security/privilege/put',
    'RestPutPrivilegesAction',
    'special',
  ],
  [
    'security.get_privileges',
    'cluster:admin/xpack/security/privilege/get',
    'RestGetPrivilegesAction',
    'special',
  ],
  [
    'security.delete_privileges',
    'cluster:admin/xpack/security/privilege/delete',
    'RestDeletePrivilegesAction',
    'special',
  ],
  [
    'security.get_builtin_privileges',
    'cluster:admin/xpack/security/privilege/builtin/get',
    'RestGetBuiltinPrivilegesAction',
  ],
  [
    'security.clear_cached_privileges',
    'cluster:admin/xpack/security/privilege/cache/clear',
    'RestClearPrivilegesCacheAction',
  ],
  [
    'security.get_service_accounts',
    'cluster:admin/xpack/security/service_account/get',
    'RestGetServiceAccountAction',
  ],
  [
    'security.get_service_credentials',
    'cluster:admin/xpack/security/service_account/credential/get',
    'RestGetServiceAccountCredentialsAction',
  ],
  [
    'security.create_service_token',
    'cluster:admin/xpack/security/service_account/token/create',
    'RestCreateServiceAccountTokenAction',
  ],
  [
    'security.delete_service_token',
    'cluster:admin/xpack/security/service_account/token/delete',
    'RestDeleteServiceAccountTokenAction',
  ],
  ['security.get_settings', 'cluster:admin/xpack/security/settings/get', 'RestGetSecuritySettingsAction'],
  [
    'security.update_settings',
    'cluster:admin/xpack/security/settings/update',
    'RestUpdateSecuritySettingsAction',
  ],
  // plain cluster actions: the API reference requires the manage_token cluster privilege
  ['security.get_token', 'cluster:admin/xpack/security/token/create', 'RestGetTokenAction'],
  ['security.invalidate_token', 'cluster:admin/xpack/security/token/invalidate', 'RestInvalidateTokenAction'],
];

function defaultScope(action: string): ActionScope {
  return action.startsWith('cluster:') ? 'cluster' : 'index';
}

/**
 * The newest Elasticsearch major the tables know; the resolver's default target. The same list of
 * majors as the privilege model, so the two never disagree on the default.
 */
export const NEWEST_MAJOR = SUPPORTED_MAJORS[SUPPORTED_MAJORS.length - 1]!;

const majorAction = (restHandler: string, a: MajorAction): ApiAction => ({
  action: a.action,
  scope: a.scope,
  restHandler,
  ...(a.indices ? { indices: a.indices } : {}),
});

/** APIs whose action differs per major (connectors): per API, the verified action of each major. */
const VERSIONED_API_ACTIONS: ReadonlyMap<string, ReadonlyMap<number, ApiAction>> = new Map(
  CONNECTOR_ROWS.map(([api, restHandler, byMajor]) => [
    api,
    new Map(
      Object.entries(byMajor).map(([major, a]) => [Number(major), majorAction(restHandler, a)] as const),
    ),
  ]),
);

/**
 * The verified table for the newest major (NEWEST_MAJOR), keyed by API name; the resolver reads
 * rows through apiActionFor, which gives another major's row where the action changed.
 */
export const API_ACTIONS: ReadonlyMap<string, ApiAction> = new Map([
  ...ROWS.map(
    ([api, action, restHandler, scope]) =>
      [api, { action, restHandler, scope: scope ?? defaultScope(action) }] as const,
  ),
  ...[...VERSIONED_API_ACTIONS].flatMap(([api, byMajor]) => {
    const newest = byMajor.get(NEWEST_MAJOR);
    return newest ? [[api, newest] as const] : [];
  }),
]);

/**
 * The verified action of `api` on Elasticsearch `major` (a major newer than the tables know is
 * taken as the newest): the per-major row for APIs whose action changed between majors, else the
 * common row. Undefined when no row is verified for that major.
 */
export function apiActionFor(api: string, major: number = NEWEST_MAJOR): ApiAction | undefined {
  const byMajor = VERSIONED_API_ACTIONS.get(api);
  if (!byMajor) return API_ACTIONS.get(api);
  return byMajor.get(Math.min(major, NEWEST_MAJOR));
}
