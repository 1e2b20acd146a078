/** Single-document APIs (index, create, get, update, delete), run as one-item bulks like ES (§3a). */
import { EsError, illegalArgument, indexNotFound, validationError } from '../errors.js';
import { type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withValidation } from '../http/validation.js';
import { isObject } from '../util.js';
import { type BulkItem, executeItems, refreshPolicy } from './bulk.js';
import { checkStoredFields, foundDocument, missingDocument } from './get-result.js';
import { writeIndex } from './resolve.js';
import { filterSource, sourceFilterFromParams } from './source-filter.js';

/**
 * Runs a single-document write as ES does: a one-item bulk whose failure is unwrapped into the
 * HTTP status (§3a). The name-only check of the document action (with an indices clause, as
 * IndexRequest/DeleteRequest name their index) ran in the server's authorization step.
 */
function singleWrite(ctx: RequestContext, item: BulkItem): ReturnType<Handler> {
  const [result] = executeItems(ctx, [item], refreshPolicy(ctx));
  if (result!.error) throw result!.error;
  const { status: _status, ...body } = result!.body;
  return { status: result!.status, body };
}

function seqNoParams(ctx: RequestContext, item: BulkItem): BulkItem {
  const s = ctx.query.get('if_seq_no');
  const t = ctx.query.get('if_primary_term');
  if (s !== null) item.ifSeqNo = Number(s);
  if (t !== null) item.ifPrimaryTerm = Number(t);
  return item;
}

function sourceBody(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx);
  if (body === undefined) throw validationError(['source is missing', 'content type is missing']);
  if (!isObject(body)) throw new EsError(400, 'mapper_parsing_exception', 'failed to parse');
  return body;
}

function opTypeOf(ctx: RequestContext): 'index' | 'create' {
  const opType = ctx.query.get('op_type') ?? (ctx.params.id === undefined ? 'create' : 'index');
  if (opType !== 'index' && opType !== 'create') {
    throw illegalArgument(`opType must be 'create' or 'index', found: [${opType}]`);
  }
  return opType;
}

/** REST parsing and IndexRequest.validate, which precede authorization. */
function validateIndexDoc(ctx: RequestContext): void {
  opTypeOf(ctx);
  sourceBody(ctx);
}

const indexDoc: Handler = (ctx) => {
  const opType = opTypeOf(ctx);
  const item: BulkItem = { op: opType, index: ctx.params.index!, source: sourceBody(ctx) };
  if (ctx.params.id !== undefined) item.id = ctx.params.id;
  return singleWrite(ctx, seqNoParams(ctx, item));
};

const createDoc: Handler = (ctx) =>
  singleWrite(ctx, {
    op: 'create',
    index: ctx.params.index!,
    id: ctx.params.id!,
    source: sourceBody(ctx),
  });

const deleteDoc: Handler = (ctx) =>
  singleWrite(ctx, seqNoParams(ctx, { op: 'delete', index: ctx.params.index!, id: ctx.params.id! }));

/** The update body; REST parsing and UpdateRequest.validate precede authorization. */
function updateBody(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx);
  if (!isObject(body)) throw validationError(['script or doc is missing']);
  for (const k of Object.keys(body)) {
    if (
      !['doc', 'doc_as_upsert', 'upsert', 'detect_noop', 'script', 'scripted_upsert', '_source'].includes(k)
    ) {
      throw new EsError(400, 'x_content_parse_exception', `[1:2] [UpdateRequest] unknown field [${k}]`);
    }
  }
  if (body.doc === undefined && body.script === undefined)
    throw validationError(['script or doc is missing']);
  return body;
}

const updateDoc: Handler = (ctx) => {
  const body = updateBody(ctx);
  const index = ctx.params.index!;
  const [result] = executeItems(
    ctx,
    [{ op: 'update', index, id: ctx.params.id!, update: body }],
    refreshPolicy(ctx),
  );
  if (result!.error) throw result!.error;
  const { status: _status, ...out } = result!.body;
  return { status: result!.status, body: out };
};

function storedFieldsParam(ctx: RequestContext): string[] | undefined {
  const v = ctx.query.get('stored_fields');
  return v === null ? undefined : v.split(',').filter((s) => s !== '');
}

/**
 * RestGetSourceAction refuses a disabled source before the get runs (a request validation
 * error, so before authorization here too).
 */
function validateGetSource(ctx: RequestContext): void {
  if (sourceFilterFromParams(ctx.query)?.fetch === false) {
    throw validationError(['fetching source can not be disabled']);
  }
}

