/**
 * REST API version 7 on an 8.x profile: Elasticsearch's document responses name the single
 * mapping type. DocWriteResponse (index, create, update, delete and every bulk item),
 * GetResult.toXContent (get and each mget document), MultiGetResponse.Failure (an mget item's
 * error) and SearchHit.toInnerXContent (search hits, also inside each msearch response) write
 * `_type: "_doc"` right after `_index` when the builder's REST API version is V_7. The handlers answer version 8;
 * the server adds the field here, per API, after the handler ran.
 */
import { isObject } from '../util.js';

type Doc = Record<string, unknown>;

function isDoc(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && '_index' in v;
}

/** A copy of `doc` with `_type: _doc` placed after `_index`, as Elasticsearch orders the fields. */
function typed(doc: Doc): Doc {
  if ('_type' in doc) return doc;
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) {
    out[k] = v;
    if (k === '_index') out._type = '_doc';
  }
  return out;
}

function hitsTyped(body: Doc): Doc {
  const hits = body.hits as Doc | undefined;
  if (!hits || !Array.isArray(hits.hits)) return body;
  return { ...body, hits: { ...hits, hits: hits.hits.map((h) => (isDoc(h) ? typed(h) : h)) } };
}

function bulkTyped(body: Doc): Doc {
  if (!Array.isArray(body.items)) return body;
  const items = body.items.map((item: Doc) =>
    Object.fromEntries(Object.entries(item).map(([op, r]) => [op, isDoc(r) ? typed(r) : r])),
  );
  return { ...body, items };
}

function mgetTyped(body: Doc): Doc {
  if (!Array.isArray(body.docs)) return body;
  return { ...body, docs: body.docs.map((d: unknown) => (isDoc(d) ? typed(d) : d)) };
}

function msearchTyped(body: Doc): Doc {
  if (!Array.isArray(body.responses)) return body;
  return { ...body, responses: body.responses.map((r: unknown) => (isObject(r) ? hitsTyped(r) : r)) };
}

const BY_API: ReadonlyMap<string, (body: Doc) => Doc> = new Map([
  ['index', typed],
  ['create', typed],
  ['update', typed],
  ['delete', typed],
  ['get', typed],
  ['bulk', bulkTyped],
  ['search', hitsTyped],
  ['mget', mgetTyped],
  ['msearch', msearchTyped],
]);

/** APIs whose body is a container of documents rather than one document. */
const CONTAINERS = new Set(['bulk', 'search', 'mget', 'msearch']);

/** The response body of `api` as REST API version 7 renders it (unchanged for other APIs). */
export function withCompatV7Types(api: string, body: unknown): unknown {
  const decorate = BY_API.get(api);
  if (!decorate || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  if (CONTAINERS.has(api)) return decorate(body as Doc);
  return isDoc(body) ? decorate(body) : body;
}
