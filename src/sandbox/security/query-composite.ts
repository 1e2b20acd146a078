/**
 * The `composite` aggregation of the API key query API. Elasticsearch allows it there with `terms`
 * value sources only (ApiKeyAggregationsBuilder.doVerify) over the query API's fields.
 */
import { illegalArgument } from '../errors.js';
import { notEmulated } from '../http/not-emulated.js';
import { isObject } from '../util.js';
import type { ApiKeyRecord } from './api-key-store.js';
import { type FieldKind, fieldKind, readField } from './query-api-keys.js';

type Aggs = Record<string, unknown>;
type Key = string | number | boolean | null;

interface TermsSource {
  readonly name: string;
  readonly field: string;
  readonly kind: FieldKind;
  readonly desc: boolean;
  readonly missingBucket: boolean;
  /** Where a key without a value sorts: MissingOrder.DEFAULT is first ascending, last descending. */
  readonly missingFirst: boolean;
}

const SOURCE_KEYS = new Set(['field', 'order', 'missing_bucket', 'missing_order', 'script']);
const COMPOSITE_KEYS = new Set(['sources', 'size', 'after']);

function parseSource(agg: string, entry: unknown): TermsSource {
  if (!isObject(entry) || Object.keys(entry).length !== 1)
    throw illegalArgument(`Composite [sources] of [${agg}] take one named source each`);
  const [name, def] = Object.entries(entry)[0]!;
  const [type, spec] = isObject(def) && Object.keys(def).length === 1 ? Object.entries(def)[0]! : [];
  // Elasticsearch checks scripts before the source type (and its message has no space after "].").
  if (isObject(spec) && spec.script !== undefined)
    throw illegalArgument(`Unsupported script value source for [${name}] of composite agg [${agg}]`);
  if (type !== 'terms' || !isObject(spec)) {
    throw illegalArgument(
      `Unsupported value source type for [${name}] of composite agg [${agg}].Only [terms] value sources are allowed.`,
    );
  }
  for (const k of Object.keys(spec)) {
    if (!SOURCE_KEYS.has(k)) throw notEmulated(`composite.terms.${k} in the API key query API`);
  }
  if (typeof spec.field !== 'string') throw notEmulated(`composite source [${name}] without a field`);
  const order = spec.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw illegalArgument(`Unknown order [${String(order)}]`);
  const missingOrder = spec.missing_order ?? 'default';
  if (missingOrder !== 'default' && missingOrder !== 'first' && missingOrder !== 'last')
    throw illegalArgument(`Unknown MissingOrder [${String(missingOrder)}]`);
  const desc = order === 'desc';
  return {
    name,
    field: spec.field,
    kind: fieldKind(spec.field),
    desc,
    missingBucket: spec.missing_bucket === true,
    missingFirst: missingOrder === 'default' ? !desc : missingOrder === 'first',
  };
}

/** The values a source groups a key by: distinct, or [null] for none when missing_bucket is on. */
function sourceValues(source: TermsSource, key: ApiKeyRecord): Key[] {
  const values = [...new Set(readField(key, source.field))];
  if (values.length > 0) return values;
  return source.missingBucket ? [null] : [];
}

/** Compares one source's values; a missing (null) value sorts by missing_order, whatever the order. */
function compareValue(source: TermsSource, a: Key, b: Key): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === source.missingFirst ? -1 : 1;
  }
  const c = a < b ? -1 : a > b ? 1 : 0;
  return source.desc ? -c : c;
}

/** An `after` value as the source's field holds it (keywords are strings, dates epoch millis). */
function afterValue(source: TermsSource, v: unknown): Key {
  if (v === null) return null;
  if (source.kind === 'date') return typeof v === 'number' ? v : Number(v);
  if (source.kind === 'boolean') return v === true || v === 'true';
  return String(v);
}

/**
 * Computes a composite aggregation over `keys`: buckets sorted by their sources in order, the
 * page after `after`, `after_key` only when a bucket is returned (InternalComposite).
 */
export function compositeAggregation(
  agg: string,
  body: unknown,
  keys: readonly ApiKeyRecord[],
  withSub: (result: Aggs, subset: readonly ApiKeyRecord[]) => Aggs,
): Aggs {
  const b = isObject(body) ? body : {};
  for (const k of Object.keys(b)) {
    if (!COMPOSITE_KEYS.has(k)) throw notEmulated(`composite.${k} in the API key query API`);
  }
  if (!Array.isArray(b.sources) || b.sources.length === 0)
    throw illegalArgument('Composite [sources] cannot be null or empty');
  const sources = b.sources.map((s) => parseSource(agg, s));
  const names = sources.map((s) => s.name);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0)
    throw illegalArgument(
      `Composite source names must be unique, found duplicates: [${duplicates.join(', ')}]`,
    );
  const size = Number(b.size ?? 10);
  if (!Number.isInteger(size) || size <= 0)
    throw illegalArgument(`[size] must be greater than 0. Found [${String(b.size)}] in [${agg}]`);

  const groups = new Map<string, { key: Key[]; keys: ApiKeyRecord[] }>();
  for (const k of keys) {
    let combos: Key[][] = [[]];
    for (const s of sources) {
      const values = sourceValues(s, k);
      combos = combos.flatMap((c) => values.map((v) => [...c, v]));
    }
    for (const combo of combos) {
      const id = JSON.stringify(combo);
      const group = groups.get(id);
      if (group) group.keys.push(k);
      else groups.set(id, { key: combo, keys: [k] });
    }
  }
  const compare = (x: Key[], y: Key[]) => {
    for (let i = 0; i < sources.length; i++) {
      const c = compareValue(sources[i]!, x[i]!, y[i]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  let sorted = [...groups.values()].sort((x, y) => compare(x.key, y.key));
  if (b.after !== undefined) {
    const after = isObject(b.after) ? b.after : {};
    if (Object.keys(after).length !== sources.length) {
      throw illegalArgument(
        `[after] has ${Object.keys(after).length} value(s) but [sources] has ${sources.length}`,
      );
    }
    const afterKey = sources.map((s) => {
      if (!(s.name in after)) throw illegalArgument(`Missing value for [after.${s.name}]`);
      return afterValue(s, after[s.name]);
    });
    sorted = sorted.filter((g) => compare(g.key, afterKey) > 0);
  }
  const page = sorted.slice(0, size);
  const keyObject = (k: Key[]) => Object.fromEntries(sources.map((s, i) => [s.name, k[i]]));
  const out: Aggs = {};
  if (page.length > 0) out.after_key = keyObject(page[page.length - 1]!.key);
  out.buckets = page.map((g) => withSub({ key: keyObject(g.key), doc_count: g.keys.length }, g.keys));
  return out;
}
