/**
 * `eskeys learn` and points in time. Elasticsearch facts (docs/es-facts.md, "Search with a point
 * in time"):
 * - a search with `pit` names no index; RestSearchAction.preparePointInTime sets its indices from
 *   the id, so `indices:data/read/search` is authorized on the indices the point in time was
 *   opened on;
 * - the open answer is `{"id":"…","_shards":{…}}` (OpenPointInTimeResponse); per the open point
 *   in time API documentation, the open request and every later search may answer with a
 *   different id, so a search answer's `pit_id` may be a new id;
 * - SearchResponse writes `_scroll_id`, then `pit_id`, before `took` and the hits.
 */
import { describe, expect, it } from 'vitest';
import { LearnRecorder } from '../../../src/core/learn/recorder.js';

const NOW = Date.UTC(2026, 11, 6);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Runs one exchange through the recorder: request line, body, answer, status. */
function exchange(
  recorder: LearnRecorder,
  method: string,
  target: string,
  body: string | undefined,
  status: number,
  answer: string,
): void {
  const url = new URL(target, 'http://x');
  const pending = recorder.begin({ method, path: url.pathname, query: url.searchParams });
  if (body !== undefined && pending.wantsBody) pending.bodyChunk(bytes(body));
  pending.bodyEnd();
  // The answer arrives in two chunks, as it may on the wire.
  if (pending.wantsResponse) {
    pending.responseChunk(bytes(answer.slice(0, 7)));
    pending.responseChunk(bytes(answer.slice(7)));
  }
  pending.finish(status, NOW);
}

const SHARDS = '"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}';
const pitSearch = (id: string) => JSON.stringify({ pit: { id, keep_alive: '1m' }, size: 10 });

function operations(recorder: LearnRecorder) {
  return recorder.snapshot().operations.map((o) => [o.action, o.names, o.outcome, o.count]);
}

