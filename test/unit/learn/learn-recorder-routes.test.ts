/**
 * The learn recorder resolves each exchange exactly, including when it reuses an earlier
 * resolution of the same request line. Facts from elastic/elasticsearch, literally:
 * RestAnalyzeAction serves `GET /_analyze` and reads the index from the `index` query parameter
 * when the path has none (`request.param("index")`), authorized as `indices:admin/analyze`
 * (AnalyzeAction.NAME); connectors list as 8.x `indices:data/read/xpack/connector/list` on
 * `.elastic-connectors-v1`, 9.x `cluster:admin/xpack/connector/list`.
 */
import { describe, expect, it } from 'vitest';
import { LearnRecorder } from '../../../src/core/learn/recorder.js';

const NOW = Date.UTC(2026, 5, 1);

/** Feeds (method, target, status, answer?) exchanges as the proxy does; returns the operations. */
function feed(recorder: LearnRecorder, ...exchanges: [string, string, number, string?][]) {
  for (const [method, target, status, answer] of exchanges) {
    const q = target.indexOf('?');
    const pending = recorder.begin({
      method,
      path: q === -1 ? target : target.slice(0, q),
      query: new URLSearchParams(q === -1 ? '' : target.slice(q + 1)),
    });
    if (answer !== undefined && pending.wantsResponse)
      pending.responseChunk(new TextEncoder().encode(answer));
    pending.finish(status, NOW);
  }
  return recorder.snapshot().operations.map((o) => [o.action, o.names, o.count]);
}

const root = (number: string) => JSON.stringify({ name: 'n1', version: { number } });

describe('the learn recorder resolves repeated request lines exactly', () => {
  it('an analyze request names the index of its query, each time', () => {
    expect(
      feed(
        new LearnRecorder(),
        ['GET', '/_analyze?index=logs', 200],
        ['GET', '/_analyze?index=logs', 200],
        ['GET', '/_analyze?index=metrics', 200],
      ),
    ).toEqual([
      ['indices:admin/analyze', ['logs'], 2],
      ['indices:admin/analyze', ['metrics'], 1],
    ]);
  });

  it('the same path resolves with the action names of the major in force at the time', () => {
    expect(
      feed(
        new LearnRecorder(),
        ['GET', '/_connector', 200],
        ['GET', '/', 200, root('8.19.3')],
        ['GET', '/_connector', 200],
        ['GET', '/_connector', 200],
      ),
    ).toEqual([
      ['cluster:admin/xpack/connector/list', [], 1],
      ['cluster:monitor/main', [], 1],
      ['indices:data/read/xpack/connector/list', ['.elastic-connectors-v1'], 2],
    ]);
  });

  it('a date-math name in the path resolves against the time of each exchange, never reused', () => {
    const recorder = new LearnRecorder();
    const path = '/%3Clogs-%7Bnow%2Fd%7D%3E/_search';
    recorder.begin({ method: 'GET', path, query: new URLSearchParams() }).finish(200, NOW);
    recorder.begin({ method: 'GET', path, query: new URLSearchParams() }).finish(200, NOW + 24 * 3600 * 1000);
    expect(recorder.snapshot().operations.map((o) => o.names)).toEqual([
      ['logs-2026.06.01'],
      ['logs-2026.06.02'],
    ]);
  });

  it('many distinct paths each resolve to their own index (the reuse is bounded, not lossy)', () => {
    const recorder = new LearnRecorder();
    const exchanges: [string, string, number][] = [];
    for (let i = 0; i < 20_000; i++) exchanges.push(['GET', `/books-${i % 5000}/_doc/${i}`, 200]);
    const ops = feed(recorder, ...exchanges);
    expect(ops).toHaveLength(5000);
    expect(ops.every(([, , count]) => count === 4)).toBe(true);
    expect(ops[0]).toEqual(['indices:data/read/get', ['books-0'], 4]);
  });
});
