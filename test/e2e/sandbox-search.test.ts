import { Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { failure, startSandboxProcess } from './sandbox-process.js';

describe('eskeys sandbox answers searches exactly or refuses them loudly', () => {
  it('aggregates what a least-privilege key indexed; refuses highlight and unknown body keys', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const appKey = await admin.security.createApiKey({
      name: 'app',
      role_descriptors: {
        r: { indices: [{ names: ['orders-*'], privileges: ['read', 'create_index', 'index'] }] },
      },
    });
    const app = new Client({ node: url, auth: { apiKey: appKey.encoded } });
    const docs = Array.from({ length: 200 }, (_, i) => ({
      region: ['eu', 'us', 'ap', 'us'][i % 4]!,
      amount: i,
    }));
    const bulk = await app.helpers.bulk({
      datasource: docs,
      onDocument: () => ({ index: { _index: 'orders-1' } }),
      refreshOnCompletion: false,
    });
    expect(bulk.successful).toBe(200);
    await admin.indices.refresh({ index: 'orders-1' });
    const res = await app.search({
      index: 'orders-*',
      size: 0,
      aggs: {
        regions: { terms: { field: 'region.keyword' }, aggs: { total: { sum: { field: 'amount' } } } },
      },
    });
    // From the literal data: i % 4 gives us (1, 3), eu (0), ap (2); amounts are i.
    const sumWhere = (r: string) => docs.filter((d) => d.region === r).reduce((s, d) => s + d.amount, 0);
    expect(res.aggregations).toEqual({
      regions: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 0,
        buckets: [
          { key: 'us', doc_count: 100, total: { value: sumWhere('us') } },
          { key: 'ap', doc_count: 50, total: { value: sumWhere('ap') } },
          { key: 'eu', doc_count: 50, total: { value: sumWhere('eu') } },
        ],
      },
    });
    expect(
      await failure(() =>
        app.search({
          index: 'orders-*',
          query: { match: { region: 'eu' } },
          highlight: { fields: { region: {} } },
        }),
      ),
    ).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'the eskeys sandbox does not emulate [search.highlight]',
    });
    expect(
      await failure(() =>
        app.transport.request({
          method: 'POST',
          path: '/orders-*/_search',
          body: { querry: { match_all: {} } },
        }),
      ),
    ).toEqual({
      status: 400,
      type: 'parsing_exception',
      reason: 'Unknown key for a START_OBJECT in [querry].',
    });
    await Promise.all([admin.close(), app.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });

  it('pages 5,000 documents with sort + search_after, each once and in order; refuses a text sort as Elasticsearch', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const appKey = await admin.security.createApiKey({
      name: 'exporter',
      role_descriptors: {
        r: { indices: [{ names: ['events-*'], privileges: ['read', 'create_index', 'index'] }] },
      },
    });
    const app = new Client({ node: url, auth: { apiKey: appKey.encoded } });
    const N = 5000;
    // Ten documents share each second: `at` alone has ties, `seq` breaks them.
    const docs = Array.from({ length: N }, (_, i) => ({
      at: new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 10) * 1000).toISOString(),
      seq: N - i,
      note: `event ${i}`,
    }));
    const bulk = await app.helpers.bulk({
      datasource: docs,
      onDocument: (d) => ({ index: { _index: 'events-1', _id: `e${d.seq}` } }),
      refreshOnCompletion: false,
    });
    expect(bulk.successful).toBe(N);
    await admin.indices.refresh({ index: 'events-1' });
    const seen: string[] = [];
    let after: unknown[] | undefined;
    for (;;) {
      const res = await app.search({
        index: 'events-*',
        size: 700,
        sort: [{ at: 'desc' }, { seq: 'asc' }],
        ...(after ? { search_after: after as never } : {}),
      });
      if (res.hits.hits.length === 0) break;
      seen.push(...res.hits.hits.map((h) => h._id!));
      after = res.hits.hits.at(-1)!.sort;
    }
    // Newest second first; within a second, seq ascending: the literal order of the data.
    const expected = [...docs]
      .sort((a, b) => (a.at === b.at ? a.seq - b.seq : a.at < b.at ? 1 : -1))
      .map((d) => `e${d.seq}`);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(N);
    // Dates sort as epoch milliseconds (the `sort` value of the newest hit).
    const newest = await app.search({ index: 'events-*', size: 1, sort: [{ at: 'desc' }, { seq: 'asc' }] });
    expect(newest.hits.hits[0]!.sort).toEqual([Date.UTC(2024, 0, 1) + 499_000, 1]);
    // `note` is text (dynamic mapping): TextFieldMapper refuses fielddata, inside all shards failed.
    expect(await failure(() => app.search({ index: 'events-*', sort: ['note'] }))).toEqual({
      status: 400,
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
    });
    await Promise.all([admin.close(), app.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});
