/**
 * The search contexts scrolls and points in time keep open between requests (Elasticsearch's
 * ReaderContexts): one numeric id per shard context — the sandbox has one shard per index — a
 * keep-alive renewed on every use, and freed on clear, close or expiry. A context holds
 * references to the documents of the view it was opened on (the refreshed maps and the records
 * in them are replaced, never mutated, by writes), so it costs one reference per document.
 */
import { type ErrorCause, EsError } from '../errors.js';
import { notEmulated } from '../http/not-emulated.js';
import type { Authentication } from '../security/authenticate.js';
import type { DocRecord, IndexRecord } from '../state.js';
import type { Hit } from './query/fields.js';
import type { SourceFilter } from './source-filter.js';

/**
 * What a sorted scroll renders on every page as its first page did: each hit's `sort` values
 * (by position in the scroll's list), the hits' `_score` and the pages' `max_score`.
 */
export interface ScrollSort {
  values(position: number): unknown[];
  readonly score: number | null;
  readonly maxScore: number | null;
}

/** What a scroll keeps: the ordered matches of its search and how far the pages went. */
export interface ScrollContext {
  readonly kind: 'scroll';
  /** One id per shard (index) the search ran on; freeing counts them one by one. */
  readonly shardIds: readonly number[];
  /** Who opened it: only the same user or API key may continue it (SecuritySearchOperationListener). */
  readonly owner: string;
  /** The indices the search ran on (one shard each). */
  readonly indices: readonly IndexRecord[];
  readonly hits: readonly Hit[];
  readonly size: number;
  /** The `_source` filtering every page repeats. */
  readonly source: SourceFilter | undefined;
  /** Set for a sorted search: `hits` are in sort order and pages carry their sort values. */
  readonly sort?: ScrollSort;
  next: number;
  keepAliveMs: number;
  expiresAt: number;
}

/** What a point in time keeps: the refreshed view of each index when it was opened. */
export interface PointInTimeContext {
  readonly kind: 'pit';
  readonly shardIds: readonly number[];
  readonly views: readonly { readonly idx: IndexRecord; readonly docs: ReadonlyMap<string, DocRecord> }[];
  keepAliveMs: number;
  expiresAt: number;
}

export type SearchContext = ScrollContext | PointInTimeContext;

/** The identity SearchContexts compare (Authentication.canAccessResourcesOf): key id, or user and realm. */
export function contextOwner(auth: Authentication): string {
  if (auth.kind === 'api_key' && auth.apiKey) return `api_key\u0000${auth.apiKey.id}`;
  return `user\u0000${auth.realm.type}\u0000${auth.realm.name}\u0000${auth.username}`;
}

/**
 * SearchContextMissingException as a search answers it when every shard failed with it
 * (SearchPhaseExecutionException "all shards failed", phase query, status of the cause: 404).
 * A scroll's shard targets are unknown to the coordinating node (`shard: -1, index: null`); a
 * point in time names its indices.
 */
export function contextMissing(
  shards: readonly { id: number; index: string | null; node?: string }[],
): EsError {
  const causes: ErrorCause[] = shards.map((s) => ({
    type: 'search_context_missing_exception',
    reason: `No search context found for id [${s.id}]`,
  }));
  const failed = shards.map((s, i) => ({
    shard: s.index === null ? -1 : 0,
    index: s.index,
    ...(s.node === undefined ? {} : { node: s.node }),
    reason: { type: causes[i]!.type, reason: causes[i]!.reason },
  }));
  return new EsError(404, 'search_phase_execution_exception', 'all shards failed', {
    metadata: { phase: 'query', grouped: true, failed_shards: failed },
    ...(causes[0] ? { causedBy: causes[0] } : {}),
    rootCauses: causes,
  });
}

/**
 * Elasticsearch frees the contexts of a deleted (or closed: its shards close) index
 * (SearchService.freeAllContextForIndex), so a later page answers with shard failures beside the
 * other shards' hits. The sandbox does not emulate that partial answer: it refuses it loudly
 * rather than serve the documents of an index that is gone.
 */
export function refuseDeletedIndices(
  api: string,
  state: { indices: ReadonlyMap<string, IndexRecord> },
  indices: readonly IndexRecord[],
): void {
  const gone = indices.find((idx) => state.indices.get(idx.name) !== idx || idx.closed);
  if (gone) throw notEmulated(`${api} over index [${gone.name}] deleted or closed since it opened`);
}

/** The open scroll and point-in-time contexts of one sandbox. */
export class SearchContexts {
  #nextId = 1;
  /** Contexts by their first shard id (the one their scroll or PIT id carries). */
  readonly #contexts = new Map<number, SearchContext>();

  /** Allocates `n` consecutive shard context ids. */
  allocate(n: number): number[] {
    const ids = Array.from({ length: n }, (_, i) => this.#nextId + i);
    this.#nextId += Math.max(n, 1);
    return ids;
  }

  /** Stores a context under `key` (its first shard id, or a fresh id when it has no shard). */
  put(key: number, context: SearchContext, now: number): void {
    this.expire(now);
    this.#contexts.set(key, context);
  }

  /** The live context under `key`; undefined when freed or expired. */
  get<K extends SearchContext['kind']>(
    key: number,
    kind: K,
    now: number,
  ): Extract<SearchContext, { kind: K }> | undefined {
    this.expire(now);
    const c = this.#contexts.get(key);
    if (!c || c.kind !== kind) return undefined;
    return c as Extract<SearchContext, { kind: K }>;
  }

  /** Marks a context used: it lives `keepAliveMs` (the new one, or its last) from now. */
  renew(c: SearchContext, now: number, keepAliveMs?: number): void {
    if (keepAliveMs !== undefined) c.keepAliveMs = keepAliveMs;
    c.expiresAt = now + c.keepAliveMs;
  }

  /** Frees the context under `key`; returns how many shard contexts that freed. */
  free(key: number, kind: SearchContext['kind'], now: number): number {
    this.expire(now);
    const c = this.#contexts.get(key);
    if (!c || c.kind !== kind) return 0;
    this.#contexts.delete(key);
    return c.shardIds.length;
  }

  /** Frees every scroll (SearchService.freeAllScrollContexts; points in time stay). */
  freeAllScrolls(): void {
    for (const [key, c] of this.#contexts) if (c.kind === 'scroll') this.#contexts.delete(key);
  }

  /** How many contexts are open (for tests of memory release). */
  get size(): number {
    return this.#contexts.size;
  }

  /** Drops every context (the sandbox's full reset). */
  clear(): void {
    this.#contexts.clear();
  }

  /** The reaper: contexts unused for longer than their keep-alive are freed. */
  expire(now: number): void {
    for (const [key, c] of this.#contexts) if (c.expiresAt < now) this.#contexts.delete(key);
  }
}
