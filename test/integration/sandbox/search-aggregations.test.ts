/**
 * Search bodies, queries, total hits and aggregations through the official client, over a few
 * thousand documents indexed with the bulk helper. Every expectation is computed here from the
 * literal data below (never by sandbox code); Elasticsearch facts carry their source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;

const N = 3000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = Date.UTC(2024, 0, 1);
const STATUSES = ['active', 'inactive', 'pending', 'active'] as const;
const WORDS = ['quick', 'lazy', 'brown'] as const;

interface Doc {
  id: string;
  status: string;
  service: string;
  bytes: number;
  price: number;
  message: string;
  ts: number;
  tags: string[];
  owner?: string;
}

/** Hourly timestamps, skipping two days after every ten, so daily histograms have empty buckets. */
function hourOf(i: number): number {
  return i + 48 * Math.floor(i / 240);
}

const DOCS: Doc[] = Array.from({ length: N }, (_, i) => ({
  id: `doc-${i}`,
  status: STATUSES[i % 4]!,
  service: `svc-${i % 7}`,
  bytes: (i * 37) % 1000,
  price: (i % 10) + 0.5,
  message: `The ${WORDS[i % 3]} fox ${i % 2 === 0 ? 'jumps' : 'sleeps'} Item-${i % 11}`,
  ts: BASE + hourOf(i) * HOUR,
  tags: [`t${i % 4}`, `t${(i + 1) % 4}`],
  ...(i % 5 === 0 ? { owner: `owner-${i % 3}` } : {}),
}));

const source = (d: Doc) => {
  const { id: _id, ts, ...rest } = d;
  return { ...rest, '@timestamp': new Date(ts).toISOString() };
};

const countWhere = (pred: (d: Doc) => boolean) => DOCS.filter(pred).length;
const idsWhere = (pred: (d: Doc) => boolean) =>
  DOCS.filter(pred)
    .map((d) => d.id)
    .sort();

beforeAll(async () => {
  tc = await startTestCluster();
  await tc.admin.indices.create({
    index: 'logs-a',
    mappings: {
      properties: {
        status: { type: 'keyword' },
        service: { type: 'keyword' },
        bytes: { type: 'long' },
        price: { type: 'double' },
        message: { type: 'text' },
        '@timestamp': { type: 'date' },
        tags: { type: 'keyword' },
        owner: { type: 'keyword' },
      },
    },
  });
  const result = await tc.admin.helpers.bulk<Doc>({
    datasource: DOCS,
    onDocument: (d) => [{ index: { _index: 'logs-a', _id: d.id } }, source(d)],
    refreshOnCompletion: 'logs-a',
  });
  expect(result.successful).toBe(N);
  // Dynamic mapping (no explicit mapping): strings become text with a .keyword sub-field.
  await tc.admin.index({ index: 'dyn', id: 'x', document: { color: 'Dark Red' }, refresh: true });
  await tc.admin.index({ index: 'dyn', id: 'y', document: { color: 'red' }, refresh: true });
});
afterAll(() => tc.close());

/** A raw search, so bodies the typed client would not build reach the sandbox as written. */
function rawSearch(body: unknown, path = '/logs-a/_search', querystring: Record<string, unknown> = {}) {
  return tc.admin.transport.request<Json>({ method: 'POST', path, body: body as Json, querystring });
}

async function hitCount(query: unknown): Promise<number> {
  const res = await rawSearch({ query, size: 0, track_total_hits: true });
  return res.hits.total.value;
}

async function hitIds(query: unknown): Promise<string[]> {
  const res = await rawSearch({ query, size: 10_000 });
  return (res.hits.hits as { _id: string }[]).map((h) => h._id).sort();
}

