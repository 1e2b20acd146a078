import type { RawRequest } from './probe-transport.js';

/**
 * The HTTP request behind each probe operation. Every request is shaped so that a wrongly
 * allowed call changes nothing of value (docs/TEMPLATES.md, probes):
 * - cluster settings: removal of a non-existent `archived.eskeys-probe-<hex>` setting;
 * - templates, ILM policies, pipelines: throwaway `eskeys-probe-<hex>` names, removed afterwards;
 * - API keys: a derived key with an empty role descriptor (the only kind an API key may create,
 *   docs/es-facts.md) and a short expiration; invalidation of an id that does not exist;
 * - documents: fixed probe ids in the probe index, or a fresh random id nothing can have;
 * - index admin: fresh canary names that do not exist (403 when lacking, 404 when having, §3a).
 */

/** What a probe request aims at (planned by plan.ts). */
export interface ProbeTarget {
  /** Index (or index pattern for explicit read-only probes). */
  readonly index?: string;
  /** Document id for document operations. */
  readonly docId?: string;
  /** Throwaway resource name (template, policy, pipeline, API key, alias, `archived.*` setting). */
  readonly name?: string;
  /** Priority for the throwaway index template (random, so it never ties with an existing template). */
  readonly priority?: number;
  /** ISO timestamp written into probe documents. */
  readonly at?: string;
  /** The index is a data stream: its documents need `@timestamp` (data-streams.ts). */
  readonly dataStream?: boolean;
  /** Write only fields a data stream maps from its creation (`@timestamp`): no mapping update. */
  readonly mappedFieldsOnly?: boolean;
}

/** Settings of every index eskeys creates for probing: hidden, so `gmail_emails-*` searches of the app never see it. */
export const PROBE_INDEX_BODY = {
  settings: { index: { hidden: true, number_of_shards: 1, auto_expand_replicas: '0-1' } },
};

/** Lifetime of an API key created by the `security.create_api_key` probe (invalidated at teardown anyway). */
export const PROBE_KEY_EXPIRATION = '5m';

const enc = encodeURIComponent;

function need(value: string | undefined, what: string, op: string): string {
  if (value === undefined) throw new Error(`probe ${op} needs a ${what}`);
  return value;
}

/**
 * The probe document. In a data stream it carries `@timestamp`, which every document of a stream
 * needs (400 document_parsing_exception without it), and the `eskeys_probe` marker, a field the
 * fresh probe stream has not mapped: writing it needs the mapping update a real application's
 * new fields need too, so a key that cannot update a stream's mapping fails the probe. A deny
 * probe writes `@timestamp` alone, so its only possible 403 is for the write itself.
 */
function probeDocument(t: ProbeTarget): Record<string, unknown> {
  if (t.dataStream && t.mappedFieldsOnly) return { '@timestamp': t.at ?? null };
  if (t.dataStream) return { '@timestamp': t.at ?? null, eskeys_probe: true };
  return { eskeys_probe: true, at: t.at ?? null };
}

