import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOLDEN_REST_ACTIONS } from '../../fixtures/golden-rest-actions.js';
import { esError, expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

describe('the sandbox authorizes every request with the action Elasticsearch names', () => {
  it.each(
    GOLDEN_REST_ACTIONS.filter((r) => r.action !== undefined).map(
      (r) => [`${r.method} ${r.path}`, r] as const,
    ),
  )('%s without privileges: 403 naming the action', async (_n, row) => {
    const none = await tc.apiKey({});
    const r = await esError(() =>
      none.client.transport.request({
        method: row.method,
        path: row.path,
        ...(row.query ? { querystring: row.query } : {}),
        ...(row.body
          ? {
              bulkBody: row.body
                .split('\n')
                .filter((l) => l !== '')
                .map((l) => JSON.parse(l)),
            }
          : {}),
      }),
    );
    expect(r.status).toBe(403);
    expect(r.body.error.type).toBe('security_exception');
    expect(r.body.error.reason).toMatch(
      new RegExp(
        `^action \\[${row.action!.replace(/[[\]/]/g, '\\$&')}\\] is unauthorized for API key id \\[`,
      ),
    );
  });
});

describe('underscore endpoints are never index names', () => {
  it('GET /_license with monitor: authorized as the license API (not indices:admin/get)', async () => {
    const monitor = await tc.apiKey({ cluster: ['monitor'] });
    expect((await monitor.client.license.get()).license.type).toBe('trial');
  });

  it('an API the sandbox does not emulate answers the not-emulated 400', async () => {
    await expectError(
      () => tc.admin.cat.shards(),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [cat.shards]',
    );
  });
});

describe('order of checks as in Elasticsearch', () => {
  it('DELETE /logs-*: the destructive-names 400 comes first; without it, 403 before expansion', async () => {
    // SecurityActionFilter.applyInternal runs DestructiveOperations.failDestructive for
    // delete/open/close index before authorizing (docs/es-facts.md).
    const reader = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['read'] }] });
    await expectError(
      () => reader.client.indices.delete({ index: 'logs-*' }),
      400,
      'illegal_argument_exception',
      'Wildcard expressions or all indices are not allowed',
    );
    await tc.admin.cluster.putSettings({ persistent: { 'action.destructive_requires_name': false } });
    try {
      await expectError(
        () => reader.client.indices.delete({ index: 'logs-*' }),
        403,
        'security_exception',
        `action [indices:admin/delete] is unauthorized for API key id [${reader.id}] of user [elastic] on indices [logs-*], this action is granted by the index privileges [delete_index,manage,all]`,
      );
    } finally {
      await tc.admin.cluster.putSettings({ persistent: { 'action.destructive_requires_name': null } });
    }
  });

  it('date-math names are resolved before authorization', async () => {
    tc.clock.now = Date.UTC(2026, 2, 17, 10, 0, 0);
    const creator = await tc.apiKey({
      indices: [{ names: ['logs-2026.03.01'], privileges: ['create_index'] }],
    });
    await creator.client.indices.create({ index: '<logs-{now/M}>' });
    expect(await tc.admin.indices.exists({ index: 'logs-2026.03.01' })).toBe(true);
    const other = await tc.apiKey({ indices: [{ names: ['other'], privileges: ['create_index'] }] });
    await expectError(
      () => other.client.indices.create({ index: '<logs-{now/d}>' }),
      403,
      'security_exception',
      `action [indices:admin/create] is unauthorized for API key id [${other.id}] of user [elastic] on indices [logs-2026.03.17], this action is granted by the index privileges [create_index,manage,all]`,
    );
  });
});

describe('bulk items name indices with date math', () => {
  it('resolves each item name before authorizing and creating it', async () => {
    tc.clock.now = Date.UTC(2026, 2, 17, 10, 0, 0);
    const key = await tc.apiKey({
      indices: [{ names: ['metrics-2026.03.17'], privileges: ['create_doc', 'create_index'] }],
    });
    const res = await key.client.bulk({
      operations: [{ create: { _index: '<metrics-{now/d}>' } }, { a: 1 }],
    });
    expect(res.items.map((i) => [i.create?.status, i.create?._index])).toEqual([[201, 'metrics-2026.03.17']]);
  });
});

describe('multi get and multi search items name indices with date math', () => {
  // IndexNameExpressionResolver resolves the date math of each MultiGetRequest item and of each
  // search of a MultiSearchRequest before the item is authorized and run, as for bulk items;
  // the answers name the concrete index.
  it('resolves each item name before authorizing and reading it', async () => {
    tc.clock.now = Date.UTC(2026, 2, 17, 10, 0, 0);
    await tc.admin.index({ index: 'events-2026.03.17', id: '1', document: { a: 1 }, refresh: true });
    const key = await tc.apiKey({ indices: [{ names: ['events-2026.03.17'], privileges: ['read'] }] });
    const got = await key.client.mget({ docs: [{ _index: '<events-{now/d}>', _id: '1' }] });
    expect(got.docs.map((d) => [d._index, 'found' in d ? d.found : undefined])).toEqual([
      ['events-2026.03.17', true],
    ]);
    const found = await key.client.msearch({ searches: [{ index: '<events-{now/d}>' }, {}] });
    const [first] = found.responses as { hits: { hits: { _index: string }[] } }[];
    expect(first!.hits.hits.map((h) => h._index)).toEqual(['events-2026.03.17']);
  });
});

describe('shard-level bulk authorization', () => {
  // BulkShardRequest.indices() returns every item name (aliases included) and
  // AuthorizationService authorizes indices:data/write/bulk[s] against all of them (docs/es-facts.md).
  it('items reaching one write index through a read-only and a writable alias both fail', async () => {
    await tc.admin.indices.create({
      index: 'shared-1',
      aliases: { 'shared-w': { is_write_index: true }, 'shared-r': {} },
    });
    const key = await tc.apiKey({
      indices: [
        { names: ['shared-w'], privileges: ['write'] },
        { names: ['shared-r'], privileges: ['read'] },
      ],
    });
    const res = await key.client.bulk({
      operations: [{ index: { _index: 'shared-w' } }, { a: 1 }, { index: { _index: 'shared-r' } }, { a: 2 }],
    });
    expect(res.errors).toBe(true);
    const reason = `action [indices:data/write/bulk[s]] is unauthorized for API key id [${key.id}] of user [elastic] on indices [shared-r], this action is granted by the index privileges [create_doc,create,delete,index,write,all]`;
    expect(res.items.map((i) => [i.index?.status, i.index?.error?.reason])).toEqual([
      [403, reason],
      [403, reason],
    ]);
    // Alone, the writable alias is enough.
    const alone = await key.client.bulk({ operations: [{ index: { _index: 'shared-w' } }, { a: 3 }] });
    expect(alone.errors).toBe(false);
  });
});
