/** `_bulk` and the write path every single-document API shares (per-item authorization, §3). */
import { isDeepStrictEqual } from 'node:util';
import { DateMathNameError, isDateMathName, resolveDateMathName } from '../../core/resolver/index.js';
import { causeToJson, EsError, illegalArgument, indexNotFound, validationError } from '../errors.js';
import { bodyText, type Handler, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withValidation } from '../http/validation.js';
import { grantedOn, indexDenied } from '../security/authorize.js';
import { base64Uuid, type DocRecord, type IndexRecord } from '../state.js';
import {
  appendOnlyViolation,
  createDataStream,
  dataStreamTemplate,
  failWithoutTimestamp,
} from './data-streams.js';
import { createIndexRecord, refreshIndex } from './indices.js';
import { dynamicUpdate } from './mappings.js';
import { parentDataStream, streamWriteIndex, writeIndex } from './resolve.js';

/** One write of a bulk (or a single-document API, which ES runs as a one-item bulk). */
export interface BulkItem {
  op: 'index' | 'create' | 'update' | 'delete';
  index: string;
  id?: string;
  source?: Record<string, unknown>;
  /** Update body: `doc`, `doc_as_upsert`, `upsert`, `detect_noop`. */
  update?: Record<string, unknown>;
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
}

/** The outcome of one item, in BulkItemResponse order. */
export interface BulkItemResult {
  op: BulkItem['op'];
  status: number;
  body: Record<string, unknown>;
  error?: EsError;
}

/** The action a bulk item is authorized with (§3 table). */
export function itemAction(item: BulkItem): string {
  switch (item.op) {
    case 'index':
      return 'indices:data/write/index:op_type/index';
    case 'create':
      return 'indices:data/write/index:op_type/create';
    case 'update':
      return 'indices:data/write/update';
    case 'delete':
      return 'indices:data/write/delete';
  }
}

/** Write shard header: the primary succeeds; replicas cannot be assigned on one node. */
function shardsOf(idx: IndexRecord): { total: number; successful: number; failed: number } {
  return { total: 1 + Number(idx.settings['index.number_of_replicas'] ?? 1), successful: 1, failed: 0 };
}

function versionConflict(idx: IndexRecord, id: string, reason: string): EsError {
  return new EsError(409, 'version_conflict_engine_exception', `[${id}]: ${reason}`, {
    metadata: { index_uuid: idx.uuid, shard: '0', index: idx.name },
  });
}

function documentMissing(idx: IndexRecord, id: string): EsError {
  return new EsError(404, 'document_missing_exception', `[${id}]: document missing`, {
    metadata: { index_uuid: idx.uuid, shard: '0', index: idx.name },
  });
}

