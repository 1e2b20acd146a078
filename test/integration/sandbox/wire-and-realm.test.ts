import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ elasticPassword: 'test-elastic-pw' });
});
afterAll(() => tc.close());

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function raw(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(`${tc.sandbox.url}${path}`, {
    ...init,
    headers: { authorization: basic('elastic', 'test-elastic-pw'), ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('root and wire format', () => {
  it('GET / answers the 8.x profile with the product header', async () => {
    const r = await raw('/', {
      headers: { accept: 'application/vnd.elasticsearch+json; compatible-with=8' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(r.headers.get('content-type')).toBe('application/vnd.elasticsearch+json;compatible-with=8');
    expect(r.body.version.number).toMatch(/^8\.19\./);
    expect(r.body.tagline).toBe('You Know, for Search');
    const plain = await raw('/');
    expect(plain.headers.get('content-type')).toBe('application/json');
  });

  it('rejects an Accept version other than 7 or 8', async () => {
    const r = await raw('/', {
      headers: { accept: 'application/vnd.elasticsearch+json; compatible-with=9' },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: {
        root_cause: [
          {
            type: 'media_type_header_exception',
            reason: 'Invalid media-type value on headers [Accept, Content-Type]',
          },
        ],
        type: 'media_type_header_exception',
        reason: 'Invalid media-type value on headers [Accept, Content-Type]',
        caused_by: {
          type: 'status_exception',
          reason:
            'Accept version must be either version 8 or 7, but found 9. Accept=application/vnd.elasticsearch+json; compatible-with=9',
        },
      },
      status: 400,
    });
  });

  it('requires matching versions on Accept and Content-Type when a body is sent', async () => {
    const r = await raw('/_security/_query/api_key', {
      method: 'POST',
      body: '{}',
      headers: {
        accept: 'application/vnd.elasticsearch+json; compatible-with=8',
        'content-type': 'application/vnd.elasticsearch+json; compatible-with=7',
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.caused_by.reason).toBe(
      'A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=application/vnd.elasticsearch+json; compatible-with=8, Content-Type=application/vnd.elasticsearch+json; compatible-with=7',
    );
    const unversioned = await raw('/_security/_query/api_key', {
      method: 'POST',
      body: '{}',
      headers: {
        accept: 'application/vnd.elasticsearch+json; compatible-with=8',
        'content-type': 'application/json',
      },
    });
    expect(unversioned.body.error.caused_by.reason).toMatch(
      /^A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version\. Accept=/,
    );
  });

  it('answers unknown routes with 400 and wrong methods with 405', async () => {
    const none = await raw('/_nope/x/y');
    expect(none.status).toBe(400);
    expect(none.body).toEqual({
      error: 'no handler found for uri [/_nope/x/y] and method [GET]',
      status: 400,
    });
    const wrong = await raw('/_security/_authenticate', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({
      error: 'Incorrect HTTP method for uri [/_security/_authenticate] and method [DELETE], allowed: [GET]',
      status: 405,
    });
  });

  it('rejects unrecognized URL parameters after authentication, with hints', async () => {
    const r = await raw('/_security/api_key?refesh=true&bogus=1', {
      method: 'POST',
      body: '{"name":"p"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe('illegal_argument_exception');
    expect(r.body.error.reason).toBe(
      'request [/_security/api_key] contains unrecognized parameters: [bogus], [refesh] -> did you mean [refresh]?',
    );
    const anon = await fetch(`${tc.sandbox.url}/_security/api_key?bogus=1`, { method: 'POST' });
    expect(anon.status).toBe(401);
  });

  it('the 9.x profile accepts compatible-with=8 and 9 only', async () => {
    const nine = await startTestCluster({ version: '9' });
    try {
      const info = await nine.admin.info();
      expect(info.version.number).toMatch(/^9\./);
      const res = await fetch(`${nine.sandbox.url}/`, {
        headers: {
          authorization: basic('elastic', nine.sandbox.password),
          accept: 'application/vnd.elasticsearch+json; compatible-with=7',
        },
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { caused_by: { reason: string } } };
      expect(body.error.caused_by.reason).toMatch(
        /^Accept version must be either version 9 or 8, but found 7\./,
      );
    } finally {
      await nine.close();
    }
  });
});

describe('401 responses', () => {
  it('missing credentials: reason with the URI and WWW-Authenticate headers', async () => {
    const res = await fetch(`${tc.sandbox.url}/_cluster/health?pretty`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="security", charset="UTF-8", ApiKey');
    const body = (await res.json()) as Json;
    expect(body.error.reason).toBe(
      'missing authentication credentials for REST request [/_cluster/health?pretty]',
    );
    expect(body.error.header).toEqual({
      'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"', 'ApiKey'],
    });
    expect(body.error.root_cause[0].header).toEqual(body.error.header);
  });

  it('bad password names the user', async () => {
    const bad = tc.clientFor({ username: 'elastic', password: 'wrong-pw' });
    await expectError(
      () => bad.info(),
      401,
      'security_exception',
      'unable to authenticate user [elastic] for REST request [/]',
    );
  });

  it('before 8.15 the Basic challenge has no comma', async () => {
    const old = await startTestCluster({ version: '8.14.3' });
    try {
      const res = await fetch(`${old.sandbox.url}/`);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="security" charset="UTF-8", ApiKey');
    } finally {
      await old.close();
    }
  });
});

describe('native realm', () => {
  it('creates, reads, updates and deletes users', async () => {
    expect(
      await tc.admin.security.putUser({
        username: 'alice',
        password: 'alice-pw',
        roles: ['r1'],
        full_name: 'Alice',
      }),
    ).toEqual({
      created: true,
    });
    expect(await tc.admin.security.putUser({ username: 'alice', roles: ['r2'] })).toEqual({ created: false });
    const got = await tc.admin.security.getUser({ username: 'alice' });
    expect(got.alice).toEqual({
      username: 'alice',
      roles: ['r2'],
      full_name: 'Alice',
      email: null,
      metadata: {},
      enabled: true,
    });
    const all = await tc.admin.security.getUser();
    expect(Object.keys(all)).toContain('elastic');
    expect(await tc.admin.security.deleteUser({ username: 'alice' })).toEqual({ found: true });
    const gone = await esError(() => tc.admin.security.deleteUser({ username: 'alice' }));
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ found: false });
    const missing = await esError(() => tc.admin.security.getUser({ username: 'alice' }));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({});
  });

  it('enforces password rules and reserved users', async () => {
    await expectError(
      () => tc.admin.security.putUser({ username: 'bob', password: 'short', roles: [] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: passwords must be at least [6] characters long;',
    );
    await expectError(
      () => tc.admin.security.putUser({ username: 'bob', roles: [] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: password must be specified unless you are updating an existing user;',
    );
    await expectError(
      () => tc.admin.security.putUser({ username: 'elastic', password: 'another-pw', roles: [] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: user [elastic] is reserved and only the password can be changed;',
    );
  });

  it('disabled users cannot authenticate', async () => {
    await tc.admin.security.putUser({ username: 'carol', password: 'carol-pw', roles: [], enabled: false });
    await expectError(
      () => tc.clientFor({ username: 'carol', password: 'carol-pw' }).security.authenticate(),
      401,
      'security_exception',
      'unable to authenticate user [carol] for REST request [/_security/_authenticate]',
    );
  });

  it('roles CRUD, reserved superuser, validation', async () => {
    expect(
      await tc.admin.security.putRole({
        name: 'reader',
        indices: [{ names: ['logs-*'], privileges: ['read'] }],
      }),
    ).toEqual({ role: { created: true } });
    const got = await tc.admin.security.getRole({ name: 'reader' });
    expect(got.reader).toEqual({
      cluster: [],
      indices: [{ names: ['logs-*'], privileges: ['read'], allow_restricted_indices: false }],
      applications: [],
      run_as: [],
      metadata: {},
      transient_metadata: { enabled: true },
    });
    const su = await tc.admin.security.getRole({ name: 'superuser' });
    expect(su.superuser!.cluster).toEqual(['all']);
    expect(su.superuser!.metadata).toEqual({ _reserved: true });
    await expectError(
      () => tc.admin.security.putRole({ name: 'superuser', cluster: ['monitor'] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: Role [superuser] is reserved and may not be used.;',
    );
    await expectError(
      () => tc.admin.security.putRole({ name: 'bad', cluster: ['nope'] }),
      400,
      'action_request_validation_exception',
      /^Validation Failed: 1: unknown cluster privilege \[nope\]\. a privilege must be either one of the predefined cluster privilege names \[/,
    );
    await expectError(
      () => tc.admin.security.deleteRole({ name: 'superuser' }),
      400,
      'illegal_argument_exception',
      'role [superuser] is reserved and cannot be deleted',
    );
    expect(await tc.admin.security.deleteRole({ name: 'reader' })).toEqual({ found: true });
    expect((await esError(() => tc.admin.security.deleteRole({ name: 'reader' }))).status).toBe(404);
  });

  it('changes passwords (own without privileges), enables and disables users', async () => {
    await tc.admin.security.putUser({ username: 'erin', password: 'erin-pw-1', roles: [] });
    const erin = tc.clientFor({ username: 'erin', password: 'erin-pw-1' });
    await erin.security.changePassword({ password: 'erin-pw-2' });
    await expectError(() => erin.security.authenticate(), 401, 'security_exception');
    const erin2 = tc.clientFor({ username: 'erin', password: 'erin-pw-2' });
    expect((await erin2.security.authenticate()).username).toBe('erin');
    await expectError(
      () => erin2.security.changePassword({ username: 'elastic', password: 'hijack-pw' }),
      403,
      'security_exception',
      /^action \[cluster:admin\/xpack\/security\/user\/change_password\] is unauthorized for user \[erin\]/,
    );
    await tc.admin.security.disableUser({ username: 'erin' });
    await expectError(() => erin2.security.authenticate(), 401, 'security_exception');
    await tc.admin.security.enableUser({ username: 'erin' });
    expect((await erin2.security.authenticate()).enabled).toBe(true);
  });

  it('clears the API key cache with manage_security', async () => {
    const k = await tc.admin.security.createApiKey({ name: 'cached' });
    const r = await tc.admin.security.clearApiKeyCache({ ids: k.id });
    expect(r._nodes).toEqual({ total: 1, successful: 1, failed: 0 });
    const apiAdmin = await tc.userWithRole('cacheless', { cluster: ['manage_api_key'] });
    await expectError(
      () => apiAdmin.security.clearApiKeyCache({ ids: '*' }),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/cache/clear] is unauthorized for user [cacheless] with effective roles [cacheless_role], this action is granted by the cluster privileges [manage_security,all]',
    );
  });

  it('_authenticate for a native user', async () => {
    await tc.admin.security.putUser({
      username: 'dave',
      password: 'dave-pw',
      roles: ['x'],
      email: 'd@example.com',
    });
    const me = await tc.clientFor({ username: 'dave', password: 'dave-pw' }).security.authenticate();
    expect(me).toEqual({
      username: 'dave',
      roles: ['x'],
      full_name: null,
      email: 'd@example.com',
      metadata: {},
      enabled: true,
      authentication_realm: { name: 'default_native', type: 'native' },
      lookup_realm: { name: 'default_native', type: 'native' },
      authentication_type: 'realm',
    });
  });

  it('get user privileges answers for yourself without privileges', async () => {
    await tc.admin.security.putRole({
      name: 'x',
      cluster: ['monitor'],
      indices: [{ names: ['a-*'], privileges: ['read'] }],
    });
    const dave = tc.clientFor({ username: 'dave', password: 'dave-pw' });
    expect(await dave.security.getUserPrivileges()).toEqual({
      cluster: ['monitor'],
      global: [],
      indices: [{ names: ['a-*'], privileges: ['read'], allow_restricted_indices: false }],
      applications: [],
      run_as: [],
    });
    await tc.admin.security.deleteRole({ name: 'x' });
  });

  it('403 names effective roles and missing ones', async () => {
    const dave = tc.clientFor({ username: 'dave', password: 'dave-pw' });
    await expectError(
      () => dave.cluster.health(),
      403,
      'security_exception',
      'action [cluster:monitor/health] is unauthorized for user [dave] with effective roles [] (assigned roles [x] were not found), this action is granted by the cluster privileges [monitor,manage,all]',
    );
  });
});
