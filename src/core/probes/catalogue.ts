/**
 * The named operations eskeys can probe, each tied to the Elasticsearch action that
 * authorizes it (Elasticsearch's security reference; docs/es-facts.md). Lint, the permission matrix, diff
 * and live probes all read this one table, so an operation means the same everywhere.
 * The HTTP request of each operation lives with the probe runner (src/core/probes).
 */
export type ProbeScope = 'cluster' | 'index';

/** One probe-able operation. */
export interface ProbeOperation {
  /** Stable id used in templates (`probes.allow` / `probes.deny`). */
  readonly id: string;
  /** Short human description for tables. */
  readonly title: string;
  readonly scope: ProbeScope;
  /** The action Elasticsearch authorizes for this operation (for bulk: the per-item action). */
  readonly action: string;
  /** Changes or removes data or configuration when allowed (so it only ever targets canaries). */
  readonly destructive: boolean;
}

const op = (
  id: string,
  title: string,
  scope: ProbeScope,
  action: string,
  destructive = false,
): ProbeOperation => ({ id, title, scope, action, destructive });

/** Every operation, in the order reports list them (cluster first, then data, then admin). */
export const PROBE_OPERATIONS: readonly ProbeOperation[] = [
  op('cluster.health', 'cluster health', 'cluster', 'cluster:monitor/health'),
  // GET / (the root: name, version), which the official clients and most tools send first.
  op('cluster.info', 'cluster name and version (GET /)', 'cluster', 'cluster:monitor/main'),
  op('cluster.put_settings', 'change cluster settings', 'cluster', 'cluster:admin/settings/update', true),
  op('template.put', 'put index template', 'cluster', 'indices:admin/index_template/put'),
  op('ilm.put', 'put ILM policy', 'cluster', 'cluster:admin/ilm/put'),
  op('pipeline.put', 'put ingest pipeline', 'cluster', 'cluster:admin/ingest/pipeline/put'),
  op('security.create_api_key', 'create API key', 'cluster', 'cluster:admin/xpack/security/api_key/create'),
  op(
    'security.invalidate_api_key',
    'invalidate API keys',
    'cluster',
    'cluster:admin/xpack/security/api_key/invalidate',
    true,
  ),
  op('search', 'search documents', 'index', 'indices:data/read/search'),
  op('count', 'count documents', 'index', 'indices:data/read/search'),
  op('doc.get', 'get a document', 'index', 'indices:data/read/get'),
  op('doc.index', 'index a document (PUT _doc/{id})', 'index', 'indices:data/write/index:op_type/index'),
  op('doc.create', 'create a document', 'index', 'indices:data/write/index:op_type/create'),
  op('doc.update', 'update a document', 'index', 'indices:data/write/update'),
  op('doc.delete', 'delete a document', 'index', 'indices:data/write/delete', true),
  op('bulk.delete', 'delete via _bulk', 'index', 'indices:data/write/delete', true),
  op('delete_by_query', 'delete by query', 'index', 'indices:data/write/delete/byquery', true),
  op('index.create', 'create an index', 'index', 'indices:admin/create'),
  op('index.delete', 'delete an index', 'index', 'indices:admin/delete', true),
  op('index.get_settings', 'read index settings', 'index', 'indices:monitor/settings/get'),
  op('index.put_settings', 'change index settings', 'index', 'indices:admin/settings/update', true),
  op('index.get_mapping', 'read index mapping', 'index', 'indices:admin/mappings/get'),
  op('aliases.update', 'add or move aliases', 'index', 'indices:admin/aliases', true),
  op('data_stream.delete', 'delete a data stream', 'index', 'indices:admin/data_stream/delete', true),
  op('rollover', 'roll over an alias or data stream', 'index', 'indices:admin/rollover', true),
];

const byId = new Map(PROBE_OPERATIONS.map((o) => [o.id, o]));

/** The operation with this id, or undefined. */
export function probeOperation(id: string): ProbeOperation | undefined {
  return byId.get(id);
}

/** All operation ids (for schema enums and typo suggestions). */
export const PROBE_OPERATION_IDS: readonly string[] = PROBE_OPERATIONS.map((o) => o.id);

/** Cluster-scoped actions whose names start with `indices:` but are authorized as cluster actions (§2). */
export function isClusterScopedAction(action: string): boolean {
  return (
    !action.startsWith('indices:') ||
    action.startsWith('indices:admin/index_template/') ||
    action.startsWith('indices:admin/template/')
  );
}
