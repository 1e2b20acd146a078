/**
 * The resolver's names from the right parameter, `_cat` request sequences and reindex bodies,
 * written literally. Sources (elastic/elasticsearch): the rest-api-spec URL patterns, the request
 * classes' indices(), the `_cat` REST handlers in server/.../rest/action/cat/ and x-pack's ML and
 * transform cat handlers (docs/es-facts.md, "Authorization step: special actions, multi-request
 * _cat, name parameters (issue 12)").
 */
import { describe, expect, it } from 'vitest';
import { API_ACTIONS, CAT_REQUESTS, resolveRequest } from '../../../src/core/resolver/index.js';

describe('index names come from the parameter that carries them', () => {
  it.each([
    // RestGetDataStreamsAction: GetDataStreamAction.Request.indices() are the {name} values
    ['GET', '/_data_stream/logs-app', 'indices.get_data_stream', ['logs-app']],
    ['PUT', '/_data_stream/logs-new', 'indices.create_data_stream', ['logs-new']],
    ['DELETE', '/_data_stream/logs-a,logs-b', 'indices.delete_data_stream', ['logs-a', 'logs-b']],
    ['GET', '/_data_stream/logs-*/_stats', 'indices.data_streams_stats', ['logs-*']],
    ['POST', '/_data_stream/_migrate/logs-alias', 'indices.migrate_to_data_stream', ['logs-alias']],
    ['POST', '/_data_stream/_promote/logs-f', 'indices.promote_data_stream', ['logs-f']],
    ['GET', '/_data_stream/logs-app/_lifecycle', 'indices.get_data_lifecycle', ['logs-app']],
    ['PUT', '/_data_stream/logs-app/_lifecycle', 'indices.put_data_lifecycle', ['logs-app']],
    ['DELETE', '/_data_stream/logs-app/_lifecycle', 'indices.delete_data_lifecycle', ['logs-app']],
    ['GET', '/_data_stream/logs-app/_options', 'indices.get_data_stream_options', ['logs-app']],
    ['PUT', '/_data_stream/logs-app/_settings', 'indices.put_data_stream_settings', ['logs-app']],
    ['GET', '/_data_stream/logs-app/_mappings', 'indices.get_data_stream_mappings', ['logs-app']],
    // ResolveIndexAction.Request.indices() are the {name} expressions
    ['GET', '/_resolve/index/logs-*,metrics', 'indices.resolve_index', ['logs-*', 'metrics']],
    ['GET', '/_resolve/cluster/logs-*', 'indices.resolve_cluster', ['logs-*']],
    // RolloverRequest.indices() is the rollover target {alias}
    ['POST', '/logs-write/_rollover', 'indices.rollover', ['logs-write']],
    ['POST', '/logs-write/_rollover/logs-000002', 'indices.rollover', ['logs-write']],
    // {name} of put-alias is the alias: the indices are {index}
    ['PUT', '/logs-1/_alias/logs', 'indices.put_alias', ['logs-1']],
    // {name} of get-settings is a setting name
    ['GET', '/logs-1/_settings/index.number_of_shards', 'indices.get_settings', ['logs-1']],
    ['GET', '/logs-1/_field_caps', 'field_caps', ['logs-1']],
  ])('%s %s (%s) → %j', (method, path, api, names) => {
    const r = resolveRequest({ method, path });
    expect(r?.api).toBe(api);
    expect(r?.indices).toEqual(names);
  });

  it('GET /_data_stream/logs-app asks indices:admin/data_stream/get on [logs-app]', () => {
    const r = resolveRequest({ method: 'GET', path: '/_data_stream/logs-app' });
    expect([r?.action, r?.indices]).toEqual(['indices:admin/data_stream/get', ['logs-app']]);
  });

  it('a data stream name in date math is resolved like an index name', () => {
    const now = Date.UTC(2026, 2, 17, 10, 0, 0);
    const r = resolveRequest({
      method: 'PUT',
      path: `/_data_stream/${encodeURIComponent('<logs-{now/d}>')}`,
      now,
    });
    expect(r?.indices).toEqual(['logs-2026.03.17']);
  });

  it('the analyze API reads index= from the query on /_analyze (RestAnalyzeAction param "index")', () => {
    const q = new URLSearchParams('index=logs-1');
    expect(resolveRequest({ method: 'GET', path: '/_analyze', query: q })?.indices).toEqual(['logs-1']);
    expect(resolveRequest({ method: 'GET', path: '/logs-2/_analyze', query: q })?.indices).toEqual([
      'logs-2',
    ]);
    // RestSearchAction on /_search is not in the table: the query parameter is not read there
    expect(resolveRequest({ method: 'GET', path: '/_search', query: q })?.indices).toBeUndefined();
  });
});

