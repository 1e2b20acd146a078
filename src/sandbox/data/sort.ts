/**
 * Sorted searches: `sort` and `search_after` run as Elasticsearch runs them on each shard
 * (SortBuilder.buildSort, FieldSortBuilder.build, SearchAfterBuilder.buildFieldDoc) and merge
 * across shards. Entry point: {@link SortedSearch.prepare} per search, then {@link SortedSearch.page}.
 * The sandbox holds each index in one shard; shards are taken in index-name order, and a
 * document's `_doc` is its position in the index.
 */
import type { ErrorCause } from '../errors.js';
import { notEmulated } from '../http/not-emulated.js';
import type { DocRecord, IndexRecord } from '../state.js';
import { isObject } from '../util.js';
import { dateMillis, fieldInfo, type Hit, rawValues } from './query/fields.js';
import { type FailedShard, fielddataDisabled, ShardFailure } from './shard-failure.js';
import type { AfterValue, Missing, SortKey, SortMode } from './sort-parse.js';

/** How a field's values sort and render (the SortField type Elasticsearch builds for it). */
type Family = 'keyword' | 'long' | 'double' | 'float' | 'date';

/** A sort value while comparing: numbers (±Infinity for Long/Double extremes), strings, null = missing. */
type Value = number | string | null;

/** One key resolved against one index's mapping. */
type Resolved =
  | { kind: 'score' | 'doc' | 'shard_doc'; desc: boolean }
  | {
      kind: 'field';
      key: Extract<SortKey, { kind: 'field' }>;
      family: Family;
      mapped: boolean;
      /** The value a document without one sorts with. */
      missing: Value;
      /** Which of several values counts. */
      mode: SortMode;
      /** The key of this field's parsed values in a document's cache. */
      cacheKey: string;
    };

const FAMILY_OF_TYPE: Readonly<Record<string, Family>> = {
  keyword: 'keyword',
  long: 'long',
  integer: 'long',
  short: 'long',
  byte: 'long',
  double: 'double',
  float: 'float',
  date: 'date',
};

/** Metadata fields other than `_id` and `_index`, whose sort the sandbox does not emulate. */
const METADATA = new Set([
  '_routing',
  '_source',
  '_seq_no',
  '_primary_term',
  '_version',
  '_tier',
  '_ignored',
  '_field_names',
  '_data_stream_timestamp',
  '_doc_count',
  '_tsid',
]);

/** The mapping of `field` (object properties and multi-fields), or undefined when unmapped. */
function mappingOf(idx: IndexRecord, field: string): Record<string, unknown> | undefined {
  let node: Record<string, unknown> | undefined = idx.mappings;
  for (const part of field.split('.')) {
    const props = node?.properties;
    const multi = node?.fields;
    if (isObject(props) && isObject(props[part])) node = props[part] as Record<string, unknown>;
    else if (isObject(multi) && isObject(multi[part])) node = multi[part] as Record<string, unknown>;
    else return undefined;
  }
  // An object field is not a field type: Elasticsearch finds no mapping to sort on.
  return node.type === undefined || node.type === 'object' || node.type === 'nested' ? undefined : node;
}

/** QueryShardException: a 400 that names the index it failed on. */
function queryShardFailure(idx: IndexRecord, reason: string): ShardFailure {
  return new ShardFailure({
    type: 'query_shard_exception',
    reason,
    metadata: { index_uuid: idx.uuid, index: idx.name },
  });
}

function illegalOnShard(reason: string, causedBy?: ErrorCause): ShardFailure {
  return new ShardFailure({ type: 'illegal_argument_exception', reason, ...(causedBy ? { causedBy } : {}) });
}

/** The family of a field type, or the 400 for types the sandbox does not sort. */
function familyOfType(idx: IndexRecord, field: string, type: unknown): Family {
  const family = typeof type === 'string' ? FAMILY_OF_TYPE[type] : undefined;
  if (family) return family;
  if (type === 'text' || type === 'match_only_text') {
    // TextFieldMapper.fielddataBuilder: text fields have no doc values and fielddata is off.
    throw new ShardFailure(fielddataDisabled(field, idx.name));
  }
  throw notEmulated(`search.sort on a [${String(type)}] field`);
}

