/**
 * `GET /_nodes/stats` (and `/{metric}`, `/{metric}/{index_metric}`, `/_nodes/{node_id}/stats/…`):
 * the node statistics monitoring exporters read, for the sandbox's one node. The sections with a
 * real counterpart here are built from live figures (documents held, the process, its V8 heap,
 * the file system it runs on); the others are left out of the default answer and refused with a
 * 400 naming them when a request asks for them. The server authorizes the request
 * (`cluster:monitor/nodes/stats`) before this handler runs.
 */
import { illegalArgument } from '../errors.js';
import type { Handler, RequestContext } from '../http/context.js';
import { ok } from '../http/context.js';
import { notEmulated, refuseFieldsNotEmulated } from '../http/not-emulated.js';
import { didYouMean, withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { SandboxState } from '../state.js';
import { wildcardRegex } from '../util.js';
import { CLUSTER_NAME } from './cluster.js';
import * as proc from './process-metrics.js';

/** NodesStatsRequestParameters.Metric (8.x/9.x) plus `indices`. */
const METRICS = [
  'os',
  'process',
  'jvm',
  'thread_pool',
  'fs',
  'transport',
  'http',
  'breaker',
  'script',
  'discovery',
  'ingest',
  'adaptive_selection',
  'script_cache',
  'indexing_pressure',
  'repositories',
  'allocations',
  'indices',
];
/** The sections the sandbox builds, in NodeStats' order. */
const BUILT = ['indices', 'process', 'jvm', 'fs'];

/** CommonStatsFlags.Flag rest names. */
const INDEX_METRICS = [
  'store',
  'indexing',
  'get',
  'search',
  'merge',
  'flush',
  'refresh',
  'query_cache',
  'fielddata',
  'docs',
  'warmer',
  'completion',
  'segments',
  'translog',
  'request_cache',
  'recovery',
  'bulk',
  'shard_stats',
  'mappings',
  'dense_vector',
  'sparse_vector',
];
/** The index sections the sandbox builds, in CommonStats' order. */
const BUILT_INDEX = ['docs', 'shard_stats'];

/** The name, address and roles of the one node (a default node holds every default role; sorted). */
export const NODE_NAME = 'sandbox-node';
export const ROLES = [
  'data',
  'data_cold',
  'data_content',
  'data_frozen',
  'data_hot',
  'data_warm',
  'ingest',
  'master',
  'ml',
  'remote_cluster_client',
  'transform',
];

/** BaseRestHandler.unrecognized: sorted names, each with its "did you mean" hint. */
function unrecognized(path: string, invalid: string[], candidates: readonly string[], what: string): Error {
  const parts = [...invalid].sort().map((i) => `[${i}]${didYouMean(i, candidates).replace(/^ /, ' -> ')}`);
  return illegalArgument(
    `request [${path}] contains unrecognized ${what}${invalid.length > 1 ? 's' : ''}: ${parts.join(', ')}`,
  );
}

export function commaSet(value: string | undefined, fallback: string): Set<string> {
  return new Set((value ?? fallback).split(',').filter((s) => s !== ''));
}

/** The sections a request asks for, checked as RestNodesStatsAction checks them. */
function requestedSections(ctx: RequestContext): { sections: string[]; indexSections: string[] } {
  // RestRequest.path() is decoded: the client's %2C reads as a comma.
  const path = decodeURIComponent(ctx.path);
  const metrics = commaSet(ctx.params.metric, '_all');
  const indexMetricParam = ctx.params.index_metric;
  if (metrics.size === 1 && metrics.has('_all')) {
    if (indexMetricParam !== undefined) {
      throw illegalArgument(
        `request [${path}] contains index metrics [${indexMetricParam}] but all stats requested`,
      );
    }
    // Everything: the sections the sandbox builds (the others have no counterpart here).
    return { sections: BUILT, indexSections: BUILT_INDEX };
  }
  if (metrics.has('_all')) {
    throw illegalArgument(`request [${path}] contains _all and individual metrics [${ctx.params.metric}]`);
  }
  const invalid = [...metrics].filter((m) => !METRICS.includes(m));
  if (invalid.length > 0) throw unrecognized(path, invalid, METRICS, 'metric');
  const unbuilt = [...metrics].filter((m) => !BUILT.includes(m)).sort();
  if (unbuilt.length > 0) throw notEmulated(`nodes.stats] metric [${unbuilt.join(',')}`);
  let indexSections: string[] = [];
  if (metrics.has('indices')) {
    const indexMetrics = commaSet(indexMetricParam, '_all');
    if (!(indexMetrics.size === 1 && indexMetrics.has('_all'))) {
      const invalidIndex = [...indexMetrics].filter((m) => !INDEX_METRICS.includes(m));
      if (invalidIndex.length > 0) throw unrecognized(path, invalidIndex, INDEX_METRICS, 'index metric');
      const unbuiltIndex = [...indexMetrics].filter((m) => !BUILT_INDEX.includes(m)).sort();
      if (unbuiltIndex.length > 0) {
        throw notEmulated(`nodes.stats] index metric [${unbuiltIndex.join(',')}`);
      }
      indexSections = BUILT_INDEX.filter((m) => indexMetrics.has(m));
    } else indexSections = BUILT_INDEX;
  } else if (indexMetricParam !== undefined) {
    throw illegalArgument(
      `request [${path}] contains index metrics [${indexMetricParam}] but indices stats not requested`,
    );
  }
  return { sections: BUILT.filter((m) => metrics.has(m)), indexSections };
}

/** Whether a node id expression names the sandbox's node (DiscoveryNodes.resolveNodes). */
export function matchesNode(state: SandboxState, expression: string, api = 'nodes.stats'): boolean {
  if (expression.includes(':')) throw notEmulated(`${api}] node selector [${expression}`);
  if (['_all', '_local', '_master', '*'].includes(expression)) return true;
  if (!expression.includes('*')) return expression === state.nodeId || expression === NODE_NAME;
  const re = wildcardRegex(expression);
  return re.test(state.nodeId) || re.test(NODE_NAME);
}

function indicesSection(state: SandboxState, sections: readonly string[]): Record<string, unknown> {
  const open = [...state.indices.values()].filter((i) => !i.closed);
  const out: Record<string, unknown> = {};
  if (sections.includes('docs')) {
    // Refreshed documents, as Lucene counts them; nothing waits for a merge, so none deleted.
    out.docs = { count: open.reduce((n, i) => n + i.searchable.size, 0), deleted: 0 };
  }
  if (sections.includes('shard_stats')) {
    // The one node holds every primary of the open indices; replicas stay unassigned.
    out.shard_stats = {
      total_count: open.reduce((n, i) => n + Number(i.settings['index.number_of_shards'] ?? 1), 0),
    };
  }
  return out;
}

function nodeStats(
  state: SandboxState,
  sections: string[],
  indexSections: string[],
): Record<string, unknown> {
  const now = state.now();
  const node: Record<string, unknown> = {
    timestamp: now,
    name: NODE_NAME,
    // The sandbox has no transport layer: a local node's default transport address.
    transport_address: '127.0.0.1:9300',
    host: '127.0.0.1',
    ip: '127.0.0.1:9300',
    roles: ROLES,
  };
  if (sections.includes('indices')) node.indices = indicesSection(state, indexSections);
  if (sections.includes('process')) {
    node.process = {
      timestamp: now,
      open_file_descriptors: proc.openFileDescriptors(),
      max_file_descriptors: proc.maxFileDescriptors(),
      cpu: { percent: proc.cpuPercent(), total_in_millis: proc.cpuTotalMillis() },
      mem: { total_virtual_in_bytes: proc.totalVirtualBytes() },
    };
  }
  if (sections.includes('jvm')) {
    const h = proc.heap();
    node.jvm = {
      timestamp: now,
      uptime_in_millis: Math.floor(process.uptime() * 1000),
      mem: {
        heap_used_in_bytes: h.used,
        // JvmStats.Mem.getHeapUsedPercent: a short of used * 100 / max.
        heap_used_percent: Math.floor((h.used * 100) / h.max),
        heap_committed_in_bytes: h.committed,
        heap_max_in_bytes: h.max,
      },
    };
  }
  if (sections.includes('fs')) {
    const fs = proc.fileSystemTotals();
    node.fs = {
      timestamp: now,
      total: fs ? { total_in_bytes: fs.total, free_in_bytes: fs.free, available_in_bytes: fs.available } : {},
    };
  }
  return node;
}

/** Request parameters that shape sections the sandbox does not build, refused rather than ignored. */
const SHAPING_PARAMS = [
  'fields',
  'completion_fields',
  'fielddata_fields',
  'groups',
  'types',
  'include_segment_file_sizes',
  'include_unloaded_segments',
];

/**
 * The fields of Elasticsearch's answer for these sections that the sandbox leaves out: whole
 * sections (when every metric is asked for), index metrics, and parts of the built sections (the
 * JVM's non-heap memory, pools, threads, collectors, buffer pools and classes; the file system's
 * data paths, I/O statistics and usage estimates; the size of documents; the node's attributes).
 */
function omittedFields(
  nodeId: string,
  params: RequestContext['params'],
  sections: readonly string[],
  indexSections: readonly string[],
): string[] {
  const at = (...path: string[]) => ['nodes', nodeId, ...path].join('.');
  const all = params.metric === undefined || params.metric === '_all';
  const allIndex = params.index_metric === undefined || params.index_metric === '_all';
  const out = [at('attributes')];
  if (sections.includes('indices')) {
    if (indexSections.includes('docs')) out.push(at('indices', 'docs', 'total_size_in_bytes'));
    if (allIndex) {
      out.push(...INDEX_METRICS.filter((m) => !BUILT_INDEX.includes(m)).map((m) => at('indices', m)));
    }
  }
  if (all) out.push(...METRICS.filter((m) => !BUILT.includes(m)).map((m) => at(m)));
  if (sections.includes('jvm')) {
    out.push(
      at('jvm', 'mem', 'non_heap_used_in_bytes'),
      at('jvm', 'mem', 'non_heap_committed_in_bytes'),
      at('jvm', 'mem', 'pools'),
      ...['threads', 'gc', 'buffer_pools', 'classes'].map((f) => at('jvm', f)),
    );
  }
  if (sections.includes('fs')) {
    out.push(...['least_usage_estimate', 'most_usage_estimate', 'data', 'io_stats'].map((f) => at('fs', f)));
  }
  return out;
}

const nodesStats: Handler = (ctx) => {
  const shaping = SHAPING_PARAMS.find((p) => ctx.query.has(p));
  if (shaping !== undefined) throw notEmulated(`nodes.stats] parameter [${shaping}`);
  const level = ctx.query.get('level');
  if (level !== null && level !== 'node') throw notEmulated(`nodes.stats] level [${level}`);
  const { sections, indexSections } = requestedSections(ctx);
  const ids = commaSet(ctx.params.node_id, '_all');
  const selected = [...ids].some((e) => matchesNode(ctx.state, e));
  // A filter_path that selects a field left out would otherwise read as "Elasticsearch has none".
  if (selected && ctx.query.get('filter_path')) {
    const omitted = omittedFields(ctx.state.nodeId, ctx.params, sections, indexSections);
    refuseFieldsNotEmulated('nodes.stats', ctx.query, omitted);
  }
  const nodes = selected ? { [ctx.state.nodeId]: nodeStats(ctx.state, sections, indexSections) } : {};
  const count = selected ? 1 : 0;
  return ok({ _nodes: { total: count, successful: count, failed: 0 }, cluster_name: CLUSTER_NAME, nodes });
};

/** Registers the node stats routes. */
export function registerNodesStatsRoutes(r: Router<Handler>): void {
  const handler = withParams(['level', 'timeout', 'master_timeout', ...SHAPING_PARAMS], nodesStats);
  for (const path of [
    '/_nodes/stats',
    '/_nodes/{node_id}/stats',
    '/_nodes/stats/{metric}',
    '/_nodes/{node_id}/stats/{metric}',
    '/_nodes/stats/{metric}/{index_metric}',
    '/_nodes/{node_id}/stats/{metric}/{index_metric}',
  ]) {
    r.add('GET', path, handler);
  }
}