describe('_cat handlers that send several transport requests', () => {
  it.each([
    [
      '/_cat/indices/logs-*',
      'cat.indices',
      [
        // RestIndicesAction: get-settings first (it resolves the names), then stats, state, health
        ['indices:monitor/settings/get', 'index', ['logs-*']],
        ['indices:monitor/stats', 'index', ['logs-*']],
        ['cluster:monitor/state', 'cluster', undefined],
        ['cluster:monitor/health', 'cluster', undefined],
      ],
    ],
    [
      '/_cat/shards',
      'cat.shards',
      // RestShardsAction: a state failure is only read after the stats request succeeded
      [
        ['indices:monitor/stats', 'index', undefined],
        ['cluster:monitor/state', 'cluster', undefined],
      ],
    ],
    [
      '/_cat/nodes',
      'cat.nodes',
      [
        ['cluster:monitor/state', 'cluster', undefined],
        ['cluster:monitor/nodes/info', 'cluster', undefined],
        ['cluster:monitor/nodes/stats', 'cluster', undefined],
      ],
    ],
    [
      '/_cat/segments/logs-1',
      'cat.segments',
      [
        ['cluster:monitor/state', 'cluster', undefined],
        ['indices:monitor/segments', 'index', ['logs-1']],
      ],
    ],
    [
      '/_cat/templates',
      'cat.templates',
      [
        ['indices:admin/template/get', 'cluster', undefined],
        ['indices:admin/index_template/get', 'cluster', undefined],
      ],
    ],
    // RestCatAction prints the list of cat endpoints: no transport request at all
    ['/_cat', 'cat.help', []],
  ])('GET %s (%s)', (path, api, expected) => {
    const r = resolveRequest({ method: 'GET', path });
    expect(r?.api).toBe(api);
    expect(r?.requests?.map((t) => [t.action, t.scope, t.indices])).toEqual(expected);
  });

  it('the first request of each sequence is the API’s primary action (what learning records)', () => {
    for (const [api, { requests }] of CAT_REQUESTS) {
      if (requests.length === 0) continue;
      expect([api, API_ACTIONS.get(api)?.action, API_ACTIONS.get(api)?.scope]).toEqual([
        api,
        requests[0]!.action,
        requests[0]!.scope,
      ]);
    }
  });

  it.each([
    ['/_cat/snapshots', 'cluster:admin/snapshot/get'], // RestSnapshotAction: GetSnapshotsRequest
    ['/_cat/circuit_breaker', 'cluster:monitor/nodes/stats'], // RestCatCircuitBreakerAction
    ['/_cat/component_templates', 'cluster:monitor/state'], // RestCatComponentTemplateAction
    ['/_cat/ml/anomaly_detectors', 'cluster:monitor/xpack/ml/job/stats/get'], // RestCatJobsAction
    ['/_cat/ml/datafeeds', 'cluster:monitor/xpack/ml/datafeeds/stats/get'], // RestCatDatafeedsAction
  ])('GET %s sends one request: %s', (path, action) => {
    const r = resolveRequest({ method: 'GET', path });
    expect([r?.action, r?.requests]).toEqual([action, undefined]);
  });
});

describe('reindex bodies', () => {
  it('names the source and destination', () => {
    const r = resolveRequest({
      method: 'POST',
      path: '/_reindex',
      body: '{"source":{"index":["logs-a","logs-b"]},"dest":{"index":"archive"}}',
    });
    expect(r?.reindex).toEqual({ source: ['logs-a', 'logs-b'], dest: ['archive'] });
    const comma = resolveRequest({
      method: 'POST',
      path: '/_reindex',
      body: '{"source":{"index":"a,b"},"dest":{"index":"c"}}',
    });
    expect(comma?.reindex).toEqual({ source: ['a', 'b'], dest: ['c'] });
  });
});
