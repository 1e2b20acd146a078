/** Computes parsed aggregations over the matching documents, as Elasticsearch renders them. */
import { illegalArgument } from '../../errors.js';
import { notEmulated } from '../../http/not-emulated.js';
import type { IndexRecord } from '../../state.js';
import { isObject } from '../../util.js';
import { compileQuery, type Predicate } from '../query/compile.js';
import { type FieldKind, fieldInfo, type Hit, normalize, rawValues } from '../query/fields.js';
import { roundingOf } from './date-interval.js';
import type { AggNode } from './parse.js';

type Json = Record<string, unknown>;
type Key = string | number | boolean;

interface Env {
  now: number;
  typedKeys: boolean;
}

/** The field's kind across the searched indices (the first index that maps it decides). */
function kindAcross(hits: readonly Hit[], field: string): FieldKind {
  const seen = new Set<IndexRecord>();
  for (const h of hits) {
    if (seen.has(h.idx)) continue;
    seen.add(h.idx);
    const { kind } = fieldInfo(h.idx, field);
    if (kind !== 'unmapped') return kind;
  }
  return 'unmapped';
}

function valuesOf(hit: Hit, field: string, kind: FieldKind, now: number): Key[] {
  const out: Key[] = [];
  for (const raw of rawValues(hit, field)) {
    const v = normalize(kind, raw, now);
    if (v !== undefined) out.push(v);
  }
  return out;
}

const compareKeys = (a: Key, b: Key) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * An aggregation on a text field. Elasticsearch refuses it on each shard (fielddata is disabled
 * by default), so the search answers it as shard failures: search.ts builds them per index.
 */
export class TextFieldAggregation extends Error {
  constructor(readonly field: string) {
    super(`aggregation on text field [${field}]`);
  }
}

/**
 * How a bucket or metric key is rendered for the field's kind (a search's or the API key query
 * API's: both render booleans as 1/0 and dates as epoch millis, each with key_as_string).
 */
export function keyJson(kind: string, v: Key): Json {
  if (kind === 'boolean') return { key: v === true ? 1 : 0, key_as_string: String(v) };
  if (kind === 'date') return { key: v, key_as_string: new Date(Number(v)).toISOString() };
  return { key: v };
}

function isFloatField(hits: readonly Hit[], field: string): boolean {
  for (const h of hits) {
    const t = mappingType(h.idx, field);
    if (t) return t === 'double' || t === 'float' || t === 'half_float' || t === 'scaled_float';
  }
  return false;
}

function mappingType(idx: IndexRecord, field: string): string | undefined {
  let node: Json | undefined = idx.mappings;
  for (const part of field.split('.')) {
    const props = node?.properties as Record<string, Json> | undefined;
    const multi = node?.fields as Record<string, Json> | undefined;
    node = props?.[part] ?? multi?.[part];
    if (!node) return undefined;
  }
  return typeof node.type === 'string' ? node.type : undefined;
}

/** The typed_keys prefix Elasticsearch writes (`sterms#name`). */
function typedName(env: Env, node: AggNode, hits: readonly Hit[], kind: FieldKind): string {
  if (!env.typedKeys) return node.name;
  let type = node.type;
  if (node.type === 'terms') {
    type =
      kind === 'unmapped'
        ? 'sterms'
        : kind === 'keyword'
          ? 'sterms'
          : kind === 'number' && isFloatField(hits, String(node.body.field))
            ? 'dterms'
            : 'lterms';
  }
  return `${type}#${node.name}`;
}

function filterPredicate(query: unknown, now: number): (hit: Hit) => boolean {
  const byIndex = new Map<IndexRecord, Predicate>();
  return (hit) => {
    let p = byIndex.get(hit.idx);
    if (!p) {
      p = compileQuery(query, hit.idx, now);
      byIndex.set(hit.idx, p);
    }
    return p(hit);
  };
}

