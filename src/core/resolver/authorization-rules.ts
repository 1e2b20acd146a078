/**
 * How Elasticsearch authorizes requests that are not one plain IndicesRequest or cluster request:
 * index actions authorized by name only or not at all (RBACEngine), REST handlers that send several
 * transport requests (`_cat`), and composite actions whose child requests are authorized on their
 * own names (reindex, update/delete by query, search template, async search submit). Facts and
 * evidence: docs/es-facts.md, "Authorization step: special actions, multi-request _cat, name
 * parameters (issue 12)".
 */

/**
 * RBACEngine.shouldAuthorizeIndexActionNameOnly: the role must grant the action on some index;
 * the names are authorized later, per item or by the child requests.
 */
export const NAME_ONLY_INDEX_ACTIONS: ReadonlySet<string> = new Set([
  'indices:data/write/bulk',
  'indices:data/write/index',
  'indices:data/write/delete',
  'indices:data/read/mget',
  'indices:data/read/mtv',
  'indices:data/read/msearch',
  'indices:data/read/msearch/template',
  'indices:data/read/search/template',
  'indices:data/write/reindex',
  'indices:data/read/sql',
  'indices:data/read/sql/translate',
  'indices:data/read/esql',
  'indices:data/read/esql/compute',
  // Not in that list but the same check: RBACEngine authorizes a scroll whose id names local
  // shards with role.checkIndicesAction (the search that opened it was authorized on its names).
  'indices:data/read/scroll',
]);

/**
 * Index actions whose request carries no names and which RBACEngine grants without any privilege
 * (isScrollRelatedAction, isAsyncRelatedAction, ClosePointInTimeAction): the stored context is
 * checked to belong to the caller when it is used, and a submit's child search is authorized.
 */
export const UNPRIVILEGED_INDEX_ACTIONS: ReadonlySet<string> = new Set([
  'indices:data/read/scroll/clear',
  'indices:data/read/sql/close_cursor',
  'indices:data/read/close_point_in_time',
  'indices:data/read/async_search/submit',
  'indices:data/read/async_search/get',
  'indices:data/read/async_search/delete',
  'indices:data/read/eql/async/get',
  'indices:data/read/sql/async/get',
  // EsqlAsyncActionNames, "exposed for RBACEngine" like its EQL and SQL counterparts above
  'indices:data/read/esql/async/get',
  'indices:data/read/esql/async/stop',
]);

/**
 * APIs of scope `special` whose authorization in Elasticsearch was not established from its
 * source: the sandbox applies only the specification's documented privileges to them (a 403 when
 * those prove a denial) and then refuses them as not emulated, never answering them.
 */
export const AUTHORIZATION_NOT_ESTABLISHED: ReadonlyMap<string, string> = new Map([
  ['profiling.flamegraph', 'index names come from the body (profiling-events-all by default)'],
  ['profiling.stacktraces', 'index names come from the body (profiling-events-all by default)'],
  ['profiling.topn_functions', 'index names come from the body (profiling-events-all by default)'],
  ['simulate.ingest', "a SimulateBulkRequest; RBACEngine's name-only list (as read) lacks its action"],
  ['security.update_user_profile_data', 'granted per application namespace of the data keys (profile.write)'],
  [
    'security.clone_api_key',
    "the source key is named by its credential; whether manage_own_api_key's per-request rule covers the clone was not read",
  ],
]);

/** Where a transport request a REST handler sends takes its index names from. */
export type RequestNames =
  /** None: a cluster request, or an index request authorized by name only. */
  | 'none'
  /** The REST request's index names (path or query), expanded as for any IndicesRequest. */
  | 'request'
  /** The concrete names the parent request was authorized on (Replaceable requests pass them on). */
  | 'parent'
  /** `source.index` of a reindex body. */
  | 'source';

/** One transport request, in the order a REST handler (or a composite action) sends it. */
export interface TransportRequest {
  readonly action: string;
  readonly scope: 'cluster' | 'index';
  readonly names: RequestNames;
  /** IndicesOptions with ignore_unavailable: names the caller may not use are dropped, not denied. */
  readonly lenient?: boolean;
  /** The request's default `expand_wildcards` when it is not the usual `open`. */
  readonly expandWildcards?: string;
}

