/**
 * `GET /_cluster/stats` through the official client: the fields the sandbox answers exactly,
 * selected with `filter_path`, and the 400 naming the fields it does not emulate. Expectations
 * are Elasticsearch facts written out (source in the comment next to each), not computed by the
 * sandbox.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

/** Every field the sandbox emulates, selected explicitly. */
const EMULATED = [
  '_nodes',
  'cluster_name',
  'cluster_uuid',
  'timestamp',
  'status',
  'indices.count',
  'indices.shards',
  'indices.docs.count',
  'indices.docs.deleted',
  'nodes.count.total',
  'nodes.count.coordinating_only',
  'nodes.count.master',
  'nodes.count.voting_only',
  'nodes.versions',
  'nodes.process',
  'nodes.jvm.max_uptime_in_millis',
  'nodes.jvm.mem',
  'nodes.fs',
];

/** The 400's reason for the fields a request reaches. */
const refusal = (fields: string, why = '') =>
  `the eskeys sandbox does not emulate [cluster.stats] fields [${fields}]${why}; select the emulated fields with filter_path`;

beforeAll(async () => {
  tc = await startTestCluster();
  tc.clock.now = T0;
});
afterAll(() => tc.close());

beforeEach(async () => {
  // A known set of indices and no security documents (see the .security test below).
  tc.sandbox.state.resetData();
  tc.sandbox.state.resetSecurityFeature();
  // `wide`: 2 primaries, no replica; `narrow`: 1 primary and the default 1 replica, which one
  // node cannot assign (the cluster is yellow).
  await tc.admin.indices.create({ index: 'wide', settings: { number_of_shards: 2, number_of_replicas: 0 } });
  await tc.admin.indices.create({ index: 'narrow' });
  await tc.admin.bulk({
    refresh: true,
    operations: [
      { index: { _index: 'wide', _id: '1' } },
      { n: 1 },
      { index: { _index: 'wide', _id: '2' } },
      { n: 2 },
      { index: { _index: 'narrow', _id: '1' } },
      { n: 3 },
    ],
  });
});