function terms(node: AggNode, hits: readonly Hit[], env: Env, kind: FieldKind): Json {
  const b = node.body;
  const field = String(b.field);
  if (kind === 'text') throw new TextFieldAggregation(field);
  const size = Number(b.size ?? 10);
  const minDocCount = Number(b.min_doc_count ?? 1);
  if (minDocCount === 0) throw notEmulated('aggregations.terms.min_doc_count of 0');
  const groups = new Map<Key, Hit[]>();
  const missing =
    b.missing === undefined
      ? undefined
      : normalize(kind === 'unmapped' ? 'keyword' : kind, b.missing, env.now);
  for (const h of hits) {
    const vals = new Set(valuesOf(h, field, kind, env.now));
    if (vals.size === 0 && missing !== undefined) vals.add(missing);
    for (const v of vals) {
      const list = groups.get(v);
      if (list) list.push(h);
      else groups.set(v, [h]);
    }
  }
  const order = termsOrder(b.order);
  const sorted = [...groups].filter(([, l]) => l.length >= minDocCount).sort(order);
  const shown = sorted.slice(0, size);
  const other = sorted.slice(size).reduce((n, [, l]) => n + l.length, 0);
  return {
    doc_count_error_upper_bound: 0,
    sum_other_doc_count: other,
    // Object.assign onto the fresh key object, not `{ ...keyJson(…), doc_count }`: a literal
    // opening with a spread costs microseconds per bucket on Node 20's V8.
    buckets: shown.map(([v, list]) =>
      Object.assign(keyJson(kind, v), { doc_count: list.length }, subAggs(node, list, env)),
    ),
  };
}

type Group = [Key, Hit[]];

/** Terms order: `_count` (default desc) or `_key`, ties broken by key ascending (InternalOrder). */
function termsOrder(order: unknown): (a: Group, b: Group) => number {
  const byCount = (a: Group, b: Group) => b[1].length - a[1].length || compareKeys(a[0], b[0]);
  if (order === undefined) return byCount;
  const spec = Array.isArray(order) && order.length === 1 ? order[0] : order;
  if (!isObject(spec) || Object.keys(spec).length !== 1)
    throw notEmulated('aggregations.terms.order with several criteria');
  const [by, dir] = Object.entries(spec)[0]!;
  const sign = dir === 'asc' ? 1 : dir === 'desc' ? -1 : undefined;
  if (sign === undefined) throw illegalArgument(`Unknown order direction [${String(dir)}]`);
  if (by === '_count') return (a, b) => sign * (a[1].length - b[1].length) || compareKeys(a[0], b[0]);
  if (by === '_key') return (a, b) => sign * compareKeys(a[0], b[0]);
  throw notEmulated('aggregations.terms.order by a sub-aggregation');
}

function metric(node: AggNode, hits: readonly Hit[], env: Env, kind: FieldKind): Json {
  const field = String(node.body.field);
  if (kind === 'text') throw new TextFieldAggregation(field);
  const values = hits.flatMap((h) => valuesOf(h, field, kind, env.now));
  if (node.type === 'value_count') return { value: values.length };
  if (node.type === 'cardinality') return { value: new Set(values).size };
  if (kind !== 'number' && kind !== 'date' && kind !== 'unmapped' && kind !== 'boolean') {
    throw illegalArgument(
      `Field [${field}] of type [${kind}] is not supported for aggregation [${node.type}]`,
    );
  }
  const nums = values.map(Number);
  let value: number | null;
  switch (node.type) {
    case 'sum':
      value = nums.reduce((s, x) => s + x, 0);
      break;
    case 'avg':
      value = nums.length === 0 ? null : nums.reduce((s, x) => s + x, 0) / nums.length;
      break;
    case 'min':
      value = nums.length === 0 ? null : nums.reduce((m, x) => Math.min(x, m), Number.POSITIVE_INFINITY);
      break;
    default:
      value = nums.length === 0 ? null : nums.reduce((m, x) => Math.max(x, m), Number.NEGATIVE_INFINITY);
  }
  if (kind === 'date' && value !== null && node.type !== 'sum') {
    return { value, value_as_string: new Date(value).toISOString() };
  }
  return { value };
}

