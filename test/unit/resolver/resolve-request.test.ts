import { describe, expect, it } from 'vitest';
import {
  API_ACTIONS,
  REST_APIS,
  REST_SPEC_COMMIT,
  resolveDateMathName,
  resolveRequest,
} from '../../../src/core/resolver/index.js';
import { GOLDEN_REST_ACTIONS } from '../../fixtures/golden-rest-actions.js';

describe('resolveRequest against the golden table', () => {
  it.each(GOLDEN_REST_ACTIONS.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (_n, row) => {
    const r = resolveRequest({ method: row.method, path: row.path, ...(row.body ? { body: row.body } : {}) });
    expect(r?.api).toBe(row.api);
    expect(r?.action).toBe(row.action);
  });
});

describe('names a request asks for', () => {
  it('takes names from the path, never a leading-underscore API segment', () => {
    expect(resolveRequest({ method: 'GET', path: '/_license' })?.indices).toBeUndefined();
    expect(resolveRequest({ method: 'DELETE', path: '/logs-a,logs-b' })?.indices).toEqual([
      'logs-a',
      'logs-b',
    ]);
  });

  it('lists names per item for bulk, mget and msearch', () => {
    const bulk = resolveRequest({
      method: 'POST',
      path: '/dflt/_bulk',
      body: '{"index":{"_index":"a"}}\n{"x":1}\n{"delete":{"_id":"1"}}\n{"create":{"_index":"b","_id":"2"}}\n{"y":2}\n',
    });
    expect(bulk?.items).toEqual([['a'], ['dflt'], ['b']]);
    const mget = resolveRequest({
      method: 'POST',
      path: '/_mget',
      body: '{"docs":[{"_index":"a","_id":"1"},{"_index":"b","_id":"2"}]}',
    });
    expect(mget?.items).toEqual([['a'], ['b']]);
    const msearch = resolveRequest({
      method: 'POST',
      path: '/dflt/_msearch',
      body: '{"index":"a,b"}\n{}\n{}\n{}\n',
    });
    expect(msearch?.items).toEqual([['a', 'b'], ['dflt']]);
  });

  it('reads alias names from update-aliases and create-index bodies', () => {
    const update = resolveRequest({
      method: 'POST',
      path: '/_aliases',
      body: '{"actions":[{"add":{"index":"a","alias":"x"}},{"remove":{"indices":["b","c"],"aliases":["y"]}},{"remove_index":{"index":"d"}}]}',
    });
    expect(update?.aliasActions).toEqual([
      { kind: 'add', indices: ['a'], aliases: ['x'] },
      { kind: 'remove', indices: ['b', 'c'], aliases: ['y'] },
      { kind: 'remove_index', indices: ['d'], aliases: [] },
    ]);
    const create = resolveRequest({
      method: 'PUT',
      path: '/logs-1',
      body: '{"aliases":{"logs":{},"all-logs":{}}}',
    });
    expect(create?.aliases).toEqual(['logs', 'all-logs']);
  });

  it('resolves date-math names before they are authorized', () => {
    // 2026-03-17T10:00:00Z
    const now = Date.UTC(2026, 2, 17, 10, 0, 0);
    const r = resolveRequest({ method: 'PUT', path: `/${encodeURIComponent('<logs-{now/M}>')}`, now });
    expect(r?.indices).toEqual(['logs-2026.03.01']);
  });

  it('says so when an API has no verified action, with the documented privileges', () => {
    // (ml.explain_data_frame_analytics, then ingest.get_ip_location_database, were the example
    // until batches 4 and 5 of issue 12 verified them.)
    const r = resolveRequest({ method: 'PUT', path: '/_query/view/v1' });
    expect([r?.api, r?.action]).toEqual(['esql.put_view', undefined]);
    // specification/esql/put_view: @index_privileges create_view
    expect(r?.documented).toEqual({ cluster: [], index: ['create_view'] });
  });

  it('answers undefined for a path no API serves', () => {
    expect(resolveRequest({ method: 'GET', path: '/_nope/x/y/z' })).toBeUndefined();
  });
});

describe('date-math index names', () => {
  // 2026-03-17T10:20:30Z, a Tuesday
  const now = Date.UTC(2026, 2, 17, 10, 20, 30);
  it.each([
    ['<logs-{now/M}>', 'logs-2026.03.01'],
    ['<logs-{now/d}>', 'logs-2026.03.17'],
    ['<logs-{now/d-1d}>', 'logs-2026.03.16'],
    ['<logs-{now/M{yyyy.MM}}>', 'logs-2026.03'],
    ['<logs-{now/d{yyyy.MM.dd|+12:00}}>', 'logs-2026.03.17'],
    ['<logs-{now{yyyy.MM.dd.HH|+14:00}}>', 'logs-2026.03.18.00'],
    ['<static>', 'static'],
    ['plain', 'plain'],
  ])('%s → %s', (expr, expected) => {
    expect(resolveDateMathName(expr, now)).toBe(expected);
  });
});

describe('the generated route table', () => {
  it('names only APIs of the specification in the verified action table', () => {
    const names = new Set(REST_APIS.map((a) => a.name));
    expect([...API_ACTIONS.keys()].filter((api) => !names.has(api))).toEqual([]);
  });

  it('lists every API of the specification with its commit', () => {
    expect(REST_APIS.length).toBe(603);
    expect(REST_SPEC_COMMIT).toMatch(/^[0-9a-f]{40}$/);
  });
});
