/**
 * POST /_features/_reset as Elasticsearch answers it, and the sandbox's own full reset.
 * Sources (elastic/elasticsearch and elasticsearch-specification, commit 9d9b9a52):
 * - RestResetFeatureStateAction → TransportResetFeatureStateAction, action name
 *   `cluster:admin/features/reset` (a `cluster:*` action: `manage` and `all` grant it, `monitor`
 *   does not).
 * - specification/features/reset_features: POST /_features/_reset, response
 *   `{"features":[{"feature_name":"security","status":"SUCCESS"}, ...]}`; it "deletes all state
 *   information stored in system indices" — for security that is the `.security` index: native
 *   users, native roles, API keys, application privileges, role mappings, and the stored
 *   passwords of reserved users (which fall back to the bootstrap password). Ordinary indices,
 *   templates, pipelines and ILM policies are not system state and survive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ elasticPassword: 'bootstrap-pw' });
});
afterAll(() => tc.close());

async function populate(): Promise<{ keyClient: ReturnType<TestCluster['clientFor']> }> {
  // The index survives the feature reset of the first test, so a later populate finds it.
  if (!(await tc.admin.indices.exists({ index: 'kept-index' }))) {
    await tc.admin.indices.create({ index: 'kept-index' });
  }
  await tc.admin.indices.putIndexTemplate({ name: 'kept-template', index_patterns: ['kept-*'] });
  await tc.admin.ingest.putPipeline({ id: 'kept-pipeline', processors: [] });
  await tc.admin.ilm.putLifecycle({ name: 'kept-policy', policy: { phases: { hot: { actions: {} } } } });
  await tc.admin.security.putRole({ name: 'reader', indices: [{ names: ['*'], privileges: ['read'] }] });
  await tc.admin.security.putUser({ username: 'joe', password: 'joe-password', roles: ['reader'] });
  await tc.admin.security.putPrivileges({ privileges: { myapp: { read: { actions: ['data:read/*'] } } } });
  const key = await tc.apiKey(undefined);
  return { keyClient: key.client };
}

describe('POST /_features/_reset', () => {
  it('resets the security feature: native users, roles, API keys, application privileges, the elastic password', async () => {
    const { keyClient } = await populate();
    await tc.admin.security.changePassword({ username: 'elastic', password: 'changed-pw' });
    const elastic = tc.clientFor({ username: 'elastic', password: 'changed-pw' });

    const res = (await elastic.transport.request({ method: 'POST', path: '/_features/_reset' })) as Json;
    expect(res).toEqual({ features: [{ feature_name: 'security', status: 'SUCCESS' }] });

    // The changed password lived in the security index; the bootstrap password works again.
    expect((await esError(() => elastic.security.authenticate())).status).toBe(401);
    const boot = tc.clientFor({ username: 'elastic', password: 'bootstrap-pw' });
    expect((await boot.security.authenticate()).username).toBe('elastic');

    const joe = tc.clientFor({ username: 'joe', password: 'joe-password' });
    expect((await esError(() => joe.security.authenticate())).status).toBe(401);
    expect((await esError(() => keyClient.security.authenticate())).status).toBe(401);
    expect((await esError(() => boot.security.getRole({ name: 'reader' }))).status).toBe(404);
    expect(Object.keys(await boot.security.getRole({ name: 'superuser' }))).toEqual(['superuser']);
    expect(await boot.security.getPrivileges()).toEqual({});
    expect((await boot.security.queryApiKeys({})).total).toBe(0);

    // Not system state: ordinary indices, templates, pipelines and ILM policies survive.
    expect(await boot.indices.exists({ index: 'kept-index' })).toBe(true);
    expect((await boot.indices.getIndexTemplate({ name: 'kept-template' })).index_templates.length).toBe(1);
    expect(Object.keys(await boot.ingest.getPipeline({ id: 'kept-pipeline' }))).toEqual(['kept-pipeline']);
    expect(Object.keys(await boot.ilm.getLifecycle({ name: 'kept-policy' }))).toEqual(['kept-policy']);
  });

  it('is authorized as cluster:admin/features/reset: monitor is refused, manage is allowed', async () => {
    const monitor = await tc.apiKey({ cluster: ['monitor'] });
    const denied = await esError(() =>
      monitor.client.transport.request({ method: 'POST', path: '/_features/_reset' }),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.type).toBe('security_exception');
    expect(denied.body.error.reason).toMatch(
      /^action \[cluster:admin\/features\/reset\] is unauthorized for API key id \[/,
    );

    await tc.admin.security.putUser({ username: 'manager', password: 'manager-pw', roles: ['m'] });
    await tc.admin.security.putRole({ name: 'm', cluster: ['manage'] });
    const manager = tc.clientFor({ username: 'manager', password: 'manager-pw' });
    const res = (await manager.transport.request({ method: 'POST', path: '/_features/_reset' })) as Json;
    expect(res.features).toEqual([{ feature_name: 'security', status: 'SUCCESS' }]);
    expect((await esError(() => manager.security.authenticate())).status).toBe(401);
  });
});

describe('POST /_sandbox/reset (the sandbox only, elastic only)', () => {
  it('wipes security objects and every index, template, pipeline, ILM policy and cluster setting', async () => {
    await populate();
    await tc.admin.cluster.putSettings({ persistent: { 'action.destructive_requires_name': false } });
    const res = (await tc.admin.transport.request({ method: 'POST', path: '/_sandbox/reset' })) as Json;
    expect(res).toEqual({ acknowledged: true });
    expect(await tc.admin.indices.exists({ index: 'kept-index' })).toBe(false);
    expect((await esError(() => tc.admin.indices.getIndexTemplate({ name: 'kept-template' }))).status).toBe(
      404,
    );
    expect((await esError(() => tc.admin.ingest.getPipeline({ id: 'kept-pipeline' }))).status).toBe(404);
    expect((await esError(() => tc.admin.ilm.getLifecycle({ name: 'kept-policy' }))).status).toBe(404);
    expect((await tc.admin.cluster.getSettings()).persistent).toEqual({});
    expect((await esError(() => tc.admin.security.getUser({ username: 'joe' }))).status).toBe(404);
    expect((await tc.admin.security.queryApiKeys({})).total).toBe(0);
  });

  it('refuses any other principal', async () => {
    await tc.admin.security.putRole({ name: 'everything', cluster: ['all'] });
    await tc.admin.security.putUser({ username: 'root2', password: 'root2-password', roles: ['everything'] });
    const root2 = tc.clientFor({ username: 'root2', password: 'root2-password' });
    const denied = await esError(() => root2.transport.request({ method: 'POST', path: '/_sandbox/reset' }));
    expect(denied.status).toBe(403);
    expect(await tc.admin.security.getUser({ username: 'root2' })).toHaveProperty('root2');
  });
});