function getDocument(ctx: RequestContext, sourceOnly: boolean): ReturnType<Handler> {
  const index = ctx.params.index!;
  const idx = writeIndex(ctx.state, index);
  if (!idx) throw indexNotFound(index);
  const id = ctx.params.id!;
  const storedFields = sourceOnly ? undefined : storedFieldsParam(ctx);
  checkStoredFields(idx, storedFields);
  const doc = idx.docs.get(id);
  if (!doc) {
    if (sourceOnly) {
      throw new EsError(404, 'resource_not_found_exception', `Document not found [${idx.name}]/[${id}]`);
    }
    return { status: 404, body: missingDocument(idx.name, id) };
  }
  const source = sourceFilterFromParams(ctx.query);
  if (sourceOnly) return ok(filterSource(doc.source, source?.includes ?? [], source?.excludes ?? []));
  return ok(foundDocument(idx, id, doc, { source, storedFields }));
}

const getDoc: Handler = (ctx) => getDocument(ctx, false);
const getSource: Handler = (ctx) => getDocument(ctx, true);

/** HEAD: the status the GET would answer, without a body. */
function statusOnly(sourceOnly: boolean): Handler {
  return async (ctx) => {
    try {
      const r = await getDocument(ctx, sourceOnly);
      return { status: r.status };
    } catch (e) {
      if (e instanceof EsError) return { status: e.status };
      throw e;
    }
  };
}
const docExists = statusOnly(false);
const sourceExists = statusOnly(true);

/** URL parameters of the index-document APIs. */
const INDEX_DOC_PARAMS = [
  'if_primary_term',
  'if_seq_no',
  'op_type',
  'pipeline',
  'refresh',
  'routing',
  'timeout',
  'version',
  'version_type',
  'wait_for_active_shards',
  'require_alias',
  'require_data_stream',
  'include_source_on_error',
];

/** URL parameters of the get-document APIs (GET and HEAD). */
const GET_DOC_PARAMS = [
  '_source',
  '_source_excludes',
  '_source_includes',
  'preference',
  'realtime',
  'refresh',
  'routing',
  'stored_fields',
  'version',
  'version_type',
];

/** URL parameters of the get-source APIs (GET and HEAD). */
const GET_SOURCE_PARAMS = [
  '_source',
  '_source_excludes',
  '_source_includes',
  'preference',
  'realtime',
  'refresh',
  'routing',
  'version',
  'version_type',
];

/** Registers the single-document APIs. */
export function registerDocumentRoutes(r: Router<Handler>): void {
  r.add(
    ['PUT', 'POST'],
    '/{index}/_doc/{id}',
    withParams(INDEX_DOC_PARAMS, withValidation(validateIndexDoc, indexDoc)),
  )
    .add('POST', '/{index}/_doc', withParams(INDEX_DOC_PARAMS, withValidation(validateIndexDoc, indexDoc)))
    .add(
      ['PUT', 'POST'],
      '/{index}/_create/{id}',
      withParams(
        [
          'pipeline',
          'refresh',
          'routing',
          'timeout',
          'version',
          'version_type',
          'wait_for_active_shards',
          'require_alias',
          'require_data_stream',
          'include_source_on_error',
        ],
        withValidation(sourceBody, createDoc),
      ),
    )
    .add('GET', '/{index}/_doc/{id}', withParams(GET_DOC_PARAMS, getDoc))
    .add('HEAD', '/{index}/_doc/{id}', withParams(GET_DOC_PARAMS, docExists))
    .add(
      'GET',
      '/{index}/_source/{id}',
      withParams(GET_SOURCE_PARAMS, withValidation(validateGetSource, getSource)),
    )
    .add(
      'HEAD',
      '/{index}/_source/{id}',
      withParams(GET_SOURCE_PARAMS, withValidation(validateGetSource, sourceExists)),
    )
    .add(
      'DELETE',
      '/{index}/_doc/{id}',
      withParams(
        [
          'if_primary_term',
          'if_seq_no',
          'refresh',
          'routing',
          'timeout',
          'version',
          'version_type',
          'wait_for_active_shards',
        ],
        deleteDoc,
      ),
    )
    .add(
      'POST',
      '/{index}/_update/{id}',
      withParams(
        [
          'if_primary_term',
          'if_seq_no',
          'lang',
          'refresh',
          'require_alias',
          'retry_on_conflict',
          'routing',
          'timeout',
          'wait_for_active_shards',
          '_source',
          '_source_excludes',
          '_source_includes',
          'include_source_on_error',
        ],
        withValidation(updateBody, updateDoc),
      ),
    );
}
