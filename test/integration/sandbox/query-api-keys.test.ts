import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
const ids: Record<string, string> = {};

beforeAll(async () => {
  tc = await startTestCluster();
  const make = async (name: string, metadata: Record<string, unknown>, expiration?: string) => {
    tc.clock.advance(1000);
    const r = await tc.admin.security.createApiKey({ name, metadata, ...(expiration ? { expiration } : {}) });
    ids[name] = r.id;
  };
  await make('app-prod', { managed_by: 'eskeys', env: 'prod', generation: 3, tags: ['a', 'b'] }, '30d');
  await make('app-staging', { managed_by: 'eskeys', env: 'staging', generation: 1 }, '7d');
  await make('manual', { owner: 'ops' });
  await make('app-old', { managed_by: 'eskeys', env: 'prod', generation: 2 }, '1d');
  await tc.admin.security.invalidateApiKey({ ids: [ids['app-old']!] });
  const u = await tc.userWithRole('qowner', { cluster: ['manage_own_api_key'] });
  await u.security.createApiKey({ name: 'users-key', metadata: { managed_by: 'eskeys' } });
});
afterAll(() => tc.close());

const names = (r: { api_keys: { name?: string }[] }) => r.api_keys.map((k) => k.name);

describe('query API keys', () => {
  it('match_all by default with total and count', async () => {
    const r = await tc.admin.security.queryApiKeys();
    expect(r.total).toBe(5);
    expect(r.count).toBe(5);
  });

  it('term on metadata.* with sort by creation and _sort values', async () => {
    const r = await tc.admin.security.queryApiKeys({
      query: {
        bool: { filter: [{ term: { 'metadata.managed_by': 'eskeys' } }, { term: { invalidated: false } }] },
      },
      sort: [{ creation: { order: 'desc' } }],
    });
    expect(names(r)).toEqual(['users-key', 'app-staging', 'app-prod']);
    expect(r.api_keys[0]!._sort).toEqual([r.api_keys[0]!.creation]);
  });

  it('terms, prefix, wildcard, match, ids and exists', async () => {
    expect(
      names(
        await tc.admin.security.queryApiKeys({
          query: { terms: { name: ['manual', 'app-old'] } },
          sort: ['name'],
        }),
      ),
    ).toEqual(['app-old', 'manual']);
    expect(
      names(await tc.admin.security.queryApiKeys({ query: { prefix: { name: 'app-' } }, sort: ['name'] })),
    ).toEqual(['app-old', 'app-prod', 'app-staging']);
    expect(
      names(await tc.admin.security.queryApiKeys({ query: { wildcard: { name: '*-st?ging' } } })),
    ).toEqual(['app-staging']);
    expect(
      names(await tc.admin.security.queryApiKeys({ query: { match: { 'metadata.env': 'staging' } } })),
    ).toEqual(['app-staging']);
    expect(
      names(await tc.admin.security.queryApiKeys({ query: { ids: { values: [ids.manual!] } } })),
    ).toEqual(['manual']);
    expect(
      names(await tc.admin.security.queryApiKeys({ query: { exists: { field: 'metadata.owner' } } })),
    ).toEqual(['manual']);
    expect(
      (
        await tc.admin.security.queryApiKeys({
          query: { bool: { must_not: [{ exists: { field: 'expiration' } }] } },
        })
      ).total,
    ).toBe(2);
  });

  it('range on dates and metadata, should with minimum_should_match', async () => {
    const first = (await tc.admin.security.getApiKey({ id: ids['app-prod']! })).api_keys[0]!;
    const r = await tc.admin.security.queryApiKeys({
      query: { range: { creation: { gt: first.creation } } },
    });
    expect(r.total).toBe(4);
    const soon = await tc.admin.security.queryApiKeys({
      query: { range: { expiration: { lte: 'now+8d' } } },
    });
    expect(names(soon).sort()).toEqual(['app-old', 'app-staging']);
    const should = await tc.admin.security.queryApiKeys({
      query: {
        bool: {
          should: [
            { term: { 'metadata.env': 'prod' } },
            { term: { 'metadata.generation': 3 } },
            { term: { name: 'manual' } },
          ],
          minimum_should_match: 2,
        },
      },
    });
    expect(names(should)).toEqual(['app-prod']);
  });

  it('simple_query_string over names', async () => {
    const r = await tc.admin.security.queryApiKeys({
      query: { simple_query_string: { query: 'app-* -app-old', fields: ['name'] } },
      sort: ['name'],
    });
    expect(names(r)).toEqual(['app-prod', 'app-staging']);
  });

  it('pages with from/size and search_after', async () => {
    const page1 = await tc.admin.security.queryApiKeys({ sort: ['creation'], size: 2 });
    expect(page1.total).toBe(5);
    expect(page1.count).toBe(2);
    const page2 = await tc.admin.security.queryApiKeys({
      sort: ['creation'],
      size: 2,
      search_after: page1.api_keys[1]!._sort,
    });
    const viaFrom = await tc.admin.security.queryApiKeys({ sort: ['creation'], size: 2, from: 2 });
    expect(names(page2)).toEqual(names(viaFrom));
    const docOrder = await tc.admin.security.queryApiKeys({ sort: ['_doc'], size: 1 });
    expect(docOrder.api_keys[0]!._sort).toEqual([0]);
  });

  it('returns ES errors for bad fields, types, sorts and windows', async () => {
    await expectError(
      () => tc.admin.security.queryApiKeys({ query: { term: { api_key_hash: 'x' } } }),
      400,
      'illegal_argument_exception',
      'Field [api_key_hash] is not allowed for querying or aggregation',
    );
    await expectError(
      () => tc.admin.security.queryApiKeys({ query: { term: { 'na*': 'x' } } }),
      400,
      'illegal_argument_exception',
      'Field name pattern [na*] is not allowed for querying or aggregation',
    );
    await expectError(
      () => tc.admin.security.queryApiKeys({ query: { match_phrase: { name: 'x' } } } as never),
      400,
      'illegal_argument_exception',
      'Query type [match_phrase] is not currently supported in this context',
    );
    await expectError(
      () => tc.admin.security.queryApiKeys({ sort: ['id'] }),
      400,
      'illegal_argument_exception',
      'sorting is not supported for field [id]',
    );
    await expectError(
      () => tc.admin.security.queryApiKeys({ from: -1 }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: [from] parameter cannot be negative but was [-1];',
    );
    const err = await expectError(
      () => tc.admin.security.queryApiKeys({ from: 9995, size: 10 }),
      400,
      'search_phase_execution_exception',
      'all shards failed',
    );
    expect(err.root_cause[0].reason).toMatch(
      /^Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10005\]/,
    );
  });

  it('filters to own keys for manage_own_api_key, 403 otherwise', async () => {
    const own = tc.clientFor({ username: 'qowner', password: 'password1' });
    const r = await own.security.queryApiKeys({ query: { term: { 'metadata.managed_by': 'eskeys' } } });
    expect(names(r)).toEqual(['users-key']);
    const none = await tc.userWithRole('qnone', { cluster: ['monitor'] });
    await expectError(
      () => none.security.queryApiKeys(),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/api_key/query] is unauthorized for user [qnone] with effective roles [qnone_role], this action is granted by the cluster privileges [manage_own_api_key,read_security,manage_api_key,manage_security,all]',
    );
    const reader = await tc.userWithRole('qreader', { cluster: ['read_security'] });
    expect((await reader.security.queryApiKeys()).total).toBe(5);
  });

  it('computes terms, missing, cardinality and filter aggregations', async () => {
    const r = await tc.admin.security.queryApiKeys({
      size: 0,
      aggs: {
        envs: { terms: { field: 'metadata.env' } },
        no_expiry: { missing: { field: 'expiration' } },
        owners: { cardinality: { field: 'username' } },
        active: {
          filter: { term: { invalidated: false } },
          aggs: { by_user: { terms: { field: 'username' } } },
        },
      },
    } as never);
    expect(r.api_keys).toEqual([]);
    expect(r.aggregations).toEqual({
      envs: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 0,
        buckets: [
          { key: 'prod', doc_count: 2 },
          { key: 'staging', doc_count: 1 },
        ],
      },
      no_expiry: { doc_count: 2 },
      owners: { value: 2 },
      active: {
        doc_count: 4,
        by_user: {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: 0,
          buckets: [
            { key: 'elastic', doc_count: 3 },
            { key: 'qowner', doc_count: 1 },
          ],
        },
      },
    });
  });

  // Composite is allowed here with `terms` value sources only (ApiKeyAggregationsBuilder.doVerify,
  // x-pack security support). Its buckets sort by their sources in order, `after` resumes strictly
  // after a key and `after_key` is absent once no bucket is returned (InternalComposite). Keys
  // without a value are skipped unless `missing_bucket: true`, whose null key sorts first in
  // ascending order (MissingOrder.DEFAULT). Booleans key as true/false (DocValueFormat.BOOLEAN),
  // dates as epoch millis (TermsValuesSourceBuilder: "raw format on date fields").
  it('pages a composite aggregation of terms sources with after and after_key', async () => {
    const sources = [
      { user: { terms: { field: 'username' } } },
      { env: { terms: { field: 'metadata.env' } } },
    ];
    const first = await tc.admin.security.queryApiKeys({
      size: 0,
      aggs: { pairs: { composite: { size: 1, sources } } },
    } as never);
    expect(first.aggregations).toEqual({
      pairs: {
        after_key: { user: 'elastic', env: 'prod' },
        buckets: [{ key: { user: 'elastic', env: 'prod' }, doc_count: 2 }],
      },
    });
    const second = await tc.admin.security.queryApiKeys({
      size: 0,
      aggs: { pairs: { composite: { size: 1, sources, after: { user: 'elastic', env: 'prod' } } } },
    } as never);
    expect(second.aggregations).toEqual({
      pairs: {
        after_key: { user: 'elastic', env: 'staging' },
        buckets: [{ key: { user: 'elastic', env: 'staging' }, doc_count: 1 }],
      },
    });
    const last = await tc.admin.security.queryApiKeys({
      size: 0,
      aggs: { pairs: { composite: { size: 1, sources, after: { user: 'elastic', env: 'staging' } } } },
    } as never);
    expect(last.aggregations).toEqual({ pairs: { buckets: [] } });
  });

  it('composite: missing_bucket, order desc, booleans, dates and sub-aggregations', async () => {
    const r = await tc.admin.security.queryApiKeys({
      size: 0,
      aggs: {
        envs: {
          composite: {
            sources: [
              { user: { terms: { field: 'username', order: 'desc' } } },
              { env: { terms: { field: 'metadata.env', missing_bucket: true } } },
            ],
          },
        },
        states: {
          composite: { sources: [{ invalidated: { terms: { field: 'invalidated' } } }] },
          aggs: { names: { cardinality: { field: 'name' } } },
        },
        newest: {
          composite: { size: 1, sources: [{ created: { terms: { field: 'creation', order: 'desc' } } }] },
        },
      },
    } as never);
    const all = await tc.admin.security.queryApiKeys({ sort: [{ creation: 'desc' }], size: 1 } as never);
    const newest = all.api_keys[0]!.creation;
    expect(typeof newest).toBe('number');
    expect(r.aggregations).toEqual({
      envs: {
        after_key: { user: 'elastic', env: 'staging' },
        buckets: [
          { key: { user: 'qowner', env: null }, doc_count: 1 },
          { key: { user: 'elastic', env: null }, doc_count: 1 },
          { key: { user: 'elastic', env: 'prod' }, doc_count: 2 },
          { key: { user: 'elastic', env: 'staging' }, doc_count: 1 },
        ],
      },
      states: {
        after_key: { invalidated: true },
        buckets: [
          { key: { invalidated: false }, doc_count: 4, names: { value: 4 } },
          { key: { invalidated: true }, doc_count: 1, names: { value: 1 } },
        ],
      },
      // app-old and users-key were created without the clock moving between them: one bucket of 2.
      newest: { after_key: { created: newest }, buckets: [{ key: { created: newest }, doc_count: 2 }] },
    });
  });

  it('composite refuses value sources other than terms, and scripts, as Elasticsearch', async () => {
    // Messages of ApiKeyAggregationsBuilder.doVerify (note: no space after "].").
    await expectError(
      () =>
        tc.admin.security.queryApiKeys({
          aggs: {
            c: {
              composite: {
                sources: [{ d: { date_histogram: { field: 'creation', calendar_interval: 'day' } } }],
              },
            },
          },
        } as never),
      400,
      'illegal_argument_exception',
      'Unsupported value source type for [d] of composite agg [c].Only [terms] value sources are allowed.',
    );
    await expectError(
      () =>
        tc.admin.security.queryApiKeys({
          aggs: { c: { composite: { sources: [{ s: { terms: { script: { source: 'doc.name' } } } }] } } },
        } as never),
      400,
      'illegal_argument_exception',
      'Unsupported script value source for [s] of composite agg [c]',
    );
    await expectError(
      () =>
        tc.admin.security.queryApiKeys({
          aggs: { c: { composite: { sources: [{ k: { terms: { field: 'api_key_hash' } } }] } } },
        } as never),
      400,
      'illegal_argument_exception',
      'Field [api_key_hash] is not allowed for querying or aggregation',
    );
  });

  it("refuses aggregation types outside the allowed set with ApiKeyAggregationsBuilder's words", async () => {
    // ApiKeyAggregationsBuilder (x-pack/plugin/security/.../support/, the same words in the 8.x
    // and 9.x versions read): "Unsupported API Keys agg [" + name + "] of type [" + type + "]",
    // for value-source types other than terms, range, date_range, missing, cardinality and
    // value_count, and for any other type that is not composite, global, filter or filters.
    await expectError(
      () => tc.admin.security.queryApiKeys({ aggs: { newest: { max: { field: 'creation' } } } } as never),
      400,
      'illegal_argument_exception',
      'Unsupported API Keys agg [newest] of type [max]',
    );
    await expectError(
      () =>
        tc.admin.security.queryApiKeys({
          aggs: { by: { terms: { field: 'name' }, aggs: { top: { top_hits: {} } } } },
        } as never),
      400,
      'illegal_argument_exception',
      'Unsupported API Keys agg [top] of type [top_hits]',
    );
    // An aggregation type Elasticsearch does not register fails to parse first (as in _search).
    await expectError(
      () => tc.admin.security.queryApiKeys({ aggs: { x: { no_such_agg: {} } } } as never),
      400,
      'parsing_exception',
      /^Unknown aggregation type \[no_such_agg\]/,
    );
    // `global` passes the check (GlobalAggregationBuilder: "nothing to verify here"); it runs
    // outside the query's restriction to the caller's API keys, over whatever the .security
    // index holds, which the sandbox does not reproduce: refused loudly, like range and date_range.
    await expectError(
      () => tc.admin.security.queryApiKeys({ aggs: { all: { global: {} } } } as never),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not compute [global] aggregations of the API key query API',
    );
  });

  it('includes limited_by on request', async () => {
    const r = await tc.admin.security.queryApiKeys({
      with_limited_by: true,
      query: { term: { name: 'manual' } },
    });
    expect(r.api_keys[0]!.limited_by![0]).toHaveProperty('superuser');
  });
});
