/**
 * Cluster and index information that monitoring apps and exporters read: `_cat/health`,
 * `_cat/indices`, close/open, `_license`, `_xpack`, `_resolve/index`. Expectations are
 * Elasticsearch facts written out (source in the comment next to each), not computed by the sandbox.
 */
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
// 2026-01-02T03:04:05.000Z: epoch seconds 1767323045
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

beforeAll(async () => {
  tc = await startTestCluster();
  tc.clock.now = T0;
  await tc.admin.indices.create({
    index: 'app-1',
    settings: { number_of_replicas: 0 },
    aliases: { app: {} },
  });
  await tc.admin.indices.create({ index: 'app-2', aliases: { app: {} } });
  await tc.admin.indices.create({ index: 'other-1', settings: { number_of_replicas: 0 } });
  await tc.admin.bulk({
    refresh: true,
    operations: [
      { index: { _index: 'app-1', _id: '1' } },
      { n: 1 },
      { index: { _index: 'app-1', _id: '2' } },
      { n: 2 },
      { index: { _index: 'app-2', _id: '1' } },
      { n: 3 },
    ],
  });
});
afterAll(() => tc.close());

/** A client for a user allowed to monitor the cluster and the `app-*` indices only. */
async function appMonitor(): Promise<Client> {
  return tc.userWithRole(`mon${Math.random().toString(36).slice(2, 8)}`, {
    cluster: ['monitor'],
    indices: [{ names: ['app-*'], privileges: ['monitor'] }],
  });
}