const cluster = (action: string): TransportRequest => ({ action, scope: 'cluster', names: 'none' });
const onRequestNames = (action: string): TransportRequest => ({ action, scope: 'index', names: 'request' });

const STATE = cluster('cluster:monitor/state');
const NODES_INFO = cluster('cluster:monitor/nodes/info');
const NODES_STATS = cluster('cluster:monitor/nodes/stats');

/**
 * `_cat` handlers that send more than one transport request (or none): the requests in the order
 * their denials reach the caller, so the first denied one is the 403. The first request is the
 * API's row in API_ACTIONS (its primary action, which learning records).
 */
export const CAT_REQUESTS: ReadonlyMap<string, { handler: string; requests: readonly TransportRequest[] }> =
  new Map([
    [
      'cat.indices',
      {
        // get-settings resolves the names; stats, state and health follow it concurrently
        handler: 'cat.RestIndicesAction',
        requests: [
          // IndicesOptions.strictExpand(): wildcards reach open and closed indices
          { ...onRequestNames('indices:monitor/settings/get'), expandWildcards: 'open,closed' },
          // the follow-up requests use IndicesOptions.lenientExpandHidden()
          { ...onRequestNames('indices:monitor/stats'), lenient: true },
          STATE,
          cluster('cluster:monitor/health'),
        ],
      },
    ],
    [
      'cat.shards',
      {
        // state is sent first but its failure is only read once the stats request succeeded
        handler: 'cat.RestShardsAction',
        requests: [onRequestNames('indices:monitor/stats'), STATE],
      },
    ],
    ['cat.nodes', { handler: 'cat.RestNodesAction', requests: [STATE, NODES_INFO, NODES_STATS] }],
    ['cat.allocation', { handler: 'cat.RestAllocationAction', requests: [STATE, NODES_STATS] }],
    [
      'cat.segments',
      { handler: 'cat.RestSegmentsAction', requests: [STATE, onRequestNames('indices:monitor/segments')] },
    ],
    ['cat.thread_pool', { handler: 'cat.RestThreadPoolAction', requests: [STATE, NODES_INFO, NODES_STATS] }],
    ['cat.nodeattrs', { handler: 'cat.RestNodeAttrsAction', requests: [STATE, NODES_INFO] }],
    ['cat.plugins', { handler: 'cat.RestPluginsAction', requests: [STATE, NODES_INFO] }],
    [
      'cat.templates',
      {
        // legacy and composable template requests; template actions are cluster-scoped
        handler: 'cat.RestTemplatesAction',
        requests: [cluster('indices:admin/template/get'), cluster('indices:admin/index_template/get')],
      },
    ],
    // RestCatAction lists the cat endpoints itself: no transport request, authentication only
    ['cat.help', { handler: 'cat.RestCatAction', requests: [] }],
    [
      'cat.ml_data_frame_analytics',
      {
        handler: 'RestCatDataFrameAnalyticsAction',
        requests: [
          cluster('cluster:monitor/xpack/ml/data_frame/analytics/get'),
          cluster('cluster:monitor/xpack/ml/data_frame/analytics/stats/get'),
        ],
      },
    ],
    [
      'cat.ml_trained_models',
      {
        handler: 'RestCatTrainedModelsAction',
        requests: [
          cluster('cluster:monitor/xpack/ml/inference/get'),
          cluster('cluster:monitor/xpack/ml/inference/stats/get'),
          cluster('cluster:monitor/xpack/ml/data_frame/analytics/get'),
        ],
      },
    ],
    [
      'cat.transforms',
      {
        handler: 'RestCatTransformAction',
        requests: [cluster('cluster:monitor/transform/get'), cluster('cluster:monitor/transform/stats/get')],
      },
    ],
  ]);

const GET_DATA_FRAME_ANALYTICS = cluster('cluster:monitor/xpack/ml/data_frame/analytics/get');

/**
 * Handlers whose requests depend on a path parameter: with it, the stored config is fetched first
 * and the API's own action follows (only once the fetch succeeded, as for the `_cat` sequences);
 * without it, the API's row is the one request. RestExplainDataFrameAnalyticsAction and
 * RestPreviewDataFrameAnalyticsAction send GetDataFrameAnalyticsAction for `{id}`, then the
 * explain / preview action on the config it returned.
 */