describe('the learn recorder and points in time', () => {
  it('records a search with a point in time on the names it was opened on, following a new pit_id', () => {
    const recorder = new LearnRecorder();
    exchange(
      recorder,
      'POST',
      '/books-2026.11/_pit?keep_alive=1m',
      undefined,
      200,
      `{"id":"cGl0LW9uZQ==",${SHARDS}}`,
    );
    exchange(
      recorder,
      'POST',
      '/_search',
      pitSearch('cGl0LW9uZQ=='),
      200,
      `{"pit_id":"cGl0LXR3bw==","took":2,"timed_out":false,${SHARDS},"hits":{"hits":[]}}`,
    );
    // The next page uses the id the last answer handed back.
    exchange(
      recorder,
      'POST',
      '/_search',
      pitSearch('cGl0LXR3bw=='),
      200,
      `{"pit_id":"cGl0LXR3bw==","took":1,"hits":{"hits":[]}}`,
    );
    expect(operations(recorder)).toEqual([
      ['indices:data/read/open_point_in_time', ['books-2026.11'], 'allowed', 1],
      ['indices:data/read/search', ['books-2026.11'], 'allowed', 2],
    ]);
    expect(recorder.snapshot().unmapped).toEqual([]);
  });

  it('a point in time opened before learning is listed as not mapped, never recorded as a search of every index', () => {
    const recorder = new LearnRecorder();
    exchange(
      recorder,
      'POST',
      '/_search',
      pitSearch('dW5rbm93bg=='),
      200,
      '{"pit_id":"dW5rbm93bg==","took":1}',
    );
    const snapshot = recorder.snapshot();
    expect(snapshot.operations).toEqual([]);
    expect(snapshot.requests).toBe(1);
    expect(snapshot.unmapped).toEqual([
      {
        method: 'POST',
        api: 'search',
        reason: 'point in time not opened through this proxy: the indices it is authorized on are unknown',
        count: 1,
      },
    ]);
  });

  it('a search without a point in time and without an index is still a search of every index', () => {
    const recorder = new LearnRecorder();
    exchange(recorder, 'POST', '/_search', '{"query":{"match_all":{}}}', 200, '{"took":1}');
    exchange(recorder, 'GET', '/_search', undefined, 200, '{"took":1}');
    expect(operations(recorder)).toEqual([['indices:data/read/search', ['_all'], 'allowed', 2]]);
  });

  it('a "pit_id" inside a hit does not pose as the answer\'s id', () => {
    const recorder = new LearnRecorder();
    exchange(recorder, 'POST', '/books/_pit?keep_alive=1m', undefined, 200, `{"id":"b3Blbg==",${SHARDS}}`);
    exchange(
      recorder,
      'POST',
      '/_search',
      pitSearch('b3Blbg=='),
      200,
      '{"took":1,"hits":{"hits":[{"_index":"books","_source":{"pit_id":"Zm9yZ2Vk"}}]}}',
    );
    exchange(recorder, 'POST', '/_search', pitSearch('Zm9yZ2Vk'), 200, '{"took":1}');
    expect(operations(recorder)).toEqual([
      ['indices:data/read/open_point_in_time', ['books'], 'allowed', 1],
      ['indices:data/read/search', ['books'], 'allowed', 1],
    ]);
    expect(recorder.snapshot().unmapped.map((u) => u.count)).toEqual([1]);
  });

  it('a refused open leaves no id behind; an async search with a known point in time is recorded on its names', () => {
    const recorder = new LearnRecorder();
    exchange(recorder, 'POST', '/secret/_pit?keep_alive=1m', undefined, 403, '{"id":"c2VjcmV0"}');
    exchange(recorder, 'POST', '/logs-app/_pit?keep_alive=1m', undefined, 200, `{"id":"bG9ncw==",${SHARDS}}`);
    exchange(
      recorder,
      'POST',
      '/_async_search',
      pitSearch('bG9ncw=='),
      200,
      '{"id":"YXN5bmM=","is_running":false}',
    );
    exchange(recorder, 'POST', '/_search', pitSearch('c2VjcmV0'), 404, '{"error":{}}');
    expect(operations(recorder)).toEqual([
      ['indices:data/read/async_search/submit', ['logs-app'], 'allowed', 1],
      ['indices:data/read/open_point_in_time', ['logs-app'], 'allowed', 1],
      ['indices:data/read/open_point_in_time', ['secret'], 'denied', 1],
    ]);
    expect(recorder.snapshot().unmapped.map((u) => [u.api, u.count])).toEqual([['search', 1]]);
  });
});

describe('the learn recorder and points in time in _msearch', () => {
  it('an item with a known point in time counts on its names; one with an unknown id is not mapped and adds no index', () => {
    const recorder = new LearnRecorder();
    exchange(recorder, 'POST', '/books/_pit?keep_alive=1m', undefined, 200, `{"id":"b3Blbg==",${SHARDS}}`);
    const body = [
      '{}',
      pitSearch('b3Blbg=='),
      '{"index":"authors"}',
      '{"query":{"match_all":{}}}',
      '{}',
      pitSearch('dW5rbm93bg=='),
      '',
    ].join('\n');
    exchange(recorder, 'POST', '/_msearch', body, 200, '{"took":1,"responses":[]}');
    const snapshot = recorder.snapshot();
    expect(snapshot.operations.map((o) => [o.action, o.names])).toEqual([
      ['indices:data/read/msearch', ['authors', 'books']],
      ['indices:data/read/open_point_in_time', ['books']],
    ]);
    expect(snapshot.unmapped.map((u) => [u.api, u.count])).toEqual([['msearch', 1]]);
  });

  it('an _msearch whose every item uses an unknown point in time records no names at all', () => {
    const recorder = new LearnRecorder();
    exchange(recorder, 'POST', '/_msearch', `{}\n${pitSearch('dW5rbm93bg==')}\n`, 200, '{"responses":[]}');
    const snapshot = recorder.snapshot();
    expect(snapshot.operations).toEqual([]);
    expect(snapshot.requests).toBe(1);
    expect(snapshot.unmapped.map((u) => [u.api, u.count])).toEqual([['msearch', 1]]);
  });

  it('an item without an index and without a point in time is still a search of every index', () => {
    const recorder = new LearnRecorder();
    exchange(recorder, 'POST', '/_msearch', '{}\n{"query":{"match_all":{}}}\n', 200, '{"responses":[]}');
    expect(recorder.snapshot().operations.map((o) => [o.action, o.names])).toEqual([
      ['indices:data/read/msearch', ['_all']],
    ]);
  });
});

