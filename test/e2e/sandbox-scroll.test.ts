import { Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { failure, startSandboxProcess } from './sandbox-process.js';

const N = 3000;

describe('eskeys sandbox scrolls and keeps points in time as Elasticsearch does', () => {
  it("exports every document once with the client's scroll helpers and a least-privilege key", async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const role = { indices: [{ names: ['events-*'], privileges: ['read', 'create_index', 'index'] }] };
    const appKey = await admin.security.createApiKey({ name: 'exporter', role_descriptors: { r: role } });
    const otherKey = await admin.security.createApiKey({ name: 'other', role_descriptors: { r: role } });
    const app = new Client({ node: url, auth: { apiKey: appKey.encoded } });
    const other = new Client({ node: url, auth: { apiKey: otherKey.encoded } });
    const docs = Array.from({ length: N }, (_, i) => ({ n: i, shard: i % 3 }));
    const bulk = await app.helpers.bulk({
      datasource: docs,
      onDocument: (d) => ({ index: { _index: `events-${d.shard}`, _id: `e${d.n}` } }),
      refreshOnCompletion: false,
    });
    expect(bulk.successful).toBe(N);
    await admin.indices.refresh({ index: 'events-*' });

    // scrollSearch: every page of 500 until the empty one, then the helper clears the scroll.
    const seen: string[] = [];
    let pages = 0;
    let scrollId = '';
    for await (const page of app.helpers.scrollSearch<{ n: number }>({ index: 'events-*', size: 500 })) {
      pages++;
      scrollId = page.body._scroll_id ?? '';
      expect(page.body.hits.total).toEqual({ value: N, relation: 'eq' });
      seen.push(...page.body.hits.hits.map((h) => h._id ?? ''));
    }
    expect(pages).toBe(6);
    expect(seen).toHaveLength(N);
    expect(new Set(seen)).toEqual(new Set(docs.map((d) => `e${d.n}`)));
    // The helper's clear scroll freed it: continuing is Elasticsearch's 404.
    expect(await failure(() => app.scroll({ scroll_id: scrollId }))).toEqual({
      status: 404,
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
    });

    // scrollDocuments: the sources alone, each once.
    const numbers: number[] = [];
    for await (const doc of app.helpers.scrollDocuments<{ n: number }>({ index: 'events-*', size: 700 })) {
      numbers.push(doc.n);
    }
    expect(numbers.sort((a, b) => a - b)).toEqual(docs.map((d) => d.n));

    // A scroll belongs to the key that opened it (SecuritySearchOperationListener): another key
    // with the same role is told the context is missing.
    const opened = await app.search({ index: 'events-*', scroll: '1m', size: 10 });
    expect(await failure(() => other.scroll({ scroll_id: opened._scroll_id ?? '' }))).toEqual({
      status: 404,
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
    });
    expect(await app.clearScroll({ scroll_id: opened._scroll_id ?? '' })).toEqual({
      succeeded: true,
      num_freed: 3,
    });

    // A point in time: a frozen view any reader of its indices may search, until closed.
    const pit = await app.openPointInTime({ index: 'events-0', keep_alive: '1m' });
    await app.index({ index: 'events-0', id: 'late', document: { n: -1, shard: 0 }, refresh: true });
    const inView = await other.search({ pit: { id: pit.id, keep_alive: '1m' }, size: 0 });
    expect(inView.pit_id).toBe(pit.id);
    expect(inView.hits.total).toEqual({ value: N / 3, relation: 'eq' });
    const current = await app.count({ index: 'events-0' });
    expect(current.count).toBe(N / 3 + 1);
    expect(await app.closePointInTime({ id: pit.id })).toEqual({ succeeded: true, num_freed: 1 });
    expect(await failure(() => app.search({ pit: { id: pit.id } }))).toEqual({
      status: 404,
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
    });

    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });

  it('pages a point in time with sort and search_after, and a sorted scroll, over 3,000 documents', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const role = { indices: [{ names: ['events-*'], privileges: ['read', 'create_index', 'index'] }] };
    const appKey = await admin.security.createApiKey({ name: 'reader', role_descriptors: { r: role } });
    const app = new Client({ node: url, auth: { apiKey: appKey.encoded } });
    // Many ties on n (30 documents share each value): only the _shard_doc tiebreaker makes
    // search_after visit each document once.
    const docs = Array.from({ length: N }, (_, i) => ({ n: i % 100, shard: i % 3, i }));
    const bulk = await app.helpers.bulk({
      datasource: docs,
      onDocument: (d) => ({ index: { _index: `events-${d.shard}`, _id: `e${d.i}` } }),
      refreshOnCompletion: false,
    });
    expect(bulk.successful).toBe(N);
    await admin.indices.refresh({ index: 'events-*' });

    // The loop of Elasticsearch's "Paginate search results" page: open a point in time, search it
    // sorted, pass the last hit's sort values (with the implicit tiebreaker's) as search_after and
    // the latest pit_id, until a page comes back empty. client.helpers does not page points in time.
    const pit = await app.openPointInTime({ index: 'events-*', keep_alive: '1m' });
    await admin.index({ index: 'events-0', id: 'late', document: { n: 0, shard: 0, i: -1 }, refresh: true });
    await admin.delete({ index: 'events-1', id: 'e1', refresh: true });
    const seen: string[] = [];
    const ns: number[] = [];
    let pitId = pit.id;
    let after: (string | number | null)[] | undefined;
    for (;;) {
      const res = await app.search<{ n: number }>({
        size: 250,
        pit: { id: pitId, keep_alive: '1m' },
        sort: [{ n: 'asc' }],
        ...(after ? { search_after: after } : {}),
      });
      expect(res.hits.total).toEqual({ value: N, relation: 'eq' });
      const hits = res.hits.hits;
      if (hits.length === 0) break;
      pitId = res.pit_id ?? pitId;
      for (const h of hits) {
        // The hit's n and the implicit _shard_doc value.
        expect(h.sort).toHaveLength(2);
        seen.push(h._id ?? '');
        ns.push(h._source?.n ?? -1);
      }
      after = hits[hits.length - 1]!.sort as (string | number | null)[];
    }
    expect(seen).toHaveLength(N);
    expect(new Set(seen)).toEqual(new Set(docs.map((d) => `e${d.i}`)));
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect(await app.closePointInTime({ id: pitId })).toEqual({ succeeded: true, num_freed: 3 });

    // A sorted scroll: every page in the sort order, each hit with its sort values.
    const sorted: number[] = [];
    let pages = 0;
    for await (const page of app.helpers.scrollSearch<{ n: number; i: number }>({
      index: 'events-*',
      size: 700,
      sort: [{ i: 'desc' }],
    })) {
      pages++;
      for (const h of page.body.hits.hits) {
        expect(h.sort).toEqual([h._source?.i]);
        sorted.push(h._source?.i ?? Number.NaN);
      }
    }
    expect(pages).toBe(5);
    // The live indices now: the late document in, e1 out.
    const live = [...docs.filter((d) => d.i !== 1).map((d) => d.i), -1].sort((a, b) => b - a);
    expect(sorted).toEqual(live);

    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});