describe('_cluster/stats', () => {
  it('refuses an answer without filter_path, naming every field it does not emulate', async () => {
    await expectError(
      () => tc.admin.cluster.stats(),
      400,
      'illegal_argument_exception',
      refusal(
        'indices.docs.total_size_in_bytes, indices.store, indices.fielddata, indices.query_cache, ' +
          'indices.completion, indices.segments, indices.mappings, indices.analysis, indices.versions, ' +
          'indices.search, indices.dense_vector, indices.sparse_vector, nodes.count.index, ' +
          'nodes.count.search, nodes.os, nodes.jvm.versions, nodes.jvm.threads, nodes.plugins, ' +
          'nodes.network_types, nodes.discovery_types, nodes.packaging_types, nodes.ingest, ' +
          'nodes.indexing_pressure, snapshots, repositories, ccs',
      ),
    );
  });

  it('answers the emulated fields a filter_path selects, exactly', async () => {
    const root: Json = await tc.admin.info();
    const r: Json = await tc.admin.cluster.stats({ filter_path: EMULATED });
    // ClusterStatsResponse.toXContent after BaseNodesResponse's _nodes and cluster_name:
    // cluster_uuid, timestamp, status, indices, nodes (in that order).
    expect(Object.keys(r)).toEqual([
      '_nodes',
      'cluster_name',
      'cluster_uuid',
      'timestamp',
      'status',
      'indices',
      'nodes',
    ]);
    expect(r._nodes).toEqual({ total: 1, successful: 1, failed: 0 });
    expect(r.cluster_name).toBe('eskeys-sandbox');
    expect(r.cluster_uuid).toBe(root.cluster_uuid);
    expect(r.timestamp).toBe(T0);
    // The master's cluster health: `narrow`'s replica is unassigned on one node.
    expect(r.status).toBe('yellow');
    // ClusterStatsIndices.ShardStats over the shards held by nodes: 2 + 1 primaries; the replica
    // is on no node, so replication (total - primaries) / primaries is 0 for each index.
    expect(r.indices).toEqual({
      count: 2,
      shards: {
        total: 3,
        primaries: 3,
        replication: 0,
        index: {
          shards: { min: 1, max: 2, avg: 1.5 },
          primaries: { min: 1, max: 2, avg: 1.5 },
          replication: { min: 0, max: 0, avg: 0 },
        },
      },
      // DocsStats of the primaries: the three refreshed documents.
      docs: { count: 3, deleted: 0 },
    });
    // Counts: the total, then one count per role; a default node holds every default role.
    expect(r.nodes.count).toEqual({ total: 1, coordinating_only: 0, master: 1, voting_only: 0 });
    expect(r.nodes.versions).toEqual([root.version.number]);
    // ProcessStats: cpu.percent, open_file_descriptors min/max/avg (one node: all equal).
    const fd = r.nodes.process.open_file_descriptors;
    expect(Object.keys(r.nodes.process)).toEqual(['cpu', 'open_file_descriptors']);
    expect(fd.min).toBeGreaterThan(0);
    expect([fd.max, fd.avg]).toEqual([fd.min, fd.min]);
    expect(r.nodes.jvm.max_uptime_in_millis).toBeGreaterThan(0);
    expect(Object.keys(r.nodes.jvm.mem)).toEqual(['heap_used_in_bytes', 'heap_max_in_bytes']);
    expect(r.nodes.jvm.mem.heap_used_in_bytes).toBeLessThanOrEqual(r.nodes.jvm.mem.heap_max_in_bytes);
    // FsInfo.Path of the total: no path, mount or type on the sum.
    expect(Object.keys(r.nodes.fs)).toEqual(['total_in_bytes', 'free_in_bytes', 'available_in_bytes']);
    expect(r.nodes.fs.total_in_bytes).toBeGreaterThanOrEqual(r.nodes.fs.free_in_bytes);
  });

  it('refuses a filter_path that reaches a field it does not emulate, with the filter_path matcher', async () => {
    // A whole section reaches its fields that are not emulated.
    await expectError(
      () => tc.admin.cluster.stats({ filter_path: 'nodes.jvm' }),
      400,
      'illegal_argument_exception',
      refusal('nodes.jvm.versions, nodes.jvm.threads'),
    );
    // A field inside one that is not emulated; a wildcard reaching one.
    await expectError(
      () => tc.admin.cluster.stats({ filter_path: 'indices.store.size_in_bytes' }),
      400,
      'illegal_argument_exception',
      refusal('indices.store'),
    );
    await expectError(
      () => tc.admin.cluster.stats({ filter_path: 'indices.s*.count' }),
      400,
      'illegal_argument_exception',
      refusal('indices.store, indices.segments, indices.search, indices.sparse_vector'),
    );
    // An exclusion that removes the not-emulated field whole makes the rest answerable.
    const r: Json = await tc.admin.cluster.stats({
      filter_path: ['indices.docs', '-indices.docs.total_size_in_bytes'],
    });
    expect(r).toEqual({ indices: { docs: { count: 3, deleted: 0 } } });
    // A filter that reaches nothing the answer has answers {} (as Elasticsearch's filtering does).
    expect(await tc.admin.cluster.stats({ filter_path: 'no_such_field' })).toEqual({});
  });

  it('refuses the index figures while Elasticsearch would also count its .security index or a closed index', async () => {
    // A security document (here an API key) lives in the .security index, which Elasticsearch
    // creates on the first write and counts among the indices, shards and documents.
    await tc.apiKey(undefined);
    await expectError(
      () => tc.admin.cluster.stats({ filter_path: 'indices.count,status' }),
      400,
      'illegal_argument_exception',
      refusal('indices.count', ' (Elasticsearch counts the .security index its security documents live in)'),
    );
    // The node figures do not depend on it.
    expect(await tc.admin.cluster.stats({ filter_path: 'nodes.count.total' })).toEqual({
      nodes: { count: { total: 1 } },
    });
    // The security feature's reset deletes .security; a closed index keeps its shards.
    await tc.admin.features.resetFeatures();
    await tc.admin.indices.close({ index: 'narrow' });
    await expectError(
      () => tc.admin.cluster.stats({ filter_path: 'indices.shards.total' }),
      400,
      'illegal_argument_exception',
      refusal('indices.shards', ' (a closed index still has shards on the node)'),
    );
  });

  it('answers for a node selection that includes the node and refuses one that matches none', async () => {
    const r: Json = await tc.admin.cluster.stats({ node_id: '_local', filter_path: '_nodes,indices.count' });
    expect(r).toEqual({ _nodes: { total: 1, successful: 1, failed: 0 }, indices: { count: 2 } });
    await expectError(
      () => tc.admin.cluster.stats({ node_id: 'no-such-node', filter_path: '_nodes' }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [cluster.stats] of a node selection that matches no node [no-such-node]',
    );
  });

  it('human=true adds the readable twins of the built fields', async () => {
    const r: Json = await tc.admin.cluster.stats({
      filter_path: ['nodes.jvm.max_uptime*', 'nodes.jvm.mem', 'nodes.fs'],
      human: true,
    });
    // ClusterStatsNodes.JvmStats: humanReadableField(max_uptime_in_millis, max_uptime, TimeValue),
    // (heap_used_in_bytes, heap_used) and (heap_max_in_bytes, heap_max); FsInfo.Path: total,
    // free, available before their *_in_bytes. Readable first.
    expect(Object.keys(r.nodes.jvm)).toEqual(['max_uptime', 'max_uptime_in_millis', 'mem']);
    expect(Object.keys(r.nodes.jvm.mem)).toEqual([
      'heap_used',
      'heap_used_in_bytes',
      'heap_max',
      'heap_max_in_bytes',
    ]);
    expect(Object.keys(r.nodes.fs)).toEqual([
      'total',
      'total_in_bytes',
      'free',
      'free_in_bytes',
      'available',
      'available_in_bytes',
    ]);
    expect(r.nodes.jvm.mem.heap_max).toMatch(/^\d+(\.\d)?(b|kb|mb|gb)$/);
  });

  it('is authorized centrally with cluster:monitor/stats', async () => {
    const none = await tc.userWithRole('no-monitor', { cluster: [] });
    await expectError(
      () => none.cluster.stats({ filter_path: 'nodes.count.total' }),
      403,
      'security_exception',
      /cluster:monitor\/stats/,
    );
  });
});
