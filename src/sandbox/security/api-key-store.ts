import type { RoleDescriptor } from '../../core/privileges/index.js';
import { getOrInsert } from '../util.js';
import type { StoredHash } from './hashing.js';

/** One stored API key document (the `.security` doc of ApiKeyService, as the emulator keeps it). */
export interface ApiKeyRecord {
  readonly id: string;
  name: string;
  readonly type: 'rest';
  readonly creation: number;
  /** Epoch ms; null = never expires. */
  expiration: number | null;
  invalidated: boolean;
  invalidation?: number;
  readonly username: string;
  readonly realm: string;
  readonly realmType: string;
  metadata: Record<string, unknown>;
  roleDescriptors: Record<string, RoleDescriptor>;
  limitedBy: Record<string, RoleDescriptor>;
  readonly hash: StoredHash;
  /** Owner details copied at creation (shown by _authenticate, §6). */
  readonly owner: { full_name: string | null; email: string | null; metadata: Record<string, unknown> };
  /** Document version, bumped by every update (part of the update noop test, §4.6). */
  version: number;
  /** Insertion order: the `_doc` sort value. */
  readonly seq: number;
}

/** Queryable keyword-like fields kept in the inverted index (§4.4 field names). */
export type IndexedField = 'name' | 'username' | 'realm_name' | 'type' | 'invalidated' | `metadata.${string}`;

/** Flattens metadata into `path → leaf strings`, as the flattened `metadata_flattened` field indexes them. */
export function flattenMetadata(metadata: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (path: string, v: string) => {
    const list = out.get(path);
    if (list) list.push(v);
    else out.set(path, [v]);
  };
  const walk = (prefix: string, v: unknown) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(prefix, x);
    } else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        walk(prefix ? `${prefix}.${k}` : k, x);
    } else {
      add(prefix, String(v));
    }
  };
  walk('', metadata);
  return out;
}

function keywordValues(k: ApiKeyRecord): [IndexedField, string][] {
  const out: [IndexedField, string][] = [
    ['name', k.name],
    ['username', k.username],
    ['realm_name', k.realm],
    ['type', k.type],
    ['invalidated', String(k.invalidated)],
  ];
  for (const [path, values] of flattenMetadata(k.metadata)) {
    for (const v of values) out.push([`metadata.${path}`, v]);
  }
  return out;
}

/**
 * API key documents with an inverted index on keyword-like fields, so that term filters over
 * 100,000 keys touch only the matching postings (the query API target of issue 2).
 */
export class ApiKeyStore {
  readonly #byId = new Map<string, ApiKeyRecord>();
  readonly #postings = new Map<string, Map<string, Set<ApiKeyRecord>>>();
  readonly #indexed = new Map<ApiKeyRecord, [IndexedField, string][]>();
  #seq = 0;

  /** Next insertion sequence number. */
  nextSeq(): number {
    return this.#seq++;
  }
  get size(): number {
    return this.#byId.size;
  }
  get(id: string): ApiKeyRecord | undefined {
    return this.#byId.get(id);
  }
  /** All keys in insertion order. */
  all(): IterableIterator<ApiKeyRecord> {
    return this.#byId.values();
  }
  /** Stores a new key and indexes it. */
  add(k: ApiKeyRecord): void {
    this.#byId.set(k.id, k);
    this.#index(k);
  }
  /** Re-indexes a key after its name, metadata or invalidation changed. */
  reindex(k: ApiKeyRecord): void {
    this.#unindex(k);
    this.#index(k);
  }
  /** The keys whose `field` has exactly `value` (keyword semantics), or undefined when unindexed. */
  postings(field: string, value: string): ReadonlySet<ApiKeyRecord> {
    return this.#postings.get(field)?.get(value) ?? new Set();
  }
  /** Every distinct value of an indexed field with its postings (for prefix/wildcard scans). */
  values(field: string): ReadonlyMap<string, Set<ApiKeyRecord>> | undefined {
    return this.#postings.get(field);
  }
  /** Removes every key (tests). */
  clear(): void {
    this.#byId.clear();
    this.#postings.clear();
    this.#indexed.clear();
  }

  #index(k: ApiKeyRecord): void {
    const entries = keywordValues(k);
    this.#indexed.set(k, entries);
    for (const [field, value] of entries) {
      const byValue = getOrInsert(this.#postings, field, () => new Map<string, Set<ApiKeyRecord>>());
      getOrInsert(byValue, value, () => new Set<ApiKeyRecord>()).add(k);
      // `metadata` alone matches any leaf value (flattened root field).
      if (field.startsWith('metadata.')) {
        const root = getOrInsert(this.#postings, 'metadata', () => new Map<string, Set<ApiKeyRecord>>());
        getOrInsert(root, value, () => new Set<ApiKeyRecord>()).add(k);
      }
    }
  }
  #unindex(k: ApiKeyRecord): void {
    for (const [field, value] of this.#indexed.get(k) ?? []) {
      this.#postings.get(field)?.get(value)?.delete(k);
      if (field.startsWith('metadata.')) this.#postings.get('metadata')?.get(value)?.delete(k);
    }
    this.#indexed.delete(k);
  }
}
