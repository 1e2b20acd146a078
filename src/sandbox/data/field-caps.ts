/**
 * `_field_caps`: per field name, the types it has across the target indices (from their
 * mappings, `.keyword` multi-fields and parent objects included) and whether it is searchable and
 * aggregatable. The target names come from the server's authorization step. Metadata fields
 * (`_id`, `_index`…) differ by version and are not emulated: a `fields` pattern that could reach
 * them (`*`, `_…`) answers 400 rather than a list without them.
 */
import { illegalArgument } from '../errors.js';
import { authorizedIndices, boolParam, type Handler, jsonBody, ok } from '../http/context.js';
import { notEmulated } from '../http/not-emulated.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { IndexRecord } from '../state.js';
import { isObject, wildcardRegex } from '../util.js';
import { concreteIndices, refuseClosed } from './resolve.js';

interface Capability {
  type: string;
  searchable: boolean;
  aggregatable: boolean;
}

/** Leaf types whose capabilities follow `index` (searchable) and `doc_values` (aggregatable). */
const DOC_VALUE_TYPES = new Set([
  'keyword',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'unsigned_long',
  'date',
  'date_nanos',
  'boolean',
  'ip',
]);

function leafCapability(name: string, def: Record<string, unknown>): Capability {
  const type = String(def.type ?? 'object');
  const searchable = def.index !== false;
  // text has no doc values: aggregatable only with fielddata enabled
  if (type === 'text') return { type, searchable, aggregatable: def.fielddata === true };
  if (DOC_VALUE_TYPES.has(type)) return { type, searchable, aggregatable: def.doc_values !== false };
  throw notEmulated(`field_caps] field type [${type}] of field [${name}`);
}

/** Every mapped field of an index (objects, leaves, multi-fields) with its capability. */
function mappedFields(idx: IndexRecord): Map<string, Capability> {
  const out = new Map<string, Capability>();
  const walk = (props: unknown, prefix: string) => {
    if (!isObject(props)) return;
    for (const [key, raw] of Object.entries(props)) {
      if (!isObject(raw)) continue;
      const name = prefix + key;
      if (raw.properties !== undefined || raw.type === 'object' || raw.type === 'nested') {
        const type = raw.type === 'nested' ? 'nested' : 'object';
        out.set(name, { type, searchable: false, aggregatable: false });
        walk(raw.properties, `${name}.`);
        continue;
      }
      out.set(name, leafCapability(name, raw));
      if (isObject(raw.fields)) {
        for (const [sub, subDef] of Object.entries(raw.fields)) {
          if (isObject(subDef)) out.set(`${name}.${sub}`, leafCapability(`${name}.${sub}`, subDef));
        }
      }
    }
  };
  walk(idx.mappings.properties, '');
  return out;
}

function requestedFields(query: URLSearchParams, body: unknown): string[] {
  const fromQuery = query.get('fields');
  let fields: string[] = fromQuery === null ? [] : fromQuery.split(',');
  if (isObject(body)) {
    for (const key of Object.keys(body)) {
      if (key !== 'fields') throw notEmulated(`field_caps] body field [${key}`);
    }
    if (body.fields !== undefined) {
      fields = (Array.isArray(body.fields) ? body.fields : [body.fields]).map(String);
    }
  }
  fields = fields.filter((f) => f !== '');
  // FieldCapabilitiesRequest.fields
  if (fields.length === 0) throw illegalArgument("specified fields can't be null or empty");
  for (const f of fields) {
    if (f.startsWith('_') || f.startsWith('*'))
      throw notEmulated(`field_caps] metadata fields, asked by field pattern [${f}`);
  }
  return fields;
}

/** Elasticsearch's merge: one entry per type; `indices` only when the types differ, `non_*_indices` when the flags do. */
function merge(
  perIndex: { index: string; cap: Capability }[],
  typesDiffer: boolean,
): Record<string, Record<string, unknown>> {
  const byType = new Map<string, { index: string; cap: Capability }[]>();
  for (const e of perIndex) byType.set(e.cap.type, [...(byType.get(e.cap.type) ?? []), e]);
  const out: Record<string, Record<string, unknown>> = {};
  for (const [type, entries] of [...byType].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const searchable = entries.every((e) => e.cap.searchable);
    const aggregatable = entries.every((e) => e.cap.aggregatable);
    const nonSearchable = entries.filter((e) => !e.cap.searchable).map((e) => e.index);
    const nonAggregatable = entries.filter((e) => !e.cap.aggregatable).map((e) => e.index);
    out[type] = {
      type,
      metadata_field: false,
      searchable,
      aggregatable,
      ...(typesDiffer ? { indices: entries.map((e) => e.index) } : {}),
      ...(!searchable && nonSearchable.length < entries.length
        ? { non_searchable_indices: nonSearchable }
        : {}),
      ...(!aggregatable && nonAggregatable.length < entries.length
        ? { non_aggregatable_indices: nonAggregatable }
        : {}),
    };
  }
  return out;
}

const fieldCaps: Handler = (ctx) => {
  const patterns = requestedFields(ctx.query, jsonBody(ctx)).map((f) => wildcardRegex(f));
  if (boolParam(ctx, 'include_unmapped')) throw notEmulated('field_caps] parameter [include_unmapped');
  // Every mapped field is reported, with values or not: include_empty_fields=false is not emulated.
  if (!boolParam(ctx, 'include_empty_fields', true))
    throw notEmulated('field_caps] parameter [include_empty_fields=false');
  if (ctx.query.has('filters') || ctx.query.has('types'))
    throw notEmulated('field_caps] parameter [filters/types');
  const indices = concreteIndices(
    ctx.state,
    authorizedIndices(ctx),
    boolParam(ctx, 'ignore_unavailable'),
  ).sort((a, b) => (a.name < b.name ? -1 : 1));
  refuseClosed(indices);
  const byField = new Map<string, { index: string; cap: Capability }[]>();
  for (const idx of indices) {
    const fields = mappedFields(idx);
    const matched = new Set([...fields.keys()].filter((n) => patterns.some((p) => p.test(n))));
    // The parents of a matched field are reported too, when they are objects (not for multi-fields).
    for (const name of [...matched]) {
      let dot = name.lastIndexOf('.');
      while (dot > 0) {
        const parent = name.slice(0, dot);
        const cap = fields.get(parent);
        if (!cap || (cap.type !== 'object' && cap.type !== 'nested')) break;
        matched.add(parent);
        dot = parent.lastIndexOf('.');
      }
    }
    for (const name of matched)
      byField.set(name, [...(byField.get(name) ?? []), { index: idx.name, cap: fields.get(name)! }]);
  }
  const fields: Record<string, unknown> = {};
  for (const name of [...byField.keys()].sort()) {
    const entries = byField.get(name)!;
    fields[name] = merge(entries, new Set(entries.map((e) => e.cap.type)).size > 1);
  }
  return ok({ indices: indices.map((i) => i.name), fields });
};

/** Registers `_field_caps`. */
export function registerFieldCapsRoutes(r: Router<Handler>): void {
  const handler = withParams(
    [
      'fields',
      'allow_no_indices',
      'expand_wildcards',
      'ignore_unavailable',
      'include_unmapped',
      'filters',
      'types',
      'include_empty_fields',
    ],
    fieldCaps,
  );
  r.add(['GET', 'POST'], '/_field_caps', handler).add(['GET', 'POST'], '/{index}/_field_caps', handler);
}