/** FieldSortBuilder.build for one key on one index: throws the shard's failure. */
function resolveKey(idx: IndexRecord, key: SortKey): Resolved {
  if (key.kind !== 'field') return key;
  const { field } = key;
  if (field === '_id') {
    // indices.id_field_data.enabled is false by default since 8.0.
    throw illegalOnShard(
      'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled',
    );
  }
  if (field === '_index') return fieldKey(key, 'keyword', true);
  const mapping = mappingOf(idx, field);
  let family: Family;
  if (mapping) {
    if (mapping.type === 'text' && mapping.fielddata === true)
      throw notEmulated('search.sort on text fielddata');
    family = familyOfType(idx, field, mapping.type);
  } else if (METADATA.has(field)) throw notEmulated(`search.sort on [${field}]`);
  else if (key.unmappedType === undefined)
    throw queryShardFailure(idx, `No mapping found for [${field}] in order to sort on`);
  else family = familyOfType(idx, field, key.unmappedType);
  const numericMode = key.mode === 'sum' || key.mode === 'avg' || key.mode === 'median';
  if (numericMode && family === 'keyword')
    throw queryShardFailure(idx, 'we only support AVG, MEDIAN and SUM on number based fields');
  return fieldKey(key, family, mapping !== undefined);
}

function fieldKey(key: Extract<SortKey, { kind: 'field' }>, family: Family, mapped: boolean): Resolved {
  return {
    kind: 'field',
    key,
    family,
    mapped,
    missing: missingValue(key.missing, family, key.desc),
    mode: key.mode ?? (key.desc ? 'max' : 'min'),
    cacheKey: `${family} ${key.field}`,
  };
}

/** Compares strings as Lucene compares BytesRefs: by UTF-8 bytes, i.e. by code point. */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** MultiValueMode.pick over a document's numeric values (sorted ascending). */
function pickNumber(vals: number[], mode: SortMode, family: Family): number {
  if (mode === 'min') return vals[0]!;
  if (mode === 'max') return vals[vals.length - 1]!;
  const integral = family === 'long' || family === 'date';
  const total = vals.reduce((s, v) => s + v, 0);
  switch (mode) {
    case 'sum':
      return total;
    case 'avg':
      // Long values: a rounded average (Math.round of the double quotient) when there are several.
      return integral ? (vals.length > 1 ? Math.round(total / vals.length) : total) : total / vals.length;
    case 'median': {
      const mid = (vals.length - 1) >> 1;
      if (vals.length % 2 === 1) return vals[mid]!;
      const half = (vals[mid]! + vals[mid + 1]!) / 2;
      return integral ? Math.round(half) : half;
    }
  }
}

/** A document's numeric values in the family's type (long truncates, float rounds to float). */
function numbersOf(raw: unknown[], family: Family, now: number): number[] {
  const out: number[] = [];
  for (const v of raw) {
    let n: number | undefined;
    if (family === 'date') n = dateMillis(v, now);
    else if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && v.trim() !== '') n = Number(v);
    if (n === undefined || Number.isNaN(n)) continue;
    if (family === 'long') n = Math.trunc(n);
    else if (family === 'float') n = Math.fround(n);
    out.push(n);
  }
  return out.length > 1 ? out.sort((a, b) => a - b) : out;
}

/**
 * A document's parsed numeric values per field and family, kept while the document is unchanged
 * (its version): reading dates out of `_source` again for every sorted page is the costly part.
 */
const numberCache = new WeakMap<DocRecord, { version: number; byField: Map<string, number[]> }>();

function cachedNumbers(hit: Hit, r: Extract<Resolved, { kind: 'field' }>, now: number): number[] {
  let entry = numberCache.get(hit.doc);
  if (!entry || entry.version !== hit.doc.version) {
    entry = { version: hit.doc.version, byField: new Map() };
    numberCache.set(hit.doc, entry);
  }
  let nums = entry.byField.get(r.cacheKey);
  if (!nums) {
    const raw = r.mapped ? rawValues(hit, r.key.field, fieldInfo(hit.idx, r.key.field)) : [];
    nums = numbersOf(raw, r.family, now);
    entry.byField.set(r.cacheKey, nums);
  }
  return nums;
}

