import { keyJson } from '../data/aggregations/compute.js';
import {
  isAggregationType,
  PIPELINE_AGGREGATIONS,
  unknownAggregationType,
} from '../data/aggregations/parse.js';
import { EsError, illegalArgument } from '../errors.js';
import { isObject } from '../util.js';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
import { compileQuery, fieldKind, readField } from './query-api-keys.js';
import { compositeAggregation } from './query-composite.js';

type Aggs = Record<string, unknown>;

/** Aggregation types the API key query API accepts (§4.4) that the sandbox computes. */
const COMPUTED = new Set([
  'terms',
  'value_count',
  'cardinality',
  'missing',
  'filter',
  'filters',
  'composite',
]);
/**
 * Accepted by Elasticsearch here (ApiKeyAggregationsBuilder), not computed by the sandbox:
 * `range` and `date_range`, and `global`, which runs outside the query's restriction to the
 * caller's keys, over whatever the `.security` index holds.
 */
const ACCEPTED_ELSEWHERE = new Set(['range', 'date_range', 'global']);

const aggsOf = (spec: Record<string, unknown>) => spec.aggs ?? spec.aggregations;
const typeOf = (spec: Record<string, unknown>) =>
  Object.keys(spec).find((k) => k !== 'aggs' && k !== 'aggregations' && k !== 'meta');

/** Every (name, type) of a request's aggregations, depth first; shapes are checked when computing. */
function* aggregationTypes(aggs: unknown): Generator<[string, string]> {
  if (!isObject(aggs)) return;
  for (const [name, spec] of Object.entries(aggs)) {
    if (!isObject(spec)) continue;
    const type = typeOf(spec);
    if (type !== undefined) yield [name, type];
    yield* aggregationTypes(aggsOf(spec));
  }
}

/**
 * The checks before any aggregation runs: a type Elasticsearch does not register fails to parse
 * (the whole body is parsed first), then ApiKeyAggregationsBuilder refuses pipeline aggregations
 * and every type outside the allowed set, sub-aggregations included.
 */
export function verifyAggregations(aggs: unknown): void {
  const all = [...aggregationTypes(aggs)];
  for (const [, type] of all) if (!isAggregationType(type)) throw unknownAggregationType(type);
  for (const [name, type] of all) {
    if (PIPELINE_AGGREGATIONS.has(type)) {
      throw illegalArgument(`Unsupported pipeline aggregation of type [${type}]`);
    }
    if (!COMPUTED.has(type) && !ACCEPTED_ELSEWHERE.has(type)) {
      throw illegalArgument(`Unsupported API Keys agg [${name}] of type [${type}]`);
    }
  }
}

/**
 * Computes `aggs` over the matching keys: terms (size, order by count then key), value_count,
 * cardinality, missing, filter, filters and composite (terms sources), with nested sub-aggregations.
 */
export function computeAggregations(
  aggs: unknown,
  keys: readonly ApiKeyRecord[],
  store: ApiKeyStore,
  now: number,
): Aggs {
  if (!isObject(aggs)) throw new EsError(400, 'parsing_exception', 'Expected [START_OBJECT] under [aggs]');
  const out: Aggs = {};
  for (const [name, spec] of Object.entries(aggs)) {
    if (!isObject(spec))
      throw new EsError(400, 'parsing_exception', `Expected [START_OBJECT] under [${name}]`);
    const sub = aggsOf(spec);
    const type = typeOf(spec);
    if (!type) throw new EsError(400, 'parsing_exception', `Missing definition for aggregation [${name}]`);
    const body = spec[type];
    if (!COMPUTED.has(type)) {
      throw illegalArgument(
        `the eskeys sandbox does not compute [${type}] aggregations of the API key query API`,
      );
    }
    const withSub = (res: Aggs, subset: readonly ApiKeyRecord[]): Aggs =>
      sub === undefined ? res : { ...res, ...computeAggregations(sub, subset, store, now) };
    const b = isObject(body) ? body : {};
    switch (type) {
      case 'terms': {
        const field = String(b.field ?? '');
        const kind = fieldKind(field);
        const size = Number(b.size ?? 10);
        const groups = new Map<string | number | boolean, ApiKeyRecord[]>();
        for (const k of keys) {
          for (const v of new Set(readField(k, field))) {
            const list = groups.get(v);
            if (list) list.push(k);
            else groups.set(v, [k]);
          }
        }
        const sorted = [...groups].sort(
          ([a, x], [c, y]) => y.length - x.length || (a < c ? -1 : a > c ? 1 : 0),
        );
        const shown = sorted.slice(0, size);
        const other = sorted.slice(size).reduce((n, [, l]) => n + l.length, 0);
        out[name] = {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: other,
          // Not `{ ...keyJson(…), doc_count }` (slow on Node 20's V8): the key object is fresh.
          buckets: shown.map(([v, list]) =>
            withSub(Object.assign(keyJson(kind, v), { doc_count: list.length }), list),
          ),
        };
        break;
      }
      case 'value_count':
      case 'cardinality': {
        const field = String(b.field ?? '');
        fieldKind(field);
        const values = keys.flatMap((k) => readField(k, field));
        out[name] = { value: type === 'value_count' ? values.length : new Set(values).size };
        break;
      }
      case 'missing': {
        const field = String(b.field ?? '');
        fieldKind(field);
        const subset = keys.filter((k) => readField(k, field).length === 0);
        out[name] = withSub({ doc_count: subset.length }, subset);
        break;
      }
      case 'filter': {
        const q = compileQuery(body, store, now);
        const subset = keys.filter((k) => q.test(k));
        out[name] = withSub({ doc_count: subset.length }, subset);
        break;
      }
      case 'composite':
        out[name] = compositeAggregation(name, body, keys, withSub);
        break;
      case 'filters': {
        const filters = b.filters;
        if (Array.isArray(filters)) {
          out[name] = {
            buckets: filters.map((f) => {
              const q = compileQuery(f, store, now);
              const subset = keys.filter((k) => q.test(k));
              return withSub({ doc_count: subset.length }, subset);
            }),
          };
        } else if (isObject(filters)) {
          const buckets: Aggs = {};
          for (const [bn, f] of Object.entries(filters)) {
            const q = compileQuery(f, store, now);
            const subset = keys.filter((k) => q.test(k));
            buckets[bn] = withSub({ doc_count: subset.length }, subset);
          }
          out[name] = { buckets };
        } else throw new EsError(400, 'parsing_exception', `[filters] cannot be empty.`);
        break;
      }
    }
  }
  return out;
}