function dateHistogram(node: AggNode, hits: readonly Hit[], env: Env, kind: FieldKind): Json {
  const b = node.body;
  const field = String(b.field);
  if (b.time_zone !== undefined && !['UTC', 'Z', '+00:00', 'Etc/UTC'].includes(String(b.time_zone))) {
    throw notEmulated('aggregations.date_histogram.time_zone other than UTC');
  }
  if (kind !== 'date' && kind !== 'unmapped') {
    throw illegalArgument(
      `Field [${field}] of type [${kind}] is not supported for aggregation [date_histogram]`,
    );
  }
  const rounding = roundingOf(b);
  const minDocCount = Number(b.min_doc_count ?? 0);
  const groups = new Map<number, Hit[]>();
  for (const h of hits) {
    for (const key of new Set(valuesOf(h, field, 'date', env.now).map((v) => rounding.floor(Number(v))))) {
      const list = groups.get(key);
      if (list) list.push(h);
      else groups.set(key, [h]);
    }
  }
  const keys = [...groups.keys()].sort((x, y) => x - y);
  const all: number[] = [];
  if (minDocCount === 0 && keys.length > 0) {
    // Empty buckets fill the gaps between the first and the last key.
    for (let k = keys[0]!; k <= keys[keys.length - 1]!; k = rounding.next(k)) all.push(k);
  } else all.push(...keys);
  return {
    buckets: all
      .map((k) => [k, groups.get(k) ?? []] as const)
      .filter(([, list]) => list.length >= minDocCount)
      .map(([k, list]) => ({
        key_as_string: new Date(k).toISOString(),
        key: k,
        doc_count: list.length,
        ...subAggs(node, list, env),
      })),
  };
}

interface CompositeSource {
  name: string;
  field: string;
  desc: boolean;
  key: (hit: Hit) => Key[];
}

function compositeSources(body: Json, hits: readonly Hit[], env: Env): CompositeSource[] {
  if (!Array.isArray(body.sources) || body.sources.length === 0) {
    throw illegalArgument('Composite [sources] cannot be null or empty');
  }
  return body.sources.map((s) => {
    if (!isObject(s) || Object.keys(s).length !== 1)
      throw illegalArgument('Composite [sources] entries take one named source each');
    const [name, def] = Object.entries(s)[0]!;
    if (!isObject(def) || Object.keys(def).length !== 1)
      throw illegalArgument(`Composite source [${name}] needs one type`);
    const [type, spec] = Object.entries(def)[0]!;
    if (!isObject(spec) || typeof spec.field !== 'string')
      throw notEmulated(`aggregations.composite source [${name}] without a field`);
    const field = spec.field;
    for (const k of Object.keys(spec)) {
      if (!['field', 'order', 'calendar_interval', 'fixed_interval'].includes(k))
        throw notEmulated(`aggregations.composite.${type}.${k}`);
    }
    const desc = spec.order === 'desc';
    const kind = kindAcross(hits, field);
    if (kind === 'text') throw new TextFieldAggregation(field);
    if (type === 'terms') {
      return { name, field, desc, key: (h: Hit) => [...new Set(valuesOf(h, field, kind, env.now))] };
    }
    if (type === 'date_histogram') {
      const rounding = roundingOf(spec);
      return {
        name,
        field,
        desc,
        key: (h: Hit) => [
          ...new Set(valuesOf(h, field, 'date', env.now).map((v) => rounding.floor(Number(v)))),
        ],
      };
    }
    throw notEmulated(`aggregations.composite.${type}`);
  });
}