describe('search body validation (SearchSourceBuilder.parseXContent)', () => {
  it('refuses unknown top-level keys with the token and key, as Elasticsearch words it', async () => {
    // SearchSourceBuilder: "Unknown key for a " + token + " in [" + currentFieldName + "]."
    await expectError(
      () => rawSearch({ frobnicate: 1 }),
      400,
      'parsing_exception',
      'Unknown key for a VALUE_NUMBER in [frobnicate].',
    );
    await expectError(
      () => rawSearch({ qurey: { match_all: {} } }),
      400,
      'parsing_exception',
      'Unknown key for a START_OBJECT in [qurey].',
    );
    await expectError(
      () => rawSearch({ frobnicate: 'x' }),
      400,
      'parsing_exception',
      'Unknown key for a VALUE_STRING in [frobnicate].',
    );
    await expectError(
      () => rawSearch({ frobnicate: [1] }),
      400,
      'parsing_exception',
      'Unknown key for a START_ARRAY in [frobnicate].',
    );
  });

  it('refuses unknown query types (AbstractQueryBuilder.parseInnerQueryBuilder: "unknown query [x]")', async () => {
    await expectError(
      () => rawSearch({ query: { frobnicate: {} } }),
      400,
      'parsing_exception',
      'unknown query [frobnicate]',
    );
    // SuggestingErrorOnUnknown.suggest adds the registered names more than 50% similar.
    await expectError(
      // Lucene's LevenshteinDistance: 1 - 1 edit / 5 letters = 0.8 for match; match_all and others stay under 0.5.
      () => rawSearch({ query: { mach: { status: 'x' } } }),
      400,
      'parsing_exception',
      'unknown query [mach] did you mean [match]?',
    );
    await expectError(
      () => rawSearch({ query: { bool: { filter: [{ frobnicate: {} }] } } }),
      400,
      'parsing_exception',
      'unknown query [frobnicate]',
    );
  });

  it('refuses features the sandbox does not emulate, by name, instead of ignoring them', async () => {
    const refused: [Json, string][] = [
      [{ highlight: { fields: { message: {} } } }, 'search.highlight'],
      [{ suggest: { s: { text: 'x', term: { field: 'message' } } } }, 'search.suggest'],
      [{ rescore: { query: { rescore_query: { match_all: {} } } } }, 'search.rescore'],
      [{ script_fields: { f: { script: '1' } } }, 'search.script_fields'],
      [{ collapse: { field: 'status' } }, 'search.collapse'],
      [{ knn: { field: 'v', query_vector: [1], k: 1, num_candidates: 1 } }, 'search.knn'],
      [{ runtime_mappings: { r: { type: 'keyword' } } }, 'search.runtime_mappings'],
      [{ post_filter: { match_all: {} } }, 'search.post_filter'],
      [{ query: { fuzzy: { message: 'quik' } } }, 'query.fuzzy'],
      [{ aggs: { p: { percentiles: { field: 'bytes' } } } }, 'aggregations.percentiles'],
      [
        { aggs: { f: { filters: { filters: [], other_bucket: true } } } },
        'aggregations.filters.other_bucket',
      ],
    ];
    for (const [body, what] of refused) {
      await expectError(
        () => rawSearch(body),
        400,
        'illegal_argument_exception',
        `the eskeys sandbox does not emulate [${what}]`,
      );
    }
  });

  it('filters _source as FetchSourceContext says: body or URL (the URL replaces the body), false leaves it out', async () => {
    const first = DOCS[0]!;
    const one = { query: { ids: { values: [first.id] } } };
    const only = await rawSearch({ ...one, _source: ['status', 'bytes'] });
    expect(only.hits.hits[0]._source).toEqual({ status: first.status, bytes: first.bytes });
    const without = await rawSearch({
      ...one,
      _source: { excludes: ['message', 'tags', 'owner', '@timestamp'] },
    });
    expect(without.hits.hits[0]._source).toEqual({
      status: first.status,
      service: first.service,
      bytes: first.bytes,
      price: first.price,
    });
    const none = await rawSearch({ ...one, _source: false });
    expect(Object.keys(none.hits.hits[0])).not.toContain('_source');
    // RestSearchAction applies FetchSourceContext.parseFromRestRequest after the body
    const url = await rawSearch({ ...one, _source: false }, '/logs-a/_search', {
      _source_includes: 'service',
    });
    expect(url.hits.hits[0]._source).toEqual({ service: first.service });
  });

  it('refuses URL parameters that would change the answer in ways the sandbox does not emulate', async () => {
    for (const [param, value] of [
      ['stored_fields', 'bytes'],
      ['terminate_after', '5'],
      ['explain', 'true'],
    ] as const) {
      await expectError(
        () => rawSearch({}, '/logs-a/_search', { [param]: value }),
        400,
        'illegal_argument_exception',
        `the eskeys sandbox does not emulate [search?${param}]`,
      );
    }
    // RestRequest.paramAsInt
    await expectError(
      () => rawSearch({}, '/logs-a/_search', { size: 'ten' }),
      400,
      'illegal_argument_exception',
      'Failed to parse int parameter [size] with value [ten]',
    );
    // Values that change nothing are answered.
    const same = await rawSearch({ size: 0 }, '/logs-a/_search', { _source: 'true', explain: 'false' });
    expect(same.hits.total.value).toBe(N);
  });

  it('refuses unknown aggregation types (AggregatorFactories: "Unknown aggregation type [x]")', async () => {
    await expectError(
      () => rawSearch({ aggs: { a: { frobnicate: { field: 'bytes' } } } }),
      400,
      'parsing_exception',
      'Unknown aggregation type [frobnicate]',
    );
    // AggregatorFactoriesTests: "Unknown aggregation type [term] did you mean [terms]?"
    await expectError(
      () => rawSearch({ aggs: { a: { term: { field: 'status' } } } }),
      400,
      'parsing_exception',
      'Unknown aggregation type [term] did you mean [terms]?',
    );
    // A metric aggregation takes no sub-aggregations: ValuesSourceAggregationBuilder.LeafOnly throws
    // IllegalArgumentException since 8.14 (elastic/elasticsearch#106074), before that an
    // AggregationInitializationException, which answered 500.
    const leafWithSub = {
      aggs: { m: { min: { field: 'bytes' }, aggs: { s: { sum: { field: 'bytes' } } } } },
    };
    await expectError(
      () => rawSearch(leafWithSub),
      400,
      'illegal_argument_exception',
      'Aggregator [m] of type [min] cannot accept sub-aggregations',
    );
    const old = await startTestCluster({ version: '8.13.4' });
    try {
      await expectError(
        () => old.admin.transport.request({ method: 'POST', path: '/_search', body: leafWithSub }),
        500,
        'aggregation_initialization_exception',
        'Aggregator [m] of type [min] cannot accept sub-aggregations',
      );
    } finally {
      await old.close();
    }
  });

  it('validates the body before authorization, like REST parsing in Elasticsearch', async () => {
    const noRead = await tc.userWithRole('no_read', {
      indices: [{ names: ['other-*'], privileges: ['read'] }],
    });
    const err = await expectError(
      () => noRead.transport.request({ method: 'POST', path: '/logs-a/_search', body: { frobnicate: 1 } }),
      400,
      'parsing_exception',
    );
    expect(err.reason).toBe('Unknown key for a VALUE_NUMBER in [frobnicate].');
  });

  it('_count takes only a query (RestActions.getQueryContent: "request does not support [x]")', async () => {
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'POST',
          path: '/logs-a/_count',
          body: { query: { match_all: {} }, size: 0 },
        }),
      400,
      'parsing_exception',
      'request does not support [size]',
    );
  });
});

