/**
 * Data streams (docs/es-facts.md "Data streams (issue 14, item 7)"): created from a composable
 * template with `data_stream`, explicitly or on a `create` write; documents live in hidden
 * `.ds-<stream>-<uuuu.MM.dd>-<generation>` backing indices; rollover adds a generation.
 */
import { EsError, illegalArgument, indexNotFound } from '../errors.js';
import { authorizedIndices, type Handler, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { DataStreamRecord, IndexRecord, SandboxState } from '../state.js';
import { isObject } from '../util.js';
import { createIndexRecord, matchingIndexTemplate, validateIndexName } from './indices.js';

/** DataStream.getDefaultBackingIndexName: `.ds-` + stream + `-` + uuuu.MM.dd (UTC) + `-` + 6-digit generation. */
export function backingIndexName(stream: string, generation: number, epochMillis: number): string {
  const d = new Date(epochMillis);
  const date = `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
  return `.ds-${stream}-${date}-${String(generation).padStart(6, '0')}`;
}

/** The matching composable template when it declares `data_stream` (a write there creates a stream). */
export function dataStreamTemplate(
  state: SandboxState,
  name: string,
): [string, Record<string, unknown>] | undefined {
  const match = matchingIndexTemplate(state, name);
  return match && isObject(match[1].data_stream) ? match : undefined;
}

/** BulkRequest/IndexRequest on a stream: only `create` is accepted (TransportBulkAction). */
export function appendOnlyViolation(): EsError {
  return illegalArgument('only write ops with an op_type of create are allowed in data streams');
}

/**
 * DataStreamTimestampFieldMapper.postParse: a document of a backing index without `@timestamp`
 * fails to parse. The position is where the parser stands after the document: its closing
 * brace, i.e. the length of the compact JSON the clients send on one line.
 */
export function failWithoutTimestamp(source: Record<string, unknown>): void {
  if (source['@timestamp'] !== undefined && source['@timestamp'] !== null) return;
  const cause = 'data stream timestamp field [@timestamp] is missing';
  throw new EsError(
    400,
    'document_parsing_exception',
    `[1:${JSON.stringify(source).length}] failed to parse: ${cause}`,
    { causedBy: { type: 'illegal_argument_exception', reason: cause } },
  );
}

/** A new backing index: the stream's template, hidden, `@timestamp` mapped as a date. */
function createBackingIndex(
  state: SandboxState,
  stream: string,
  generation: number,
  template: Record<string, unknown>,
): IndexRecord {
  const name = backingIndexName(stream, generation, state.now());
  const idx = createIndexRecord(state, name, { settings: { index: { hidden: true } } }, template);
  // MetadataCreateDataStreamService maps the timestamp field and enables its metadata mapper.
  idx.mappings._data_stream_timestamp = { enabled: true };
  const props = (isObject(idx.mappings.properties) ? idx.mappings.properties : {}) as Record<string, unknown>;
  props['@timestamp'] ??= { type: 'date' };
  idx.mappings.properties = props;
  return idx;
}

/** MetadataCreateDataStreamService: a template with `data_stream` must match; the first generation is 1. */
export function createDataStream(state: SandboxState, name: string): DataStreamRecord {
  validateIndexName(name);
  const existing = state.dataStreams.get(name);
  if (existing) {
    throw new EsError(400, 'resource_already_exists_exception', `data_stream [${name}] already exists`);
  }
  if (state.indices.has(name) || [...state.indices.values()].some((i) => i.aliases.has(name))) {
    throw illegalArgument(`data stream [${name}] conflicts with index`);
  }
  const match = dataStreamTemplate(state, name);
  if (!match) throw illegalArgument(`no matching index template found for data stream [${name}]`);
  const backing = createBackingIndex(state, name, 1, match[1]);
  const ds: DataStreamRecord = { name, indices: [backing.name], generation: 1, template: match[0] };
  state.dataStreams.set(name, ds);
  return ds;
}

/** Rolls a stream over: a new backing index of the next generation becomes the write index. */
export function rolloverDataStream(
  state: SandboxState,
  ds: DataStreamRecord,
): { oldIndex: string; newIndex: string } {
  const template = state.indexTemplates.get(ds.template);
  if (!template) throw illegalArgument(`no matching index template found for data stream [${ds.name}]`);
  const oldIndex = ds.indices.at(-1)!;
  const next = createBackingIndex(state, ds.name, ds.generation + 1, template);
  ds.generation += 1;
  ds.indices.push(next.name);
  return { oldIndex, newIndex: next.name };
}

/** The streams among the names the authorization step resolved; a missing concrete name is 404. */
function authorizedStreams(ctx: RequestContext): DataStreamRecord[] {
  const requested = ctx.params.name;
  const concrete = new Set(
    (requested ?? '').split(',').filter((n) => n !== '' && !n.includes('*') && n !== '_all'),
  );
  const out: DataStreamRecord[] = [];
  for (const n of authorizedIndices(ctx)) {
    const ds = ctx.state.dataStreams.get(n);
    if (ds) out.push(ds);
    else if (concrete.has(n)) throw indexNotFound(n);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A single-node cluster: primaries start, replicas never do, so a stream with replicas is yellow. */
function healthOf(state: SandboxState, ds: DataStreamRecord): 'GREEN' | 'YELLOW' {
  const replicas = ds.indices.some(
    (n) => Number(state.indices.get(n)?.settings['index.number_of_replicas'] ?? 1) > 0,
  );
  return replicas ? 'YELLOW' : 'GREEN';
}

function renderDataStream(state: SandboxState, ds: DataStreamRecord): Record<string, unknown> {
  const meta = state.indexTemplates.get(ds.template)?._meta;
  return {
    name: ds.name,
    timestamp_field: { name: '@timestamp' },
    indices: ds.indices.map((n) => ({
      index_name: n,
      index_uuid: state.indices.get(n)?.uuid,
      prefer_ilm: true,
      managed_by: 'Unmanaged',
      index_mode: 'standard',
    })),
    generation: ds.generation,
    ...(isObject(meta) ? { _meta: meta } : {}),
    status: healthOf(state, ds),
    template: ds.template,
    next_generation_managed_by: 'Unmanaged',
    prefer_ilm: true,
    hidden: false,
    system: false,
    allow_custom_routing: false,
    replicated: false,
    rollover_on_write: false,
    index_mode: 'standard',
  };
}

const putDataStream: Handler = (ctx) => {
  createDataStream(ctx.state, ctx.params.name!);
  return ok({ acknowledged: true });
};

const getDataStreams: Handler = (ctx) =>
  ok({ data_streams: authorizedStreams(ctx).map((ds) => renderDataStream(ctx.state, ds)) });

const deleteDataStreams: Handler = (ctx) => {
  for (const ds of authorizedStreams(ctx)) {
    for (const n of ds.indices) ctx.state.indices.delete(n);
    ctx.state.dataStreams.delete(ds.name);
  }
  return ok({ acknowledged: true });
};

const dataStreamStats: Handler = (ctx) => {
  const streams = authorizedStreams(ctx);
  const items = streams.map((ds) => {
    let max = 0;
    for (const n of ds.indices) {
      for (const doc of ctx.state.indices.get(n)?.docs.values() ?? []) {
        const raw = doc.source['@timestamp'];
        const t = typeof raw === 'number' ? raw : Date.parse(String(raw));
        if (Number.isFinite(t) && t > max) max = t;
      }
    }
    return {
      data_stream: ds.name,
      backing_indices: ds.indices.length,
      store_size_bytes: 0,
      maximum_timestamp: max,
    };
  });
  const backing = items.reduce((s, i) => s + i.backing_indices, 0);
  return ok({
    _shards: { total: backing * 2, successful: backing, failed: 0 },
    data_stream_count: streams.length,
    backing_indices: backing,
    total_store_size_bytes: 0,
    data_streams: items,
  });
};

/** Registers `_data_stream` create/get/delete/stats. */
export function registerDataStreamRoutes(r: Router<Handler>): void {
  const get = withParams(
    ['expand_wildcards', 'include_defaults', 'master_timeout', 'verbose'],
    getDataStreams,
  );
  const stats = withParams(['expand_wildcards'], dataStreamStats);
  r.add('PUT', '/_data_stream/{name}', withParams(['master_timeout', 'timeout'], putDataStream))
    .add('GET', '/_data_stream', get)
    .add('GET', '/_data_stream/{name}', get)
    .add(
      'DELETE',
      '/_data_stream/{name}',
      withParams(['expand_wildcards', 'master_timeout'], deleteDataStreams),
    )
    .add('GET', '/_data_stream/_stats', stats)
    .add('GET', '/_data_stream/{name}/_stats', stats);
}