describe('_cat/indices', () => {
  it('lists only the indices the caller is authorized for (format=json, strings as values)', async () => {
    const client = await appMonitor();
    // RestIndicesAction resolves names through a get-settings request, which security expands to
    // authorized indices only; RestTable renders every JSON value as a string.
    const rows = await client.cat.indices({
      format: 'json',
      h: 'index,health,status,pri,rep,docs.count',
      s: 'index',
    });
    expect(rows).toEqual([
      { index: 'app-1', health: 'green', status: 'open', pri: '1', rep: '0', 'docs.count': '2' },
      { index: 'app-2', health: 'yellow', status: 'open', pri: '1', rep: '1', 'docs.count': '1' },
    ]);
  });

  it('renders text with v: headers, right-aligned numbers, no padding after the last column', async () => {
    const text = await tc.admin.cat.indices({
      index: 'app-*,other-1',
      v: true,
      h: 'index,pri,docs.count',
      s: 'docs.count:desc',
    });
    // RestTable.buildTextPlainResponse: cells padded to the column width, `text-align:right`
    // columns (pri, docs.count) padded on the left, one space between columns, "\n" per row.
    expect(text).toBe(
      [
        'index   pri docs.count',
        'app-1     1          2',
        'app-2     1          1',
        'other-1   1          0',
        '',
      ].join('\n'),
    );
  });

  it('answers text with a text content type and sorts by an alias', async () => {
    const res = await tc.admin.transport.request(
      { method: 'GET', path: '/_cat/indices', querystring: { h: 'i', s: 'i:desc' } },
      { meta: true },
    );
    // RestResponse.TEXT_CONTENT_TYPE
    expect(res.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(res.body).toBe('other-1\napp-2\napp-1\n');
  });

  it('answers JSON for a single JSON Accept type, text when Accept lists several', async () => {
    const asJson = await tc.admin.transport.request(
      { method: 'GET', path: '/_cat/indices/app-1', querystring: { h: 'index' } },
      { headers: { accept: 'application/json' }, meta: true },
    );
    expect(asJson.body).toEqual([{ index: 'app-1' }]);
    // ParsedMediaType ignores an Accept header with a comma (a media range list)
    const listed = await tc.admin.transport.request(
      { method: 'GET', path: '/_cat/indices/app-1', querystring: { h: 'index' } },
      { headers: { accept: 'application/json, text/plain' }, meta: true },
    );
    expect(listed.body).toBe('app-1\n');
  });

  it('refuses a column it does not hold and an unknown sort key', async () => {
    await expectError(
      () => tc.admin.cat.indices({ h: 'index,segments.count' }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [cat.indices] column [segments.count]',
    );
    // RestTable.getRowOrder throws UnsupportedOperationException for an unknown `s` key
    await expectError(
      () => tc.admin.cat.indices({ s: 'nope' }),
      500,
      'unsupported_operation_exception',
      'Unable to sort by unknown sort key `nope`',
    );
  });

  it('filters by health', async () => {
    const rows = await tc.admin.cat.indices({ index: 'app-*', format: 'json', h: 'index', health: 'yellow' });
    expect(rows).toEqual([{ index: 'app-2' }]);
  });
});

describe('_cat/health', () => {
  it('renders the cluster health row, with timestamps from the clock', async () => {
    const rows = await tc.admin.cat.health({ format: 'json' });
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, string>;
    // RestHealthAction columns; epoch is in seconds, timestamp HH:mm:ss UTC; a zero task wait is "-".
    expect(row.epoch).toBe('1767323045');
    expect(row.timestamp).toBe('03:04:05');
    expect(row.cluster).toBe('eskeys-sandbox');
    // app-2 has one replica a single node cannot assign: yellow, one unassigned shard
    expect(row.status).toBe('yellow');
    expect(row['node.total']).toBe('1');
    expect(row.unassign).toBe('1');
    expect(row['unassign.pri']).toBe('0');
    expect(row.max_task_wait_time).toBe('-');
    expect(Object.keys(row)).toEqual([
      'epoch',
      'timestamp',
      'cluster',
      'status',
      'node.total',
      'node.data',
      'shards',
      'pri',
      'relo',
      'init',
      'unassign',
      'unassign.pri',
      'pending_tasks',
      'max_task_wait_time',
      'active_shards_percent',
    ]);
  });

  it('hides the timestamps with ts=false and renders text', async () => {
    const text = await tc.admin.cat.health({ ts: false, h: 'cluster,status,node.total', v: true });
    expect(text).toBe('cluster        status node.total\neskeys-sandbox yellow          1\n');
  });
});

describe('close and open', () => {
  it('closed indices refuse reads and writes, keep their row, and are skipped by wildcards', async () => {
    await tc.admin.indices.create({ index: 'shut-1', settings: { number_of_replicas: 0 } });
    await tc.admin.index({ index: 'shut-1', id: 'a', document: { x: 1 }, refresh: true });
    // CloseIndexResponse: acknowledged, shards_acknowledged and a per-index `closed` flag
    expect(await tc.admin.indices.close({ index: 'shut-1' })).toEqual({
      acknowledged: true,
      shards_acknowledged: true,
      indices: { 'shut-1': { closed: true } },
    });
    // IndexClosedException: 400, reason "closed", the index set on the exception
    const err = await expectError(
      () => tc.admin.search({ index: 'shut-1' }),
      400,
      'index_closed_exception',
      'closed',
    );
    expect(err.index).toBe('shut-1');
    await expectError(
      () => tc.admin.get({ index: 'shut-1', id: 'a' }),
      400,
      'index_closed_exception',
      'closed',
    );
    await expectError(
      () => tc.admin.index({ index: 'shut-1', id: 'b', document: { x: 2 } }),
      400,
      'index_closed_exception',
      'closed',
    );
    // Wildcards expand to open indices by default: the closed one is skipped, not an error.
    const hits = await tc.admin.search({ index: 'shut-*' });
    expect(hits.hits.total).toEqual({ value: 0, relation: 'eq' });
    // _cat/indices (strictExpand: open and closed) shows it closed, without document statistics.
    expect(
      await tc.admin.cat.indices({ index: 'shut-*', format: 'json', h: 'index,status,docs.count' }),
    ).toEqual([{ index: 'shut-1', status: 'close', 'docs.count': null }]);
    // OpenIndexResponse
    expect(await tc.admin.indices.open({ index: 'shut-1' })).toEqual({
      acknowledged: true,
      shards_acknowledged: true,
    });
    const after = await tc.admin.search({ index: 'shut-1' });
    expect(after.hits.total).toEqual({ value: 1, relation: 'eq' });
  });

  it('refuses wildcards while action.destructive_requires_name holds', async () => {
    await expectError(
      () => tc.admin.indices.close({ index: 'app-*' }),
      400,
      'illegal_argument_exception',
      'Wildcard expressions or all indices are not allowed',
    );
  });
});

describe('_license and _xpack', () => {
  it('reports the self-generated trial license', async () => {
    const { license } = await tc.admin.license.get();
    // The trial a cluster self-generates with xpack.license.self_generated.type=trial: 30 days,
    // issued by "elasticsearch" to the cluster, max_nodes 1000 (shape as GET /_license documents).
    expect(license.type).toBe('trial');
    expect(license.status).toBe('active');
    expect(license.issuer).toBe('elasticsearch');
    expect(license.issued_to).toBe('eskeys-sandbox');
    expect(license.max_nodes).toBe(1000);
    expect(license.max_resource_units).toBeNull();
    expect(license.start_date_in_millis).toBe(-1);
    expect(Number(license.expiry_date_in_millis) - Number(license.issue_date_in_millis)).toBe(2_592_000_000);
    expect(license.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    tc.clock.advance(2_592_000_000);
    expect((await tc.admin.license.get()).license.status).toBe('expired');
    tc.clock.now = T0;
  });

  it('answers build and license info, and refuses the features category', async () => {
    const info = await tc.admin.xpack.info({ categories: ['build', 'license'] });
    const { license } = await tc.admin.license.get();
    expect(info.license).toEqual({
      uid: license.uid,
      type: 'trial',
      mode: 'trial',
      status: 'active',
      expiry_date_in_millis: license.expiry_date_in_millis,
    });
    // RestXPackInfoAction adds the tagline unless human=false
    expect(info.tagline).toBe('You know, for X');
    expect(Object.keys(info.build)).toEqual(['hash', 'date']);
    await expectError(
      () => tc.admin.xpack.info(),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [xpack.info] category [features]',
    );
  });
});

describe('_resolve/index', () => {
  it('lists the indices and aliases a name reaches, among the authorized ones', async () => {
    await tc.admin.indices.close({ index: 'other-1' });
    try {
      expect(await tc.admin.indices.resolveIndex({ name: 'app*,other-*', expand_wildcards: 'all' })).toEqual({
        indices: [
          { name: 'app-1', aliases: ['app'], attributes: ['open'] },
          { name: 'app-2', aliases: ['app'], attributes: ['open'] },
          { name: 'other-1', attributes: ['closed'] },
        ],
        aliases: [{ name: 'app', indices: ['app-1', 'app-2'] }],
        data_streams: [],
      });
    } finally {
      await tc.admin.indices.open({ index: 'other-1' });
    }
    // ResolveIndexAction sorts the attributes by name
    await tc.admin.indices.create({ index: 'hid-1', settings: { 'index.hidden': true } });
    await tc.admin.indices.close({ index: 'hid-1' });
    expect(await tc.admin.indices.resolveIndex({ name: 'hid-*', expand_wildcards: 'all' })).toEqual({
      indices: [{ name: 'hid-1', attributes: ['closed', 'hidden'] }],
      aliases: [],
      data_streams: [],
    });
    const client = await tc.userWithRole('resolver', {
      indices: [{ names: ['app-1'], privileges: ['view_index_metadata'] }],
    });
    expect(await client.indices.resolveIndex({ name: '*' })).toEqual({
      indices: [{ name: 'app-1', aliases: ['app'], attributes: ['open'] }],
      aliases: [],
      data_streams: [],
    });
  });
});

describe('_field_caps', () => {
  it('reports each field type from the mappings, multi-fields and parent objects included', async () => {
    await tc.admin.indices.create({
      index: 'fc-1',
      mappings: {
        properties: {
          title: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
          count: { type: 'long' },
          user: { properties: { name: { type: 'keyword' } } },
        },
      },
    });
    await tc.admin.indices.create({
      index: 'fc-2',
      mappings: { properties: { title: { type: 'text' }, count: { type: 'keyword', index: false } } },
    });
    // Field capabilities docs: `indices` lists where a field has a type only when its types differ;
    // `non_searchable_indices` when only some indices can search it. Text has no doc values
    // (not aggregatable); an object parent of a matched field is reported as `object`.
    const caps = await tc.admin.fieldCaps({ index: 'fc-*', fields: ['title*', 'count', 'user.*'] });
    expect(caps).toEqual({
      indices: ['fc-1', 'fc-2'],
      fields: {
        count: {
          keyword: {
            type: 'keyword',
            metadata_field: false,
            searchable: false,
            aggregatable: true,
            indices: ['fc-2'],
          },
          long: {
            type: 'long',
            metadata_field: false,
            searchable: true,
            aggregatable: true,
            indices: ['fc-1'],
          },
        },
        title: { text: { type: 'text', metadata_field: false, searchable: true, aggregatable: false } },
        'title.keyword': {
          keyword: { type: 'keyword', metadata_field: false, searchable: true, aggregatable: true },
        },
        user: { object: { type: 'object', metadata_field: false, searchable: false, aggregatable: false } },
        'user.name': {
          keyword: { type: 'keyword', metadata_field: false, searchable: true, aggregatable: true },
        },
      },
    });
  });

  it('needs fields, and refuses patterns that reach metadata fields', async () => {
    // FieldCapabilitiesRequest.fields
    await expectError(
      () => tc.admin.transport.request({ method: 'GET', path: '/fc-1/_field_caps' }),
      400,
      'illegal_argument_exception',
      "specified fields can't be null or empty",
    );
    await expectError(
      () => tc.admin.fieldCaps({ index: 'fc-1', fields: '*' }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [field_caps] metadata fields, asked by field pattern [*]',
    );
  });
});

describe('_nodes/stats', () => {
  // NodesStatsResponse: `_nodes` (total, successful, failed), `cluster_name`, then `nodes` keyed by
  // node id; NodeStats writes timestamp, name, transport_address, host, ip, roles, then each
  // requested section in the order indices, os, process, jvm, thread_pool, fs, ...
  // (RestNodesStatsAction, NodeStats.toXContent).
  it('answers the sections with a real counterpart: documents held, the process, its heap, its file system', async () => {
    const client = await tc.userWithRole('nodes-monitor', { cluster: ['monitor'] });
    const r: Json = await client.nodes.stats();
    expect(r._nodes).toEqual({ total: 1, successful: 1, failed: 0 });
    expect(r.cluster_name).toBe('eskeys-sandbox');
    const ids = Object.keys(r.nodes);
    expect(ids).toHaveLength(1);
    const node = r.nodes[ids[0]!];
    expect(Object.keys(node)).toEqual([
      'timestamp',
      'name',
      'transport_address',
      'host',
      'ip',
      'roles',
      'indices',
      'process',
      'jvm',
      'fs',
    ]);
    expect(node.name).toBe('sandbox-node');
    // Documents: app-1 holds 2 and app-2 holds 1 (beforeAll); other tests of this file add more,
    // so the count is checked against a fresh one in the next test.
    expect(node.indices.docs.deleted).toBe(0);
    expect(Object.keys(node.process)).toEqual([
      'timestamp',
      'open_file_descriptors',
      'max_file_descriptors',
      'cpu',
      'mem',
    ]);
    expect(node.process.open_file_descriptors).toBeGreaterThan(0);
    expect(node.process.max_file_descriptors).toBeGreaterThanOrEqual(node.process.open_file_descriptors);
    expect(Object.keys(node.jvm.mem)).toEqual([
      'heap_used_in_bytes',
      'heap_used_percent',
      'heap_committed_in_bytes',
      'heap_max_in_bytes',
    ]);
    expect(node.jvm.mem.heap_used_in_bytes).toBeGreaterThan(0);
    expect(node.jvm.mem.heap_used_in_bytes).toBeLessThanOrEqual(node.jvm.mem.heap_max_in_bytes);
    expect(node.jvm.uptime_in_millis).toBeGreaterThan(0);
    expect(node.fs.total.total_in_bytes).toBeGreaterThanOrEqual(node.fs.total.free_in_bytes);
    expect(node.fs.total.free_in_bytes).toBeGreaterThanOrEqual(node.fs.total.available_in_bytes);
  });

  it('counts the refreshed documents of open indices; a metric selects its sections', async () => {
    const before: Json = await tc.admin.nodes.stats({ metric: 'indices', index_metric: 'docs' });
    const node = Object.values(before.nodes)[0] as Json;
    expect(Object.keys(node).slice(6)).toEqual(['indices']);
    expect(Object.keys(node.indices)).toEqual(['docs']);
    await tc.admin.bulk({
      refresh: true,
      operations: [{ index: { _index: 'stats-1' } }, { n: 1 }, { index: { _index: 'stats-1' } }, { n: 2 }],
    });
    const after: Json = await tc.admin.nodes.stats({ metric: 'indices', index_metric: 'docs' });
    expect((Object.values(after.nodes)[0] as Json).indices.docs.count).toBe(node.indices.docs.count + 2);
    const byId: Json = await tc.admin.nodes.stats({ node_id: '_local', metric: 'jvm,process' });
    expect(Object.keys(Object.values(byId.nodes)[0] as Json).slice(6)).toEqual(['process', 'jvm']);
    // A node id that names no node: no nodes, and no failure (DiscoveryNodes.resolveNodes).
    expect(await tc.admin.nodes.stats({ node_id: 'no-such-node' })).toEqual({
      _nodes: { total: 0, successful: 0, failed: 0 },
      cluster_name: 'eskeys-sandbox',
      nodes: {},
    });
  });

  it('refuses metrics it does not build, and unknown metrics as Elasticsearch does', async () => {
    await expectError(
      () => tc.admin.nodes.stats({ metric: 'thread_pool' }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [nodes.stats] metric [thread_pool]',
    );
    await expectError(
      () => tc.admin.nodes.stats({ metric: 'indices', index_metric: 'store,search' }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [nodes.stats] index metric [search,store]',
    );
    // BaseRestHandler.unrecognized with SuggestingErrorOnUnknown's hint (RestNodesStatsAction).
    await expectError(
      () => tc.admin.nodes.stats({ metric: 'jvmm' }),
      400,
      'illegal_argument_exception',
      'request [/_nodes/stats/jvmm] contains unrecognized metric: [jvmm] -> did you mean [jvm]?',
    );
    await expectError(
      () => tc.admin.nodes.stats({ metric: '_all,jvm' }),
      400,
      'illegal_argument_exception',
      'request [/_nodes/stats/_all,jvm] contains _all and individual metrics [_all,jvm]',
    );
    // Authorization is the server's: cluster:monitor/nodes/stats needs monitor (or manage).
    const none = await tc.userWithRole('nodes-none', { cluster: [] });
    await expectError(() => none.nodes.stats(), 403, 'security_exception', /cluster:monitor\/nodes\/stats/);
  });

  it('refuses a filter_path that selects a field it leaves out, and answers one that selects only built fields', async () => {
    const id = tc.sandbox.state.nodeId;
    const refusal = (fields: string[]) =>
      `the eskeys sandbox does not emulate [nodes.stats] fields [${fields.map((f) => `nodes.${id}.${f}`).join(', ')}]; select the emulated fields with filter_path`;
    // Store sizes are part of Elasticsearch's default answer (CommonStatsFlags.ALL).
    await expectError(
      () => tc.admin.nodes.stats({ filter_path: 'nodes.*.indices.store' }),
      400,
      'illegal_argument_exception',
      refusal(['indices.store']),
    );
    // JvmStats also writes non-heap memory, pools, threads, gc, buffer pools and classes.
    await expectError(
      () => tc.admin.nodes.stats({ metric: 'jvm', filter_path: 'nodes.*.jvm' }),
      400,
      'illegal_argument_exception',
      refusal([
        'jvm.mem.non_heap_used_in_bytes',
        'jvm.mem.non_heap_committed_in_bytes',
        'jvm.mem.pools',
        'jvm.threads',
        'jvm.gc',
        'jvm.buffer_pools',
        'jvm.classes',
      ]),
    );
    const r: Json = await tc.admin.nodes.stats({
      metric: 'jvm,indices',
      index_metric: 'docs',
      filter_path: ['nodes.*.jvm.mem.heap_max_in_bytes', 'nodes.*.indices.docs.count'],
    });
    expect(Object.keys(r.nodes[id])).toEqual(['indices', 'jvm']);
    expect(r.nodes[id].jvm).toEqual({ mem: { heap_max_in_bytes: expect.any(Number) } });
    expect(r.nodes[id].indices).toEqual({ docs: { count: expect.any(Number) } });
  });

  it('human=true adds the readable twins of the built fields', async () => {
    const r: Json = await tc.admin.nodes.stats({ metric: 'jvm', human: true });
    const jvm = (Object.values(r.nodes)[0] as Json).jvm;
    // JvmStats.toXContent: humanReadableField(uptime_in_millis, uptime, TimeValue) and
    // (heap_*_in_bytes, heap_*, ByteSizeValue), readable first.
    expect(Object.keys(jvm)).toEqual(['timestamp', 'uptime', 'uptime_in_millis', 'mem']);
    expect(Object.keys(jvm.mem)).toEqual([
      'heap_used',
      'heap_used_in_bytes',
      'heap_used_percent',
      'heap_committed',
      'heap_committed_in_bytes',
      'heap_max',
      'heap_max_in_bytes',
    ]);
    expect(jvm.mem.heap_max).toMatch(/^\d+(\.\d)?(b|kb|mb|gb)$/);
  });
});