describe('queries over the indexed documents', () => {
  it('match_all, match_none, term, terms, ids', async () => {
    expect(await hitCount({ match_all: {} })).toBe(N);
    expect(await hitCount({ match_none: {} })).toBe(0);
    expect(await hitCount({ term: { status: 'active' } })).toBe(countWhere((d) => d.status === 'active'));
    expect(await hitCount({ term: { status: { value: 'ACTIVE', case_insensitive: true } } })).toBe(
      countWhere((d) => d.status === 'active'),
    );
    expect(await hitCount({ term: { status: 'ACTIVE' } })).toBe(0);
    expect(await hitCount({ terms: { service: ['svc-1', 'svc-2'] } })).toBe(
      countWhere((d) => d.service === 'svc-1' || d.service === 'svc-2'),
    );
    expect(await hitCount({ term: { bytes: 74 } })).toBe(countWhere((d) => d.bytes === 74));
    expect(await hitCount({ term: { tags: 't3' } })).toBe(countWhere((d) => d.tags.includes('t3')));
    expect(await hitIds({ ids: { values: ['doc-5', 'doc-7', 'nope'] } })).toEqual(['doc-5', 'doc-7']);
  });

  it('term, terms, prefix, wildcard, range and exists on _id', async () => {
    expect(await hitIds({ term: { _id: 'doc-42' } })).toEqual(['doc-42']);
    expect(await hitIds({ terms: { _id: ['doc-1', 'doc-2'] } })).toEqual(['doc-1', 'doc-2']);
    expect(await hitIds({ prefix: { _id: 'doc-299' } })).toEqual(idsWhere((d) => d.id.startsWith('doc-299')));
    expect(await hitIds({ wildcard: { _id: { value: 'doc-1?0' } } })).toEqual(
      idsWhere((d) => /^doc-1.0$/.test(d.id)),
    );
    expect(await hitCount({ exists: { field: '_id' } })).toBe(N);
  });

  it('match on text (analysed, or/and) and on keyword (exact)', async () => {
    expect(await hitCount({ match: { message: 'QUICK' } })).toBe(
      countWhere((d) => d.message.includes('quick')),
    );
    expect(await hitCount({ match: { message: 'quick lazy' } })).toBe(
      countWhere((d) => d.message.includes('quick') || d.message.includes('lazy')),
    );
    expect(await hitCount({ match: { message: { query: 'quick jumps', operator: 'and' } } })).toBe(
      countWhere((d) => d.message.includes('quick') && d.message.includes('jumps')),
    );
    // The standard analyzer splits "Item-3" into "item" and "3".
    expect(await hitCount({ match: { message: { query: 'item-3', operator: 'and' } } })).toBe(
      countWhere((d) => d.message.endsWith('Item-3')),
    );
    expect(await hitCount({ match: { status: 'pending' } })).toBe(countWhere((d) => d.status === 'pending'));
  });

  it('range on numbers and dates, exists, prefix and wildcard', async () => {
    expect(await hitCount({ range: { bytes: { gte: 100, lt: 200 } } })).toBe(
      countWhere((d) => d.bytes >= 100 && d.bytes < 200),
    );
    expect(await hitCount({ range: { price: { gt: 4.5 } } })).toBe(countWhere((d) => d.price > 4.5));
    const from = '2024-01-05T00:00:00Z';
    const to = '2024-01-20T12:00:00Z';
    expect(await hitCount({ range: { '@timestamp': { gte: from, lte: to } } })).toBe(
      countWhere((d) => d.ts >= Date.parse(from) && d.ts <= Date.parse(to)),
    );
    expect(await hitCount({ range: { '@timestamp': { lt: BASE + 3 * DAY } } })).toBe(
      countWhere((d) => d.ts < BASE + 3 * DAY),
    );
    expect(await hitCount({ exists: { field: 'owner' } })).toBe(countWhere((d) => d.owner !== undefined));
    expect(await hitCount({ prefix: { service: 'svc-' } })).toBe(N);
    expect(await hitCount({ wildcard: { service: 'svc-[0-3]' } })).toBe(0);
    expect(await hitCount({ wildcard: { service: { value: 'SVC-?', case_insensitive: true } } })).toBe(N);
    // On a text field, prefix tests each token.
    expect(await hitCount({ prefix: { message: 'slee' } })).toBe(
      countWhere((d) => d.message.includes('sleeps')),
    );
  });

  it('bool with must, filter, should, must_not and minimum_should_match', async () => {
    const q = {
      bool: {
        must: [{ term: { status: 'active' } }],
        filter: [{ range: { bytes: { gte: 500 } } }],
        must_not: [{ term: { service: 'svc-0' } }],
      },
    };
    expect(await hitCount(q)).toBe(
      countWhere((d) => d.status === 'active' && d.bytes >= 500 && d.service !== 'svc-0'),
    );
    // should alone: at least one must match (BoolQueryBuilder default).
    expect(
      await hitCount({ bool: { should: [{ term: { service: 'svc-1' } }, { term: { service: 'svc-2' } }] } }),
    ).toBe(countWhere((d) => d.service === 'svc-1' || d.service === 'svc-2'));
    // should beside a filter is optional.
    expect(
      await hitCount({
        bool: { filter: { term: { status: 'pending' } }, should: { term: { service: 'svc-1' } } },
      }),
    ).toBe(countWhere((d) => d.status === 'pending'));
    const three = [
      { term: { status: 'active' } },
      { term: { tags: 't1' } },
      { range: { bytes: { lt: 300 } } },
    ];
    const score = (d: Doc) =>
      Number(d.status === 'active') + Number(d.tags.includes('t1')) + Number(d.bytes < 300);
    expect(await hitCount({ bool: { should: three, minimum_should_match: 2 } })).toBe(
      countWhere((d) => score(d) >= 2),
    );
    // Queries.calculateMinShouldMatch: -1 of 3 optional clauses is 2; 66% of 3 is floor(1.98) = 1.
    expect(await hitCount({ bool: { should: three, minimum_should_match: -1 } })).toBe(
      countWhere((d) => score(d) >= 2),
    );
    expect(await hitCount({ bool: { should: three, minimum_should_match: '66%' } })).toBe(
      countWhere((d) => score(d) >= 1),
    );
    // Conditional form: with more than 2 optional clauses, 100% of them (3 of 3) must match.
    expect(await hitCount({ bool: { should: three, minimum_should_match: '2<100%' } })).toBe(
      countWhere((d) => score(d) === 3),
    );
    expect(await hitCount({ bool: { must_not: { term: { status: 'active' } } } })).toBe(
      countWhere((d) => d.status !== 'active'),
    );
  });

  it('a value the field type cannot read is a 400, or matches nothing when lenient', async () => {
    // The long field's parser fails on "abc" (NumberFieldMapper: NumberFormatException).
    // The query is built on each shard, so its failure is a shard failure: every shard failed
    // (SearchPhaseExecutionException, phase query), the query_shard_exception naming its index.
    const err = await expectError(
      () => hitCount({ term: { bytes: 'abc' } }),
      400,
      'search_phase_execution_exception',
      'all shards failed',
    );
    const cause = {
      type: 'query_shard_exception',
      reason: 'failed to create query: For input string: "abc"',
      index_uuid: expect.any(String),
      index: 'logs-a',
    };
    expect(err).toEqual({
      root_cause: [cause],
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: 0, index: 'logs-a', node: expect.any(String), reason: cause }],
      caused_by: cause,
    });
    // When another index can build it (bytes is unmapped in dyn: a term on it matches nothing),
    // the answer is that index's, with the failed shard in _shards.
    const partial = await rawSearch({ query: { term: { bytes: 'abc' } } }, '/logs-a,dyn/_search');
    expect(partial._shards).toEqual({
      total: 2,
      successful: 1,
      skipped: 0,
      failed: 1,
      failures: [{ shard: 0, index: 'logs-a', node: expect.any(String), reason: cause }],
    });
    expect(partial.hits.hits).toEqual([]);
    expect(await hitCount({ match: { bytes: { query: 'abc', lenient: true } } })).toBe(0);
    // query_string over all fields (*) is lenient: the text still matches where it can.
    expect(await hitCount({ query_string: { query: 'lazy' } })).toBe(
      countWhere((d) => d.message.includes('lazy')),
    );
  });

  it('an aggregation on a text field fails on every shard: fielddata is disabled (TextFieldMapper)', async () => {
    // The same IllegalArgumentException a sort on a text field gets, built on each shard and
    // answered as all shards failed (a plain Java exception: wrapped once more as caused_by).
    const reason = {
      type: 'illegal_argument_exception',
      reason:
        'Fielddata is disabled on [message] in [logs-a]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [message] in order to load field data by uninverting the inverted index. Note that this can use significant memory.',
    };
    const err = await expectError(
      () => rawSearch({ size: 0, aggs: { words: { terms: { field: 'message' } } } }),
      400,
      'search_phase_execution_exception',
      'all shards failed',
    );
    expect(err).toEqual({
      root_cause: [reason],
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: 0, index: 'logs-a', node: expect.any(String), reason }],
      caused_by: { ...reason, caused_by: reason },
    });
  });

  it('query_string and multi_match in their common forms', async () => {
    const qs = (query: string, extra: Json = {}) => hitCount({ query_string: { query, ...extra } });
    expect(await qs('status:active')).toBe(countWhere((d) => d.status === 'active'));
    expect(await qs('status:active AND service:svc-3')).toBe(
      countWhere((d) => d.status === 'active' && d.service === 'svc-3'),
    );
    expect(await qs('service:svc-3 OR service:svc-4')).toBe(
      countWhere((d) => d.service === 'svc-3' || d.service === 'svc-4'),
    );
    expect(await qs('status:active -service:svc-3')).toBe(
      countWhere((d) => d.status === 'active' && d.service !== 'svc-3'),
    );
    expect(await qs('NOT status:active')).toBe(countWhere((d) => d.status !== 'active'));
    expect(await qs('(status:active OR status:pending) AND tags:t0')).toBe(
      countWhere((d) => (d.status === 'active' || d.status === 'pending') && d.tags.includes('t0')),
    );
    expect(await qs('service:svc-*')).toBe(N);
    expect(await qs('owner:*')).toBe(countWhere((d) => d.owner !== undefined));
    expect(await qs('message:"quick fox"')).toBe(countWhere((d) => d.message.includes('quick fox')));
    expect(await qs('message:"fox quick"')).toBe(0);
    expect(await qs('lazy', { default_field: 'message' })).toBe(
      countWhere((d) => d.message.includes('lazy')),
    );
    expect(await qs('_id:doc-9')).toBe(1);
    await expectError(() => qs('bytes:[1 TO 5]'), 400, 'illegal_argument_exception', /does not emulate/);

    const mm = (spec: Json) => hitCount({ multi_match: spec });
    // Each field analyses the query its own way: tokens on text, the whole string on keyword.
    expect(await mm({ query: 'pending svc-5', fields: ['status', 'service'] })).toBe(0);
    expect(await mm({ query: 'lazy pending', fields: ['message', 'status'] })).toBe(
      countWhere((d) => d.message.includes('lazy')),
    );
    expect(await mm({ query: 'svc-5', fields: ['status', 'service^2'] })).toBe(
      countWhere((d) => d.service === 'svc-5'),
    );
    expect(await mm({ query: 'lazy', fields: ['mess*'], type: 'most_fields' })).toBe(
      countWhere((d) => d.message.includes('lazy')),
    );
  });

  it('the .keyword sub-field of dynamically mapped strings', async () => {
    const red = await tc.admin.search({ index: 'dyn', query: { term: { 'color.keyword': 'red' } } });
    expect(red.hits.hits.map((h) => h._id)).toEqual(['y']);
    const text = await tc.admin.search({ index: 'dyn', query: { match: { color: 'red' } } });
    expect(text.hits.hits.map((h) => h._id).sort()).toEqual(['x', 'y']);
  });

  it('_count with a query and with ?q=', async () => {
    const c = await tc.admin.count({ index: 'logs-a', query: { term: { status: 'pending' } } });
    expect(c.count).toBe(countWhere((d) => d.status === 'pending'));
    const q = await tc.admin.count({ index: 'logs-a', q: 'service:svc-2' });
    expect(q.count).toBe(countWhere((d) => d.service === 'svc-2'));
  });
});

