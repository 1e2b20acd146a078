/**
 * `GET /_cluster/stats` (and `/_cluster/stats/nodes/{node_id}`): the cluster-wide statistics
 * monitoring tools read, for the sandbox's one node. The fields the sandbox can give exactly are
 * built from what it holds and from live figures of its process; the others (store and segment
 * sizes, mapping and analysis statistics, OS, plugins, …) are not emulated, so a request is
 * answered only when its `filter_path` selects none of them, and refused with a 400 naming them
 * otherwise (without a filter too). The server authorizes the request (`cluster:monitor/stats`)
 * before this handler runs.
 */
import type { Handler, RequestContext } from '../http/context.js';
import { ok } from '../http/context.js';
import { notEmulated, refuseFieldsNotEmulated } from '../http/not-emulated.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { IndexRecord, SandboxState } from '../state.js';
import { CLUSTER_NAME, healthBody } from './cluster.js';
import { commaSet, matchesNode, ROLES } from './nodes-stats.js';
import * as proc from './process-metrics.js';

const API = 'cluster.stats';

/**
 * Fields of Elasticsearch's answer the sandbox does not emulate, and why: store, field data,
 * query cache, completion and segments measure Lucene files and caches the sandbox does not
 * have; mappings, analysis, index versions, search usage and vector statistics are aggregates
 * whose exact rules (per field type, per analyzer, per request kind) it does not reproduce;
 * `docs.total_size_in_bytes` is a store size; the node's OS, JVM versions and threads, plugins,
 * network, discovery and packaging types, ingest and indexing pressure describe a JVM node the
 * sandbox is not; snapshots, repositories and cross-cluster search it does not run. The roles
 * `index` and `search` (stateless roles) may or may not be listed with 0 depending on the
 * version, which the sandbox cannot tell, so `nodes.count` is answered field by field only.
 */
const NOT_EMULATED = [
  'indices.docs.total_size_in_bytes',
  'indices.store',
  'indices.fielddata',
  'indices.query_cache',
  'indices.completion',
  'indices.segments',
  'indices.mappings',
  'indices.analysis',
  'indices.versions',
  'indices.search',
  'indices.dense_vector',
  'indices.sparse_vector',
  'nodes.count.index',
  'nodes.count.search',
  'nodes.os',
  'nodes.jvm.versions',
  'nodes.jvm.threads',
  'nodes.plugins',
  'nodes.network_types',
  'nodes.discovery_types',
  'nodes.packaging_types',
  'nodes.ingest',
  'nodes.indexing_pressure',
  'snapshots',
  'repositories',
  'ccs',
];

/** The index figures, which count every index a node holds, `.security` included. */
const INDEX_FIGURES = ['indices.count', 'indices.shards', 'indices.docs'];

const primariesOf = (i: IndexRecord) => Number(i.settings['index.number_of_shards'] ?? 1);

/**
 * ClusterStatsIndices.ShardStats over the shards the one node holds: each open index's
 * primaries (its replicas cannot be assigned on one node, so they are on no node and not
 * counted). Replication per index is (total - primaries) / primaries, so 0 here.
 */
function shardsSection(open: readonly IndexRecord[]): Record<string, unknown> {
  if (open.length === 0) return {};
  const primaries = open.map(primariesOf);
  const total = primaries.reduce((a, b) => a + b, 0);
  const range = (values: number[]) => ({
    min: Math.min(...values),
    max: Math.max(...values),
    avg: values.reduce((a, b) => a + b, 0) / values.length,
  });
  return {
    total,
    primaries: total,
    replication: 0,
    index: {
      shards: range(primaries),
      primaries: range(primaries),
      replication: { min: 0, max: 0, avg: 0 },
    },
  };
}

/** ClusterStatsNodes.ProcessStats of one node: open file descriptors -1 stay in min/max, not in avg. */
function processSection(): Record<string, unknown> {
  const fd = proc.openFileDescriptors();
  return {
    cpu: { percent: proc.cpuPercent() },
    open_file_descriptors: { min: fd, max: fd, avg: Math.max(fd, 0) },
  };
}

function clusterStatsBody(
  state: SandboxState,
  fs: proc.FileSystemTotals | undefined,
): Record<string, unknown> {
  const open = [...state.indices.values()].filter((i) => !i.closed);
  const roles = Object.fromEntries(ROLES.map((r) => [r, 1]));
  const heap = proc.heap();
  return {
    _nodes: { total: 1, successful: 1, failed: 0 },
    cluster_name: CLUSTER_NAME,
    cluster_uuid: state.clusterUuid,
    timestamp: state.now(),
    // The master's cluster health, the one `_cluster/health` reports.
    status: healthBody(state, undefined).body.status,
    indices: {
      count: open.length,
      shards: shardsSection(open),
      // Primaries' refreshed documents; nothing waits for a merge, so none deleted.
      docs: { count: open.reduce((n, i) => n + i.searchable.size, 0), deleted: 0 },
    },
    nodes: {
      // Counts.toXContent: total, then every known role (0 when no node has it), sorted.
      count: Object.fromEntries(
        Object.entries({ total: 1, coordinating_only: 0, ...roles, voting_only: 0 }).sort(([a], [b]) =>
          a === 'total' ? -1 : b === 'total' ? 1 : a < b ? -1 : 1,
        ),
      ),
      versions: [state.version.number],
      process: processSection(),
      jvm: {
        max_uptime_in_millis: Math.floor(process.uptime() * 1000),
        mem: { heap_used_in_bytes: heap.used, heap_max_in_bytes: heap.max },
      },
      ...(fs
        ? { fs: { total_in_bytes: fs.total, free_in_bytes: fs.free, available_in_bytes: fs.available } }
        : {}),
    },
  };
}

const clusterStats: Handler = (ctx: RequestContext) => {
  const remotes = ctx.query.get('include_remotes');
  if (remotes !== null && remotes !== 'false') throw notEmulated(`${API}] parameter [include_remotes`);
  const ids = commaSet(ctx.params.node_id, '_all');
  if (![...ids].some((e) => matchesNode(ctx.state, e, API))) {
    throw notEmulated(`${API}] of a node selection that matches no node [${ctx.params.node_id}`);
  }
  // One statfs per request: it decides whether `nodes.fs` can be filtered on and fills it.
  const fs = proc.fileSystemTotals();
  refuseFieldsNotEmulated(API, ctx.query, [...NOT_EMULATED, ...(fs ? [] : ['nodes.fs'])]);
  const hasClosed = [...ctx.state.indices.values()].some((i) => i.closed);
  if (hasClosed || ctx.state.holdsSecurityDocuments()) {
    refuseFieldsNotEmulated(
      API,
      ctx.query,
      INDEX_FIGURES,
      hasClosed
        ? 'a closed index still has shards on the node'
        : 'Elasticsearch counts the .security index its security documents live in',
    );
  }
  return ok(clusterStatsBody(ctx.state, fs));
};

/** Registers the cluster stats routes. */
export function registerClusterStatsRoutes(r: Router<Handler>): void {
  const handler = withParams(['timeout', 'include_remotes'], clusterStats);
  r.add('GET', '/_cluster/stats', handler);
  r.add('GET', '/_cluster/stats/nodes/{node_id}', handler);
}
