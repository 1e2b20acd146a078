/**
 * `_cat/health` and `_cat/indices`, the tables monitoring scripts and exporters read. The names
 * `_cat/indices` lists are the ones the server's authorization step resolved for its get-settings
 * request (wildcards expand to authorized names only, as in Elasticsearch); handlers never authorize.
 */
import { illegalArgument } from '../errors.js';
import { type CatColumn, catResponse, UNMEASURED_BYTES } from '../http/cat-table.js';
import { authorizedIndices, boolParam, type Handler } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { IndexRecord } from '../state.js';
import { CLUSTER_NAME, healthBody } from './cluster.js';
import { concreteIndices } from './resolve.js';

/** Table.startHeadersWithTimestamp: seconds since the epoch and the UTC time of day. */
const TIMESTAMP_COLUMNS: CatColumn[] = [
  { name: 'epoch', aliases: ['t', 'time'], timestamp: true },
  { name: 'timestamp', aliases: ['ts', 'hms', 'hhmmss'], timestamp: true },
];

/** RestHealthAction's columns, in order. */
const HEALTH_COLUMNS: CatColumn[] = [
  ...TIMESTAMP_COLUMNS,
  { name: 'cluster', aliases: ['cl'] },
  { name: 'status', aliases: ['st'] },
  { name: 'node.total', aliases: ['nt', 'nodeTotal'], right: true },
  { name: 'node.data', aliases: ['nd', 'nodeData'], right: true },
  { name: 'shards', aliases: ['t', 'sh', 'shards.total', 'shardsTotal'], right: true },
  { name: 'pri', aliases: ['p', 'shards.primary', 'shardsPrimary'], right: true },
  { name: 'relo', aliases: ['r', 'shards.relocating', 'shardsRelocating'], right: true },
  { name: 'init', aliases: ['i', 'shards.initializing', 'shardsInitializing'], right: true },
  { name: 'unassign', aliases: ['u', 'shards.unassigned', 'shardsUnassigned'], right: true },
  {
    name: 'unassign.pri',
    aliases: ['up', 'shards.unassigned.primary', 'shardsUnassignedPrimary'],
    right: true,
  },
  { name: 'pending_tasks', aliases: ['pt', 'pendingTasks'], right: true },
  { name: 'max_task_wait_time', aliases: ['mtwt', 'maxTaskWaitTime'], right: true },
  { name: 'active_shards_percent', aliases: ['asp', 'activeShardsPercent'], right: true },
];

function timeOfDay(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

const catHealth: Handler = (ctx) => {
  const { body } = healthBody(ctx.state, undefined);
  const now = ctx.state.now();
  const row = {
    epoch: Math.floor(now / 1000),
    timestamp: timeOfDay(now),
    cluster: CLUSTER_NAME,
    status: String(body.status),
    'node.total': Number(body.number_of_nodes),
    'node.data': Number(body.number_of_data_nodes),
    shards: Number(body.active_shards),
    pri: Number(body.active_primary_shards),
    relo: Number(body.relocating_shards),
    init: Number(body.initializing_shards),
    unassign: Number(body.unassigned_shards),
    'unassign.pri': Number(body.unassigned_primary_shards),
    pending_tasks: Number(body.number_of_pending_tasks),
    // No task ever waits in the sandbox: Elasticsearch shows `-` for a zero wait.
    max_task_wait_time: '-',
    active_shards_percent: `${Number(body.active_shards_percent_as_number).toFixed(1)}%`,
  };
  return catResponse(ctx, { api: 'cat.health', columns: HEALTH_COLUMNS, rows: [row] });
};

/** RestIndicesAction's columns the sandbox holds; its many statistics columns are refused. */
const INDICES_COLUMNS: CatColumn[] = [
  { name: 'health', aliases: ['h'] },
  { name: 'status', aliases: ['s'] },
  { name: 'index', aliases: ['i', 'idx'] },
  { name: 'uuid', aliases: ['id', 'uuid'] },
  { name: 'pri', aliases: ['p', 'shards.primary', 'shardsPrimary'], right: true },
  { name: 'rep', aliases: ['r', 'shards.replica', 'shardsReplica'], right: true },
  { name: 'docs.count', aliases: ['dc', 'docsCount'], right: true },
  { name: 'docs.deleted', aliases: ['dd', 'docsDeleted'], right: true },
  { name: 'creation.date', aliases: ['cd'], shown: false },
  { name: 'creation.date.string', aliases: ['cds'], shown: false },
  { name: 'store.size', aliases: ['ss', 'storeSize'], right: true, priSibling: true },
  { name: 'pri.store.size', right: true },
  { name: 'dataset.size', right: true },
];

const HEALTH_STATUSES = new Set(['green', 'yellow', 'red']);

/** One node: an index with replicas cannot place them, so it is yellow, else green. */
function indexHealth(idx: IndexRecord): string {
  return Number(idx.settings['index.number_of_replicas'] ?? 1) > 0 ? 'yellow' : 'green';
}

const catIndices: Handler = (ctx) => {
  const wantedHealth = ctx.query.get('health');
  if (wantedHealth !== null && !HEALTH_STATUSES.has(wantedHealth)) {
    // ClusterHealthStatus.fromString
    throw illegalArgument(`unknown cluster health status [${wantedHealth}]`);
  }
  const indices = concreteIndices(ctx.state, authorizedIndices(ctx), boolParam(ctx, 'ignore_unavailable'));
  const rows = indices
    .filter((idx) => wantedHealth === null || indexHealth(idx) === wantedHealth)
    .map((idx) => ({
      health: indexHealth(idx),
      status: idx.closed ? 'close' : 'open',
      index: idx.name,
      uuid: idx.uuid,
      pri: Number(idx.settings['index.number_of_shards'] ?? 1),
      rep: Number(idx.settings['index.number_of_replicas'] ?? 1),
      // A closed index reports no document statistics (RestIndicesAction uses empty stats).
      'docs.count': idx.closed ? null : idx.searchable.size,
      // No Lucene segments: a deleted document is gone at once, never waiting for a merge.
      'docs.deleted': idx.closed ? null : 0,
      'creation.date': idx.creationDate,
      'creation.date.string': new Date(idx.creationDate).toISOString(),
      'store.size': UNMEASURED_BYTES,
      'pri.store.size': UNMEASURED_BYTES,
      'dataset.size': UNMEASURED_BYTES,
    }));
  return catResponse(ctx, { api: 'cat.indices', columns: INDICES_COLUMNS, rows });
};

/** Parameters every `_cat` API takes (AbstractCatAction). */
const CAT_PARAMS = ['format', 'h', 'help', 'local', 'master_timeout', 's', 'v'];

/** Registers `_cat/health` and `_cat/indices`. */
export function registerCatRoutes(r: Router<Handler>): void {
  const indicesP = withParams(
    [
      ...CAT_PARAMS,
      'bytes',
      'time',
      'health',
      'pri',
      'include_unloaded_segments',
      'expand_wildcards',
      'ignore_unavailable',
      'allow_no_indices',
    ],
    catIndices,
  );
  r.add('GET', '/_cat/health', withParams([...CAT_PARAMS, 'time', 'ts'], catHealth))
    .add('GET', '/_cat/indices', indicesP)
    .add('GET', '/_cat/indices/{index}', indicesP);
}