describe('total hits', () => {
  it('track_total_hits: exact, bounded (gte) or off; rest_total_hits_as_int', async () => {
    // Default track_total_hits is 10,000 (SearchContext.DEFAULT_TRACK_TOTAL_HITS_UP_TO): 3,000 is exact.
    const def = await tc.admin.search({ index: 'logs-a', size: 0 });
    expect(def.hits.total).toEqual({ value: N, relation: 'eq' });
    const bounded = await tc.admin.search({ index: 'logs-a', size: 0, track_total_hits: 1000 });
    expect(bounded.hits.total).toEqual({ value: 1000, relation: 'gte' });
    const off = await tc.admin.search({ index: 'logs-a', size: 0, track_total_hits: false });
    expect(off.hits.total).toBeUndefined();
    // SearchHits.toXContent writes no `total` key at all when hits are not tracked (the wire shape).
    expect(Object.keys((await rawSearch({ size: 0, track_total_hits: false })).hits)).toEqual([
      'max_score',
      'hits',
    ]);
    // SearchContext: -1 is TRACK_TOTAL_HITS_DISABLED; SearchSourceBuilder.trackTotalHitsUpTo refuses
    // other negatives (SearchSourceBuilderTests).
    const minusOne = await tc.admin.search({ index: 'logs-a', size: 0, track_total_hits: -1 });
    expect(minusOne.hits.total).toBeUndefined();
    await expectError(
      () => tc.admin.search({ index: 'logs-a', size: 0, track_total_hits: -5 }),
      400,
      'illegal_argument_exception',
      '[track_total_hits] parameter must be positive or equals to -1, got -5',
    );
    const viaUrl = await rawSearch({ size: 0 }, '/logs-a/_search', { track_total_hits: '10' });
    expect(viaUrl.hits.total).toEqual({ value: 10, relation: 'gte' });
    // RestSearchAction: rest_total_hits_as_int renders hits.total as a number (-1 when not tracked).
    const asInt = await rawSearch({ size: 0 }, '/logs-a/_search', { rest_total_hits_as_int: 'true' });
    expect(asInt.hits.total).toBe(N);
    const asIntOff = await rawSearch({ size: 0, track_total_hits: false }, '/logs-a/_search', {
      rest_total_hits_as_int: 'true',
    });
    expect(asIntOff.hits.total).toBe(-1);
    await expectError(
      () =>
        rawSearch({ size: 0, track_total_hits: 100 }, '/logs-a/_search', { rest_total_hits_as_int: 'true' }),
      400,
      'illegal_argument_exception',
      '[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got 100',
    );
  });
});

