/** How queries and aggregations read a field of a stored document, as its mapping types it. */
import type { DocRecord, IndexRecord } from '../../state.js';
import { isObject } from '../../util.js';

/** One searchable document with the index it lives in. */
export interface Hit {
  readonly idx: IndexRecord;
  readonly id: string;
  readonly doc: DocRecord;
}

/** The value families the emulated queries and aggregations compare. */
export type FieldKind = 'text' | 'keyword' | 'number' | 'date' | 'boolean' | 'unmapped';

const NUMBER_TYPES = new Set([
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'unsigned_long',
]);

interface FieldInfo {
  kind: FieldKind;
  /** The path in `_source`: a multi-field (`title.keyword`) reads its parent's value. */
  sourcePath: string[];
}

function kindOfType(type: unknown): FieldKind {
  if (type === 'text' || type === 'match_only_text') return 'text';
  if (type === 'keyword' || type === 'constant_keyword' || type === 'wildcard') return 'keyword';
  if (type === 'date' || type === 'date_nanos') return 'date';
  if (type === 'boolean') return 'boolean';
  if (typeof type === 'string' && NUMBER_TYPES.has(type)) return 'number';
  return 'unmapped';
}

const infoCache = new WeakMap<Record<string, unknown>, Map<string, FieldInfo>>();

/** The kind and source path of `field` in the index's mapping (metadata fields included). */
export function fieldInfo(idx: IndexRecord, field: string): FieldInfo {
  if (field === '_id' || field === '_index') return { kind: 'keyword', sourcePath: [] };
  let cache = infoCache.get(idx.mappings);
  if (!cache) {
    cache = new Map();
    infoCache.set(idx.mappings, cache);
  }
  const hit = cache.get(field);
  if (hit) return hit;
  let node: Record<string, unknown> | undefined = idx.mappings;
  const sourcePath: string[] = [];
  for (const part of field.split('.')) {
    const props = node?.properties as Record<string, Record<string, unknown>> | undefined;
    const multi = node?.fields as Record<string, Record<string, unknown>> | undefined;
    if (props?.[part]) {
      node = props[part];
      sourcePath.push(part);
    } else if (multi?.[part]) {
      node = multi[part];
    } else {
      node = undefined;
      sourcePath.push(part);
    }
  }
  const info: FieldInfo = { kind: node ? kindOfType(node.type) : 'unmapped', sourcePath };
  cache.set(field, info);
  return info;
}

/** The raw (non-null) values of `field` in a hit, arrays flattened as Lucene indexes them. */
export function rawValues(hit: Hit, field: string, info = fieldInfo(hit.idx, field)): unknown[] {
  if (field === '_id') return [hit.id];
  if (field === '_index') return [hit.idx.name];
  let cur: unknown[] = [hit.doc.source];
  for (const part of info.sourcePath) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (!isObject(c)) continue;
      const v = c[part];
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined) next.push(v);
    }
    cur = next;
  }
  return cur.filter((v) => v !== null && !isObject(v));
}

/** The standard analyzer's tokens, close enough for ASCII and Unicode letters/digits. */
export function tokens(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);
}

const DATE_MATH = /^now(?:([+-])(\d+)([yMwdhHms]))?$/;
const UNIT_MS: Record<string, number> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  H: 3_600_000,
  m: 60_000,
  s: 1000,
};

/**
 * Epoch milliseconds of a date value as the default `strict_date_optional_time||epoch_millis`
 * format reads it (UTC when no offset is given), or of `now±N<unit>`; undefined when unreadable.
 */
export function dateMillis(v: unknown, now: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  if (/^-?\d+$/.test(v)) return Number(v);
  const math = DATE_MATH.exec(v);
  if (math) {
    if (!math[1]) return now;
    const n = Number(math[2]) * (math[1] === '-' ? -1 : 1);
    const unit = math[3]!;
    if (unit === 'y' || unit === 'M') {
      const d = new Date(now);
      if (unit === 'y') d.setUTCFullYear(d.getUTCFullYear() + n);
      else d.setUTCMonth(d.getUTCMonth() + n);
      return d.getTime();
    }
    return now + n * UNIT_MS[unit]!;
  }
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(v);
  const iso = v.includes('T') && !hasZone ? `${v}Z` : v;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A value normalised for comparison in the field's kind (undefined when it cannot be one). */
export function normalize(kind: FieldKind, v: unknown, now: number): string | number | boolean | undefined {
  switch (kind) {
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      return Number.isNaN(n) ? undefined : n;
    }
    case 'date':
      return dateMillis(v, now);
    case 'boolean':
      return v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}
