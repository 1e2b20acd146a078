/**
 * `sort` and `search_after` through the official client (issue 14, item 1). Expectations are
 * written from the literal documents below; Elasticsearch facts carry their source, and are
 * recorded in docs/es-facts.md, "Search: sort and search_after".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;

const PEOPLE = [
  { id: 'p1', name: 'alice', age: 30, height: 1.7, born: '1994-03-01', tags: ['b', 'x'], bio: 'likes tea' },
  { id: 'p2', name: 'bob', age: 25, height: 1.8, born: '1999-07-15T10:00:00Z', tags: ['a'], bio: 'coffee' },
  { id: 'p3', name: 'carol', age: 30, born: 946684800000, tags: ['d', 'c'], bio: 'juice' },
  // Uppercase sorts before lowercase and é after z: keyword order is UTF-8 byte order.
  { id: 'p4', name: 'Dave', age: [41, 20], born: '2001-01-01', bio: 'water' },
  { id: 'p5', name: 'émile', height: 1.6, bio: 'milk' },
];

// Long.MAX_VALUE / Long.MIN_VALUE: the value a missing long or date sorts with
// (IndexFieldData.XFieldComparatorSource.missingObject, `_last` ascending / descending).
const LONG_MAX = '9223372036854775807';
const LONG_MIN = '-9223372036854775808';

const TEXT_REASON =
  'Fielddata is disabled on [bio] in [people]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [bio] in order to load field data by uninverting the inverted index. Note that this can use significant memory.';

beforeAll(async () => {
  tc = await startTestCluster();
  await tc.admin.indices.create({
    index: 'people',
    mappings: {
      properties: {
        name: { type: 'keyword' },
        age: { type: 'integer' },
        height: { type: 'float' },
        born: { type: 'date' },
        tags: { type: 'keyword' },
        bio: { type: 'text' },
      },
    },
  });
  await tc.admin.indices.create({
    index: 'people-b',
    mappings: { properties: { name: { type: 'keyword' } } },
  });
  for (const { id, ...doc } of PEOPLE) await tc.admin.index({ index: 'people', id, document: doc });
  await tc.admin.index({ index: 'people-b', id: 'z1', document: { name: 'zed' } });
  await tc.admin.indices.refresh({ index: 'people*' });
});

afterAll(async () => {
  await tc.close();
});

/** The raw JSON text of a search, to see numbers JavaScript cannot hold (Long.MAX_VALUE). */
async function rawSearch(path: string, body: unknown): Promise<string> {
  const res = await fetch(`${tc.sandbox.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`elastic:${tc.sandbox.password}`).toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
  return res.text();
}

async function sorted(sort: unknown, extra: Record<string, unknown> = {}) {
  const res = await tc.admin.search({ index: 'people', sort: sort as never, ...extra });
  return {
    ids: res.hits.hits.map((h) => h._id),
    sorts: res.hits.hits.map((h) => h.sort),
    scores: res.hits.hits.map((h) => h._score),
    maxScore: res.hits.max_score,
    hits: res.hits.hits,
  };
}

describe('sort forms and sort values (FieldSortBuilder, SortBuilder.fromXContent)', () => {
  it('keyword fields sort by UTF-8 bytes; hits carry the value, _score and max_score null', async () => {
    const asc = await sorted('name');
    expect(asc.ids).toEqual(['p4', 'p1', 'p2', 'p3', 'p5']);
    expect(asc.sorts).toEqual([['Dave'], ['alice'], ['bob'], ['carol'], ['émile']]);
    // Sorting by a field computes no score (track_scores is false by default).
    expect(asc.scores).toEqual([null, null, null, null, null]);
    expect(asc.maxScore).toBeNull();
    expect(Object.keys(asc.hits[0]!)).toEqual(['_index', '_id', '_score', '_source', 'sort']);
    expect((await sorted({ name: 'desc' })).ids).toEqual(['p5', 'p3', 'p2', 'p1', 'p4']);
    expect((await sorted([{ name: { order: 'desc' } }])).ids).toEqual(['p5', 'p3', 'p2', 'p1', 'p4']);
  });

  it('numbers: min ascending, max descending on arrays; missing last as Long.MIN/MAX; ties in index order', async () => {
    const asc = await sorted([{ age: 'asc' }]);
    // p4 has [41, 20]: ascending sorts by its min (20); p1 and p3 tie at 30 and keep doc order.
    expect(asc.ids).toEqual(['p4', 'p2', 'p1', 'p3', 'p5']);
    expect(asc.sorts.slice(0, 4)).toEqual([[20], [25], [30], [30]]);
    expect(await rawSearch('/people/_search', { sort: [{ age: 'asc' }], size: 5 })).toContain(
      `"_id":"p5","_score":null,"_source":{"name":"émile","height":1.6,"bio":"milk"},"sort":[${LONG_MAX}]`,
    );
    const desc = await sorted([{ age: 'desc' }]);
    expect(desc.ids).toEqual(['p4', 'p1', 'p3', 'p2', 'p5']);
    expect(desc.sorts.slice(0, 4)).toEqual([[41], [30], [30], [25]]);
    expect(await rawSearch('/people/_search', { sort: [{ age: 'desc' }] })).toContain(`"sort":[${LONG_MIN}]`);
    const first = await sorted([{ age: { missing: '_first' } }]);
    expect(first.ids).toEqual(['p5', 'p4', 'p2', 'p1', 'p3']);
    expect(await rawSearch('/people/_search', { sort: [{ age: { missing: '_first' } }], size: 1 })).toContain(
      `"sort":[${LONG_MIN}]`,
    );
    const custom = await sorted([{ age: { missing: 26 } }]);
    expect(custom.ids).toEqual(['p4', 'p2', 'p5', 'p1', 'p3']);
    expect(custom.sorts[2]).toEqual([26]);
  });

  it('mode: avg of a long array is rounded (MultiValueMode.AVG), sum adds, max picks the largest', async () => {
    // p4: (41 + 20) / 2 = 30.5, Math.round → 31.
    const avg = await sorted([{ age: { mode: 'avg' } }]);
    expect(avg.ids).toEqual(['p2', 'p1', 'p3', 'p4', 'p5']);
    expect(avg.sorts[3]).toEqual([31]);
    const sum = await sorted([{ age: { order: 'desc', mode: 'sum' } }]);
    expect(sum.ids.slice(0, 2)).toEqual(['p4', 'p1']);
    expect(sum.sorts[0]).toEqual([61]);
    const max = await sorted([{ age: { order: 'asc', mode: 'max' } }]);
    expect(max.ids).toEqual(['p2', 'p1', 'p3', 'p4', 'p5']);
  });

  it('keyword arrays sort by min/max; missing strings sort with a null value', async () => {
    const asc = await sorted('tags');
    expect(asc.ids).toEqual(['p2', 'p1', 'p3', 'p4', 'p5']);
    expect(asc.sorts).toEqual([['a'], ['b'], ['c'], [null], [null]]);
    const desc = await sorted({ tags: 'desc' });
    expect(desc.ids).toEqual(['p1', 'p3', 'p2', 'p4', 'p5']);
    expect(desc.sorts.slice(0, 3)).toEqual([['x'], ['d'], ['a']]);
    const first = await sorted({ tags: { order: 'desc', missing: '_first' } });
    expect(first.ids).toEqual(['p4', 'p5', 'p1', 'p3', 'p2']);
  });

  it('dates sort as epoch milliseconds; floats render short; missing floats are "Infinity"', async () => {
    const dates = await sorted({ born: 'desc' });
    expect(dates.ids).toEqual(['p4', 'p3', 'p2', 'p1', 'p5']);
    expect(dates.sorts.slice(0, 4)).toEqual([
      [Date.UTC(2001, 0, 1)],
      [946684800000],
      [Date.UTC(1999, 6, 15, 10)],
      [Date.UTC(1994, 2, 1)],
    ]);
    const floats = await sorted('height');
    expect(floats.ids).toEqual(['p5', 'p1', 'p2', 'p3', 'p4']);
    // Jackson writes non-finite doubles/floats as strings (JsonWriteFeature.WRITE_NAN_AS_STRINGS).
    expect(floats.sorts).toEqual([[1.6], [1.7], [1.8], ['Infinity'], ['Infinity']]);
  });

  it('_doc, _score, track_scores and several keys', async () => {
    const doc = await sorted('_doc');
    expect(doc.ids).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(doc.sorts).toEqual([[0], [1], [2], [3], [4]]);
    // SortBuilder.buildSort: `_score` descending alone is no sort at all.
    const score = await sorted(['_score']);
    expect(score.hits[0]!.sort).toBeUndefined();
    expect(score.maxScore).toBe(1);
    expect(score.scores[0]).toBe(1);
    // A `_score` key needs scores, so hits carry them; max_score stays null without track_scores.
    const mixed = await sorted([{ _score: 'asc' }, 'name']);
    expect(mixed.sorts[0]).toEqual([1, 'Dave']);
    expect(mixed.scores[0]).toBe(1);
    expect(mixed.maxScore).toBeNull();
    const tracked = await sorted('name', { track_scores: true });
    expect(tracked.scores).toEqual([1, 1, 1, 1, 1]);
    expect(tracked.maxScore).toBe(1);
    const two = await sorted([{ age: 'desc' }, { name: 'desc' }]);
    expect(two.ids).toEqual(['p4', 'p3', 'p1', 'p2', 'p5']);
    expect(two.sorts[1]).toEqual([30, 'carol']);
  });

  it('the sort URL parameter (RestSearchAction: field or field:asc|desc, comma-separated)', async () => {
    const res = await tc.admin.transport.request<Json>({
      method: 'GET',
      path: '/people/_search',
      querystring: { sort: 'age:desc,name' },
    });
    expect(res.hits.hits.map((h: Json) => h._id)).toEqual(['p4', 'p1', 'p3', 'p2', 'p5']);
    expect(res.hits.hits[1].sort).toEqual([30, 'alice']);
  });

  it('an index that does not map the field fails alone; unmapped_type sorts it as missing', async () => {
    const res = await tc.admin.search({ index: 'people*', sort: ['age'] });
    expect(res.hits.hits.map((h) => h._id)).toEqual(['p4', 'p2', 'p1', 'p3', 'p5']);
    expect(res.hits.total).toEqual({ value: 5, relation: 'eq' });
    expect(res._shards).toEqual({
      total: 2,
      successful: 1,
      skipped: 0,
      failed: 1,
      failures: [
        {
          shard: 0,
          index: 'people-b',
          node: expect.any(String),
          reason: {
            type: 'query_shard_exception',
            reason: 'No mapping found for [age] in order to sort on',
            index_uuid: expect.any(String),
            index: 'people-b',
          },
        },
      ],
    });
    const typed = await tc.admin.search({ index: 'people*', sort: [{ age: { unmapped_type: 'long' } }] });
    expect(typed.hits.hits.map((h) => h._id)).toEqual(['p4', 'p2', 'p1', 'p3', 'p5', 'z1']);
    expect(typed._shards.failed).toBe(0);
  });
});

describe('sort errors as Elasticsearch answers them', () => {
  /** The search_phase_execution_exception of a plain Java exception on the `people` shard. */
  const allShardsFailedWith = (reason: Json) => ({
    root_cause: [{ type: reason.type, reason: reason.reason }],
    type: 'search_phase_execution_exception',
    reason: 'all shards failed',
    phase: 'query',
    grouped: true,
    failed_shards: [{ shard: 0, index: 'people', node: expect.any(String), reason }],
    caused_by: { ...reason, caused_by: reason },
  });

  it('a text field: fielddata is disabled (TextFieldMapper), wrapped in all shards failed', async () => {
    const e = await esError(() => tc.admin.search({ index: 'people', sort: ['bio'] }));
    expect(e.status).toBe(400);
    expect(e.body.error).toEqual(
      allShardsFailedWith({ type: 'illegal_argument_exception', reason: TEXT_REASON }),
    );
  });

  it('_id: fielddata on _id is disallowed by default since 8.0 (indices.id_field_data.enabled)', async () => {
    const e = await esError(() => tc.admin.search({ index: 'people', sort: [{ _id: 'asc' }] }));
    expect(e.status).toBe(400);
    expect(e.body.error).toEqual(
      allShardsFailedWith({
        type: 'illegal_argument_exception',
        reason:
          'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled',
      }),
    );
  });

  it('an unmapped field: query_shard_exception naming the index', async () => {
    const e = await esError(() => tc.admin.search({ index: 'people', sort: ['nope'] }));
    expect(e.status).toBe(400);
    const cause = {
      type: 'query_shard_exception',
      reason: 'No mapping found for [nope] in order to sort on',
      index_uuid: expect.any(String),
      index: 'people',
    };
    expect(e.body.error).toEqual({
      root_cause: [cause],
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: 0, index: 'people', node: expect.any(String), reason: cause }],
      caused_by: cause,
    });
  });

  it('parse errors: bad order, malformed sort, unknown option, mode on keywords', async () => {
    const search = (body: unknown) =>
      tc.admin.transport.request({ method: 'POST', path: '/people/_search', body: body as never });
    // SortOrder.fromString is Enum.valueOf(op.toUpperCase()).
    await expectError(
      () => search({ sort: [{ name: 'up' }] }),
      400,
      'illegal_argument_exception',
      'No enum constant org.elasticsearch.search.sort.SortOrder.UP',
    );
    // ObjectParser prefixes the token's [line:col]: the value for a failed field, the name for an
    // unknown one (the client sends compact JSON: `{"sort":[{"name":{"order":"up"}}]}`).
    const order = await expectError(
      () => search({ sort: [{ name: { order: 'up' } }] }),
      400,
      'x_content_parse_exception',
      '[1:27] [field_sort] failed to parse field [order]',
    );
    expect(order.caused_by).toEqual({
      type: 'illegal_argument_exception',
      reason: 'No enum constant org.elasticsearch.search.sort.SortOrder.UP',
    });
    // A scalar sort is SearchSourceBuilder.sort(parser.text()): a field named "5".
    const scalar = await esError(() => search({ sort: 5 }));
    expect(scalar.body.error.root_cause[0].reason).toBe('No mapping found for [5] in order to sort on');
    await expectError(
      () => search({ sort: [5] }),
      400,
      'illegal_argument_exception',
      'malformed sort format, within the sort array, an object, or an actual string are allowed',
    );
    await expectError(
      () => search({ sort: [{ name: { ordre: 'asc' } }] }),
      400,
      'x_content_parse_exception',
      '[1:19] [field_sort] unknown field [ordre]',
    );
    // FieldSortBuilder.build: AVG, MEDIAN and SUM need a numeric field (a QueryShardException).
    const e = await esError(() => search({ sort: [{ name: { mode: 'avg' } }] }));
    expect(e.body.error.failed_shards[0].reason.reason).toBe(
      'we only support AVG, MEDIAN and SUM on number based fields',
    );
    await expectError(
      () => search({ sort: [{ name: { nested: { path: 'x' } } }] }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [search.sort.nested]',
    );
  });

  it('_shard_doc needs a point in time (SearchSourceBuilder.validate)', async () => {
    await expectError(
      () => tc.admin.search({ index: 'people', sort: ['_shard_doc'] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: [_shard_doc] sort field cannot be used without [point in time];',
    );
  });

  it('_count takes no sort (RestActions.getQueryContent accepts only query)', async () => {
    await expectError(
      () => tc.admin.transport.request({ method: 'POST', path: '/people/_count', body: { sort: ['name'] } }),
      400,
      'parsing_exception',
      'request does not support [sort]',
    );
  });

  it('_msearch items sort as _search does', async () => {
    const res = await tc.admin.msearch({
      searches: [
        { index: 'people' },
        { sort: [{ name: 'desc' }], size: 2 },
        { index: 'people' },
        { sort: ['bio'] },
      ],
    });
    const [first, second] = res.responses as Json[];
    expect(first.hits.hits.map((h: Json) => h._id)).toEqual(['p5', 'p3']);
    expect(first.hits.hits[0].sort).toEqual(['émile']);
    expect(second.status).toBe(400);
    expect(second.error.type).toBe('search_phase_execution_exception');
  });
});

describe('search_after (SearchAfterBuilder, SearchSourceBuilder.validate)', () => {
  it('resumes strictly after the values: documents equal to them are skipped', async () => {
    const page1 = await sorted(['age'], { size: 3 });
    expect(page1.ids).toEqual(['p4', 'p2', 'p1']);
    // The after document has doc id Integer.MAX_VALUE (buildFieldDoc), so p3, tied with p1 at 30,
    // sorts before it and is skipped: a tiebreaker key is what keeps it.
    const skipped = await sorted(['age'], { search_after: [30] });
    expect(skipped.ids).toEqual(['p5']);
    const tiebroken = await sorted(['age', 'name'], { search_after: [30, 'alice'] });
    expect(tiebroken.ids).toEqual(['p3', 'p5']);
    // Long.MAX_VALUE, the missing age's sort value, comes back from JavaScript as the double
    // 9223372036854776000, which Elasticsearch parses as a BigInteger and refuses for dates
    // (elastic/elasticsearch#48074, elastic/elasticsearch-js#1463): refused loudly here.
    await expectError(
      () => tc.admin.search({ index: 'people', sort: ['age', 'name'], search_after: [LONG_MAX, 'émile'] }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [search.search_after values at or beyond the long range]',
    );
    const dates = await sorted([{ born: 'desc' }], { search_after: [946684800000] });
    expect(dates.ids).toEqual(['p2', 'p1', 'p5']);
    const dateString = await sorted([{ born: 'desc' }], { search_after: ['2000-01-01T00:00:00Z'] });
    expect(dateString.ids).toEqual(['p2', 'p1', 'p5']);
    const docs = await sorted(['_doc'], { search_after: [1] });
    expect(docs.ids).toEqual(['p3', 'p4', 'p5']);
    const keywords = await sorted([{ name: 'desc' }], { search_after: ['bob'] });
    expect(keywords.ids).toEqual(['p1', 'p4']);
  });

  it('refuses a wrong arity, a missing sort, from > 0 and unparseable numbers', async () => {
    const shardFailure = async (body: Record<string, unknown>) => {
      const e = await esError(() => tc.admin.search({ index: 'people', ...body }));
      expect(e.status).toBe(400);
      expect(e.body.error.type).toBe('search_phase_execution_exception');
      expect(e.body.error.reason).toBe('all shards failed');
      return e.body.error.failed_shards[0].reason;
    };
    expect(await shardFailure({ sort: ['age'], search_after: [1, 2] })).toEqual({
      type: 'illegal_argument_exception',
      reason: 'search_after has 2 value(s) but sort has 1.',
    });
    // No sort, or only `_score` descending (which is no sort): buildFieldDoc has nothing to follow.
    for (const sort of [undefined, ['_score']]) {
      expect(await shardFailure({ ...(sort ? { sort } : {}), search_after: [1] })).toEqual({
        type: 'illegal_argument_exception',
        reason: 'Sort must contain at least one field.',
      });
    }
    expect(await shardFailure({ sort: ['age'], search_after: ['abc'] })).toEqual({
      type: 'illegal_argument_exception',
      reason: 'Failed to parse search_after value for field [age].',
      caused_by: { type: 'number_format_exception', reason: 'For input string: "abc"' },
    });
    await expectError(
      () => tc.admin.search({ index: 'people', sort: ['age'], search_after: [1], from: 2 }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: [from] parameter must be set to 0 when [search_after] is used;',
    );
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'POST',
          path: '/people/_search',
          body: { sort: ['age'], search_after: [] },
        }),
      400,
      'illegal_argument_exception',
      'Values must contains at least one value.',
    );
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'POST',
          path: '/people/_search',
          body: { sort: ['age'], search_after: 5 },
        }),
      400,
      'parsing_exception',
      'Unknown key for a VALUE_NUMBER in [search_after].',
    );
  });

  it('pages through 5,000 documents, each exactly once and in order, with ties broken by a second key', async () => {
    const N = 5000;
    const operations = Array.from({ length: N }, (_, i) => [
      { index: { _index: 'many', _id: `d${i}` } },
      // 50 documents share each group: the sort needs the tiebreaker `seq`.
      {
        group: Math.floor(((i * 7919) % N) / 50),
        seq: i,
        at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      },
    ]).flat();
    const bulk = await tc.admin.bulk({ operations, refresh: true });
    expect(bulk.errors).toBe(false);
    const seen: string[] = [];
    const keys: [number, number][] = [];
    let after: unknown[] | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const res = await tc.admin.search({
        index: 'many',
        size: 321,
        sort: [{ group: 'desc' }, { seq: 'asc' }],
        ...(after ? { search_after: after as never } : {}),
      });
      const hits = res.hits.hits;
      if (hits.length === 0) break;
      for (const h of hits) {
        seen.push(h._id!);
        keys.push(h.sort as [number, number]);
      }
      after = hits.at(-1)!.sort;
      expect(res.hits.total).toEqual({ value: N, relation: 'eq' });
    }
    expect(seen.length).toBe(N);
    expect(new Set(seen).size).toBe(N);
    for (let i = 1; i < keys.length; i++) {
      const [g0, s0] = keys[i - 1]!;
      const [g1, s1] = keys[i]!;
      expect(g1 < g0 || (g1 === g0 && s1 > s0)).toBe(true);
    }
    // Without a tiebreaker, the 50 documents of the top group come in index order (doc id order).
    const topGroup = await tc.admin.search({ index: 'many', size: 50, sort: [{ group: 'desc' }] });
    const expectedTop = Array.from({ length: N }, (_, i) => i)
      .filter((i) => Math.floor(((i * 7919) % N) / 50) === 99)
      .map((i) => `d${i}`);
    expect(topGroup.hits.hits.map((h) => h._id)).toEqual(expectedTop);
    // Dates page the same way, as epoch millis.
    const byDate = await tc.admin.search({
      index: 'many',
      size: 2,
      sort: ['at'],
      search_after: [Date.UTC(2024, 0, 1) + 1000],
    });
    expect(byDate.hits.hits.map((h) => h._id)).toEqual(['d2', 'd3']);
    expect(byDate.hits.hits[0]!.sort).toEqual([Date.UTC(2024, 0, 1) + 2000]);
  });
});