function tally<K>(keys: K[]): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

describe('aggregations', () => {
  it('terms (count desc, key asc; size; sum_other_doc_count) with nested metrics', async () => {
    const res = await rawSearch({
      size: 0,
      aggs: {
        by_service: {
          terms: { field: 'service', size: 3 },
          aggs: { total: { sum: { field: 'bytes' } }, top_status: { terms: { field: 'status', size: 1 } } },
        },
      },
    });
    const counts = [...tally(DOCS.map((d) => d.service))].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
    );
    const agg = res.aggregations.by_service;
    expect(agg.doc_count_error_upper_bound).toBe(0);
    expect(agg.sum_other_doc_count).toBe(counts.slice(3).reduce((s, [, n]) => s + n, 0));
    expect(agg.buckets.map((b: Json) => [b.key, b.doc_count])).toEqual(counts.slice(0, 3));
    for (const b of agg.buckets) {
      const docs = DOCS.filter((d) => d.service === b.key);
      expect(b.total.value).toBe(docs.reduce((s, d) => s + d.bytes, 0));
      const statuses = [...tally(docs.map((d) => d.status))].sort(
        (x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1),
      );
      expect(b.top_status.buckets).toEqual([{ key: statuses[0]![0], doc_count: statuses[0]![1] }]);
    }
  });

  it('terms on a multi-valued field counts each document once per value', async () => {
    const res = await rawSearch({ size: 0, aggs: { tags: { terms: { field: 'tags' } } } });
    const counts = tally(DOCS.flatMap((d) => [...new Set(d.tags)]));
    expect(Object.fromEntries(res.aggregations.tags.buckets.map((b: Json) => [b.key, b.doc_count]))).toEqual(
      Object.fromEntries(counts),
    );
  });

  it('value_count, cardinality, min, max, avg, sum (under a query)', async () => {
    const res = await rawSearch({
      size: 0,
      query: { term: { status: 'inactive' } },
      aggs: {
        tag_values: { value_count: { field: 'tags' } },
        services: { cardinality: { field: 'service' } },
        min_bytes: { min: { field: 'bytes' } },
        max_bytes: { max: { field: 'bytes' } },
        avg_price: { avg: { field: 'price' } },
        sum_bytes: { sum: { field: 'bytes' } },
        first: { min: { field: '@timestamp' } },
        no_values: { max: { field: 'absent' } },
      },
    });
    const docs = DOCS.filter((d) => d.status === 'inactive');
    const a = res.aggregations;
    expect(a.tag_values.value).toBe(docs.reduce((n, d) => n + d.tags.length, 0));
    expect(a.services.value).toBe(new Set(docs.map((d) => d.service)).size);
    expect(a.min_bytes.value).toBe(Math.min(...docs.map((d) => d.bytes)));
    expect(a.max_bytes.value).toBe(Math.max(...docs.map((d) => d.bytes)));
    expect(a.avg_price.value).toBeCloseTo(docs.reduce((s, d) => s + d.price, 0) / docs.length, 9);
    expect(a.sum_bytes.value).toBe(docs.reduce((s, d) => s + d.bytes, 0));
    const firstTs = Math.min(...docs.map((d) => d.ts));
    // Date min/max also render value_as_string in the field's format (strict_date_optional_time).
    expect(a.first).toEqual({ value: firstTs, value_as_string: new Date(firstTs).toISOString() });
    // InternalMax renders no values as null.
    expect(a.no_values.value).toBeNull();
  });

  it('filter and filters (keyed and anonymous) with sub-aggregations', async () => {
    const res = await rawSearch({
      size: 0,
      aggs: {
        big: { filter: { range: { bytes: { gte: 900 } } }, aggs: { n: { value_count: { field: 'bytes' } } } },
        keyed: {
          filters: {
            filters: { quick: { match: { message: 'quick' } }, lazy: { match: { message: 'lazy' } } },
          },
        },
        anon: { filters: { filters: [{ term: { status: 'active' } }, { exists: { field: 'owner' } }] } },
      },
    });
    const big = countWhere((d) => d.bytes >= 900);
    expect(res.aggregations.big).toEqual({ doc_count: big, n: { value: big } });
    expect(res.aggregations.keyed.buckets).toEqual({
      quick: { doc_count: countWhere((d) => d.message.includes('quick')) },
      lazy: { doc_count: countWhere((d) => d.message.includes('lazy')) },
    });
    // FiltersAggregationBuilder sorts keyed filters by key, whatever the request's order.
    expect(Object.keys(res.aggregations.keyed.buckets)).toEqual(['lazy', 'quick']);
    expect(res.aggregations.anon.buckets).toEqual([
      { doc_count: countWhere((d) => d.status === 'active') },
      { doc_count: countWhere((d) => d.owner !== undefined) },
    ]);
  });

  it('date_histogram by calendar day fills empty days; by month and fixed 12h intervals', async () => {
    const res = await rawSearch({
      size: 0,
      aggs: {
        daily: {
          date_histogram: { field: '@timestamp', calendar_interval: 'day' },
          aggs: { b: { sum: { field: 'bytes' } } },
        },
        monthly: { date_histogram: { field: '@timestamp', calendar_interval: '1M' } },
        half: { date_histogram: { field: '@timestamp', fixed_interval: '12h', min_doc_count: 1 } },
      },
    });
    // UTC days; min_doc_count defaults to 0, so every day between the first and last is a bucket.
    const byDay = tally(DOCS.map((d) => Math.floor(d.ts / DAY) * DAY));
    const firstDay = Math.min(...byDay.keys());
    const lastDay = Math.max(...byDay.keys());
    const expectedDays: Json[] = [];
    for (let k = firstDay; k <= lastDay; k += DAY) {
      expectedDays.push({
        key_as_string: new Date(k).toISOString(),
        key: k,
        doc_count: byDay.get(k) ?? 0,
        b: { value: DOCS.filter((d) => Math.floor(d.ts / DAY) * DAY === k).reduce((s, d) => s + d.bytes, 0) },
      });
    }
    expect(expectedDays.some((b) => b.doc_count === 0)).toBe(true);
    expect(res.aggregations.daily.buckets).toEqual(expectedDays);

    const monthKey = (ts: number) => Date.UTC(new Date(ts).getUTCFullYear(), new Date(ts).getUTCMonth(), 1);
    const byMonth = [...tally(DOCS.map((d) => monthKey(d.ts)))].sort((a, b) => a[0] - b[0]);
    expect(res.aggregations.monthly.buckets.map((b: Json) => [b.key_as_string, b.doc_count])).toEqual(
      byMonth.map(([k, n]) => [new Date(k).toISOString(), n]),
    );

    const byHalf = [...tally(DOCS.map((d) => Math.floor(d.ts / (12 * HOUR)) * 12 * HOUR))].sort(
      (a, b) => a[0] - b[0],
    );
    expect(res.aggregations.half.buckets.map((b: Json) => [b.key, b.doc_count])).toEqual(byHalf);
  });

  it('composite pages through every (service, day) pair with after_key', async () => {
    const expected = [...tally(DOCS.map((d) => `${d.service}|${Math.floor(d.ts / DAY) * DAY}`))]
      .map(([k, n]) => {
        const [service, day] = k.split('|');
        return { key: { service, day: Number(day) }, doc_count: n };
      })
      .sort((a, b) =>
        a.key.service! < b.key.service! ? -1 : a.key.service! > b.key.service! ? 1 : a.key.day - b.key.day,
      );
    const seen: Json[] = [];
    let after: Json | undefined;
    let pages = 0;
    for (;;) {
      const res = await rawSearch({
        size: 0,
        aggs: {
          pairs: {
            composite: {
              size: 100,
              sources: [
                { service: { terms: { field: 'service' } } },
                { day: { date_histogram: { field: '@timestamp', calendar_interval: '1d' } } },
              ],
              ...(after ? { after } : {}),
            },
          },
        },
      });
      const agg = res.aggregations.pairs;
      if (agg.buckets.length === 0) {
        expect(agg.after_key).toBeUndefined();
        break;
      }
      pages++;
      expect(agg.after_key).toEqual(agg.buckets[agg.buckets.length - 1].key);
      seen.push(...agg.buckets);
      after = agg.after_key;
    }
    expect(pages).toBe(Math.ceil(expected.length / 100));
    expect(seen).toEqual(expected);
  });

  it('typed_keys prefixes aggregation names with their type', async () => {
    const res = await rawSearch(
      {
        size: 0,
        aggs: {
          s: { terms: { field: 'status' } },
          b: { terms: { field: 'bytes' } },
          m: { max: { field: 'bytes' } },
        },
      },
      '/logs-a/_search',
      { typed_keys: 'true' },
    );
    // InternalTerms types: sterms (strings), lterms (longs); metrics use their aggregation name.
    expect(Object.keys(res.aggregations).sort()).toEqual(['lterms#b', 'max#m', 'sterms#s']);
  });
});
