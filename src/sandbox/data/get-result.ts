/**
 * One document as get and mget answer it (GetResult.toXContent): metadata, `found`, then the
 * `_source` the request's filter keeps. Stored fields other than `_source` are only read from
 * fields mapped with `store: true`, which the sandbox does not emulate: such a request is refused.
 */
import { illegalArgument } from '../errors.js';
import type { DocRecord, IndexRecord } from '../state.js';
import { isObject } from '../util.js';
import { FULL_SOURCE, filterSource, type SourceFilter } from './source-filter.js';

/** What a get asks for beyond the document's metadata. */
export interface GetOptions {
  /** The explicit `_source` filter, if the request gave one. */
  readonly source: SourceFilter | undefined;
  /** `stored_fields`, if the request gave them. */
  readonly storedFields: readonly string[] | undefined;
}

/**
 * ShardGetService.normalizeFetchSourceContent: an explicit `_source` filter wins; without one,
 * `stored_fields` turns the source off unless it lists `_source`; otherwise the whole source.
 */
function effectiveFilter(opts: GetOptions): SourceFilter {
  if (opts.source) return opts.source;
  if (opts.storedFields === undefined || opts.storedFields.includes('_source')) return FULL_SOURCE;
  return { fetch: false, includes: [], excludes: [] };
}

function mappingOf(idx: IndexRecord, field: string): Record<string, unknown> | undefined {
  let node: Record<string, unknown> | undefined = idx.mappings;
  for (const part of field.split('.')) {
    const props: unknown = node?.properties;
    node = isObject(props) && isObject(props[part]) ? props[part] : undefined;
  }
  return node;
}

/**
 * Refuses the stored fields the sandbox cannot answer: a field mapped with `store: true` (its
 * stored value would belong in `fields`) or a pattern. Fields that are not stored have no value
 * in `fields`, as in Elasticsearch, so naming them is answered exactly.
 */
export function checkStoredFields(idx: IndexRecord, storedFields: readonly string[] | undefined): void {
  for (const f of storedFields ?? []) {
    if (f.startsWith('_')) continue;
    if (f.includes('*') || mappingOf(idx, f)?.store === true) {
      throw illegalArgument(
        `the eskeys sandbox does not emulate stored fields: [stored_fields] names [${f}]`,
      );
    }
  }
}

/** The found document as GetResult renders it. */
export function foundDocument(
  idx: IndexRecord,
  id: string,
  doc: DocRecord,
  opts: GetOptions,
): Record<string, unknown> {
  const filter = effectiveFilter(opts);
  return {
    _index: idx.name,
    _id: id,
    _version: doc.version,
    _seq_no: doc.seqNo,
    _primary_term: doc.primaryTerm,
    found: true,
    ...(filter.fetch ? { _source: filterSource(doc.source, filter.includes, filter.excludes) } : {}),
  };
}

/** The answer for a document that does not exist in an existing index. */
export function missingDocument(index: string, id: string): Record<string, unknown> {
  return { _index: index, _id: id, found: false };
}