function mergeDoc(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? mergeDoc(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/**
 * The body of a document write. Callers append `status` with Object.assign: a literal opening
 * with a spread (`{ ...writeResult(…), status }`) costs microseconds per item on Node 20's V8.
 */
function writeResult(
  idx: IndexRecord,
  id: string,
  doc: DocRecord,
  result: string,
  forced: boolean,
): Record<string, unknown> {
  return {
    _index: idx.name,
    _id: id,
    _version: doc.version,
    result,
    ...(forced ? { forced_refresh: true } : {}),
    _shards: shardsOf(idx),
    _seq_no: doc.seqNo,
    _primary_term: doc.primaryTerm,
  };
}

/** How `refresh` was requested. */
export type RefreshPolicy = 'false' | 'true' | 'wait_for';

/** Parses the `refresh` parameter. */
export function refreshPolicy(ctx: RequestContext): RefreshPolicy {
  const v = ctx.query.get('refresh');
  if (v === null || v === 'false') return 'false';
  if (v === '' || v === 'true') return 'true';
  if (v === 'wait_for') return 'wait_for';
  throw illegalArgument(`Unknown value for refresh: [${v}].`);
}

/**
 * Date-math item names (`<logs-{now/d}>`) resolved in place before anything else looks at them,
 * as Elasticsearch resolves them before authorizing and creating; a bad expression fails its item.
 */
function resolveDateMathItems(items: readonly BulkItem[], now: number): Map<BulkItem, EsError> {
  const failures = new Map<BulkItem, EsError>();
  for (const item of items) {
    if (!isDateMathName(item.index)) continue;
    try {
      item.index = resolveDateMathName(item.index, now);
    } catch (e) {
      if (!(e instanceof DateMathNameError)) throw e;
      failures.set(item, new EsError(400, 'parse_exception', e.message));
    }
  }
  return failures;
}

/**
 * The shard-level check: Elasticsearch sends one BulkShardRequest per shard, whose indices() are
 * every name its items used (aliases included), and authorizes `indices:data/write/bulk[s]`
 * against all of them before any item runs; one denied name fails every item of that shard.
 * The sandbox has one shard per index, so items are grouped by their existing write index.
 * Returns the denial per concrete index name.
 */
function shardLevelDenials(ctx: RequestContext, items: readonly BulkItem[]): Map<string, EsError> {
  const namesByIndex = new Map<string, Set<string>>();
  for (const item of items) {
    let idx: IndexRecord | undefined;
    try {
      idx = streamWriteIndex(ctx.state, item.index) ?? writeIndex(ctx.state, item.index);
    } catch (e) {
      if (e instanceof EsError) continue; // the item fails on its own below
      throw e;
    }
    if (!idx) continue;
    let names = namesByIndex.get(idx.name);
    if (!names) {
      names = new Set();
      namesByIndex.set(idx.name, names);
    }
    names.add(item.index);
  }
  const perm = ctx.auth.permission;
  const action = 'indices:data/write/bulk[s]';
  const denials = new Map<string, EsError>();
  for (const [index, names] of namesByIndex) {
    if (names.size < 2) continue; // a single name is checked per item, with the same outcome
    const denied = [...names].filter((n) => !(perm.checkIndex(action, index) || perm.checkIndex(action, n)));
    if (denied.length > 0) denials.set(index, indexDenied(ctx.auth, action, denied));
  }
  return denials;
}

/**
 * Executes bulk items with per-item authorization (§3): auto-create (`indices:admin/auto_create`),
 * shard-level `indices:data/write/bulk[s]` on the concrete index, the item's implied action,
 * then dynamic mapping updates (`indices:admin/mapping/auto_put`, BWC rule in the model).
 * Failures stay inside their item.
 */
export function executeItems(
  ctx: RequestContext,
  items: readonly BulkItem[],
  refresh: RefreshPolicy,
): BulkItemResult[] {
  const state = ctx.state;
  const perm = ctx.auth.permission;
  const results: BulkItemResult[] = [];
  const touched = new Set<IndexRecord>();
  const autoCreateFailures = new Map<string, EsError>();
  const dateMathFailures = resolveDateMathItems(items, state.now());
  const shardDenials = shardLevelDenials(ctx, items);
  for (const item of items) {
    const fail = (e: EsError, idxName = item.index): BulkItemResult => ({
      op: item.op,
      status: e.status,
      body: { _index: idxName, _id: item.id ?? null, status: e.status, error: causeToJson(e) },
      error: e,
    });
    const dateMathFailure = dateMathFailures.get(item);
    if (dateMathFailure) {
      results.push(fail(dateMathFailure));
      continue;
    }
    try {
      // A data stream is append-only: every other op type fails its item (TransportBulkAction).
      if (item.op !== 'create' && state.dataStreams.has(item.index)) throw appendOnlyViolation();
      let idx = streamWriteIndex(state, item.index) ?? writeIndex(state, item.index);
      if (!idx) {
        if (item.op === 'delete') {
          results.push(fail(indexNotFound(item.index)));
          continue;
        }
        const earlier = autoCreateFailures.get(item.index);
        if (earlier) {
          results.push(fail(earlier));
          continue;
        }
        if (!perm.checkIndex('indices:admin/auto_create', item.index)) {
          const e = indexDenied(ctx.auth, 'indices:admin/auto_create', [item.index]);
          autoCreateFailures.set(item.index, e);
          results.push(fail(e));
          continue;
        }
        // AutoCreateAction makes a data stream when the matching template declares one; the
        // op type is checked on the write that follows.
        if (dataStreamTemplate(state, item.index)) {
          createDataStream(state, item.index);
          if (item.op !== 'create') throw appendOnlyViolation();
          idx = streamWriteIndex(state, item.index)!;
        } else idx = createIndexRecord(state, item.index, {});
      }
      const streamWrite = parentDataStream(state, idx.name) !== undefined;
      const granted = (action: string) =>
        grantedOn(perm, state, action, idx!.name) || perm.checkIndex(action, item.index, streamWrite);
      const shardDenial = shardDenials.get(idx.name);
      if (shardDenial) {
        results.push(fail(shardDenial, idx.name));
        continue;
      }
      if (!granted('indices:data/write/bulk[s]')) {
        results.push(fail(indexDenied(ctx.auth, 'indices:data/write/bulk[s]', [idx.name]), idx.name));
        continue;
      }
      const action = itemAction(item);
      // An item addressed to a backing index is granted through its parent stream too (RBACEngine).
      if (!grantedOn(perm, state, action, item.index)) {
        results.push(fail(indexDenied(ctx.auth, action, [item.index]), idx.name));
        continue;
      }
      if ((item.op === 'index' || item.op === 'create') && streamWrite) {
        try {
          failWithoutTimestamp(item.source ?? {});
        } catch (e) {
          // A mapping failure belongs to the backing index's shard, which the item names.
          if (e instanceof EsError) {
            results.push(fail(e, idx.name));
            continue;
          }
          throw e;
        }
      }
      const r = applyItem(ctx, idx, item, granted);
      touched.add(idx);
      results.push(r);
    } catch (e) {
      if (e instanceof EsError) results.push(fail(e));
      else throw e;
    }
  }
  if (refresh !== 'false') for (const idx of touched) refreshIndex(idx, state.now());
  if (refresh === 'true') {
    for (const r of results)
      if (r.status < 300 && r.body.result !== 'noop') r.body = withForcedRefresh(r.body);
  }
  return results;
}

function withForcedRefresh(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_shards') out.forced_refresh = true;
    out[k] = v;
  }
  return out;
}

function applyItem(
  ctx: RequestContext,
  idx: IndexRecord,
  item: BulkItem,
  granted: (action: string) => boolean,
): BulkItemResult {
  const id = item.id ?? base64Uuid();
  const existing = idx.docs.get(id);
  if (
    item.ifSeqNo !== undefined &&
    (!existing || existing.seqNo !== item.ifSeqNo || existing.primaryTerm !== (item.ifPrimaryTerm ?? 1))
  ) {
    throw versionConflict(
      idx,
      id,
      `version conflict, required seqNo [${item.ifSeqNo}], primary term [${item.ifPrimaryTerm ?? 1}]. ${existing ? `current document has seqNo [${existing.seqNo}] and primary term [${existing.primaryTerm}]` : 'but no document was found'}`,
    );
  }
  const mappingUpdate = (source: Record<string, unknown>) => {
    if (dynamicUpdate(idx.mappings, source, false)) {
      if (!granted('indices:admin/mapping/auto_put'))
        throw indexDenied(ctx.auth, 'indices:admin/mapping/auto_put', [idx.name]);
      dynamicUpdate(idx.mappings, source, true);
    }
  };
  const store = (source: Record<string, unknown>): DocRecord => {
    const doc: DocRecord = {
      source,
      version: (existing?.version ?? 0) + 1,
      seqNo: idx.seqNo++,
      primaryTerm: 1,
    };
    idx.docs.set(id, doc);
    return doc;
  };
  switch (item.op) {
    case 'index':
    case 'create': {
      if (item.op === 'create' && existing) {
        throw versionConflict(
          idx,
          id,
          `version conflict, document already exists (current version [${existing.version}])`,
        );
      }
      const source = item.source ?? {};
      mappingUpdate(source);
      const doc = store(source);
      const created = !existing;
      return {
        op: item.op,
        status: created ? 201 : 200,
        body: Object.assign(writeResult(idx, id, doc, created ? 'created' : 'updated', false), {
          status: created ? 201 : 200,
        }),
      };
    }
    case 'delete': {
      if (!existing) {
        const body = {
          _index: idx.name,
          _id: id,
          _version: 1,
          result: 'not_found',
          _shards: shardsOf(idx),
          _seq_no: idx.seqNo++,
          _primary_term: 1,
          status: 404,
        };
        return { op: 'delete', status: 404, body };
      }
      idx.docs.delete(id);
      const tomb: DocRecord = {
        source: {},
        version: existing.version + 1,
        seqNo: idx.seqNo++,
        primaryTerm: 1,
      };
      return {
        op: 'delete',
        status: 200,
        body: Object.assign(writeResult(idx, id, tomb, 'deleted', false), { status: 200 }),
      };
    }
    case 'update': {
      const u = item.update ?? {};
      const patch = (u.doc ?? undefined) as Record<string, unknown> | undefined;
      if (u.script !== undefined)
        throw illegalArgument('scripted updates are not supported by the eskeys sandbox');
      if (!existing) {
        const upsert = u.doc_as_upsert === true ? patch : (u.upsert as Record<string, unknown> | undefined);
        if (!upsert) throw documentMissing(idx, id);
        mappingUpdate(upsert);
        const doc = store(upsert);
        return {
          op: 'update',
          status: 201,
          body: Object.assign(writeResult(idx, id, doc, 'created', false), { status: 201 }),
        };
      }
      if (!patch) throw validationError(['script or doc is missing']);
      const merged = mergeDoc(existing.source, patch);
      if (u.detect_noop !== false && isDeepStrictEqual(merged, existing.source)) {
        const body = {
          _index: idx.name,
          _id: id,
          _version: existing.version,
          result: 'noop',
          _shards: { total: 0, successful: 0, failed: 0 },
          _seq_no: existing.seqNo,
          _primary_term: existing.primaryTerm,
          status: 200,
        };
        return { op: 'update', status: 200, body };
      }
      mappingUpdate(merged);
      const doc = store(merged);
      return {
        op: 'update',
        status: 200,
        body: Object.assign(writeResult(idx, id, doc, 'updated', false), { status: 200 }),
      };
    }
  }
}

const OPS = ['create', 'delete', 'index', 'update'];

/** Parses an ndjson bulk body (BulkRequestParser subset). */
export function parseBulkBody(text: string, defaultIndex: string | undefined): BulkItem[] {
  if (text.length > 0 && !text.endsWith('\n'))
    throw illegalArgument('The bulk request must be terminated by a newline [\\n]');
  const lines = text.split('\n');
  const items: BulkItem[] = [];
  const missingIndex: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch {
      throw illegalArgument(
        `Malformed action/metadata line [${i + 1}], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]`,
      );
    }
    if (!action || typeof action !== 'object' || Array.isArray(action)) {
      throw illegalArgument(
        `Malformed action/metadata line [${i + 1}], expected START_OBJECT but found [${Array.isArray(action) ? 'START_ARRAY' : 'VALUE_STRING'}]`,
      );
    }
    const [op, meta] = Object.entries(action as Record<string, unknown>)[0] ?? [];
    if (!op || !OPS.includes(op)) {
      throw illegalArgument(
        `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${op}]`,
      );
    }
    const m = (meta ?? {}) as Record<string, unknown>;
    const index = typeof m._index === 'string' ? m._index : defaultIndex;
    const item: BulkItem = { op: op as BulkItem['op'], index: index ?? '' };
    if (!index) missingIndex.push(items.length);
    if (m._id !== undefined && m._id !== null) item.id = String(m._id);
    if (typeof m.if_seq_no === 'number') item.ifSeqNo = m.if_seq_no;
    if (typeof m.if_primary_term === 'number') item.ifPrimaryTerm = m.if_primary_term;
    if (op !== 'delete') {
      const sourceLine = lines[++i];
      if (sourceLine === undefined || sourceLine.trim() === '') {
        throw illegalArgument(
          `Validation Failed: 1: ${op === 'update' ? 'script or doc is missing' : 'source is missing'};`,
        );
      }
      let source: unknown;
      try {
        source = JSON.parse(sourceLine);
      } catch {
        throw new EsError(
          400,
          'x_content_parse_exception',
          `[1:1] Unexpected character in source of line [${i + 1}]`,
        );
      }
      if (op === 'update') item.update = source as Record<string, unknown>;
      else item.source = source as Record<string, unknown>;
    }
    items.push(item);
  }
  const errors: string[] = [];
  if (items.length === 0) errors.push('no requests added');
  for (const _ of missingIndex) errors.push('index is missing');
  items.forEach((it) => {
    if ((it.op === 'update' || it.op === 'delete') && it.id === undefined) errors.push('id is missing');
  });
  if (errors.length > 0) throw validationError(errors);
  return items;
}