/** The substitute for a missing value (IndexFieldData.XFieldComparatorSource.missingObject). */
function missingValue(missing: Missing, family: Family, desc: boolean): Value {
  if (family === 'keyword') {
    // Missing strings sort first or last by themselves; the sort value stays null.
    return missing === '_last' || missing === '_first' ? null : String(missing.value);
  }
  if (missing === '_last') return desc ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (missing === '_first') return desc ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const n = Number(missing.value);
  if (Number.isNaN(n)) throw notEmulated('search.sort.missing that is not a number on a numeric field');
  return family === 'long' ? Math.trunc(n) : family === 'float' ? Math.fround(n) : n;
}

function fieldValue(hit: Hit, r: Extract<Resolved, { kind: 'field' }>, now: number): Value {
  const { key, family } = r;
  if (family === 'keyword') {
    const values = r.mapped ? rawValues(hit, key.field, fieldInfo(hit.idx, key.field)) : [];
    if (values.length === 0) return r.missing;
    if (values.length === 1) return String(values[0]);
    const strings = values.map((v) => String(v)).sort(compareUtf8);
    return r.mode === 'max' ? strings[strings.length - 1]! : strings[0]!;
  }
  const nums = cachedNumbers(hit, r, now);
  return nums.length === 0 ? r.missing : pickNumber(nums, r.mode, family);
}

/** Everything the sorted search needs about one index. */
interface ShardSort {
  shardIndex: number;
  keys: Resolved[];
  docPos: Map<string, number>;
  /** The `search_after` values read as this shard's sort types. */
  after: Value[] | undefined;
}

/** A hit with its sort values. */
export interface SortedHit {
  hit: Hit;
  values: Value[];
}

/** SearchAfterBuilder.convertValueFromSortType: the after value read as the key's sort type. */
function afterValue(v: AfterValue, r: Resolved, field: string, now: number): Value {
  if (v === null) {
    if (r.kind === 'field' && r.family === 'keyword') return null;
    throw notEmulated('search.search_after null for a numeric sort');
  }
  if (r.kind === 'field' && r.family === 'keyword') return String(v);
  const isDate = r.kind === 'field' && r.family === 'date';
  let n: number;
  if (typeof v === 'number') n = v;
  else {
    const text = String(v);
    n = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^[-+]?Infinity$/.test(text)
      ? Number(text)
      : Number.NaN;
    if (Number.isNaN(n) && isDate && typeof v === 'string') {
      const ms = dateMillis(v, now);
      if (ms === undefined)
        throw notEmulated('search.search_after date values other than epoch millis or ISO 8601');
      n = ms;
    }
    if (Number.isNaN(n))
      throw illegalOnShard(`Failed to parse search_after value for field [${field}].`, {
        type: 'number_format_exception',
        reason: `For input string: "${text}"`,
      });
  }
  if (r.kind === 'doc') return Math.trunc(n);
  if (r.kind === 'score' || (r.kind === 'field' && r.family === 'float')) return Math.fround(n);
  if (r.kind === 'field' && (r.family === 'long' || r.family === 'date')) {
    // The missing-value sort values Long.MAX/MIN_VALUE: Elasticsearch reads 9223372036854775807 as
    // a long but refuses 9223372036854776000, the double a JavaScript client sends back (a
    // BigInteger). Parsed JSON cannot tell the two apart, so both are refused rather than guessed.
    if (Math.abs(n) >= 2 ** 63) throw notEmulated('search.search_after values at or beyond the long range');
    return Math.trunc(n);
  }
  return n;
}

