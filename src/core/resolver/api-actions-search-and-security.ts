/**
 * Issue 12, batch 2: verified rows for cross-cluster replication, security (SAML, OIDC, PKI,
 * enrollment, user profiles), data stream lifecycle, async EQL/SQL/ES|QL, fleet, behavioral
 * analytics and search applications, and a few global APIs.
 *
 * Same evidence rule as api-actions.ts: the REST handler in the third column executes the
 * transport action whose NAME is the second column, and that name is listed in Elasticsearch's
 * operator-privileges QA Constants.java (read at elastic/elasticsearch commit
 * 003bea93df06626dfd46c7036abb55fff235b20f). docs/es-facts.md ("Transport actions, batch 2") lists
 * the APIs of this batch left unverified and why (connectors: the names changed between 8.x and
 * 9.x; several newer APIs: their names are not in that Constants.java).
 */
import type { ApiActionRow } from './api-actions.js';

export const SEARCH_AND_SECURITY_ROWS: readonly ApiActionRow[] = [
  // x-pack/plugin/ccr: org.elasticsearch.xpack.ccr.rest; the follower/leader index is the path's
  // {index} (PutFollowAction, UnfollowAction and ForgetFollowerAction requests are IndicesRequests)
  ['ccr.follow', 'indices:admin/xpack/ccr/put_follow', 'RestPutFollowAction'],
  ['ccr.unfollow', 'indices:admin/xpack/ccr/unfollow', 'RestUnfollowAction'],
  ['ccr.forget_follower', 'indices:admin/xpack/ccr/forget_follower', 'RestForgetFollowerAction'],
  ['ccr.pause_follow', 'cluster:admin/xpack/ccr/pause_follow', 'RestPauseFollowAction'],
  ['ccr.resume_follow', 'cluster:admin/xpack/ccr/resume_follow', 'RestResumeFollowAction'],
  ['ccr.follow_info', 'cluster:monitor/ccr/follow_info', 'RestFollowInfoAction'],
  ['ccr.follow_stats', 'cluster:monitor/ccr/follow_stats', 'RestFollowStatsAction'],
  ['ccr.stats', 'cluster:monitor/ccr/stats', 'RestCcrStatsAction'],
  [
    'ccr.put_auto_follow_pattern',
    'cluster:admin/xpack/ccr/auto_follow_pattern/put',
    'RestPutAutoFollowPatternAction',
  ],
  [
    'ccr.get_auto_follow_pattern',
    'cluster:admin/xpack/ccr/auto_follow_pattern/get',
    'RestGetAutoFollowPatternAction',
  ],
  [
    'ccr.delete_auto_follow_pattern',
    'cluster:admin/xpack/ccr/auto_follow_pattern/delete',
    'RestDeleteAutoFollowPatternAction',
  ],
  // pause and resume both send ActivateAutoFollowPatternAction (active false / true)
  [
    'ccr.pause_auto_follow_pattern',
    'cluster:admin/xpack/ccr/auto_follow_pattern/activate',
    'RestPauseAutoFollowPatternAction',
  ],
  [
    'ccr.resume_auto_follow_pattern',
    'cluster:admin/xpack/ccr/auto_follow_pattern/activate',
    'RestResumeAutoFollowPatternAction',
  ],
  // x-pack/plugin/security: org.elasticsearch.xpack.security.rest.action.{saml,oidc,enrollment,
  // profile,service}
  [
    'security.saml_prepare_authentication',
    'cluster:admin/xpack/security/saml/prepare',
    'RestSamlPrepareAuthenticationAction',
  ],
  [
    'security.saml_authenticate',
    'cluster:admin/xpack/security/saml/authenticate',
    'RestSamlAuthenticateAction',
  ],
  ['security.saml_logout', 'cluster:admin/xpack/security/saml/logout', 'RestSamlLogoutAction'],
  [
    'security.saml_invalidate',
    'cluster:admin/xpack/security/saml/invalidate',
    'RestSamlInvalidateSessionAction',
  ],
  [
    'security.saml_complete_logout',
    'cluster:admin/xpack/security/saml/complete_logout',
    'RestSamlCompleteLogoutAction',
  ],
  [
    'security.saml_service_provider_metadata',
    'cluster:monitor/xpack/security/saml/metadata',
    'RestSamlSpMetadataAction',
  ],
  [
    'security.oidc_prepare_authentication',
    'cluster:admin/xpack/security/oidc/prepare',
    'RestOpenIdConnectPrepareAuthenticationAction',
  ],
  [
    'security.oidc_authenticate',
    'cluster:admin/xpack/security/oidc/authenticate',
    'RestOpenIdConnectAuthenticateAction',
  ],
  ['security.oidc_logout', 'cluster:admin/xpack/security/oidc/logout', 'RestOpenIdConnectLogoutAction'],
  [
    'security.delegate_pki',
    'cluster:admin/xpack/security/delegate_pki',
    'RestDelegatePkiAuthenticationAction',
  ],
  ['security.enroll_node', 'cluster:admin/xpack/security/enroll/node', 'RestNodeEnrollmentAction'],
  ['security.enroll_kibana', 'cluster:admin/xpack/security/enroll/kibana', 'RestKibanaEnrollAction'],
  [
    'security.activate_user_profile',
    'cluster:admin/xpack/security/profile/activate',
    'RestActivateProfileAction',
  ],
  [
    'security.enable_user_profile',
    'cluster:admin/xpack/security/profile/set_enabled',
    'RestEnableProfileAction',
  ],
  [
    'security.disable_user_profile',
    'cluster:admin/xpack/security/profile/set_enabled',
    'RestDisableProfileAction',
  ],
  [
    'security.suggest_user_profiles',
    'cluster:admin/xpack/security/profile/suggest',
    'RestSuggestProfilesAction',
  ],
  [
    'security.has_privileges_user_profile',
    'cluster:admin/xpack/security/profile/has_privileges',
    'RestProfileHasPrivilegesAction',
  ],
  // `special`: the configurable cluster privilege `profile.write` grants it per application
  // namespace of the request's data keys, not by the action name alone
  [
    'security.update_user_profile_data',
    'cluster:admin/xpack/security/profile/put/data',
    'RestUpdateProfileDataAction',
    'special',
  ],
  // ClearSecurityCacheAction with cache name `service`, the action security.clear_api_key_cache sends
  [
    'security.clear_cached_service_tokens',
    'cluster:admin/xpack/security/cache/clear',
    'RestClearServiceAccountTokenStoreCacheAction',
  ],
  // modules/data-streams: org.elasticsearch.datastreams.lifecycle.rest; put/get/delete name their
  // data streams in the path's {name}, explain its indices in {index}
  [
    'indices.put_data_lifecycle',
    'indices:admin/data_stream/lifecycle/put',
    'RestPutDataStreamLifecycleAction',
  ],
  [
    'indices.get_data_lifecycle',
    'indices:admin/data_stream/lifecycle/get',
    'RestGetDataStreamLifecycleAction',
  ],
  [
    'indices.delete_data_lifecycle',
    'indices:admin/data_stream/lifecycle/delete',
    'RestDeleteDataStreamLifecycleAction',
  ],
  [
    'indices.explain_data_lifecycle',
    'indices:admin/data_stream/lifecycle/explain',
    'RestExplainDataStreamLifecycleAction',
  ],
  [
    'indices.get_data_lifecycle_stats',
    'cluster:monitor/data_stream/lifecycle/stats',
    'RestDataStreamLifecycleStatsAction',
  ],
  // x-pack/plugin/downsample: DownsampleAction's request names the source index, the path's {index}
  ['indices.downsample', 'indices:admin/xpack/downsample', 'RestDownsampleAction'],
  // async EQL, SQL and ES|QL results: `special` like async_search.get/delete/status (the async id
  // decides whose result it is)
  ['eql.get', 'indices:data/read/eql/async/get', 'RestEqlGetAsyncResultAction', 'special'],
  // status reads are plain cluster actions, as async_search.status (api-actions.ts)
  ['eql.get_status', 'cluster:monitor/eql/async/status', 'RestEqlGetAsyncStatusAction'],
  ['eql.delete', 'indices:data/read/async_search/delete', 'RestEqlDeleteAsyncResultAction', 'special'],
  ['sql.get_async', 'indices:data/read/sql/async/get', 'RestSqlAsyncGetResultsAction', 'special'],
  ['sql.get_async_status', 'cluster:monitor/xpack/sql/async/status', 'RestSqlAsyncGetStatusAction'],
  ['sql.delete_async', 'indices:data/read/async_search/delete', 'RestSqlAsyncDeleteResultsAction', 'special'],
  // RestEsqlAsyncQueryAction sends EsqlQueryAction, as esql.query does (its names are in the query)
  ['esql.async_query', 'indices:data/read/esql', 'RestEsqlAsyncQueryAction', 'special'],
  [
    'esql.async_query_delete',
    'indices:data/read/async_search/delete',
    'RestEsqlDeleteAsyncResultAction (TransportDeleteAsyncResultAction.TYPE)',
    'special',
  ],
  // x-pack/plugin/fleet: org.elasticsearch.xpack.fleet.rest
  ['fleet.global_checkpoints', 'indices:monitor/fleet/global_checkpoints', 'RestGetGlobalCheckpointsAction'],
  ['fleet.search', 'indices:data/read/search', 'RestFleetSearchAction (TransportSearchAction.TYPE)'],
  // `special`: a multi search is authorized per item like msearch, whose body the resolver reads
  // by API name
  [
    'fleet.msearch',
    'indices:data/read/msearch',
    'RestFleetMultiSearchAction (TransportMultiSearchAction.TYPE)',
    'special',
  ],
  // x-pack/plugin/ent-search: org.elasticsearch.xpack.application.{analytics,search}.action
  [
    'search_application.put_behavioral_analytics',
    'cluster:admin/xpack/application/analytics/put',
    'RestPutAnalyticsCollectionAction',
  ],
  [
    'search_application.get_behavioral_analytics',
    'cluster:admin/xpack/application/analytics/get',
    'RestGetAnalyticsCollectionAction',
  ],
  [
    'search_application.delete_behavioral_analytics',
    'cluster:admin/xpack/application/analytics/delete',
    'RestDeleteAnalyticsCollectionAction',
  ],
  [
    'search_application.post_behavioral_analytics_event',
    'cluster:admin/xpack/application/analytics/post_event',
    'RestPostAnalyticsEventAction',
  ],
  [
    'search_application.render_query',
    'cluster:admin/xpack/application/search_application/render_query',
    'RestRenderSearchApplicationQueryAction',
  ],
  // SearchApplicationSearchRequest is an IndicesRequest naming the application (the path's {name})
  [
    'search_application.search',
    'indices:data/read/xpack/application/search_application/search',
    'RestQuerySearchApplicationAction',
  ],
  // server, modules and other plugins
  ['ingest.geo_ip_stats', 'cluster:monitor/ingest/geoip/stats', 'RestGeoIpStatsAction'],
  ['reindex_rethrottle', 'cluster:admin/reindex/rethrottle', 'RestRethrottleAction'],
  ['update_by_query_rethrottle', 'cluster:admin/reindex/rethrottle', 'RestRethrottleAction'],
  ['delete_by_query_rethrottle', 'cluster:admin/reindex/rethrottle', 'RestRethrottleAction'],
  ['knn_search', 'indices:data/read/search', 'RestKnnSearchAction (SearchRequestBuilder)'],
  ['search_mvt', 'indices:data/read/search', 'RestVectorTileAction (SearchRequestBuilder)'],
  // SearchTemplateAction with simulate=true, the action search_template sends
  ['render_search_template', 'indices:data/read/search/template', 'RestRenderSearchTemplateAction'],
  ['scripts_painless_execute', 'cluster:admin/scripts/painless/execute', 'PainlessExecuteAction.RestAction'],
];
