/**
 * `eskeys learn` records the action names of the upstream's Elasticsearch major, which the proxy
 * learns from a root answer (`GET /`). Connector facts from elastic/elasticsearch, literally:
 * 8.x ListConnectorAction.NAME `indices:data/read/xpack/connector/list` on the connector index
 * `.elastic-connectors-v1` (ConnectorActionRequest.indices()); 9.x
 * `cluster:admin/xpack/connector/list`.
 */
import { describe, expect, it } from 'vitest';
import { LearnRecorder, majorOfRootAnswer } from '../../../src/core/learn/recorder.js';

const NOW = Date.UTC(2026, 5, 1);

/** Feeds (method, path, status, answer?) exchanges to `recorder` as the proxy would. */
function feed(recorder: LearnRecorder, ...exchanges: [string, string, number, string?][]) {
  for (const [method, path, status, answer] of exchanges) {
    const pending = recorder.begin({ method, path, query: new URLSearchParams() });
    if (answer !== undefined && pending.wantsResponse) {
      const bytes = new TextEncoder().encode(answer);
      for (let i = 0; i < bytes.length; i += 9) pending.responseChunk(bytes.subarray(i, i + 9));
    }
    pending.finish(status, NOW);
  }
  return recorder.snapshot();
}

const root = (number: string) =>
  JSON.stringify({ name: 'n1', cluster_name: 'c', version: { number, build_flavor: 'default' } });

describe('the learn recorder resolves actions for the upstream major', () => {
  it('after a root answer of 8.19.3 a connector list is the 8.x index action on the connector index', () => {
    const obs = feed(new LearnRecorder(), ['GET', '/', 200, root('8.19.3')], ['GET', '/_connector', 200]);
    expect(obs.operations.map((o) => [o.action, o.scope, o.names])).toEqual([
      ['cluster:monitor/main', 'cluster', []],
      ['indices:data/read/xpack/connector/list', 'index', ['.elastic-connectors-v1']],
    ]);
  });

  it('without a root answer the newest major (9.x) names are recorded', () => {
    const obs = feed(new LearnRecorder(), ['GET', '/_connector', 200]);
    expect(obs.operations.map((o) => [o.action, o.scope, o.names])).toEqual([
      ['cluster:admin/xpack/connector/list', 'cluster', []],
    ]);
  });

  it('a major given at the start is used until a root answer says otherwise', () => {
    const recorder = new LearnRecorder({ major: 8 });
    expect(recorder.upstreamMajor()).toBe(8);
    feed(recorder, ['GET', '/', 200, root('9.1.4')]);
    expect(recorder.upstreamMajor()).toBe(9);
    // A refused or unparsable root answer changes nothing.
    feed(recorder, ['GET', '/', 401, root('8.19.3')], ['GET', '/', 200, 'not json']);
    expect(recorder.upstreamMajor()).toBe(9);
  });

  it.each([
    [root('8.19.3'), 8],
    [root('9.1.4'), 9],
    [root('10.0.0-SNAPSHOT'), 10],
    ['{"version":{}}', undefined],
    ['{"version":{"number":"x"}}', undefined],
    ['[]', undefined],
    ['', undefined],
  ])('majorOfRootAnswer(%s) is %s', (body, major) => {
    expect(majorOfRootAnswer(body)).toBe(major);
  });
});
