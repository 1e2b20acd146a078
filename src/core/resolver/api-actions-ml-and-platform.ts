/**
 * Verified rows for machine learning, inference and platform APIs (issue 12, transport actions
 * batch 1). Same evidence rule as api-actions.ts: the REST handler named in the third column
 * executes the transport action whose NAME is the second column, and the name is a registered
 * transport action (the operator-privileges QA Constants.java, or for operator-only actions the
 * security plugin's DefaultOperatorOnlyRegistry). docs/es-facts.md ("Transport actions, batch 1")
 * records the evidence and the APIs of this batch left unverified, with the reason.
 */
import type { ApiActionRow } from './api-actions.js';

export const ML_AND_PLATFORM_ROWS: readonly ApiActionRow[] = [
  // x-pack/plugin/ml .../ml/rest/calendar: calendar jobs are added and removed by one action
  ['ml.delete_calendar', 'cluster:admin/xpack/ml/calendars/delete', 'RestDeleteCalendarAction'],
  [
    'ml.delete_calendar_event',
    'cluster:admin/xpack/ml/calendars/events/delete',
    'RestDeleteCalendarEventAction',
  ],
  [
    'ml.delete_calendar_job',
    'cluster:admin/xpack/ml/calendars/jobs/update',
    'RestDeleteCalendarJobAction (UpdateCalendarJobAction)',
  ],
  ['ml.get_calendar_events', 'cluster:monitor/xpack/ml/calendars/events/get', 'RestGetCalendarEventsAction'],
  ['ml.get_calendars', 'cluster:monitor/xpack/ml/calendars/get', 'RestGetCalendarsAction'],
  ['ml.post_calendar_events', 'cluster:admin/xpack/ml/calendars/events/post', 'RestPostCalendarEventAction'],
  ['ml.put_calendar', 'cluster:admin/xpack/ml/calendars/put', 'RestPutCalendarAction'],
  [
    'ml.put_calendar_job',
    'cluster:admin/xpack/ml/calendars/jobs/update',
    'RestPutCalendarJobAction (UpdateCalendarJobAction)',
  ],
  // .../ml/rest/dataframe (explain and preview stay unverified: given a job id, the handler
  // first sends GetDataFrameAnalyticsAction, so the first action depends on the path)
  [
    'ml.delete_data_frame_analytics',
    'cluster:admin/xpack/ml/data_frame/analytics/delete',
    'RestDeleteDataFrameAnalyticsAction',
  ],
  ['ml.evaluate_data_frame', 'cluster:monitor/xpack/ml/data_frame/evaluate', 'RestEvaluateDataFrameAction'],
  [
    'ml.get_data_frame_analytics',
    'cluster:monitor/xpack/ml/data_frame/analytics/get',
    'RestGetDataFrameAnalyticsAction',
  ],
  [
    'ml.get_data_frame_analytics_stats',
    'cluster:monitor/xpack/ml/data_frame/analytics/stats/get',
    'RestGetDataFrameAnalyticsStatsAction',
  ],
  [
    'ml.put_data_frame_analytics',
    'cluster:admin/xpack/ml/data_frame/analytics/put',
    'RestPutDataFrameAnalyticsAction',
  ],
  [
    'ml.start_data_frame_analytics',
    'cluster:admin/xpack/ml/data_frame/analytics/start',
    'RestStartDataFrameAnalyticsAction',
  ],
  [
    'ml.stop_data_frame_analytics',
    'cluster:admin/xpack/ml/data_frame/analytics/stop',
    'RestStopDataFrameAnalyticsAction',
  ],
  [
    'ml.update_data_frame_analytics',
    'cluster:admin/xpack/ml/data_frame/analytics/update',
    'RestPostDataFrameAnalyticsUpdateAction',
  ],
  // .../ml/rest/datafeeds: the cluster action is authorized first; put, update and preview then
  // check the caller's read privilege on the datafeed's indices inside the transport action
  ['ml.delete_datafeed', 'cluster:admin/xpack/ml/datafeeds/delete', 'RestDeleteDatafeedAction'],
  ['ml.preview_datafeed', 'cluster:admin/xpack/ml/datafeeds/preview', 'RestPreviewDatafeedAction'],
  ['ml.put_datafeed', 'cluster:admin/xpack/ml/datafeeds/put', 'RestPutDatafeedAction'],
  ['ml.start_datafeed', 'cluster:admin/xpack/ml/datafeed/start', 'RestStartDatafeedAction'],
  ['ml.stop_datafeed', 'cluster:admin/xpack/ml/datafeed/stop', 'RestStopDatafeedAction'],
  ['ml.update_datafeed', 'cluster:admin/xpack/ml/datafeeds/update', 'RestUpdateDatafeedAction'],
  // .../ml/rest/filter
  ['ml.delete_filter', 'cluster:admin/xpack/ml/filters/delete', 'RestDeleteFilterAction'],
  ['ml.get_filters', 'cluster:admin/xpack/ml/filters/get', 'RestGetFiltersAction'],
  ['ml.put_filter', 'cluster:admin/xpack/ml/filters/put', 'RestPutFilterAction'],
  ['ml.update_filter', 'cluster:admin/xpack/ml/filters/update', 'RestUpdateFilterAction'],
  // .../ml/rest/job
  ['ml.close_job', 'cluster:admin/xpack/ml/job/close', 'RestCloseJobAction'],
  ['ml.delete_forecast', 'cluster:admin/xpack/ml/job/forecast/delete', 'RestDeleteForecastAction'],
  ['ml.delete_job', 'cluster:admin/xpack/ml/job/delete', 'RestDeleteJobAction'],
  [
    'ml.estimate_model_memory',
    'cluster:admin/xpack/ml/job/estimate_model_memory',
    'RestEstimateModelMemoryAction',
  ],
  ['ml.flush_job', 'cluster:admin/xpack/ml/job/flush', 'RestFlushJobAction'],
  ['ml.forecast', 'cluster:admin/xpack/ml/job/forecast', 'RestForecastJobAction'],
  ['ml.open_job', 'cluster:admin/xpack/ml/job/open', 'RestOpenJobAction'],
  ['ml.post_data', 'cluster:admin/xpack/ml/job/data/post', 'RestPostDataAction'],
  ['ml.put_job', 'cluster:admin/xpack/ml/job/put', 'RestPutJobAction'],
  ['ml.reset_job', 'cluster:admin/xpack/ml/job/reset', 'RestResetJobAction'],
  ['ml.update_job', 'cluster:admin/xpack/ml/job/update', 'RestPostJobUpdateAction'],
  // .../ml/rest/modelsnapshots
  [
    'ml.delete_model_snapshot',
    'cluster:admin/xpack/ml/job/model_snapshots/delete',
    'RestDeleteModelSnapshotAction',
  ],
  [
    'ml.get_model_snapshot_upgrade_stats',
    'cluster:monitor/xpack/ml/job/model_snapshots/upgrade/stats/get',
    'RestGetJobModelSnapshotsUpgradeStatsAction',
  ],
  [
    'ml.get_model_snapshots',
    'cluster:monitor/xpack/ml/job/model_snapshots/get',
    'RestGetModelSnapshotsAction',
  ],
  [
    'ml.revert_model_snapshot',
    'cluster:admin/xpack/ml/job/model_snapshots/revert',
    'RestRevertModelSnapshotAction',
  ],
  [
    'ml.update_model_snapshot',
    'cluster:admin/xpack/ml/job/model_snapshots/update',
    'RestUpdateModelSnapshotAction',
  ],
  [
    'ml.upgrade_job_snapshot',
    'cluster:admin/xpack/ml/job/model_snapshots/upgrade',
    'RestUpgradeJobModelSnapshotAction',
  ],
  // .../ml/rest/results
  ['ml.get_buckets', 'cluster:monitor/xpack/ml/job/results/buckets/get', 'RestGetBucketsAction'],
  ['ml.get_categories', 'cluster:monitor/xpack/ml/job/results/categories/get', 'RestGetCategoriesAction'],
  ['ml.get_influencers', 'cluster:monitor/xpack/ml/job/results/influencers/get', 'RestGetInfluencersAction'],
  [
    'ml.get_overall_buckets',
    'cluster:monitor/xpack/ml/job/results/overall_buckets/get',
    'RestGetOverallBucketsAction',
  ],
  ['ml.get_records', 'cluster:monitor/xpack/ml/job/results/records/get', 'RestGetRecordsAction'],
  // .../ml/rest/validate
  ['ml.validate', 'cluster:admin/xpack/ml/job/validate', 'RestValidateJobConfigAction'],
  ['ml.validate_detector', 'cluster:admin/xpack/ml/job/validate/detector', 'RestValidateDetectorAction'],
  // .../ml/rest/inference (trained models); _infer sends InferModelAction.EXTERNAL_INSTANCE, whose
  // name differs from the internal InferModelAction.NAME
  [
    'ml.clear_trained_model_deployment_cache',
    'cluster:admin/xpack/ml/trained_models/deployment/clear_cache',
    'RestClearDeploymentCacheAction',
  ],
  ['ml.delete_trained_model', 'cluster:admin/xpack/ml/inference/delete', 'RestDeleteTrainedModelAction'],
  [
    'ml.delete_trained_model_alias',
    'cluster:admin/xpack/ml/inference/model_aliases/delete',
    'RestDeleteTrainedModelAliasAction',
  ],
  ['ml.get_trained_models', 'cluster:monitor/xpack/ml/inference/get', 'RestGetTrainedModelsAction'],
  [
    'ml.get_trained_models_stats',
    'cluster:monitor/xpack/ml/inference/stats/get',
    'RestGetTrainedModelsStatsAction',
  ],
  ['ml.infer_trained_model', 'cluster:monitor/xpack/ml/inference/infer', 'RestInferTrainedModelAction'],
  ['ml.put_trained_model', 'cluster:admin/xpack/ml/inference/put', 'RestPutTrainedModelAction'],
  [
    'ml.put_trained_model_alias',
    'cluster:admin/xpack/ml/inference/model_aliases/put',
    'RestPutTrainedModelAliasAction',
  ],
  [
    'ml.put_trained_model_definition_part',
    'cluster:admin/xpack/ml/trained_models/part/put',
    'RestPutTrainedModelDefinitionPartAction',
  ],
  [
    'ml.put_trained_model_vocabulary',
    'cluster:admin/xpack/ml/trained_models/vocabulary/put',
    'RestPutTrainedModelVocabularyAction',
  ],
  [
    'ml.start_trained_model_deployment',
    'cluster:admin/xpack/ml/trained_models/deployment/start',
    'RestStartTrainedModelDeploymentAction',
  ],
  [
    'ml.stop_trained_model_deployment',
    'cluster:admin/xpack/ml/trained_models/deployment/stop',
    'RestStopTrainedModelDeploymentAction',
  ],
  [
    'ml.update_trained_model_deployment',
    'cluster:admin/xpack/ml/trained_models/deployment/update',
    'RestUpdateTrainedModelDeploymentAction',
  ],
  // .../ml/rest
  ['ml.delete_expired_data', 'cluster:admin/xpack/ml/delete_expired_data', 'RestDeleteExpiredDataAction'],
  ['ml.get_memory_stats', 'cluster:monitor/xpack/ml/memory/stats/get', 'RestMlMemoryAction'],
  ['ml.set_upgrade_mode', 'cluster:admin/xpack/ml/upgrade_mode', 'RestSetUpgradeModeAction'],
  // x-pack/plugin/inference .../inference/rest: every put_<service> API is the one PUT route
  // /_inference/{task_type}/{id} of RestPutInferenceModelAction (the service is in the body).
  // The task APIs go through BaseInferenceAction, which sends InferenceActionProxy (named
  // `cluster:monitor/xpack/inference`, the name InferenceAction had before the proxy existed)
  ['inference.inference', 'cluster:monitor/xpack/inference', 'RestInferenceAction'],
  ['inference.completion', 'cluster:monitor/xpack/inference', 'RestInferenceAction'],
  ['inference.embedding', 'cluster:monitor/xpack/inference', 'RestInferenceAction'],
  ['inference.rerank', 'cluster:monitor/xpack/inference', 'RestInferenceAction'],
  ['inference.sparse_embedding', 'cluster:monitor/xpack/inference', 'RestInferenceAction'],
  ['inference.text_embedding', 'cluster:monitor/xpack/inference', 'RestInferenceAction'],
  ['inference.stream_completion', 'cluster:monitor/xpack/inference', 'RestStreamInferenceAction'],
  ['inference.put', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_ai21', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_alibabacloud', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_amazonbedrock', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_amazonsagemaker', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_anthropic', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_azureaistudio', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_azureopenai', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_cohere', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_contextualai', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_custom', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_deepseek', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_elasticsearch', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_elser', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_fireworksai', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_googleaistudio', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_googlevertexai', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_groq', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_hugging_face', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_jinaai', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_llama', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_mistral', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_nvidia', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_openai', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_openshift_ai', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_voyageai', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  ['inference.put_watsonx', 'cluster:admin/xpack/inference/put', 'RestPutInferenceModelAction'],
  // x-pack/plugin/text-structure .../textstructure/rest
  [
    'text_structure.find_structure',
    'cluster:monitor/text_structure/findstructure',
    'RestFindStructureAction',
  ],
  // x-pack/plugin/rollup .../rollup/rest: index caps and rollup search are IndicesRequests over
  // the path's {index}
  ['rollup.delete_job', 'cluster:admin/xpack/rollup/delete', 'RestDeleteRollupJobAction'],
  ['rollup.get_jobs', 'cluster:monitor/xpack/rollup/get', 'RestGetRollupJobsAction'],
  ['rollup.get_rollup_caps', 'cluster:monitor/xpack/rollup/get/caps', 'RestGetRollupCapsAction'],
  [
    'rollup.get_rollup_index_caps',
    'indices:data/read/xpack/rollup/get/index/caps',
    'RestGetRollupIndexCapsAction',
  ],
  ['rollup.put_job', 'cluster:admin/xpack/rollup/put', 'RestPutRollupJobAction'],
  ['rollup.rollup_search', 'indices:data/read/xpack/rollup/search', 'RestRollupSearchAction'],
  ['rollup.start_job', 'cluster:admin/xpack/rollup/start', 'RestStartRollupJobAction'],
  ['rollup.stop_job', 'cluster:admin/xpack/rollup/stop', 'RestStopRollupJobAction'],
  // x-pack/plugin/autoscaling .../autoscaling/rest (put and delete are operator-only actions)
  [
    'autoscaling.delete_autoscaling_policy',
    'cluster:admin/autoscaling/delete_autoscaling_policy',
    'RestDeleteAutoscalingPolicyHandler',
  ],
  [
    'autoscaling.get_autoscaling_capacity',
    'cluster:admin/autoscaling/get_autoscaling_capacity',
    'RestGetAutoscalingCapacityHandler',
  ],
  [
    'autoscaling.get_autoscaling_policy',
    'cluster:admin/autoscaling/get_autoscaling_policy',
    'RestGetAutoscalingPolicyHandler',
  ],
  [
    'autoscaling.put_autoscaling_policy',
    'cluster:admin/autoscaling/put_autoscaling_policy',
    'RestPutAutoscalingPolicyHandler',
  ],
  // x-pack/plugin/profiling .../profiling/rest: flamegraph and stacktraces send a
  // GetStackTracesRequest whose indices come from the body (profiling-events-all by default)
  ['profiling.flamegraph', 'indices:data/read/profiling/flamegraph', 'RestGetFlamegraphAction', 'special'],
  [
    'profiling.stacktraces',
    'indices:data/read/profiling/stack_traces',
    'RestGetStackTracesAction',
    'special',
  ],
  ['profiling.status', 'cluster:monitor/profiling/status/get', 'RestGetStatusAction (profiling)'],
  // x-pack/plugin/graph .../graph/rest/action: a GraphExploreRequest over the path's {index}
  ['graph.explore', 'indices:data/read/xpack/graph/explore', 'RestGraphAction'],
  // ILM, monitoring, watcher, repositories metering, searchable snapshots (x-pack plugins)
  ['ilm.migrate_to_data_tiers', 'cluster:admin/migrate_to_data_tiers', 'RestMigrateToDataTiersAction'],
  [
    'monitoring.bulk',
    'cluster:admin/xpack/monitoring/bulk',
    'RestMonitoringBulkAction (MonitoringBulkRequestBuilder)',
  ],
  ['watcher.get_settings', 'cluster:admin/xpack/watcher/settings/get', 'RestGetWatcherSettingsAction'],
  [
    'watcher.update_settings',
    'cluster:admin/xpack/watcher/settings/update',
    'RestUpdateWatcherSettingsAction',
  ],
  [
    'nodes.clear_repositories_metering_archive',
    'cluster:monitor/xpack/repositories_metering/clear_metering_archive',
    'RestClearRepositoriesMeteringArchiveAction',
  ],
  [
    'nodes.get_repositories_metering_info',
    'cluster:monitor/xpack/repositories_metering/get_metrics',
    'RestGetRepositoriesMeteringAction',
  ],
  // searchable snapshots: cluster actions even where the path names indices
  [
    'searchable_snapshots.cache_stats',
    'cluster:admin/xpack/searchable_snapshots/cache/stats',
    'RestSearchableSnapshotsNodeCachesStatsAction',
  ],
  [
    'searchable_snapshots.clear_cache',
    'cluster:admin/xpack/searchable_snapshots/cache/clear',
    'RestClearSearchableSnapshotsCacheAction',
  ],
  ['searchable_snapshots.mount', 'cluster:admin/snapshot/mount', 'RestMountSearchableSnapshotAction'],
  [
    'searchable_snapshots.stats',
    'cluster:monitor/xpack/searchable_snapshots/stats',
    'RestSearchableSnapshotsStatsAction',
  ],
  // x-pack/plugin/snapshot-repo-test-kit: RepositoryAnalyzeAction
  ['snapshot.repository_analyze', 'cluster:admin/repository/analyze', 'RestRepositoryAnalyzeAction'],
  // server org.elasticsearch.rest.action.admin.cluster and rest.action.info; voting configuration,
  // desired nodes, desired balance and node-removal prevalidation are operator-only actions
  [
    'migration.get_feature_upgrade_status',
    'cluster:admin/migration/get_system_feature',
    'RestGetFeatureUpgradeStatusAction',
  ],
  [
    'migration.post_feature_upgrade',
    'cluster:admin/migration/post_system_feature',
    'RestPostFeatureUpgradeAction',
  ],
  [
    'cluster.post_voting_config_exclusions',
    'cluster:admin/voting_config/add_exclusions',
    'RestAddVotingConfigExclusionAction',
  ],
  [
    'cluster.delete_voting_config_exclusions',
    'cluster:admin/voting_config/clear_exclusions',
    'RestClearVotingConfigExclusionsAction',
  ],
  ['cluster.info', 'cluster:monitor/nodes/stats', 'info.RestClusterInfoAction (NodesStatsRequest)'],
  [
    '_internal.delete_desired_balance',
    'cluster:admin/desired_balance/reset',
    'RestDeleteDesiredBalanceAction',
  ],
  ['_internal.delete_desired_nodes', 'cluster:admin/desired_nodes/delete', 'RestDeleteDesiredNodesAction'],
  ['_internal.get_desired_nodes', 'cluster:admin/desired_nodes/get', 'RestGetDesiredNodesAction'],
  ['_internal.update_desired_nodes', 'cluster:admin/desired_nodes/update', 'RestUpdateDesiredNodesAction'],
  [
    '_internal.prevalidate_node_removal',
    'cluster:admin/shutdown/prevalidate_removal',
    'RestPrevalidateNodeRemovalAction',
  ],
  // server org.elasticsearch.rest.action.ingest: a SimulateBulkRequest, authorized per item like
  // bulk (its names come from the body's docs as well as the path)
  ['simulate.ingest', 'indices:data/write/simulate/bulk', 'RestSimulateIngestAction', 'special'],
];
