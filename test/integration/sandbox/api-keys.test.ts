import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

const UNAUTHENTICATED =
  'unable to authenticate with provided credentials and anonymous access is not allowed for this request';

describe('create API key', () => {
  it('returns id, name, expiration (creation + whole seconds), api_key and encoded', async () => {
    const before = tc.clock.now;
    const res = await tc.admin.security.createApiKey({ name: 'svc', expiration: '1500ms' });
    expect(Object.keys(res)).toEqual(['id', 'name', 'expiration', 'api_key', 'encoded']);
    expect(res.id).toHaveLength(20);
    expect(res.expiration).toBe(before + 1000);
    expect(res.encoded).toBe(Buffer.from(`${res.id}:${res.api_key}`).toString('base64'));
  });

  it('omits expiration when none is given', async () => {
    const res = await tc.admin.security.createApiKey({ name: 'forever' });
    expect(res).not.toHaveProperty('expiration');
  });

  it('accepts 0 and -1, producing an already-expired key', async () => {
    const res = await tc.admin.security.createApiKey({ name: 'zero', expiration: '0' });
    expect(res.expiration).toBe(tc.clock.now);
    const err = await esError(() => tc.clientFor({ apiKey: res.encoded }).security.authenticate());
    expect(err.status).toBe(401);
    expect(err.body.error.additional_unsuccessful_credentials).toBe('API key: api key is expired');
  });

  it.each([
    [
      '5x',
      'failed to parse setting [expiration] with value [5x] as a time value: unit is missing or unrecognized',
    ],
    [
      '-2d',
      'failed to parse setting [expiration] with value [-2d] as a time value: negative durations are not supported',
    ],
    ['1.5d', 'failed to parse [1.5d], fractional time values are not supported'],
    [
      '1M',
      'failed to parse setting [expiration] with value [1M] as a time value: unit is missing or unrecognized',
    ],
    ['abcd', 'failed to parse [abcd]'],
  ])('rejects expiration %s as ES does', async (expiration, cause) => {
    const err = await expectError(
      () => tc.admin.security.createApiKey({ name: 'bad', expiration }),
      400,
      'x_content_parse_exception',
      /^\[1:\d+\] Failed to build \[api_key_request\] after last required field arrived$/,
    );
    expect(err.caused_by.type).toBe('illegal_argument_exception');
    expect(err.caused_by.reason).toBe(cause);
  });

  it('accepts case-insensitive units except M, and a space before the unit', async () => {
    const res = await tc.admin.security.createApiKey({ name: 'spaced', expiration: '1 D' });
    expect(res.expiration).toBe(tc.clock.now + 86_400_000);
  });

  it('nests the failure under the last field when all four fields are present', async () => {
    const err = await expectError(
      () =>
        tc.admin.security.createApiKey({ name: 'n', role_descriptors: {}, expiration: '5x', metadata: {} }),
      400,
      'x_content_parse_exception',
      /^\[1:\d+\] \[api_key_request\] failed to parse field \[metadata\]$/,
    );
    expect(err.caused_by.reason).toMatch(
      /Failed to build \[api_key_request\] after last required field arrived/,
    );
    expect(err.caused_by.caused_by.type).toBe('illegal_argument_exception');
  });

  it('rejects unknown body fields with their position', async () => {
    const r = await esError(() =>
      tc.admin.transport.request({ method: 'POST', path: '/_security/api_key', body: { name: 'x', foo: 1 } }),
    );
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe('x_content_parse_exception');
    expect(r.body.error.reason).toBe('[1:13] [api_key_request] unknown field [foo]');
  });

  it('requires a name', async () => {
    await expectError(
      () => tc.admin.transport.request({ method: 'POST', path: '/_security/api_key', body: {} }),
      400,
      'illegal_argument_exception',
      'Required [name]',
    );
  });

  it('validates name and metadata with numbered reasons', async () => {
    await expectError(
      () => tc.admin.security.createApiKey({ name: ' _x', metadata: { _secret: 1 } }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: api key name may not begin or end with whitespace;2: API key metadata keys may not start with [_];',
    );
    await expectError(
      () => tc.admin.security.createApiKey({ name: '' }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: api key name is required;',
    );
    await expectError(
      () => tc.admin.security.createApiKey({ name: '_hidden' }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: api key name may not begin with an underscore;',
    );
    await expectError(
      () => tc.admin.security.createApiKey({ name: 'x'.repeat(257) }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: api key name may not be more than 256 characters long;',
    );
  });

  it('validates role descriptors like roles', async () => {
    const err = await expectError(
      () =>
        tc.admin.security.createApiKey({
          name: 'bad-rd',
          role_descriptors: {
            r: {
              cluster: ['foo'],
              indices: [{ names: ['/logs'], privileges: ['bar'] }],
              metadata: { _x: 1 },
            },
          },
        }),
      400,
      'action_request_validation_exception',
    );
    expect(err.reason).toMatch(
      /^Validation Failed: 1: unknown cluster privilege \[foo\]\. a privilege must be/,
    );
    expect(err.reason).toContain(
      ';2: unknown index privilege [bar]. a privilege must be either one of the predefined fixed indices privileges [',
    );
    expect(err.reason).toContain(
      "3: invalid pattern [/logs]. patterns starting with '/' indicate regular expression pattern and therefore must also end with '/'.",
    );
    expect(err.reason).toContain('4: role descriptor metadata keys may not start with [_];');
  });

  it('wraps role descriptor parse errors under the role_descriptors field', async () => {
    const err = await expectError(
      () =>
        tc.admin.security.createApiKey({
          name: 'parse',
          role_descriptors: { r: { indices: [{ privileges: ['read'] }] } },
        } as never),
      400,
      'x_content_parse_exception',
      /^\[1:\d+\] \[api_key_request\] failed to parse field \[role_descriptors\]$/,
    );
    expect(err.caused_by).toEqual({
      type: 'parse_exception',
      reason: 'failed to parse indices privileges for role [r]. missing required [names] field',
    });
    await expectError(
      () => tc.admin.transport.request({ method: 'PUT', path: '/_security/role/odd', body: { foo: 1 } }),
      400,
      'parse_exception',
      'failed to parse role [odd]. unexpected field [foo]',
    );
  });

  it('applies the derived-key rule to API-key callers', async () => {
    const { client } = await tc.apiKey({ cluster: ['manage_own_api_key'] });
    const reason =
      'creating derived api keys requires an explicit role descriptor that is empty (has no privileges)';
    await expectError(
      () => client.security.createApiKey({ name: 'd1' }),
      400,
      'illegal_argument_exception',
      reason,
    );
    await expectError(
      () => client.security.createApiKey({ name: 'd2', role_descriptors: { r: { cluster: ['monitor'] } } }),
      400,
      'illegal_argument_exception',
      reason,
    );
    const derived = await client.security.createApiKey({ name: 'd3', role_descriptors: { noop: {} } });
    const dc = tc.clientFor({ apiKey: derived.encoded });
    const me = await dc.security.authenticate();
    expect(me.api_key?.id).toBe(derived.id);
    await expectError(() => dc.cluster.health(), 403, 'security_exception');
  });

  it('needs manage_own_api_key or higher; manage is not enough', async () => {
    const manager = await tc.userWithRole('manager', { cluster: ['manage'] });
    await expectError(
      () => manager.security.createApiKey({ name: 'm' }),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/api_key/create] is unauthorized for user [manager] with effective roles [manager_role], this action is granted by the cluster privileges [manage_own_api_key,manage_api_key,manage_security,all]',
    );
  });
});

describe('API key authentication', () => {
  it('authenticates and reports the owner with no roles', async () => {
    const { id, client } = await tc.apiKey({ cluster: ['monitor'] });
    const me = await client.security.authenticate();
    expect(me).toMatchObject({
      username: 'elastic',
      roles: [],
      authentication_realm: { name: '_es_api_key', type: '_es_api_key' },
      lookup_realm: { name: '_es_api_key', type: '_es_api_key' },
      authentication_type: 'api_key',
      api_key: { id, name: expect.any(String) },
    });
  });

  it('checks unknown → invalidated → secret → expired in that order', async () => {
    const key = await tc.admin.security.createApiKey({ name: 'order', expiration: '1d' });
    const encode = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');
    const outcome = async (apiKey: string) => {
      const r = await esError(() => tc.clientFor({ apiKey }).security.authenticate());
      expect(r.status).toBe(401);
      expect(r.body.error.type).toBe('security_exception');
      expect(r.body.error.reason).toBe(UNAUTHENTICATED);
      expect([r.headers['www-authenticate']].flat().join(', ')).toBe(
        'Basic realm="security", charset="UTF-8", ApiKey',
      );
      return r.body.error.additional_unsuccessful_credentials;
    };
    expect(await outcome(encode('nope', 'x'))).toBe('API key: unable to find apikey with id nope');
    expect(await outcome(encode(key.id, 'wrong'))).toBe(
      `API key: invalid credentials for API key [${key.id}]`,
    );
    expect(await outcome('not base64_')).toBe('API key: Illegal base64 character 20');
    expect(await outcome(Buffer.from('nocolon').toString('base64'))).toBe('API key: invalid ApiKey value');
    tc.clock.advance(86_400_000 + 1);
    expect(await outcome(key.encoded)).toBe('API key: api key is expired');
    expect(await outcome(encode(key.id, 'wrong'))).toBe(
      `API key: invalid credentials for API key [${key.id}]`,
    );
    await tc.admin.security.invalidateApiKey({ ids: [key.id] });
    expect(await outcome(encode(key.id, 'wrong'))).toBe(`API key: api key [${key.id}] has been invalidated`);
  });

  it('refuses a key at its next request once it is invalidated, expired or narrowed, however often it authenticated', async () => {
    // The sandbox caches a verified secret (as ApiKeyService's ssha256 cache does) and each key's
    // permission per version: none of that may outlive an invalidation, an expiry or an update.
    const invalidated = await tc.admin.security.createApiKey({ name: 'cached-invalidated' });
    const expiring = await tc.admin.security.createApiKey({ name: 'cached-expiring', expiration: '1h' });
    const narrowed = await tc.admin.security.createApiKey({
      name: 'cached-narrowed',
      role_descriptors: { r: { cluster: ['monitor'] } },
    });
    for (const k of [invalidated, expiring, narrowed]) {
      for (let i = 0; i < 2; i++) {
        const me = await tc.clientFor({ apiKey: k.encoded }).security.authenticate();
        expect(me.api_key?.id).toBe(k.id);
      }
    }
    expect((await tc.clientFor({ apiKey: narrowed.encoded }).cluster.health()).status).toBe('green');
    const refusal = async (encoded: string) => {
      const r = await esError(() => tc.clientFor({ apiKey: encoded }).security.authenticate());
      expect(r.status).toBe(401);
      return r.body.error.additional_unsuccessful_credentials;
    };

    await tc.admin.security.invalidateApiKey({ ids: [invalidated.id] });
    expect(await refusal(invalidated.encoded)).toBe(
      `API key: api key [${invalidated.id}] has been invalidated`,
    );

    await tc.admin.security.updateApiKey({ id: narrowed.id, role_descriptors: { r: { cluster: [] } } });
    await expectError(
      () => tc.clientFor({ apiKey: narrowed.encoded }).cluster.health(),
      403,
      'security_exception',
      `action [cluster:monitor/health] is unauthorized for API key id [${narrowed.id}] of user [elastic], this action is granted by the cluster privileges [monitor,manage,all]`,
    );

    tc.clock.advance(3_600_000 + 1);
    expect(await refusal(expiring.encoded)).toBe('API key: api key is expired');
  });

  it('treats the ApiKey scheme case-insensitively', async () => {
    const key = await tc.admin.security.createApiKey({ name: 'scheme' });
    const res = await fetch(`${tc.sandbox.url}/_security/_authenticate`, {
      headers: { authorization: `APIKEY ${key.encoded}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('get API keys', () => {
  it('returns 404 with an empty list for an unknown id', async () => {
    const r = await esError(() => tc.admin.security.getApiKey({ id: 'does-not-exist' }));
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ api_keys: [] });
  });

  it('renders every field in order, limited_by on request', async () => {
    const k = await tc.admin.security.createApiKey({
      name: 'render',
      expiration: '1h',
      metadata: { team: 'a' },
      role_descriptors: { r: { indices: [{ names: ['x'], privileges: ['read'] }] } },
    });
    const { api_keys } = await tc.admin.security.getApiKey({ id: k.id, with_limited_by: true });
    const key = api_keys[0]!;
    expect(Object.keys(key)).toEqual([
      'id',
      'name',
      'type',
      'creation',
      'expiration',
      'invalidated',
      'username',
      'realm',
      'realm_type',
      'metadata',
      'role_descriptors',
      'limited_by',
    ]);
    expect(key.realm).toBe('reserved');
    expect(key.role_descriptors).toEqual({
      r: {
        cluster: [],
        indices: [{ names: ['x'], privileges: ['read'], allow_restricted_indices: false }],
        applications: [],
        run_as: [],
        metadata: {},
        transient_metadata: { enabled: true },
      },
    });
    expect(key.limited_by![0]).toHaveProperty('superuser');
  });

  it('validates parameter combinations', async () => {
    await expectError(
      () => tc.admin.security.getApiKey({ id: 'a', name: 'b' }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: only one of [api key id, api key name] can be specified;',
    );
    await expectError(
      () => tc.admin.security.getApiKey({ owner: true, username: 'x' }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: neither username nor realm-name may be specified when retrieving owned API keys;',
    );
    await expectError(
      () => tc.admin.security.getApiKey({ id: 'a', username: 'x' }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: username or realm name must not be specified when the api key id or api key name is specified;',
    );
  });

  it('filters by name prefix and active_only', async () => {
    await tc.admin.security.createApiKey({ name: 'prefix-a' });
    const b = await tc.admin.security.createApiKey({ name: 'prefix-b' });
    await tc.admin.security.invalidateApiKey({ ids: [b.id] });
    const all = await tc.admin.security.getApiKey({ name: 'prefix-*' });
    expect(all.api_keys.map((k) => k.name).sort()).toEqual(['prefix-a', 'prefix-b']);
    const active = await tc.admin.security.getApiKey({ name: 'prefix-*', active_only: true });
    expect(active.api_keys.map((k) => k.name)).toEqual(['prefix-a']);
    const inv = all.api_keys.find((k) => k.name === 'prefix-b')!;
    expect(inv.invalidated).toBe(true);
    expect(inv.invalidation).toBe(tc.clock.now);
  });

  it('lets a key read its own info with no privileges, but not with_limited_by', async () => {
    const { id, client } = await tc.apiKey({});
    const own = await client.security.getApiKey({ id });
    expect(own.api_keys[0]!.id).toBe(id);
    await expectError(
      () => client.security.getApiKey({ id, with_limited_by: true }),
      403,
      'security_exception',
      `action [cluster:admin/xpack/security/api_key/get] is unauthorized for API key id [${id}] of user [elastic], this action is granted by the cluster privileges [read_security,manage_api_key,manage_security,all]`,
    );
  });

  it('manage_own_api_key: owner=true works, an unscoped GET is 403', async () => {
    const own = await tc.userWithRole('owner1', { cluster: ['manage_own_api_key'] });
    await own.security.createApiKey({ name: 'mine' });
    const res = await own.security.getApiKey({ owner: true });
    expect(res.api_keys.map((k) => k.name)).toEqual(['mine']);
    await expectError(
      () => own.security.getApiKey(),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/api_key/get] is unauthorized for user [owner1] with effective roles [owner1_role], this action is granted by the cluster privileges [read_security,manage_api_key,manage_security,all]',
    );
    const byRealm = await own.security.getApiKey({ username: 'owner1', realm_name: 'default_native' });
    expect(byRealm.api_keys).toHaveLength(1);
  });
});

describe('invalidate API keys', () => {
  it('invalidates by id, never 404s, and does not report already-invalidated keys', async () => {
    const k = await tc.admin.security.createApiKey({ name: 'inv' });
    expect(await tc.admin.security.invalidateApiKey({ ids: [k.id] })).toEqual({
      invalidated_api_keys: [k.id],
      previously_invalidated_api_keys: [],
      error_count: 0,
    });
    expect(await tc.admin.security.invalidateApiKey({ ids: [k.id] })).toEqual({
      invalidated_api_keys: [],
      previously_invalidated_api_keys: [],
      error_count: 0,
    });
    expect(await tc.admin.security.invalidateApiKey({ ids: ['unknown'] })).toMatchObject({
      invalidated_api_keys: [],
    });
  });

  it('invalidates by name, username and realm', async () => {
    await tc.admin.security.createApiKey({ name: 'bulk-inv-1' });
    await tc.admin.security.createApiKey({ name: 'bulk-inv-2' });
    const r = await tc.admin.security.invalidateApiKey({ name: 'bulk-inv-*' });
    expect(r.invalidated_api_keys).toHaveLength(2);
    const u = await tc.userWithRole('inv_user', { cluster: ['manage_own_api_key'] });
    await u.security.createApiKey({ name: 'u1' });
    const byUser = await tc.admin.security.invalidateApiKey({ username: 'inv_user' });
    expect(byUser.invalidated_api_keys).toHaveLength(1);
    const byRealm = await tc.admin.security.invalidateApiKey({ realm_name: 'default_native' });
    expect(byRealm.error_count).toBe(0);
  });

  it('validates the request', async () => {
    await expectError(
      () => tc.admin.security.invalidateApiKey({}),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;',
    );
    await expectError(
      () => tc.admin.security.invalidateApiKey({ ids: [] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: Field [ids] cannot be an empty array;',
    );
    await expectError(
      () => tc.admin.security.invalidateApiKey({ ids: ['a', ' '] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: Field [ids] must not contain blank id, but got blank id at index position: [1];',
    );
    await expectError(
      () => tc.admin.security.invalidateApiKey({ ids: ['a'], name: 'b' }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: only one of [api key id(s), api key name] can be specified;',
    );
  });

  it('the remover deletes keys invalidated or expired beyond the retention period, on a later invalidation', async () => {
    const old = await tc.admin.security.createApiKey({ name: 'retained', expiration: '1h' });
    await tc.admin.security.invalidateApiKey({ ids: [old.id] });
    tc.clock.advance(8 * 86_400_000);
    expect((await tc.admin.security.getApiKey({ id: old.id })).api_keys).toHaveLength(1);
    const trigger = await tc.admin.security.createApiKey({ name: 'trigger' });
    await tc.admin.security.invalidateApiKey({ ids: [trigger.id] });
    const gone = await esError(() => tc.admin.security.getApiKey({ id: old.id }));
    expect(gone.status).toBe(404);
  });

  it('manage_own_api_key cannot invalidate other users keys', async () => {
    const u = await tc.userWithRole('inv_own', { cluster: ['manage_own_api_key'] });
    await expectError(
      () => u.security.invalidateApiKey({ username: 'elastic' }),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for user [inv_own] with effective roles [inv_own_role], this action is granted by the cluster privileges [manage_api_key,manage_security,all]',
    );
    const mine = await u.security.createApiKey({ name: 'own' });
    const r = await u.security.invalidateApiKey({ owner: true });
    expect(r.invalidated_api_keys).toEqual([mine.id]);
  });
});

describe('update and bulk update', () => {
  it('replaces metadata, refreshes limited_by and reports noops', async () => {
    const u = await tc.userWithRole('upd', { cluster: ['manage_own_api_key', 'monitor'] });
    const k = await u.security.createApiKey({ name: 'upd-key', metadata: { a: 1 } });
    expect(await u.security.updateApiKey({ id: k.id })).toEqual({ updated: false });
    expect(await u.security.updateApiKey({ id: k.id, metadata: { b: 2 } })).toEqual({ updated: true });
    const got = await u.security.getApiKey({ owner: true });
    expect(got.api_keys.find((x) => x.id === k.id)!.metadata).toEqual({ b: 2 });
    await tc.admin.security.putRole({ name: 'upd_role', cluster: ['manage_own_api_key'] });
    expect(await u.security.updateApiKey({ id: k.id })).toEqual({ updated: true });
  });

  it('sets expiration to now + duration and rejects non-positive durations', async () => {
    const k = await tc.admin.security.createApiKey({ name: 'exp-upd' });
    tc.clock.advance(5000);
    await tc.admin.security.updateApiKey({ id: k.id, expiration: '1h' });
    const got = await tc.admin.security.getApiKey({ id: k.id });
    expect(got.api_keys[0]!.expiration).toBe(tc.clock.now + 3_600_000);
    await expectError(
      () => tc.admin.security.updateApiKey({ id: k.id, expiration: '0' }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: API key expiration must be in the future;',
    );
  });

  it('enforces ownership, invalidation and expiry in order', async () => {
    await expectError(
      () => tc.admin.security.updateApiKey({ id: 'missing-id' }),
      404,
      'resource_not_found_exception',
      'no API key owned by requesting user found for ID [missing-id]',
    );
    const inv = await tc.admin.security.createApiKey({ name: 'upd-inv', expiration: '1s' });
    await tc.admin.security.invalidateApiKey({ ids: [inv.id] });
    await expectError(
      () => tc.admin.security.updateApiKey({ id: inv.id }),
      400,
      'illegal_argument_exception',
      `cannot update invalidated API key [${inv.id}]`,
    );
    const exp = await tc.admin.security.createApiKey({ name: 'upd-exp', expiration: '1s' });
    tc.clock.advance(2000);
    await expectError(
      () => tc.admin.security.updateApiKey({ id: exp.id }),
      400,
      'illegal_argument_exception',
      `cannot update expired API key [${exp.id}]`,
    );
    const { id, client } = await tc.apiKey(undefined);
    await expectError(
      () => client.security.updateApiKey({ id }),
      400,
      'illegal_argument_exception',
      'authentication via API key not supported: only the owner user can update an API key',
    );
  });

  it('bulk update reports updated, noops and per-id errors', async () => {
    const a = await tc.admin.security.createApiKey({ name: 'bulk-a' });
    const b = await tc.admin.security.createApiKey({ name: 'bulk-b', metadata: { x: 1 } });
    const r = await tc.admin.security.bulkUpdateApiKeys({ ids: [a.id, b.id, 'ghost'], metadata: { x: 1 } });
    expect(r.updated).toEqual([a.id]);
    expect(r.noops).toEqual([b.id]);
    expect(r.errors).toEqual({
      count: 1,
      details: {
        ghost: {
          type: 'resource_not_found_exception',
          reason: 'no API key owned by requesting user found for ID [ghost]',
        },
      },
    });
  });

  it('role_descriptors {} clears the assigned descriptors', async () => {
    const { id, client } = await tc.apiKey({ cluster: ['monitor'] });
    await tc.admin.security.updateApiKey({ id, role_descriptors: {} });
    const got = await tc.admin.security.getApiKey({ id });
    expect(got.api_keys[0]!.role_descriptors).toEqual({});
    expect((await client.cluster.health()).status).toBeDefined();
  });
});

describe('version-dependent API key features', () => {
  it('8.12 has no update expiration, 8.9 no active_only, and no type/realm_type fields', async () => {
    const old = await startTestCluster({ version: '8.9.2' });
    try {
      const k = await old.admin.security.createApiKey({ name: 'old' });
      await expectError(
        () =>
          old.admin.transport.request({
            method: 'PUT',
            path: `/_security/api_key/${k.id}`,
            body: { expiration: '1d' },
          }),
        400,
        'x_content_parse_exception',
        '[1:2] [update_api_key_request_payload] unknown field [expiration]',
      );
      await expectError(
        () => old.admin.security.getApiKey({ id: k.id, active_only: true }),
        400,
        'illegal_argument_exception',
        'request [/_security/api_key] contains unrecognized parameter: [active_only]',
      );
      const got = await old.admin.security.getApiKey({ id: k.id });
      expect(Object.keys(got.api_keys[0]!)).not.toContain('type');
      expect(Object.keys(got.api_keys[0]!)).not.toContain('realm_type');
    } finally {
      await old.close();
    }
  });

  it('bulk update requires ids', async () => {
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'POST',
          path: '/_security/api_key/_bulk_update',
          body: { metadata: {} },
        }),
      400,
      'illegal_argument_exception',
      'Required [ids]',
    );
  });
});

describe('grant API key', () => {
  it('grants a key owned by the password-authenticated user', async () => {
    await tc.admin.security.putUser({ username: 'grantee', password: 'grantee-pw', roles: [] });
    const res = await tc.admin.security.grantApiKey({
      grant_type: 'password',
      username: 'grantee',
      password: 'grantee-pw',
      api_key: { name: 'granted' },
    });
    const me = await tc.clientFor({ apiKey: res.encoded }).security.authenticate();
    expect(me.username).toBe('grantee');
  });

  it('validates the grant', async () => {
    await expectError(
      () => tc.admin.security.grantApiKey({ grant_type: 'password', api_key: { name: 'g' } } as never),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: [username] is required for grant_type [password];2: [password] is required for grant_type [password];',
    );
  });

  it('is never allowed by manage_own_api_key', async () => {
    const u = await tc.userWithRole('granter', { cluster: ['manage_own_api_key'] });
    await expectError(
      () =>
        u.security.grantApiKey({
          grant_type: 'password',
          username: 'granter',
          password: 'password1',
          api_key: { name: 'g' },
        }),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/api_key/grant] is unauthorized for user [granter] with effective roles [granter_role], this action is granted by the cluster privileges [grant_api_key,manage_api_key,manage_security,all]',
    );
  });

  it('fails with 401 for a wrong password', async () => {
    const r = await esError(() =>
      tc.admin.security.grantApiKey({
        grant_type: 'password',
        username: 'grantee',
        password: 'nope-nope',
        api_key: { name: 'g' },
      }),
    );
    expect(r.status).toBe(401);
  });
});

describe('owner limited_by intersection', () => {
  it('a key never exceeds its owner snapshot, and later role changes need an update', async () => {
    const u = await tc.userWithRole('snap', { cluster: ['manage_own_api_key', 'monitor'] });
    const k = await u.security.createApiKey({
      name: 'snap-key',
      role_descriptors: { r: { cluster: ['all'] } },
    });
    const kc = tc.clientFor({ apiKey: k.encoded });
    expect((await kc.cluster.health()).cluster_name).toBe('eskeys-sandbox');
    await expectError(
      () => kc.cluster.putSettings({ persistent: { 'action.destructive_requires_name': true } }),
      403,
      'security_exception',
    );
    await tc.admin.security.putRole({ name: 'snap_role', cluster: ['manage_own_api_key'] });
    expect((await kc.cluster.health()).status).toBeDefined();
    await u.security.updateApiKey({ id: k.id });
    await expectError(() => kc.cluster.health(), 403, 'security_exception');
  });

  // ApiKeyService.maybeBuildUpdatedDocument always writes the caller's current role descriptors
  // as limited_by_role_descriptors, and isNoop answers false as soon as the request carries an
  // expiration (docs/es-facts.md "Every API key update re-snapshots the owner").
  it.each([
    ['update', (c: Client, id: string) => c.security.updateApiKey({ id, expiration: '1d' })],
    ['bulk update', (c: Client, id: string) => c.security.bulkUpdateApiKeys({ ids: [id], expiration: '1d' })],
  ])('an expiration-only %s re-snapshots the owner: the key loses what the owner lost', async (_, update) => {
    const name = `resnap${Math.random().toString(36).slice(2, 7)}`;
    const index = `${name}-data`;
    await tc.admin.indices.create({ index });
    const u = await tc.userWithRole(name, {
      cluster: ['manage_own_api_key'],
      indices: [{ names: [index], privileges: ['read', 'index'] }],
    });
    const k = await u.security.createApiKey({
      name: `${name}-key`,
      role_descriptors: { r: { indices: [{ names: [index], privileges: ['read', 'index'] }] } },
    });
    const kc = tc.clientFor({ apiKey: k.encoded });
    await kc.index({ index, id: '1', document: { a: 1 } });
    await tc.admin.security.putRole({
      name: `${name}_role`,
      cluster: ['manage_own_api_key'],
      indices: [{ names: [index], privileges: ['read'] }],
    });
    // Until the key is updated, the creation-time snapshot still lets it index.
    await kc.index({ index, id: '2', document: { a: 2 } });
    await update(u, k.id);
    await expectError(() => kc.index({ index, id: '3', document: { a: 3 } }), 403, 'security_exception');
    expect((await kc.get({ index, id: '1' })).found).toBe(true);
    const got = await tc.admin.security.getApiKey({ id: k.id, with_limited_by: true });
    expect(got.api_keys[0]!.limited_by).toEqual([
      {
        [`${name}_role`]: {
          cluster: ['manage_own_api_key'],
          indices: [{ names: [index], privileges: ['read'], allow_restricted_indices: false }],
          applications: [],
          run_as: [],
          metadata: {},
          transient_metadata: { enabled: true },
        },
      },
    ]);
  });
});