describe('the learn recorder when a search body cannot be read', () => {
  it('an index-less search over the 1 MB cap is not mapped (it may have used a point in time), never a search of every index', () => {
    const recorder = new LearnRecorder();
    const big = JSON.stringify({
      query: { terms: { tag: Array.from({ length: 120_000 }, (_, i) => `t${i}`) } },
    });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    exchange(recorder, 'POST', '/_search', big, 200, '{"took":1}');
    const snapshot = recorder.snapshot();
    expect(snapshot.operations).toEqual([]);
    expect(snapshot.incompleteBodies).toBe(1);
    expect(snapshot.unmapped.map((u) => [u.api, u.count, u.reason])).toEqual([
      [
        'search',
        1,
        'search body over the size cap or not readable: whether it used a point in time, and so its indices, is unknown',
      ],
    ]);
  });

  it('an _msearch search line over the 64 KiB cap after an index-less header is not mapped; the other items count', () => {
    const recorder = new LearnRecorder();
    const body = `{}\n{"query":{"match":{"t":"${'x'.repeat(70_000)}"}}}\n{"index":"books"}\n{}\n`;
    exchange(recorder, 'POST', '/_msearch', body, 200, '{"responses":[]}');
    const snapshot = recorder.snapshot();
    expect(snapshot.operations.map((o) => [o.action, o.names])).toEqual([
      ['indices:data/read/msearch', ['books']],
    ]);
    expect(snapshot.incompleteBodies).toBe(1);
    expect(snapshot.unmapped.map((u) => [u.api, u.count])).toEqual([['msearch', 1]]);
  });

  it('the answer to an index-less search without a point in time is not read', () => {
    const recorder = new LearnRecorder();
    const pending = recorder.begin({ method: 'POST', path: '/_search', query: new URLSearchParams() });
    pending.bodyChunk(bytes('{"query":{"match_all":{}}}'));
    pending.bodyEnd();
    expect(pending.wantsResponse).toBe(false);
    pending.finish(200, NOW);
    expect(operations(recorder)).toEqual([['indices:data/read/search', ['_all'], 'allowed', 1]]);
  });

  it('a pit_id after a _scroll_id is followed; a pit_id after took is not', () => {
    const recorder = new LearnRecorder();
    exchange(recorder, 'POST', '/books/_pit?keep_alive=1m', undefined, 200, `{"id":"b25l",${SHARDS}}`);
    exchange(
      recorder,
      'POST',
      '/_search',
      pitSearch('b25l'),
      200,
      '{"_scroll_id":"c2Nyb2xs","pit_id":"dHdv","took":1}',
    );
    exchange(recorder, 'POST', '/_search', pitSearch('dHdv'), 200, '{"took":1,"pit_id":"dGhyZWU="}');
    exchange(recorder, 'POST', '/_search', pitSearch('dGhyZWU='), 200, '{"took":1}');
    expect(operations(recorder)).toEqual([
      ['indices:data/read/open_point_in_time', ['books'], 'allowed', 1],
      ['indices:data/read/search', ['books'], 'allowed', 2],
    ]);
    expect(recorder.snapshot().unmapped.map((u) => [u.api, u.count])).toEqual([['search', 1]]);
  });
});