/** Renders a sort value as Elasticsearch writes it (Long extremes, Infinity as strings, floats short). */
function renderValue(v: Value, r: Resolved): unknown {
  if (typeof v !== 'number') return v;
  const family = r.kind === 'field' ? r.family : r.kind === 'score' ? 'float' : 'long';
  if (v === Number.POSITIVE_INFINITY)
    return family === 'long' || family === 'date' ? '__LONG_MAX__' : 'Infinity';
  if (v === Number.NEGATIVE_INFINITY)
    return family === 'long' || family === 'date' ? '__LONG_MIN__' : '-Infinity';
  if (family === 'float') {
    // Java's Float.toString: the shortest decimal that reads back as the same float.
    for (let p = 1; p <= 9; p++) {
      const s = Number(v.toPrecision(p));
      if (Math.fround(s) === v) return s;
    }
  }
  return v;
}

/**
 * SortBuilder.buildSort's shortcut: a sort that is only `_score` descending is no sort at all
 * (hits carry no `sort` values, and `search_after` then has no sort to follow).
 */
export function effectiveSort(keys: readonly SortKey[] | undefined): SortKey[] {
  if (!keys || keys.length === 0) return [];
  if (keys.length === 1 && keys[0]!.kind === 'score' && keys[0]!.desc) return [];
  return [...keys];
}

/**
 * SearchRequest.rewrite for a point-in-time search: a non-empty sort whose last key is not
 * `_shard_doc` gets the `_shard_doc` tiebreaker (ascending) — `_score` alone too, which then
 * sorts — unless `search_after` is given without a value for it (as many values as sort keys).
 */
export function withPointInTimeTiebreaker(
  keys: readonly SortKey[] | undefined,
  searchAfter: readonly AfterValue[] | undefined,
): SortKey[] | undefined {
  if (!keys || keys.length === 0) return keys ? [...keys] : undefined;
  if (searchAfter !== undefined && searchAfter.length !== keys.length + 1) return [...keys];
  if (keys[keys.length - 1]!.kind === 'shard_doc') return [...keys];
  return [...keys, { kind: 'shard_doc', desc: false }];
}

/** A search's sort, resolved on every index it reads. */
export class SortedSearch {
  private constructor(
    readonly keys: readonly SortKey[],
    private readonly shards: Map<IndexRecord, ShardSort>,
    private readonly now: number,
  ) {}

  /**
   * Resolves `keys` (already through {@link effectiveSort}) and `searchAfter` on each index, as
   * each shard does before it collects: an index that fails is reported in `failures` and left
   * out of `indices`.
   */
  static prepare(
    keys: readonly SortKey[],
    searchAfter: readonly AfterValue[] | undefined,
    indices: readonly IndexRecord[],
    now: number,
    docsOf: (idx: IndexRecord) => ReadonlyMap<string, DocRecord>,
  ): { sorted: SortedSearch; indices: IndexRecord[]; failures: FailedShard[] } {
    const shards = new Map<IndexRecord, ShardSort>();
    const failures: FailedShard[] = [];
    const ok: IndexRecord[] = [];
    const ordered = [...indices].sort((a, b) => (a.name < b.name ? -1 : 1));
    ordered.forEach((idx, shardIndex) => {
      try {
        const resolved = keys.map((k) => resolveKey(idx, k));
        const after = searchAfter === undefined ? undefined : resolveAfter(resolved, keys, searchAfter, now);
        // Doc ids only when a key reads them: numbering an index costs a pass over it. They are
        // positions in the view the search reads (a point in time's own), so they stay the same
        // for every page of that view.
        const docPos = new Map<string, number>();
        if (keys.some((k) => k.kind === 'doc' || k.kind === 'shard_doc')) {
          let i = 0;
          for (const id of docsOf(idx).keys()) docPos.set(id, i++);
        }
        shards.set(idx, { shardIndex, keys: resolved, docPos, after });
        ok.push(idx);
      } catch (e) {
        if (!(e instanceof ShardFailure)) throw e;
        failures.push({ index: idx.name, cause: e.failure });
      }
    });
    refuseMixedFamilies(keys, [...shards.values()]);
    return { sorted: new SortedSearch(keys, shards, now), indices: ok, failures };
  }

  /** Whether hits score (a `_score` key needs scores even without `track_scores`). */
  get scoresHits(): boolean {
    return this.keys.some((k) => k.kind === 'score');
  }

