/**
 * Application privileges as Elasticsearch does them (issue 12, part S): the privilege API,
 * `applications` in role descriptors and API keys, and `_has_privileges` application checks.
 * Sources: PutPrivilegesRequest, ApplicationPrivilege, ApplicationPermission, RoleDescriptor,
 * ClusterPrivilegeResolver (manage_security / read_security), the Rest*PrivilegesAction classes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ elasticPassword: 'test-elastic-pw' });
});
afterAll(() => tc.close());

describe('the application privilege API', () => {
  it('puts, gets and deletes privileges', async () => {
    expect(
      await tc.admin.security.putPrivileges({
        privileges: {
          myapp: {
            read: { actions: ['data:read/*', 'action:login'], metadata: { description: 'r' } },
            write: { actions: ['data:write/*'] },
          },
        },
      } as never),
    ).toEqual({ myapp: { read: { created: true }, write: { created: true } } });
    expect(
      await tc.admin.security.putPrivileges({
        privileges: { myapp: { read: { actions: ['data:read/*', 'action:login'] } } },
      } as never),
    ).toEqual({ myapp: { read: { created: false } } });
    expect(await tc.admin.security.getPrivileges({ application: 'myapp', name: 'read' })).toEqual({
      myapp: {
        read: { application: 'myapp', name: 'read', actions: ['data:read/*', 'action:login'], metadata: {} },
      },
    });
    expect(Object.keys((await tc.admin.security.getPrivileges()).myapp!)).toEqual(['read', 'write']);
    await tc.admin.security.putPrivileges({
      privileges: { otherapp: { gone: { actions: ['x:y'] } } },
    } as never);
    expect(await tc.admin.security.deletePrivileges({ application: 'otherapp', name: 'gone' })).toEqual({
      otherapp: { gone: { found: true } },
    });
    // RestDeletePrivilegesAction: 404 when nothing was found; RestGetPrivilegesAction: 404 and {}.
    const missing = await tc.admin.transport.request(
      { method: 'DELETE', path: '/_security/privilege/otherapp/gone' },
      { ignore: [404], meta: true },
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toEqual({ otherapp: { gone: { found: false } } });
    const none = await tc.admin.transport.request(
      { method: 'GET', path: '/_security/privilege/otherapp' },
      { ignore: [404], meta: true },
    );
    expect(none.statusCode).toBe(404);
    expect(none.body).toEqual({});
  });

  it('validates names and actions as PutPrivilegesRequest does', async () => {
    await expectError(
      () =>
        tc.admin.security.putPrivileges({
          privileges: { my: { Read: { actions: ['login'], metadata: { _x: 1 } } } },
        } as never),
      400,
      'action_request_validation_exception',
      "Validation Failed: 1: An application name prefix must be at least 3 characters long (found 'my');2: Application privilege names must match the pattern ^[a-z][a-zA-Z0-9_.-]*$ (found 'Read');3: The application privilege pattern [login] must contain one of [ '/' , '*' , ':' ];4: metadata keys may not start with [_] (in privilege my Read);",
    );
    await expectError(
      () => tc.admin.security.putPrivileges({ privileges: { 'app*': { read: { actions: [] } } } } as never),
      400,
      'action_request_validation_exception',
      "Validation Failed: 1: Application names may not contain '*' (found 'app*');2: Application privileges must have at least one action;",
    );
  });

  it('put needs manage_security; get is also granted by read_security', async () => {
    const reader = await tc.userWithRole('app_reader', { cluster: ['read_security'] });
    await expectError(
      () => reader.security.putPrivileges({ privileges: { myapp: { x: { actions: ['a:b'] } } } } as never),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/privilege/put] is unauthorized for user [app_reader] with effective roles [app_reader_role], this action is granted by the cluster privileges [manage_security,all]',
    );
    expect(Object.keys(await reader.security.getPrivileges({ application: 'myapp' }))).toEqual(['myapp']);
    await expectError(
      () => reader.security.deletePrivileges({ application: 'myapp', name: 'write' }),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/privilege/delete] is unauthorized for user [app_reader] with effective roles [app_reader_role], this action is granted by the cluster privileges [manage_security,all]',
    );
  });
});

describe('applications in role descriptors and _has_privileges', () => {
  it('a role with applications is stored, returned and checked', async () => {
    const apps = [{ application: 'myapp', privileges: ['read'], resources: ['space/*'] }];
    const user = await tc.userWithRole('app_user', { applications: apps });
    expect((await tc.admin.security.getRole({ name: 'app_user_role' })).app_user_role!.applications).toEqual(
      apps,
    );
    const r = await user.security.hasPrivileges({
      application: [
        {
          application: 'myapp',
          privileges: ['read', 'write', 'data:read/docs'],
          resources: ['space/1', 'other'],
        },
      ],
    });
    // read = [data:read/*, action:login] covered on space/*; write's data:write/* is not; a raw action
    // inside data:read/* is; nothing on a resource outside space/*.
    expect(r.has_all_requested).toBe(false);
    expect(r.application).toEqual({
      myapp: {
        'space/1': { read: true, write: false, 'data:read/docs': true },
        other: { read: false, write: false, 'data:read/docs': false },
      },
    });
  });

  it('wildcard privileges and resources, and an unknown privilege name', async () => {
    const user = await tc.userWithRole('app_all', {
      applications: [{ application: 'my*', privileges: ['*'], resources: ['*'] }],
    });
    const r = await user.security.hasPrivileges({
      application: [{ application: 'myapp', privileges: ['read', 'write', 'nosuch'], resources: ['*'] }],
    });
    // A `*` action pattern is total: it covers every privilege, even one that stands for no action
    // (PermissionEntry.matchesPrivilege checks totality before emptiness).
    expect(r.application).toEqual({ myapp: { '*': { read: true, write: true, nosuch: true } } });
    const narrow = await tc.userWithRole('app_narrow', {
      applications: [{ application: 'myapp', privileges: ['read'], resources: ['*'] }],
    });
    const n = await narrow.security.hasPrivileges({
      application: [{ application: 'myapp', privileges: ['nosuch'], resources: ['space/1'] }],
    });
    // An unknown privilege name resolves to no action, which a non-total grant never covers.
    expect(n.application).toEqual({ myapp: { 'space/1': { nosuch: false } } });
  });

  it('has_privileges rejects a wildcard application name', async () => {
    await expectError(
      () =>
        tc.admin.security.hasPrivileges({
          application: [{ application: 'my*', privileges: ['read'], resources: ['*'] }],
        }),
      400,
      'action_request_validation_exception',
      "Validation Failed: 1: Application names may not contain '*' (found 'my*');",
    );
  });

  it('an API key carries applications and is limited by its owner', async () => {
    const apps = [{ application: 'myapp', privileges: ['read'], resources: ['*'] }];
    const owner = await tc.userWithRole('app_owner', { cluster: ['manage_own_api_key'] });
    const key = await tc.apiKey({ applications: apps }, owner);
    const info = await tc.admin.security.getApiKey({ id: key.id });
    expect(info.api_keys[0]!.role_descriptors!.r!.applications).toEqual(apps);
    const r = await key.client.security.hasPrivileges({
      application: [{ application: 'myapp', privileges: ['read'], resources: ['space/1'] }],
    });
    // The owner has no application privileges, so the key's own grant is cut to nothing.
    expect(r.application).toEqual({ myapp: { 'space/1': { read: false } } });
    const adminKey = await tc.apiKey({ applications: apps });
    const a = await adminKey.client.security.hasPrivileges({
      application: [{ application: 'myapp', privileges: ['read', 'write'], resources: ['space/1'] }],
    });
    expect(a.application).toEqual({ myapp: { 'space/1': { read: true, write: false } } });
  });

  it('an application entry without resources is a parse error', async () => {
    await expectError(
      () =>
        tc.admin.security.putRole({
          name: 'bad_app',
          applications: [{ application: 'myapp', privileges: ['read'] }],
        } as never),
      400,
      'parse_exception',
      'failed to parse application privileges for role [bad_app]. missing required [resources] field',
    );
  });
});

describe('built-in privileges', () => {
  it('lists cluster and index privilege names, sorted, for read_security', async () => {
    const reader = await tc.userWithRole('builtin_reader', { cluster: ['read_security'] });
    const r = await reader.security.getBuiltinPrivileges();
    // TransportGetBuiltinPrivilegesAction: TreeSets of ClusterPrivilegeResolver and IndexPrivilege names.
    for (const name of ['all', 'manage_api_key', 'manage_own_api_key', 'monitor', 'none', 'read_security']) {
      expect(r.cluster).toContain(name);
    }
    for (const name of [
      'all',
      'create_doc',
      'delete_index',
      'none',
      'read',
      'view_index_metadata',
      'write',
    ]) {
      expect(r.index).toContain(name);
    }
    expect(r.cluster).toEqual([...r.cluster].sort());
    expect(r.index).toEqual([...r.index].sort());
    const err = await expectError(
      async () =>
        (await tc.userWithRole('builtin_none', { cluster: ['monitor'] })).security.getBuiltinPrivileges(),
      403,
      'security_exception',
    );
    expect(err.reason).toMatch(
      /^action \[cluster:admin\/xpack\/security\/privilege\/builtin\/get\] is unauthorized/,
    );
  });
});