/** RestBulkAction parsing and BulkRequest.validate, which precede authorization. */
function validateBulk(ctx: RequestContext): void {
  parseBulkBody(bodyText(ctx), ctx.params.index);
}

const bulk: Handler = (ctx) => {
  const items = parseBulkBody(bodyText(ctx), ctx.params.index);
  const refresh = refreshPolicy(ctx);
  const started = Date.now();
  const results = executeItems(ctx, items, refresh);
  return ok({
    errors: results.some((r) => r.error !== undefined),
    took: Date.now() - started,
    items: results.map((r) => ({ [r.op]: r.body })),
  });
};

/** URL parameters `_bulk` accepts (others are refused, as Elasticsearch does). */
const BULK_PARAMS = [
  'pipeline',
  'refresh',
  'routing',
  '_source',
  '_source_excludes',
  '_source_includes',
  'timeout',
  'wait_for_active_shards',
  'require_alias',
  'require_data_stream',
  'list_executed_pipelines',
  'include_source_on_error',
];

/** Registers `_bulk`. */
export function registerBulkRoutes(r: Router<Handler>): void {
  r.add(['POST', 'PUT'], '/_bulk', withParams(BULK_PARAMS, withValidation(validateBulk, bulk))).add(
    ['POST', 'PUT'],
    '/{index}/_bulk',
    withParams(BULK_PARAMS, withValidation(validateBulk, bulk)),
  );
}