  /** The page `[from, from + size)` of `hits` in sort order, after `search_after` when given. */
  page(hits: readonly Hit[], from: number, size: number): SortedHit[] {
    const want = from + size;
    // The best `want` hits, kept sorted; a hit equal to one already kept goes after it, so ties
    // keep shard order, then document order (hits come in that order).
    const top: SortedHit[] = [];
    if (want === 0) return top;
    if (want * 8 >= hits.length) return this.sortAll(hits).slice(from, want);
    for (const hit of hits) {
      const values = this.valuesOf(hit);
      if (!values) continue;
      if (top.length === want && this.compare(values, top[want - 1]!.values) >= 0) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.compare(top[mid]!.values, values) <= 0) lo = mid + 1;
        else hi = mid;
      }
      top.splice(lo, 0, { hit, values });
      if (top.length > want) top.pop();
    }
    return top.slice(from);
  }

  /** Every hit after `search_after`, sorted (stable: ties keep shard, then document order). */
  private sortAll(hits: readonly Hit[]): SortedHit[] {
    const all: SortedHit[] = [];
    for (const hit of hits) {
      const values = this.valuesOf(hit);
      if (values) all.push({ hit, values });
    }
    return all.sort((a, b) => this.compare(a.values, b.values));
  }

  /** A hit's sort values, or undefined when `search_after` skips it. */
  private valuesOf(hit: Hit): Value[] | undefined {
    const shard = this.shards.get(hit.idx)!;
    const values = shard.keys.map((r) => this.valueOf(hit, shard, r));
    // The after document has doc id Integer.MAX_VALUE: hits equal to the after values are skipped.
    return shard.after && this.compare(values, shard.after) <= 0 ? undefined : values;
  }

  /** A hit's `sort` array as Elasticsearch renders it. */
  render(s: SortedHit): unknown[] {
    const shard = this.shards.get(s.hit.idx)!;
    return s.values.map((v, i) => renderValue(v, shard.keys[i]!));
  }

  private valueOf(hit: Hit, shard: ShardSort, r: Resolved): Value {
    switch (r.kind) {
      case 'score':
        return 1;
      case 'doc':
        return shard.docPos.get(hit.id)!;
      case 'shard_doc':
        // ShardDocSortField: the shard's request index in the high 32 bits, the doc id below.
        return shard.shardIndex * 2 ** 32 + shard.docPos.get(hit.id)!;
      default:
        return fieldValue(hit, r, this.now);
    }
  }

  private compare(a: Value[], b: Value[]): number {
    for (let i = 0; i < this.keys.length; i++) {
      const key = this.keys[i]!;
      const x = a[i]!;
      const y = b[i]!;
      if (x === y) continue;
      // Only keyword values are null (missing): they go last or first whatever the order.
      if (x === null || y === null) {
        const first = key.kind === 'field' && key.missing === '_first';
        return (x === null) === first ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return key.desc ? -c : c;
    }
    return 0;
  }
}

/** SearchAfterBuilder.buildFieldDoc on one shard: the arity check, then each value's conversion. */
function resolveAfter(
  resolved: readonly Resolved[],
  keys: readonly SortKey[],
  values: readonly AfterValue[],
  now: number,
): Value[] {
  if (resolved.length === 0) throw illegalOnShard('Sort must contain at least one field.');
  if (values.length !== resolved.length)
    throw illegalOnShard(`search_after has ${values.length} value(s) but sort has ${resolved.length}.`);
  return values.map((v, i) => {
    const key = keys[i]!;
    const field = key.kind === 'field' ? key.field : key.kind === 'score' ? '_score' : `_${key.kind}`;
    return afterValue(v, resolved[i]!, field, now);
  });
}

/** Shards that sort one field as different types cannot be merged: refused rather than guessed. */
function refuseMixedFamilies(keys: readonly SortKey[], shards: readonly ShardSort[]): void {
  keys.forEach((key, i) => {
    const families = new Set(
      shards.map((s) => s.keys[i]).flatMap((r) => (r?.kind === 'field' ? [r.family] : [])),
    );
    if (families.size > 1 && key.kind === 'field')
      throw notEmulated(`search.sort on [${key.field}] mapped as different types in the searched indices`);
  });
}
