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
});