export const REQUESTS_WITH_PARAM: ReadonlyMap<
  string,
  { readonly param: string; readonly requests: readonly TransportRequest[] }
> = new Map([
  [
    'ml.explain_data_frame_analytics',
    {
      param: 'id',
      requests: [GET_DATA_FRAME_ANALYTICS, cluster('cluster:admin/xpack/ml/data_frame/analytics/explain')],
    },
  ],
  [
    'ml.preview_data_frame_analytics',
    {
      param: 'id',
      requests: [GET_DATA_FRAME_ANALYTICS, cluster('cluster:admin/xpack/ml/data_frame/analytics/preview')],
    },
  ],
]);

const SEARCH = 'indices:data/read/search';
/** A BulkRequest: name-only (the shard and item checks run when its items execute). */
const BULK: TransportRequest = { action: 'indices:data/write/bulk', scope: 'index', names: 'none' };

/**
 * Composite actions: after the action itself is authorized, the child requests its transport
 * action sends, each authorized on its own names. Bulk children's shard-level and item checks
 * (`bulk[s]`, the item's write action) run per item at execution, as for `_bulk`.
 */
export const CHILD_REQUESTS: ReadonlyMap<string, readonly TransportRequest[]> = new Map([
  // AbstractAsyncBulkByScrollAction: the scroll search over the names the parent resolved, then
  // a bulk of deletes / re-indexes of the hits (sent only when there are hits; every privilege
  // granting the parent action grants the bulk action on the same names, so the check holds).
  ['delete_by_query', [{ action: SEARCH, scope: 'index', names: 'parent' }, BULK]],
  ['update_by_query', [{ action: SEARCH, scope: 'index', names: 'parent' }, BULK]],
  // Reindex searches the body's source and bulk-writes into its destination.
  ['reindex', [{ action: SEARCH, scope: 'index', names: 'source' }, BULK]],
  // Search template renders the template, then executes a SearchRequest on the request's names.
  ['search_template', [onRequestNames(SEARCH)]],
  // Async search submit is not authorized itself; its search is.
  ['async_search.submit', [onRequestNames(SEARCH)]],
]);

/**
 * The path parameter holding the index, alias or data stream names of an API when it is not
 * `{index}` (rest-api-spec URL patterns; Elasticsearch's request classes return these names from
 * `indices()`). Query `index=` is read where the REST handler takes `request.param("index")` on a
 * route without `{index}`.
 */
export const NAME_PARAM_BY_API: ReadonlyMap<string, string> = new Map([
  ['indices.create_data_stream', 'name'],
  ['indices.delete_data_stream', 'name'],
  ['indices.get_data_stream', 'name'],
  ['indices.data_streams_stats', 'name'],
  ['indices.migrate_to_data_stream', 'name'],
  ['indices.promote_data_stream', 'name'],
  ['indices.get_data_lifecycle', 'name'],
  ['indices.put_data_lifecycle', 'name'],
  ['indices.delete_data_lifecycle', 'name'],
  ['indices.get_data_stream_options', 'name'],
  ['indices.put_data_stream_options', 'name'],
  ['indices.delete_data_stream_options', 'name'],
  ['indices.get_data_stream_settings', 'name'],
  ['indices.put_data_stream_settings', 'name'],
  ['indices.get_data_stream_mappings', 'name'],
  ['indices.put_data_stream_mappings', 'name'],
  ['indices.resolve_index', 'name'],
  ['indices.resolve_cluster', 'name'],
  // the rollover target: an alias or a data stream
  ['indices.rollover', 'alias'],
  // CreateIndexFromSourceAction.Request.indices() is the source index only, not {dest}
  ['indices.create_from', 'source'],
]);

/** APIs whose REST handler reads `index` from the query when the route has no `{index}`. */
export const QUERY_INDEX_APIS: ReadonlySet<string> = new Set([
  // RestAnalyzeAction: `/_analyze?index=logs` analyzes with that index's analyzers
  'indices.analyze',
]);
