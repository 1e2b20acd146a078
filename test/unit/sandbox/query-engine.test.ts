import { describe, expect, it } from 'vitest';
import { EsError } from '../../../src/sandbox/errors.js';
import { type ApiKeyRecord, ApiKeyStore } from '../../../src/sandbox/security/api-key-store.js';
import { compileQuery } from '../../../src/sandbox/security/query-api-keys.js';
import { parseSort, runQuery } from '../../../src/sandbox/security/query-paging.js';

function key(store: ApiKeyStore, i: number, metadata: Record<string, unknown>): ApiKeyRecord {
  const k: ApiKeyRecord = {
    id: `id-${i}`,
    name: `key-${i}`,
    type: 'rest',
    creation: 1000 + i,
    expiration: i % 2 ? 5000 + i : null,
    invalidated: false,
    username: 'u',
    realm: 'native',
    realmType: 'native',
    metadata,
    roleDescriptors: {},
    limitedBy: {},
    hash: { salt: Buffer.alloc(0), hash: Buffer.alloc(0) },
    owner: { full_name: null, email: null, metadata: {} },
    version: 1,
    seq: store.nextSeq(),
  };
  store.add(k);
  return k;
}

describe('API key query engine', () => {
  const store = new ApiKeyStore();
  for (let i = 0; i < 500; i++)
    key(store, i, i % 50 === 0 ? { managed_by: 'eskeys', gen: i } : { team: `t${i % 3}` });

  it('uses the inverted index for term filters and keeps totals exact', () => {
    const q = compileQuery({ bool: { filter: [{ term: { 'metadata.managed_by': 'eskeys' } }] } }, store, 0);
    expect(q.candidates()).toHaveLength(10);
    const { total, page } = runQuery(
      store,
      q,
      () => true,
      parseSort([{ creation: 'desc' }]),
      0,
      3,
      undefined,
    );
    expect(total).toBe(10);
    expect(page.map((p) => p.key.name)).toEqual(['key-450', 'key-400', 'key-350']);
  });

  it('keeps the index coherent across updates', () => {
    const k = store.get('id-1')!;
    store.update(k, (x) => {
      x.metadata = { managed_by: 'eskeys' };
    });
    expect(store.postings('metadata.managed_by', 'eskeys')).toContain(k);
    expect(store.postings('metadata.team', 't1')).not.toContain(k);
    expect(store.postings('metadata', 'eskeys')).toContain(k);
  });

  it('selects the top of a large sort without sorting everything, honouring search_after', () => {
    const sort = parseSort(['creation']);
    const all = compileQuery({ match_all: {} }, store, 0);
    const first = runQuery(store, all, () => true, sort, 0, 2, undefined);
    expect(first.page.map((p) => p.key.id)).toEqual(['id-0', 'id-1']);
    const next = runQuery(store, all, () => true, sort, 0, 2, first.page[1]!.sort);
    expect(next.page.map((p) => p.key.id)).toEqual(['id-2', 'id-3']);
    expect(next.total).toBe(500);
  });

  it('sorts missing dates last in both directions', () => {
    const q = compileQuery({ ids: { values: ['id-2', 'id-3'] } }, store, 0);
    const asc = runQuery(store, q, () => true, parseSort(['expiration']), 0, 2, undefined);
    const desc = runQuery(store, q, () => true, parseSort([{ expiration: 'desc' }]), 0, 2, undefined);
    expect(asc.page.map((p) => p.key.id)).toEqual(['id-3', 'id-2']);
    expect(desc.page.map((p) => p.key.id)).toEqual(['id-3', 'id-2']);
  });

  it.each([
    [{ term: { secret: 'x' } }, 'Field [secret] is not allowed for querying or aggregation'],
    [
      { query_string: { query: 'x' } },
      'Query type [query_string] is not currently supported in this context',
    ],
    [{ nonsense: {} }, 'unknown query [nonsense]'],
  ])('rejects %j', (query, reason) => {
    try {
      compileQuery(query, store, 0);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(EsError);
      expect((e as EsError).reason).toBe(reason);
    }
  });
});
