import type { RoleDescriptor } from '../../core/privileges/index.js';
import { getOrInsert } from '../util.js';
import type { StoredHash } from './hashing.js';

/** One stored API key document (the `.security` doc of ApiKeyService, as the emulator keeps it). */
export interface ApiKeyRecord {
  readonly id: string;
  name: string;
  /** `rest` keys authenticate REST requests; `cross_cluster` keys only the remote cluster interface. */
  readonly type: 'rest' | 'cross_cluster';
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

function forEachKeyword(k: ApiKeyRecord, fn: (field: string, value: string) => void): void {
  fn('name', k.name);
  fn('username', k.username);
  fn('realm_name', k.realm);
  fn('type', k.type);
  fn('invalidated', k.invalidated ? 'true' : 'false');
  for (const [path, values] of flattenMetadata(k.metadata)) {
    for (const v of values) fn(`metadata.${path}`, v);
  }
}

/**
 * API key documents with an inverted index on keyword-like fields, so that term filters over
 * 100,000 keys touch only the matching postings (the query API target of issue 2). Postings are
 * plain arrays: cheap to build when seeding, and removal is rare (update, invalidate).
 */
export class ApiKeyStore {
  readonly #byId = new Map<string, ApiKeyRecord>();
  readonly #postings = new Map<string, Map<string, ApiKeyRecord[]>>();
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
  #index(k: ApiKeyRecord): void {
    forEachKeyword(k, (field, value) => {
      const byValue = getOrInsert(this.#postings, field, () => new Map<string, ApiKeyRecord[]>());
      const list = byValue.get(value);
      if (list) list.push(k);
      else byValue.set(value, [k]);
    });
  }
  /** Changes indexed fields (name, metadata, invalidation) of a key, keeping the index coherent. */
  update(k: ApiKeyRecord, mutate: (k: ApiKeyRecord) => void): void {
    forEachKeyword(k, (field, value) => {
      const list = this.#postings.get(field)?.get(value);
      const i = list ? list.indexOf(k) : -1;
      if (i >= 0) list!.splice(i, 1);
    });
    mutate(k);
    this.#index(k);
  }
  /** The keys whose `field` has exactly `value` (keyword semantics); `metadata` matches any leaf. */
  postings(field: string, value: string): readonly ApiKeyRecord[] {
    if (field !== 'metadata') return this.#postings.get(field)?.get(value) ?? [];
    const union = new Set<ApiKeyRecord>();
    for (const [f, byValue] of this.#postings) {
      if (f.startsWith('metadata.')) for (const k of byValue.get(value) ?? []) union.add(k);
    }
    return [...union];
  }
  /** Deletes a key and its postings (the retention remover). */
  remove(k: ApiKeyRecord): void {
    forEachKeyword(k, (field, value) => {
      const list = this.#postings.get(field)?.get(value);
      const i = list ? list.indexOf(k) : -1;
      if (i >= 0) list!.splice(i, 1);
    });
    this.#byId.delete(k.id);
  }
  /** Removes every key (tests). */
  clear(): void {
    this.#byId.clear();
    this.#postings.clear();
  }
}
