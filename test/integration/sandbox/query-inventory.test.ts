/**
 * The query API as `eskeys inventory` reads it: keys of several owners (the reserved `elastic`
 * user and native users), with and without role descriptors, expired and invalidated ones,
 * `with_limited_by`, `_sort` and search_after paging over a tie-broken sort. Facts:
 * docs/es-facts.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsCluster } from '../../../src/adapters/es/es-cluster.js';
import type { ApiKeyInfo } from '../../../src/core/cluster-port.js';
import { Secret } from '../../../src/core/secret.js';
import { type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
const ids: Record<string, string> = {};
const ALICE_ROLE = {
  cluster: ['monitor', 'manage_own_api_key'],
  indices: [{ names: ['logs-*'], privileges: ['read', 'view_index_metadata'] }],
};

beforeAll(async () => {
  tc = await startTestCluster();
  const alice = await tc.userWithRole('alice', ALICE_ROLE);
  tc.clock.advance(1000);
  ids.aliceInherits = (
    await alice.security.createApiKey({ name: 'alice-inherits', metadata: { team: 'obs' } })
  ).id;
  tc.clock.advance(1000);
  ids.aliceScoped = (
    await alice.security.createApiKey({
      name: 'alice-scoped',
      expiration: '1d',
      role_descriptors: { reader: { indices: [{ names: ['logs-app'], privileges: ['read'] }] } },
    })
  ).id;
  tc.clock.advance(1000);
  // Two keys created in the same millisecond with the same name: only _doc tells them apart.
  ids.twinA = (await tc.admin.security.createApiKey({ name: 'twin' })).id;
  ids.twinB = (await tc.admin.security.createApiKey({ name: 'twin' })).id;
  tc.clock.advance(1000);
  ids.expired = (await tc.admin.security.createApiKey({ name: 'short-lived', expiration: '1s' })).id;
  tc.clock.advance(1000);
  ids.revoked = (await tc.admin.security.createApiKey({ name: 'revoked' })).id;
  await tc.admin.security.invalidateApiKey({ ids: [ids.revoked!] });
  tc.clock.advance(5000);
});
afterAll(() => tc.close());

const query = (body: Record<string, unknown>, withLimitedBy = false): Promise<Json> =>
  tc.admin.transport.request({
    method: 'POST',
    path: '/_security/_query/api_key',
    ...(withLimitedBy ? { querystring: { with_limited_by: 'true' } } : {}),
    body,
  });

describe('query API keys of several owners', () => {
  it('shows every owner, realm and realm type to an admin with manage_security', async () => {
    const r = await query({ sort: ['name'], size: 100 });
    const byName = (n: string) => r.api_keys.filter((k: Json) => k.name === n);
    expect(r.total).toBe(6);
    expect(byName('alice-inherits')[0]).toMatchObject({
      username: 'alice',
      realm: 'default_native',
      realm_type: 'native',
      metadata: { team: 'obs' },
      role_descriptors: {},
      invalidated: false,
    });
    expect(byName('alice-inherits')[0]).not.toHaveProperty('expiration');
    expect(byName('twin')[0]).toMatchObject({
      username: 'elastic',
      realm: 'reserved',
      realm_type: 'reserved',
    });
    expect(byName('revoked')[0]).toMatchObject({ invalidated: true, invalidation: expect.any(Number) });
    const expired = byName('short-lived')[0];
    expect(expired.invalidated).toBe(false);
    expect(expired.expiration).toBe(expired.creation + 1000);
    // No limited_by unless asked.
    for (const k of r.api_keys) expect(k).not.toHaveProperty('limited_by');
  });

  it('returns the owner snapshot with with_limited_by: the role content under the role name', async () => {
    const r = await query({ query: { term: { username: 'alice' } }, sort: ['name'] }, true);
    expect(r.api_keys.map((k: Json) => k.name)).toEqual(['alice-inherits', 'alice-scoped']);
    for (const k of r.api_keys) {
      expect(k.limited_by).toHaveLength(1);
      expect(k.limited_by[0]).toEqual({
        alice_role: {
          cluster: ['monitor', 'manage_own_api_key'],
          indices: [
            {
              names: ['logs-*'],
              privileges: ['read', 'view_index_metadata'],
              allow_restricted_indices: false,
            },
          ],
          applications: [],
          run_as: [],
          metadata: {},
          transient_metadata: { enabled: true },
        },
      });
    }
    expect(r.api_keys[1].role_descriptors.reader.indices[0].names).toEqual(['logs-app']);
  });

  it('keeps the snapshot taken at creation when the owner role changes later', async () => {
    await tc.admin.security.putRole({ name: 'alice_role', cluster: ['all'] });
    const r = await query({ query: { ids: { values: [ids.aliceInherits!] } } }, true);
    expect(r.api_keys[0].limited_by[0].alice_role.cluster).toEqual(['monitor', 'manage_own_api_key']);
    await tc.admin.security.putRole({ name: 'alice_role', ...ALICE_ROLE });
  });

  it('filters valid keys with invalidated=false and an expiration range or none', async () => {
    const now = tc.clock.now;
    const r = await query({
      size: 100,
      sort: ['name'],
      query: {
        bool: {
          filter: [{ term: { invalidated: false } }],
          should: [
            { range: { expiration: { gt: now } } },
            { bool: { must_not: [{ exists: { field: 'expiration' } }] } },
          ],
          minimum_should_match: 1,
        },
      },
    });
    expect(r.api_keys.map((k: Json) => k.name)).toEqual(['alice-inherits', 'alice-scoped', 'twin', 'twin']);
  });

  it('pages with search_after over creation, name and _doc without losing same-millisecond twins', async () => {
    const seen: string[] = [];
    let after: unknown[] | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await query({
        size: 2,
        sort: [{ creation: 'asc' }, { name: 'asc' }, '_doc'],
        ...(after ? { search_after: after } : {}),
      });
      for (const k of r.api_keys) {
        expect(k._sort).toEqual([k.creation, k.name, expect.any(Number)]);
        seen.push(k.id);
      }
      if (r.api_keys.length < 2) break;
      after = r.api_keys.at(-1)._sort;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect(seen).toContain(ids.twinA);
    expect(seen).toContain(ids.twinB);
  });

  it('filters a manage_own_api_key caller to its own keys, with no error', async () => {
    const alice = tc.clientFor({ username: 'alice', password: 'password1' });
    const r = (await alice.transport.request({
      method: 'POST',
      path: '/_security/_query/api_key',
      body: { size: 100 },
    })) as Json;
    expect(r.total).toBe(2);
    expect(new Set(r.api_keys.map((k: Json) => k.username))).toEqual(new Set(['alice']));
  });
});

describe('the ES adapter over the query API', () => {
  it('maps type, realm type and limited_by into ApiKeyInfo', async () => {
    const cluster = createEsCluster(
      {
        url: tc.sandbox.url,
        auth: { kind: 'basic', username: 'elastic', password: new Secret(tc.sandbox.password) },
        insecure: false,
        sources: {},
      },
      { retry: { retries: 0 } },
    );
    try {
      const page = await cluster.queryApiKeys({
        query: { term: { username: 'alice' } },
        withLimitedBy: true,
      });
      const inherits = page.keys.find((k) => k.id === ids.aliceInherits) as ApiKeyInfo;
      expect(inherits).toMatchObject({ type: 'rest', realm: 'default_native', realmType: 'native' });
      expect(inherits.roleDescriptors).toEqual({});
      expect(Object.keys(inherits.limitedBy ?? {})).toEqual(['alice_role']);
      const without = await cluster.queryApiKeys({ query: { term: { username: 'alice' } } });
      expect(without.keys[0]!.limitedBy).toBeUndefined();
    } finally {
      await cluster.close();
    }
  });
});

describe('before 8.5 (8.4.3 profile)', () => {
  it('the query API knows no with_limited_by and returns no role_descriptors', async () => {
    const old = await startTestCluster({ version: '8.4.3' });
    const cluster = createEsCluster(
      {
        url: old.sandbox.url,
        auth: { kind: 'basic', username: 'elastic', password: new Secret(old.sandbox.password) },
        insecure: false,
        sources: {},
      },
      { retry: { retries: 0 } },
    );
    try {
      await old.admin.security.createApiKey({
        name: 'scoped',
        role_descriptors: { r: { cluster: ['monitor'] } },
      });
      await old.admin.security.createApiKey({ name: 'inherits' });
      await expect(
        old.admin.transport.request({
          method: 'POST',
          path: '/_security/_query/api_key',
          querystring: { with_limited_by: 'true' },
          body: {},
        }),
      ).rejects.toMatchObject({
        meta: {
          statusCode: 400,
          body: {
            error: {
              type: 'illegal_argument_exception',
              reason:
                'request [/_security/_query/api_key] contains unrecognized parameter: [with_limited_by]',
            },
          },
        },
      });
      const r = (await old.admin.transport.request({
        method: 'POST',
        path: '/_security/_query/api_key',
        body: {},
      })) as Json;
      expect(r.api_keys).toHaveLength(2);
      for (const k of r.api_keys) expect(Object.keys(k)).not.toContain('role_descriptors');
      const page = await cluster.queryApiKeys({});
      expect(page.keys.map((k) => k.roleDescriptors)).toEqual([undefined, undefined]);
    } finally {
      await cluster.close();
      await old.close();
    }
  });
});