function composite(node: AggNode, hits: readonly Hit[], env: Env): Json {
  const b = node.body;
  const sources = compositeSources(b, hits, env);
  const size = Number(b.size ?? 10);
  const groups = new Map<string, { key: Key[]; hits: Hit[] }>();
  for (const h of hits) {
    let combos: Key[][] = [[]];
    for (const s of sources) {
      const vals = s.key(h);
      combos = combos.flatMap((c) => vals.map((v) => [...c, v]));
    }
    for (const c of combos) {
      const id = JSON.stringify(c);
      const g = groups.get(id);
      if (g) g.hits.push(h);
      else groups.set(id, { key: c, hits: [h] });
    }
  }
  const cmp = (x: Key[], y: Key[]) => {
    for (let i = 0; i < sources.length; i++) {
      const c = compareKeys(x[i]!, y[i]!);
      if (c !== 0) return sources[i]!.desc ? -c : c;
    }
    return 0;
  };
  let sorted = [...groups.values()].sort((x, y) => cmp(x.key, y.key));
  if (b.after !== undefined) {
    if (!isObject(b.after) || Object.keys(b.after).length !== sources.length) {
      throw illegalArgument(
        `[after] has ${isObject(b.after) ? Object.keys(b.after).length : 0} value(s) but [sources] has ${sources.length}`,
      );
    }
    const after = b.after;
    const afterKey = sources.map((s) => {
      if (!(s.name in after)) throw illegalArgument(`Missing value for [after.${s.name}]`);
      return after[s.name] as Key;
    });
    sorted = sorted.filter((g) => cmp(g.key, afterKey) > 0);
  }
  const page = sorted.slice(0, size);
  const keyObject = (k: Key[]) => Object.fromEntries(sources.map((s, i) => [s.name, k[i]]));
  const out: Json = {};
  if (page.length > 0) out.after_key = keyObject(page[page.length - 1]!.key);
  out.buckets = page.map((g) => ({
    key: keyObject(g.key),
    doc_count: g.hits.length,
    ...subAggs(node, g.hits, env),
  }));
  return out;
}

function subAggs(node: AggNode, hits: readonly Hit[], env: Env): Json {
  return node.subs.length === 0 ? {} : computeWith(node.subs, hits, env);
}

function computeWith(nodes: readonly AggNode[], hits: readonly Hit[], env: Env): Json {
  const out: Json = {};
  for (const node of nodes) {
    const field = typeof node.body.field === 'string' ? node.body.field : undefined;
    const kind = field === undefined ? 'unmapped' : kindAcross(hits, field);
    let result: Json;
    switch (node.type) {
      case 'terms':
        result = terms(node, hits, env, kind);
        break;
      case 'date_histogram':
        result = dateHistogram(node, hits, env, kind);
        break;
      case 'composite':
        result = composite(node, hits, env);
        break;
      case 'filter': {
        const p = filterPredicate(node.body, env.now);
        const subset = hits.filter(p);
        result = { doc_count: subset.length, ...subAggs(node, subset, env) };
        break;
      }
      case 'filters': {
        const filters = node.body.filters;
        const bucket = (q: unknown) => {
          const p = filterPredicate(q, env.now);
          const subset = hits.filter(p);
          return { doc_count: subset.length, ...subAggs(node, subset, env) };
        };
        result = {
          buckets: Array.isArray(filters)
            ? filters.map(bucket)
            : // FiltersAggregationBuilder sorts keyed filters by key, whatever the request's order.
              Object.fromEntries(
                Object.entries(filters as Json)
                  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                  .map(([n, q]) => [n, bucket(q)]),
              ),
        };
        break;
      }
      default:
        result = metric(node, hits, env, kind);
    }
    out[typedName(env, node, hits, kind)] = result;
  }
  return out;
}

/** The `aggregations` section of a search response. */
export function computeAggregations(
  nodes: readonly AggNode[],
  hits: readonly Hit[],
  now: number,
  typedKeys: boolean,
): Json {
  return computeWith(nodes, hits, { now, typedKeys });
}
