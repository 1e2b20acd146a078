/**
 * Issue 12, privileges per major: each sandbox profile knows the privilege names of its own
 * Elasticsearch release. `monitor_esql` is GA in 9.1 and absent from 8.19, so the 8 profile
 * refuses it wherever Elasticsearch validates privilege names (docs/es-facts.md, "Privileges per
 * major (issue 12)"); `monitor_stats` and the failure-store index privileges exist in both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, startTestCluster, type TestCluster } from './helpers.js';

// RoleDescriptorRequestValidator (create/update API key, put role): one numbered validation entry;
// the list is ClusterPrivilegeResolver's VALUES of that release.
const VALIDATION_PREFIX =
  'Validation Failed: 1: unknown cluster privilege [monitor_esql]. a privilege must be either one of the predefined cluster privilege names [';
// _has_privileges resolves each name with ClusterPrivilegeResolver.resolve: IllegalArgumentException.
const RESOLVE_PREFIX =
  'unknown cluster privilege [monitor_esql]. a privilege must be either one of the predefined cluster privilege names [';

/** The bracketed list of names in an unknown-privilege message. */
function namesListed(reason: string): string[] {
  const m = /predefined cluster privilege names \[([^\]]*)\]/.exec(reason);
  return m ? m[1]!.split(',') : [];
}

describe('the 8 profile (8.19) does not know monitor_esql', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ version: '8' });
  });
  afterAll(() => tc.close());

  it('create API key with monitor_esql: 400 validation naming the privilege', async () => {
    const err = await expectError(
      () =>
        tc.admin.security.createApiKey({
          name: 'esql-8',
          role_descriptors: { r: { cluster: ['monitor_esql'] } },
        }),
      400,
      'action_request_validation_exception',
    );
    expect(err.reason.startsWith(VALIDATION_PREFIX)).toBe(true);
    const listed = namesListed(err.reason);
    expect(listed).not.toContain('monitor_esql');
    expect(listed).toContain('monitor_stats');
    // 62 cluster privileges on 8.19 (public comparison of GET /_security/privilege/_builtin on 8.19.9).
    expect(listed).toHaveLength(62);
  });

  it('update API key with monitor_esql: 400 validation, the key keeps its descriptors', async () => {
    const key = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () =>
        tc.admin.security.updateApiKey({
          id: key.id,
          role_descriptors: { r: { cluster: ['monitor_esql'] } },
        }),
      400,
      'action_request_validation_exception',
      new RegExp(`^${VALIDATION_PREFIX.replace(/[[\].]/g, '\\$&')}`),
    );
    const got = await tc.admin.security.getApiKey({ id: key.id });
    expect(got.api_keys[0]!.role_descriptors).toMatchObject({ r: { cluster: ['monitor'] } });
  });

  it('put role with monitor_esql: 400 validation, no role stored', async () => {
    const err = await expectError(
      () => tc.admin.security.putRole({ name: 'esql_reader', cluster: ['monitor_esql'] }),
      400,
      'action_request_validation_exception',
    );
    expect(err.reason.startsWith(VALIDATION_PREFIX)).toBe(true);
    expect((await esError(() => tc.admin.security.getRole({ name: 'esql_reader' }))).status).toBe(404);
  });

  it('_has_privileges for monitor_esql: 400 illegal_argument_exception', async () => {
    const err = await expectError(
      () => tc.admin.security.hasPrivileges({ cluster: ['monitor_esql'] }),
      400,
      'illegal_argument_exception',
    );
    expect(err.reason.startsWith(RESOLVE_PREFIX)).toBe(true);
    expect(namesListed(err.reason)).not.toContain('monitor_esql');
  });

  it('a raw action pattern over the ES|QL listing stays valid (any cluster: pattern is)', async () => {
    const key = await tc.apiKey({ cluster: ['cluster:monitor/xpack/esql/*'] });
    expect(key.id).toBeTruthy();
  });

  it('monitor_stats and the failure-store index privileges exist on 8.19', async () => {
    const key = await tc.apiKey({
      cluster: ['monitor_stats'],
      indices: [{ names: ['logs-*'], privileges: ['read_failure_store', 'manage_failure_store'] }],
    });
    expect(key.id).toBeTruthy();
  });

  it('no answer of the 8 profile names monitor_esql as granting an action', async () => {
    // Whether 8.19 routes the ES|QL query listing at all is not established (the resolver's
    // concern); whatever it answers, 8.19 has no monitor_esql to name in a 403's granted-by list.
    const key = await tc.apiKey({ cluster: ['read_security'] });
    const r = await esError(() => key.client.transport.request({ method: 'GET', path: '/_query/queries' }));
    expect(JSON.stringify(r.body)).not.toContain('monitor_esql');
  });

  it('built-in privileges list 62 cluster names, without monitor_esql', async () => {
    const r = await tc.admin.security.getBuiltinPrivileges();
    expect(r.cluster).not.toContain('monitor_esql');
    expect(r.cluster).toContain('monitor_stats');
    expect(r.cluster).toHaveLength(62);
    expect(r.index).toEqual(expect.arrayContaining(['read_failure_store', 'manage_failure_store']));
  });
});

describe('the 9 profile (9.1) knows monitor_esql', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ version: '9' });
  });
  afterAll(() => tc.close());

  it('create API key, put role and _has_privileges accept monitor_esql', async () => {
    const key = await tc.apiKey({ cluster: ['monitor_esql'] });
    expect(key.id).toBeTruthy();
    expect(await tc.admin.security.putRole({ name: 'esql_reader', cluster: ['monitor_esql'] })).toEqual({
      role: { created: true },
    });
    const held = await key.client.security.hasPrivileges({ cluster: ['monitor_esql', 'monitor'] });
    expect(held.cluster).toEqual({ monitor_esql: true, monitor: false });
  });

  it('a key without it is denied the ES|QL query listing, monitor_esql first in the granted-by list', async () => {
    // ClusterPrivilegeResolver: monitor_esql (cluster:monitor/xpack/esql/*) implies nothing else, so
    // it precedes monitor (cluster:monitor/*), manage and all.
    const key = await tc.apiKey({ cluster: ['read_security'] });
    await expectError(
      () => key.client.transport.request({ method: 'GET', path: '/_query/queries' }),
      403,
      'security_exception',
      `action [cluster:monitor/xpack/esql/list_queries] is unauthorized for API key id [${key.id}] of user [elastic], this action is granted by the cluster privileges [monitor_esql,monitor,manage,all]`,
    );
  });

  it('unknown-privilege messages list monitor_esql among 63 names', async () => {
    const err = await expectError(
      () => tc.admin.security.putRole({ name: 'bad', cluster: ['nope'] }),
      400,
      'action_request_validation_exception',
    );
    const listed = namesListed(err.reason);
    expect(listed).toContain('monitor_esql');
    expect(listed).toHaveLength(63);
  });

  it('built-in privileges list monitor_esql', async () => {
    const r = await tc.admin.security.getBuiltinPrivileges();
    expect(r.cluster).toContain('monitor_esql');
    expect(r.cluster).toHaveLength(63);
  });
});
