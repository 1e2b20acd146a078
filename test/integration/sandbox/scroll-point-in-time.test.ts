/**
 * Scroll and point in time through the official client: pages until empty, snapshot views,
 * keep-alive expiry on the sandbox's clock, clear scroll and close PIT answers, ownership of
 * scrolls and the names a point-in-time search is authorized on. Expectations are literal
 * Elasticsearch facts (sources in comments, details in docs/es-facts.md, "Search: scroll and
 * point in time") or computed here from the literal data.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { esError, expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
const N = 25;
const ids = (res: Json): string[] => res.hits.hits.map((h: Json) => h._id);

beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(async () => {
  await tc.close();
});
beforeEach(async () => {
  await tc.admin.transport.request({ method: 'POST', path: '/_sandbox/reset' });
  const operations = Array.from({ length: N }, (_, i) => [
    { index: { _index: i % 2 === 0 ? 'logs-a' : 'logs-b', _id: `d${i}` } },
    { n: i },
  ]).flat();
  await tc.admin.bulk({ operations, refresh: true });
});

describe('scroll', () => {
  it('pages through every match in the search order until an empty page, with _scroll_id first', async () => {
    const first: Json = await tc.admin.search({ index: 'logs-*', scroll: '1m', size: 10 });
    // SearchResponse.innerToXContent writes _scroll_id before took.
    expect(Object.keys(first)[0]).toBe('_scroll_id');
    expect(first.hits.total).toEqual({ value: N, relation: 'eq' });
    const plain: Json = await tc.admin.search({ index: 'logs-*', size: N });
    const seen = [...ids(first)];
    const pages: number[] = [first.hits.hits.length];
    for (;;) {
      const page: Json = await tc.admin.scroll({ scroll_id: first._scroll_id, scroll: '1m' });
      expect(page._scroll_id).toBe(first._scroll_id);
      expect(page.hits.total).toEqual({ value: N, relation: 'eq' });
      pages.push(page.hits.hits.length);
      if (page.hits.hits.length === 0) break;
      seen.push(...ids(page));
    }
    expect(pages).toEqual([10, 10, 5, 0]);
    // The pages follow the order of the same search without scroll.
    expect(seen).toEqual(ids(plain));
  });

  it('does not see documents indexed after it opened', async () => {
    const first: Json = await tc.admin.search({ index: 'logs-a', scroll: '1m', size: 5 });
    await tc.admin.index({ index: 'logs-a', id: 'late', document: { n: 99 }, refresh: true });
    await tc.admin.delete({ index: 'logs-a', id: 'd0', refresh: true });
    const seen = [...ids(first)];
    for (let page: Json = first; page.hits.hits.length > 0; ) {
      page = await tc.admin.scroll({ scroll_id: first._scroll_id });
      seen.push(...ids(page));
    }
    // logs-a held the 13 even ids when the scroll opened.
    expect(seen.sort()).toEqual(Array.from({ length: 13 }, (_, i) => `d${i * 2}`).sort());
  });

  it('answers total as an int with rest_total_hits_as_int, on the search and on the scroll', async () => {
    const first: Json = await tc.admin.search({
      index: 'logs-*',
      scroll: '1m',
      size: 10,
      rest_total_hits_as_int: true,
    });
    expect(first.hits.total).toBe(N);
    const next: Json = await tc.admin.scroll({ scroll_id: first._scroll_id, rest_total_hits_as_int: true });
    expect(next.hits.total).toBe(N);
  });

  it('expires after its keep-alive: 404 search_context_missing_exception in a search_phase_execution_exception', async () => {
    const first: Json = await tc.admin.search({ index: 'logs-a', scroll: '1m', size: 5 });
    tc.clock.advance(30_000);
    await tc.admin.scroll({ scroll_id: first._scroll_id, scroll: '1m' });
    // Each use renews the keep-alive: 50 s after the last use it is still alive.
    tc.clock.advance(50_000);
    await tc.admin.scroll({ scroll_id: first._scroll_id });
    tc.clock.advance(61_000);
    const r = await esError(() => tc.admin.scroll({ scroll_id: first._scroll_id }));
    // Recorded Elasticsearch answer for a scroll whose context is gone (SearchContextMissingException,
    // "all shards failed" with shard -1 and index null: the coordinating node cannot name the shard).
    expect(r.status).toBe(404);
    const cause = {
      type: 'search_context_missing_exception',
      reason: expect.stringMatching(/^No search context found for id \[\d+\]$/),
    };
    expect(r.body.error).toEqual({
      root_cause: [cause],
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: -1, index: null, reason: cause }],
      caused_by: cause,
    });
    expect(tc.sandbox.state.searchContexts.size).toBe(0);
  });

  it('is freed by the searches that follow its expiry, even if nobody comes back for it', async () => {
    await tc.admin.search({ index: 'logs-a', scroll: '1m', size: 5 });
    await tc.admin.openPointInTime({ index: 'logs-a', keep_alive: '1m' });
    expect(tc.sandbox.state.searchContexts.size).toBe(2);
    tc.clock.advance(61_000);
    await tc.admin.search({ index: 'logs-a', size: 0 });
    expect(tc.sandbox.state.searchContexts.size).toBe(0);
  });

  it('belongs to who opened it: another API key of the same owner is told the context is missing', async () => {
    const role = { indices: [{ names: ['logs-*'], privileges: ['read'] }] };
    const a = await tc.apiKey(role);
    const b = await tc.apiKey(role);
    const first: Json = await a.client.search({ index: 'logs-*', scroll: '1m', size: 5 });
    // SecuritySearchOperationListener.ensureAuthenticatedUserIsSame throws SearchContextMissingException.
    const err = await expectError(
      () => b.client.scroll({ scroll_id: first._scroll_id }),
      404,
      'search_phase_execution_exception',
    );
    expect(err.root_cause.map((c: Json) => c.type)).toEqual([
      'search_context_missing_exception',
      'search_context_missing_exception',
    ]);
    await expectError(
      () => tc.admin.scroll({ scroll_id: first._scroll_id }),
      404,
      'search_phase_execution_exception',
    );
    // The owner still continues it.
    const next: Json = await a.client.scroll({ scroll_id: first._scroll_id });
    expect(next.hits.hits).toHaveLength(5);
  });

  it('refuses loudly to continue over an index deleted or closed since it opened (ES answers shard failures)', async () => {
    const first: Json = await tc.admin.search({ index: 'logs-*', scroll: '1m', size: 5 });
    await tc.admin.indices.delete({ index: 'logs-b' });
    await expectError(
      () => tc.admin.scroll({ scroll_id: first._scroll_id }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [scroll over index [logs-b] deleted or closed since it opened]',
    );
    const pit: Json = await tc.admin.openPointInTime({ index: 'logs-a', keep_alive: '1m' });
    await tc.admin.indices.close({ index: 'logs-a' });
    await expectError(
      () => tc.admin.search({ pit: { id: pit.id } }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [search with a point in time over index [logs-a] deleted or closed since it opened]',
    );
  });

  it('needs read on some index (indices:data/read/scroll by name only): 403 without it', async () => {
    const first: Json = await tc.admin.search({ index: 'logs-*', scroll: '1m', size: 5 });
    const none = await tc.apiKey({ cluster: ['monitor'] });
    const err = await expectError(
      () => none.client.scroll({ scroll_id: first._scroll_id }),
      403,
      'security_exception',
    );
    expect(err.reason).toContain('indices:data/read/scroll');
  });

  it('refuses what SearchRequest.validate refuses in a scroll context, before anything runs', async () => {
    // SearchRequest.validate, in its order.
    await expectError(
      () => tc.admin.search({ index: 'logs-*', scroll: '1m', from: 5, size: 0, track_total_hits: false }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: disabling [track_total_hits] is not allowed in a scroll context;2: using [from] is not allowed in a scroll context;3: [size] cannot be [0] in a scroll context;',
    );
    // Validation comes first; the window is checked on the shards.
    await expectError(
      () => tc.admin.search({ index: 'logs-*', scroll: '1m', from: 1, size: 10_000 }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: using [from] is not allowed in a scroll context;',
    );
    // DefaultSearchContext.preProcess: a scroll's window is its batch size.
    await expectError(
      () => tc.admin.search({ index: 'logs-*', scroll: '1m', size: 10_001 }),
      400,
      'illegal_argument_exception',
      'Batch size is too large, size must be less than or equal to: [10000] but was [10001]. Scroll batch sizes cost as much memory as result windows so they are controlled by the [index.max_result_window] index level setting.',
    );
    // TimeValue.parseTimeValue on the scroll parameter.
    await expectError(
      () => tc.admin.search({ index: 'logs-*', scroll: '5' }),
      400,
      'illegal_argument_exception',
      'failed to parse setting [scroll] with value [5] as a time value: unit is missing or unrecognized',
    );
  });

  it('takes the id from the path or the query string too', async () => {
    const first: Json = await tc.admin.search({ index: 'logs-a', scroll: '1m', size: 5 });
    const byPath: Json = await tc.admin.transport.request({
      method: 'GET',
      path: `/_search/scroll/${first._scroll_id}`,
      querystring: { scroll: '1m' },
    });
    expect(ids(byPath)).toHaveLength(5);
    const byQuery: Json = await tc.admin.transport.request({
      method: 'GET',
      path: '/_search/scroll',
      querystring: { scroll_id: first._scroll_id },
    });
    expect(ids(byQuery)).toHaveLength(3);
  });

  it('refuses a malformed scroll id and a request without one', async () => {
    // TransportSearchHelper.parseScrollId.
    await expectError(
      () => tc.admin.scroll({ scroll_id: 'bm90LWEtc2Nyb2xs' }),
      400,
      'illegal_argument_exception',
      'Cannot parse scroll id',
    );
    // SearchScrollRequest.validate.
    await expectError(
      () => tc.admin.transport.request({ method: 'POST', path: '/_search/scroll', body: { scroll: '1m' } }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: scrollId is missing;',
    );
  });

  it('parses scroll and clear-scroll bodies as SearchScrollRequest and ClearScrollRequest do', async () => {
    const first: Json = await tc.admin.search({ index: 'logs-a', scroll: '1m', size: 5 });
    const raw = (method: string, path: string, body: unknown) =>
      tc.admin.transport.request({ method, path, body: body as Record<string, unknown> });
    // SearchScrollRequest.fromXContent: only string scroll_id and scroll.
    await expectError(
      () => raw('POST', '/_search/scroll', { scroll_id: first._scroll_id, scroll: 60 }),
      400,
      'illegal_argument_exception',
      'Unknown parameter [scroll] in request body or parameter is of the wrong type[VALUE_NUMBER] ',
    );
    // ClearScrollRequest.fromXContent.
    await expectError(
      () => raw('DELETE', '/_search/scroll', { scroll_id: { id: first._scroll_id } }),
      400,
      'illegal_argument_exception',
      'scroll_id element should only contain scroll_id',
    );
    await expectError(
      () => raw('DELETE', '/_search/scroll', { scroll_id: [[first._scroll_id]] }),
      400,
      'illegal_argument_exception',
      'scroll_id array element should only contain scroll_id',
    );
    // The body replaces the path's ids (the parser starts from none): {} leaves no id at all.
    await expectError(
      () => raw('DELETE', `/_search/scroll/${first._scroll_id}`, {}),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: no scroll ids specified;',
    );
    expect(await raw('DELETE', '/_search/scroll', { scroll_id: [first._scroll_id] })).toEqual({
      succeeded: true,
      num_freed: 1,
    });
  });

  it('clears by body, path and _all: ClearScrollResponse, 404 when nothing was freed', async () => {
    const one: Json = await tc.admin.search({ index: 'logs-*', scroll: '1m', size: 5 });
    // One shard context per index (two indices): num_freed counts shard contexts.
    expect(await tc.admin.clearScroll({ scroll_id: one._scroll_id })).toEqual({
      succeeded: true,
      num_freed: 2,
    });
    const again = await esError(() => tc.admin.clearScroll({ scroll_id: one._scroll_id }));
    expect(again).toMatchObject({ status: 404, body: { succeeded: true, num_freed: 0 } });
    await expectError(
      () => tc.admin.scroll({ scroll_id: one._scroll_id }),
      404,
      'search_phase_execution_exception',
    );

    const a: Json = await tc.admin.search({ index: 'logs-a', scroll: '1m', size: 5 });
    const b: Json = await tc.admin.search({ index: 'logs-b', scroll: '1m', size: 5 });
    const both = await tc.admin.transport.request({
      method: 'DELETE',
      path: `/_search/scroll/${a._scroll_id},${b._scroll_id}`,
    });
    expect(both).toEqual({ succeeded: true, num_freed: 2 });

    await tc.admin.search({ index: 'logs-a', scroll: '1m', size: 5 });
    await tc.admin.search({ index: 'logs-b', scroll: '1m', size: 5 });
    // ClearScrollController.cleanAllScrolls counts the nodes that answered, not the contexts.
    expect(await tc.admin.clearScroll({ scroll_id: '_all' })).toEqual({ succeeded: true, num_freed: 1 });
    expect(tc.sandbox.state.searchContexts.size).toBe(0);
  });
});

describe('point in time', () => {
  it('opens with id and _shards (8.16+), searches a frozen view with pit_id, closes with num_freed', async () => {
    const opened: Json = await tc.admin.openPointInTime({ index: 'logs-*', keep_alive: '1m' });
    expect(Object.keys(opened)).toEqual(['id', '_shards']);
    expect(opened._shards).toEqual({ total: 2, successful: 2, skipped: 0, failed: 0 });
    await tc.admin.index({ index: 'logs-a', id: 'late', document: { n: 99 }, refresh: true });
    const res: Json = await tc.admin.search({ pit: { id: opened.id, keep_alive: '1m' }, size: 100 });
    expect(res.pit_id).toBe(opened.id);
    expect(Object.keys(res).slice(0, 2)).toEqual(['pit_id', 'took']);
    expect(res.hits.total).toEqual({ value: N, relation: 'eq' });
    expect(ids(res)).not.toContain('late');
    const now: Json = await tc.admin.search({ index: 'logs-*', size: 100 });
    expect(now.hits.total).toEqual({ value: N + 1, relation: 'eq' });
    // Queries run against the view.
    const q: Json = await tc.admin.search({ pit: { id: opened.id }, query: { range: { n: { gte: 20 } } } });
    expect(ids(q).sort()).toEqual(['d20', 'd21', 'd22', 'd23', 'd24']);
    expect(await tc.admin.closePointInTime({ id: opened.id })).toEqual({ succeeded: true, num_freed: 2 });
    const again = await esError(() => tc.admin.closePointInTime({ id: opened.id }));
    expect(again).toMatchObject({ status: 404, body: { succeeded: true, num_freed: 0 } });
  });

  it('answers only the id before 8.16 (OpenPointInTimeResponse had no shard header)', async () => {
    const old = await startTestCluster({ version: '8.15.0' });
    try {
      await old.admin.indices.create({ index: 'logs-a' });
      const opened: Json = await old.admin.openPointInTime({ index: 'logs-a', keep_alive: '1m' });
      expect(Object.keys(opened)).toEqual(['id']);
    } finally {
      await old.close();
    }
  });

  it('answers 404 once closed or expired, naming its indices', async () => {
    const opened: Json = await tc.admin.openPointInTime({ index: 'logs-a', keep_alive: '1m' });
    tc.clock.advance(61_000);
    const err = await expectError(
      () => tc.admin.search({ pit: { id: opened.id } }),
      404,
      'search_phase_execution_exception',
      'all shards failed',
    );
    expect(err.root_cause).toEqual([
      {
        type: 'search_context_missing_exception',
        reason: expect.stringMatching(/^No search context found for id \[\d+\]$/),
      },
    ]);
    expect(err.failed_shards).toEqual([
      expect.objectContaining({ shard: 0, index: 'logs-a', reason: err.root_cause[0] }),
    ]);
  });

  it('refuses an index in the path and a missing keep_alive (ES validation wording)', async () => {
    const opened: Json = await tc.admin.openPointInTime({ index: 'logs-a', keep_alive: '1m' });
    // RestSearchAction.preparePointInTime.
    await expectError(
      () => tc.admin.search({ index: 'logs-a', pit: { id: opened.id } }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;',
    );
    // OpenPointInTimeRequest.validate, before authorization: a key without privileges gets it too.
    const none = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => none.client.transport.request({ method: 'POST', path: '/logs-a/_pit' }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: [keep_alive] is not specified;',
    );
    // SearchRequest.validate: a scroll cannot use a point in time.
    await expectError(
      () => tc.admin.search({ scroll: '1m', pit: { id: opened.id } }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: using [point in time] is not allowed in a scroll context;',
    );
  });

  it('is authorized on the indices its id names, for any caller (no owner check on points in time)', async () => {
    const opened: Json = await tc.admin.openPointInTime({ index: 'logs-a,logs-b', keep_alive: '1m' });
    const onlyA = await tc.apiKey({ indices: [{ names: ['logs-a'], privileges: ['read'] }] });
    const both = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['read'] }] });
    // preparePointInTime sets the request's indices to the PIT's: logs-b is not readable by onlyA.
    const err = await expectError(
      () => onlyA.client.search({ pit: { id: opened.id } }),
      403,
      'security_exception',
    );
    expect(err.reason).toContain('indices:data/read/search');
    expect(err.reason).toContain('logs-b');
    const res: Json = await both.client.search({ pit: { id: opened.id }, size: 100 });
    expect(res.hits.total).toEqual({ value: N, relation: 'eq' });
    // The same in a multi search: each item is authorized on its point in time's indices.
    const multi: Json = await onlyA.client.msearch({
      searches: [{}, { pit: { id: opened.id }, size: 0 }, { index: 'logs-a' }, { size: 0 }],
    });
    expect(multi.responses.map((r: Json) => r.status)).toEqual([403, 200]);
    expect(multi.responses[0].error.reason).toContain('logs-b');
    const multiBoth: Json = await both.client.msearch({
      searches: [{}, { pit: { id: opened.id }, size: 0 }],
    });
    expect(multiBoth.responses[0].hits.total).toEqual({ value: N, relation: 'eq' });
    expect(multiBoth.responses[0].pit_id).toBe(opened.id);
    // Opening needs indices:data/read/open_point_in_time (read) on the names.
    const err2 = await expectError(
      () => onlyA.client.openPointInTime({ index: 'logs-b', keep_alive: '1m' }),
      403,
      'security_exception',
    );
    expect(err2.reason).toContain('indices:data/read/open_point_in_time');
  });
});

describe('sorted scrolls and points in time', () => {
  // ShardDocSortField: a hit's _shard_doc value is the shard's index in the request, shifted 32
  // bits left, OR its doc id. The sandbox holds one shard per index, taken in index-name order
  // (logs-a is shard 0, logs-b shard 1), and a doc id is the document's position in the view.
  const SHARD_1 = 2 ** 32;

  it('a sorted scroll pages through the whole sorted list; later pages carry sort values and null scores', async () => {
    const first: Json = await tc.admin.search({
      index: 'logs-*',
      scroll: '1m',
      size: 10,
      sort: [{ n: 'desc' }],
    });
    const hits: Json[] = [...first.hits.hits];
    const maxScores: unknown[] = [first.hits.max_score];
    for (;;) {
      const page: Json = await tc.admin.scroll({ scroll_id: first._scroll_id, scroll: '1m' });
      if (page.hits.hits.length === 0) break;
      maxScores.push(page.hits.max_score);
      hits.push(...page.hits.hits);
    }
    // Every document once, by n descending (the data: d<i> has n = i).
    expect(hits.map((h) => h._id)).toEqual(Array.from({ length: N }, (_, i) => `d${N - 1 - i}`));
    expect(hits.map((h) => h.sort)).toEqual(Array.from({ length: N }, (_, i) => [N - 1 - i]));
    // Sorted by a field, hits have no score and max_score is null unless track_scores is set.
    expect(new Set(hits.map((h) => h._score))).toEqual(new Set([null]));
    expect(maxScores).toEqual([null, null, null]);
  });

  it('track_scores keeps scores and max_score on every page of a sorted scroll', async () => {
    const first: Json = await tc.admin.search({
      index: 'logs-a',
      scroll: '1m',
      size: 5,
      sort: [{ n: 'asc' }],
      track_scores: true,
    });
    const page: Json = await tc.admin.scroll({ scroll_id: first._scroll_id });
    expect(page.hits.max_score).toBe(1);
    expect(page.hits.hits.map((h: Json) => [h._id, h._score, h.sort])).toEqual([
      ['d10', 1, [10]],
      ['d12', 1, [12]],
      ['d14', 1, [14]],
      ['d16', 1, [16]],
      ['d18', 1, [18]],
    ]);
  });

  it('search_after with a scroll is a validation error (SearchSourceBuilder.validate)', async () => {
    await expectError(
      () => tc.admin.search({ index: 'logs-*', scroll: '1m', sort: [{ n: 'asc' }], search_after: [3] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: [search_after] cannot be used in a scroll context;',
    );
  });

  it('collects sort, search_after and scroll errors into one validation error, in Elasticsearch order', async () => {
    // SearchSourceBuilder.validate: the scroll checks (from, then search_after), then from with
    // search_after, then _shard_doc without a point in time; SearchRequest.validate then adds
    // request_cache in a scroll.
    await expectError(
      () =>
        tc.admin.search({
          index: 'logs-*',
          scroll: '1m',
          from: 2,
          sort: [{ n: 'asc' }, '_shard_doc'],
          search_after: [3, 4],
          request_cache: true,
        }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: using [from] is not allowed in a scroll context;2: [search_after] cannot be used in a scroll context;3: [from] parameter must be set to 0 when [search_after] is used;4: [_shard_doc] sort field cannot be used without [point in time];5: [request_cache] cannot be used in a scroll context;',
    );
  });

  it('a sorted point-in-time search gets the implicit _shard_doc tiebreaker', async () => {
    const pit: Json = await tc.admin.openPointInTime({ index: 'logs-*', keep_alive: '1m' });
    const res: Json = await tc.admin.search({ pit: { id: pit.id }, size: 4, sort: [{ n: 'asc' }] });
    expect(res.hits.hits.map((h: Json) => [h._id, h.sort])).toEqual([
      ['d0', [0, 0]],
      ['d1', [1, SHARD_1]],
      ['d2', [2, 1]],
      ['d3', [3, SHARD_1 + 1]],
    ]);
    // A sort of _score alone gets it too (SearchRequest adds it to any non-empty sort), so it sorts.
    const byScore: Json = await tc.admin.search({ pit: { id: pit.id }, size: 2, sort: ['_score'] });
    expect(byScore.hits.hits.map((h: Json) => h.sort)).toEqual([
      [1, 0],
      [1, 1],
    ]);
    // An explicit _shard_doc last is kept as it is; no sort at all adds none.
    const explicit: Json = await tc.admin.search({
      pit: { id: pit.id },
      size: 1,
      sort: [{ _shard_doc: 'desc' }],
    });
    expect(explicit.hits.hits.map((h: Json) => [h._id, h.sort])).toEqual([['d23', [SHARD_1 + 11]]]);
    const unsorted: Json = await tc.admin.search({ pit: { id: pit.id }, size: 1 });
    expect(unsorted.hits.hits[0].sort).toBeUndefined();
  });

  it('search_after with the tiebreaker value pages through the point in time; without it no tiebreaker is added', async () => {
    const pit: Json = await tc.admin.openPointInTime({ index: 'logs-*', keep_alive: '1m' });
    const page: Json = await tc.admin.search({
      pit: { id: pit.id },
      size: 3,
      sort: [{ n: 'asc' }],
      search_after: [2, 1],
    });
    expect(page.hits.hits.map((h: Json) => [h._id, h.sort])).toEqual([
      ['d3', [3, SHARD_1 + 1]],
      ['d4', [4, 2]],
      ['d5', [5, SHARD_1 + 2]],
    ]);
    // search_after as long as the sort: SearchRequest skips the tiebreaker.
    const short: Json = await tc.admin.search({
      pit: { id: pit.id },
      size: 2,
      sort: [{ n: 'asc' }],
      search_after: [2],
    });
    expect(short.hits.hits.map((h: Json) => [h._id, h.sort])).toEqual([
      ['d3', [3]],
      ['d4', [4]],
    ]);
  });

  it('_shard_doc values come from the point in time view, not from the live index', async () => {
    const pit: Json = await tc.admin.openPointInTime({ index: 'logs-a', keep_alive: '1m' });
    await tc.admin.delete({ index: 'logs-a', id: 'd0', refresh: true });
    await tc.admin.delete({ index: 'logs-a', id: 'd2', refresh: true });
    await tc.admin.index({ index: 'logs-a', id: 'late', document: { n: 3 }, refresh: true });
    const res: Json = await tc.admin.search({ pit: { id: pit.id }, size: 3, sort: [{ n: 'asc' }] });
    expect(res.hits.hits.map((h: Json) => [h._id, h.sort])).toEqual([
      ['d0', [0, 0]],
      ['d2', [2, 1]],
      ['d4', [4, 2]],
    ]);
  });
});
