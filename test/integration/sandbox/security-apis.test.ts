/**
 * Security APIs as Elasticsearch answers them (issue 12, part S): user API checks, `global`
 * privileges, get-user-privileges merging and search_after parsing in the API key query.
 * Expectations are literal, each with the Elasticsearch source it comes from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ elasticPassword: 'test-elastic-pw' });
});
afterAll(() => tc.close());

describe('put user and enable/disable checks', () => {
  it('a username in the body must equal the one in the path', async () => {
    // PutUserRequestBuilder.source: IllegalArgumentException, rendered as 400.
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'PUT',
          path: '/_security/user/joe',
          body: { username: 'joey', password: 'joe-password', roles: [] },
        }),
      400,
      'illegal_argument_exception',
      '[username] in source does not match the username provided [joe]',
    );
    await expect(tc.admin.security.getUser({ username: 'joe' })).rejects.toThrow();
    // The same name in the body is accepted.
    expect(
      await tc.admin.transport.request({
        method: 'PUT',
        path: '/_security/user/joe',
        body: { username: 'joe', password: 'joe-password', roles: [] },
      }),
    ).toEqual({ created: true });
  });

  it('put user fields of the wrong type are parse errors naming the field', async () => {
    // PutUserRequestBuilder.source: "expected field [{}] to be of type string, but found [{}] instead".
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'PUT',
          path: '/_security/user/kim',
          body: { password: 'kim-password', full_name: 5 },
        }),
      400,
      'parse_exception',
      'expected field [full_name] to be of type string, but found [VALUE_NUMBER] instead',
    );
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'PUT',
          path: '/_security/user/kim',
          body: { password: 'kim-password', enabled: 'no' },
        }),
      400,
      'parse_exception',
      'expected field [enabled] to be of type boolean, but found [VALUE_STRING] instead',
    );
    // `roles` as one string is a comma-separated list.
    await tc.admin.transport.request({
      method: 'PUT',
      path: '/_security/user/kim',
      body: { password: 'kim-password', roles: 'a,b' },
    });
    expect((await tc.admin.security.getUser({ username: 'kim' })).kim!.roles).toEqual(['a', 'b']);
  });

  it('a user may not disable or enable its own account', async () => {
    const admin2 = await tc.userWithRole('admin2', { cluster: ['manage_security'] });
    // TransportSetEnabledAction: IllegalArgumentException for a native/reserved same-user request.
    await expectError(
      () => admin2.security.disableUser({ username: 'admin2' }),
      400,
      'illegal_argument_exception',
      'users may not update the enabled status of their own account',
    );
    await expectError(
      () => admin2.security.enableUser({ username: 'admin2' }),
      400,
      'illegal_argument_exception',
      'users may not update the enabled status of their own account',
    );
    // The reserved `elastic` user is covered too (realm type `reserved`).
    await expectError(
      () => tc.admin.security.disableUser({ username: 'elastic' }),
      400,
      'illegal_argument_exception',
      'users may not update the enabled status of their own account',
    );
    // TransportPutUserAction.validateRequest: the put-user form of the same rule (native realm).
    await expectError(
      () => admin2.security.putUser({ username: 'admin2', enabled: false }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: native and reserved realm users may not update the enabled status of their own account;',
    );
    expect((await tc.admin.security.getUser({ username: 'admin2' })).admin2!.enabled).toBe(true);
    // Another user may, and so may an API key of the same owner: its effective subject is in the
    // API key realm, not the native one.
    await tc.admin.security.putUser({ username: 'victim', password: 'victim-pw', roles: [] });
    expect(await admin2.security.disableUser({ username: 'victim' })).toEqual({});
    const key = await tc.apiKey(undefined, admin2);
    expect(await key.client.security.disableUser({ username: 'admin2' })).toEqual({});
    expect((await tc.admin.security.getUser({ username: 'admin2' })).admin2!.enabled).toBe(false);
    await tc.admin.security.enableUser({ username: 'admin2' });
  });
});

describe('global privileges', () => {
  const global = {
    application: { manage: { applications: ['kibana-*'] } },
    profile: { write: { applications: ['app-1'] } },
  };

  it('a role keeps its global privileges (stored and returned)', async () => {
    await tc.admin.security.putRole({ name: 'glob', cluster: ['monitor'], global } as never);
    const role = (await tc.admin.security.getRole({ name: 'glob' })).glob as unknown as Record<
      string,
      unknown
    >;
    expect(role.global).toEqual(global);
  });

  it('get user privileges lists each configurable privilege on its own', async () => {
    await tc.admin.security.putUser({ username: 'gus', password: 'gus-password', roles: ['glob'] });
    const gus = tc.clientFor({ username: 'gus', password: 'gus-password' });
    // RestGetUserPrivilegesAction writes one object per ConfigurableClusterPrivilege in `global`.
    expect(await gus.security.getUserPrivileges()).toEqual({
      cluster: ['monitor'],
      global: [
        { application: { manage: { applications: ['kibana-*'] } } },
        { profile: { write: { applications: ['app-1'] } } },
      ],
      indices: [],
      applications: [],
      run_as: [],
    });
  });
});

describe('get user privileges merges as the role builder does', () => {
  it('index entries with the same names merge; queries and field security as Elasticsearch', async () => {
    // CompositeRolesStore.buildRoleFromDescriptors / MergeableIndicesPrivilege.collatePrivilegesByIndices:
    // entries are keyed by their set of names (restricted-index entries apart); privileges union;
    // a query survives only when every merged entry has one. GetUserPrivilegesResponse.Indices
    // sorts names and privileges (TreeSet).
    await tc.admin.security.putRole({
      name: 'm1',
      indices: [
        { names: ['b-*', 'a-*'], privileges: ['read'] },
        { names: ['q-*'], privileges: ['read'], query: '{"term":{"x":1}}' },
        { names: ['d-*'], privileges: ['read'], query: '{"term":{"x":1}}' },
      ],
    });
    await tc.admin.security.putRole({
      name: 'm2',
      indices: [
        { names: ['a-*', 'b-*'], privileges: ['write', 'read'] },
        { names: ['q-*'], privileges: ['view_index_metadata'], query: '{"term":{"x":2}}' },
        { names: ['d-*'], privileges: ['write'] },
        { names: ['.sec*'], privileges: ['read'], allow_restricted_indices: true },
      ],
      remote_indices: [{ clusters: ['r2', 'r1'], names: ['logs-*'], privileges: ['read'] }],
    } as never);
    await tc.admin.security.putUser({ username: 'max', password: 'max-password', roles: ['m1', 'm2'] });
    const max = tc.clientFor({ username: 'max', password: 'max-password' });
    expect(await max.security.getUserPrivileges()).toEqual({
      cluster: [],
      global: [],
      indices: [
        { names: ['a-*', 'b-*'], privileges: ['read', 'write'], allow_restricted_indices: false },
        {
          names: ['q-*'],
          privileges: ['read', 'view_index_metadata'],
          query: ['{"term":{"x":1}}', '{"term":{"x":2}}'],
          allow_restricted_indices: false,
        },
        { names: ['d-*'], privileges: ['read', 'write'], allow_restricted_indices: false },
        { names: ['.sec*'], privileges: ['read'], allow_restricted_indices: true },
      ],
      applications: [],
      run_as: [],
      // RestGetUserPrivilegesAction: remote_indices only when there are some (absent otherwise).
      remote_indices: [
        { names: ['logs-*'], privileges: ['read'], allow_restricted_indices: false, clusters: ['r1', 'r2'] },
      ],
    });
  });
});

describe('query API keys search_after on dates', () => {
  it('epoch-millis strings page on; other date strings fail to parse', async () => {
    for (let i = 0; i < 3; i++) {
      await tc.admin.security.createApiKey({ name: `sa-${i}`, metadata: { sa: true } });
      tc.clock.advance(1000);
    }
    const query = { term: { 'metadata.sa': true } };
    const page1 = await tc.admin.security.queryApiKeys({ query, sort: ['creation'], size: 1 } as never);
    const first = page1.api_keys[0]!;
    expect(first.name).toBe('sa-0');
    // The security index maps creation_time as `date` with `format: epoch_millis`
    // (SecuritySystemIndices), and SearchAfterBuilder parses a string value with that format.
    const asString = String(first._sort![0]);
    const page2 = await tc.admin.security.queryApiKeys({
      query,
      sort: ['creation'],
      size: 1,
      search_after: [asString],
    } as never);
    expect(page2.api_keys.map((k) => k.name)).toEqual(['sa-1']);
    await expectError(
      () =>
        tc.admin.security.queryApiKeys({
          query,
          sort: ['creation'],
          size: 1,
          search_after: [new Date(first.creation!).toISOString()],
        } as never),
      400,
      'parse_exception',
      `failed to parse date field [${new Date(first.creation!).toISOString()}] with format [epoch_millis]`,
    );
  });
});

describe('grant API key with run_as', () => {
  it('the key belongs to the run-as user and is limited by its roles', async () => {
    // TransportGrantAction and ApiKeyIntegTests (grant with run-as): the granted key's owner is user2.
    await tc.admin.security.putRole({ name: 'runner_role', cluster: [], run_as: ['target*'] });
    await tc.admin.security.putUser({ username: 'runner', password: 'runner-pw', roles: ['runner_role'] });
    await tc.admin.security.putRole({ name: 'target_role', cluster: ['monitor'] });
    await tc.admin.security.putUser({ username: 'target1', password: 'target1-pw', roles: ['target_role'] });
    const granted = await tc.admin.security.grantApiKey({
      grant_type: 'password',
      username: 'runner',
      password: 'runner-pw',
      run_as: 'target1',
      api_key: { name: 'run-as-key' },
    });
    const info = (await tc.admin.security.getApiKey({ id: granted.id, with_limited_by: true })).api_keys[0]!;
    expect(info.username).toBe('target1');
    expect(info.realm).toBe('default_native');
    expect(Object.keys(info.limited_by![0]!)).toEqual(['target_role']);
    const key = tc.clientFor({ apiKey: granted.encoded });
    expect((await key.cluster.health()).status).toBeDefined();
  });

  it('the granting user needs run_as for the target; an unknown target is denied alike', async () => {
    const message = (target: string) =>
      `action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [runner] with effective roles [runner_role], because user [runner] is unauthorized to run as [${target}]`;
    await tc.admin.security.putUser({ username: 'other', password: 'other-pw', roles: ['target_role'] });
    for (const target of ['other', 'target-missing']) {
      await expectError(
        () =>
          tc.admin.security.grantApiKey({
            grant_type: 'password',
            username: 'runner',
            password: 'runner-pw',
            run_as: target,
            api_key: { name: 'denied' },
          }),
        403,
        'security_exception',
        message(target),
      );
    }
  });
});