/** The request of operation `op` aimed at `t`. Throws for unknown operations (a bug: the catalogue and this switch must agree). */
export function probeRequest(op: string, t: ProbeTarget): RawRequest {
  const index = () => enc(need(t.index, 'target index', op));
  const docId = () => enc(need(t.docId, 'document id', op));
  const name = () => need(t.name, 'throwaway name', op);
  const doc = probeDocument(t);
  switch (op) {
    case 'cluster.health':
      return { method: 'GET', path: '/_cluster/health' };
    case 'cluster.info':
      return { method: 'GET', path: '/' };
    case 'cluster.put_settings':
      // Removing an archived setting that does not exist: a no-op Elasticsearch accepts
      // (AbstractScopedSettings.isValidDelete allows deleting unregistered `archived.*` keys).
      // An empty update cannot be used: ClusterUpdateSettingsRequest.validate() refuses it with
      // 400 "no settings to update" before authorization runs (TransportAction), for everyone.
      return {
        method: 'PUT',
        path: '/_cluster/settings',
        body: { persistent: { [name()]: null } },
      };
    case 'template.put':
      return {
        method: 'PUT',
        path: `/_index_template/${enc(name())}`,
        body: {
          index_patterns: [`${name()}-*`],
          priority: t.priority ?? 0,
          template: { settings: {} },
          _meta: { description: 'eskeys permission probe; safe to delete' },
        },
      };
    case 'ilm.put':
      return {
        method: 'PUT',
        path: `/_ilm/policy/${enc(name())}`,
        body: {
          policy: {
            _meta: { description: 'eskeys permission probe; safe to delete' },
            phases: { hot: { min_age: '0ms', actions: {} } },
          },
        },
      };
    case 'pipeline.put':
      return {
        method: 'PUT',
        path: `/_ingest/pipeline/${enc(name())}`,
        body: { description: 'eskeys permission probe; safe to delete', processors: [] },
      };
    case 'security.create_api_key':
      return {
        method: 'POST',
        path: '/_security/api_key',
        body: {
          name: name(),
          expiration: PROBE_KEY_EXPIRATION,
          role_descriptors: { [`${name()}-noop`]: {} },
          // Deliberately not tagged managed_by: rotation must never mistake it for a managed key.
          metadata: { eskeys_probe: true },
        },
      };
    case 'security.invalidate_api_key':
      return { method: 'DELETE', path: '/_security/api_key', body: { ids: [name()] } };
    case 'search':
      return { method: 'POST', path: `/${index()}/_search`, body: { size: 0 } };
    case 'count':
      return { method: 'POST', path: `/${index()}/_count`, body: { query: { match_all: {} } } };
    case 'doc.get':
      return { method: 'GET', path: `/${index()}/_doc/${docId()}` };
    case 'doc.index':
      return { method: 'PUT', path: `/${index()}/_doc/${docId()}`, body: doc };
    case 'doc.create':
      return { method: 'PUT', path: `/${index()}/_create/${docId()}`, body: doc };
    case 'doc.update':
      return {
        method: 'POST',
        path: `/${index()}/_update/${docId()}`,
        body: { doc: { updated_at: t.at ?? null } },
      };
    case 'doc.delete':
      return { method: 'DELETE', path: `/${index()}/_doc/${docId()}` };
    case 'bulk.delete':
      return {
        method: 'POST',
        path: '/_bulk',
        bulkBody: [
          { delete: { _index: need(t.index, 'target index', op), _id: need(t.docId, 'document id', op) } },
        ],
      };
    case 'delete_by_query':
      return {
        method: 'POST',
        path: `/${index()}/_delete_by_query`,
        querystring: { conflicts: 'proceed' },
        // An ids query: it can only ever match the probe document.
        body: { query: { ids: { values: [need(t.docId, 'document id', op)] } } },
      };
    case 'index.create':
      return { method: 'PUT', path: `/${index()}`, body: PROBE_INDEX_BODY };
    case 'index.delete':
      return { method: 'DELETE', path: `/${index()}` };
    case 'index.get_settings':
      return { method: 'GET', path: `/${index()}/_settings` };
    case 'index.put_settings':
      return { method: 'PUT', path: `/${index()}/_settings`, body: { index: { refresh_interval: '1s' } } };
    case 'index.get_mapping':
      return { method: 'GET', path: `/${index()}/_mapping` };
    case 'aliases.update':
      return {
        method: 'POST',
        path: '/_aliases',
        // Hidden like the probe index, so `gmail_emails-*` never resolves to it while it exists.
        body: {
          actions: [{ add: { index: need(t.index, 'target index', op), alias: name(), is_hidden: true } }],
        },
      };
    case 'data_stream.delete':
      return { method: 'DELETE', path: `/_data_stream/${index()}` };
    case 'rollover':
      // No conditions: a wrongly allowed rollover of the fresh name finds nothing to roll (404).
      return { method: 'POST', path: `/${index()}/_rollover` };
    default:
      throw new Error(`no request is defined for probe operation [${op}]`);
  }
}

/** Operations that only read: safe to run live against an index the template names explicitly. */
export const READ_ONLY_OPERATIONS: ReadonlySet<string> = new Set([
  'cluster.health',
  'cluster.info',
  'search',
  'count',
  'doc.get',
  'index.get_settings',
  'index.get_mapping',
]);
