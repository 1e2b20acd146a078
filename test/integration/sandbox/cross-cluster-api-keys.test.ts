/**
 * Cross-cluster API keys as Elasticsearch does them (issue 12, part S). Expectations follow
 * Elasticsearch's ApiKeyRestIT (testCreateCrossClusterApiKey, testUpdateCrossClusterApiKey,
 * testUpdateFailureCases, testInvalidateCrossClusterApiKeys) and CrossClusterApiKeyRoleDescriptorBuilder;
 * the sandbox's default profile is 8.19.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ elasticPassword: 'test-elastic-pw' });
});
afterAll(() => tc.close());

const access = {
  search: [{ names: ['metrics'] }],
  replication: [{ names: ['logs'], allow_restricted_indices: true }],
};

async function getKey(id: string) {
  const r = await tc.admin.security.getApiKey({ id, with_limited_by: true });
  return r.api_keys[0] as unknown as Record<string, unknown>;
}

describe('create', () => {
  it('derives the cross_cluster role descriptor and keeps no limited_by', async () => {
    const created = await tc.admin.security.createCrossClusterApiKey({
      name: 'my-key',
      access,
      expiration: '7d',
      metadata: { tag: 'shared', points: 0 },
    } as never);
    expect(Object.keys(created).sort()).toEqual(['api_key', 'encoded', 'expiration', 'id', 'name']);
    const key = await getKey(created.id);
    expect(key.type).toBe('cross_cluster');
    expect(key.role_descriptors).toEqual({
      cross_cluster: {
        cluster: ['cross_cluster_search', 'monitor_enrich', 'cross_cluster_replication'],
        indices: [
          {
            names: ['metrics'],
            privileges: ['read', 'read_cross_cluster', 'view_index_metadata'],
            allow_restricted_indices: false,
          },
          {
            names: ['logs'],
            privileges: ['cross_cluster_replication', 'cross_cluster_replication_internal'],
            allow_restricted_indices: true,
          },
        ],
        applications: [],
        run_as: [],
        metadata: {},
        transient_metadata: { enabled: true },
      },
    });
    expect(key.access).toEqual({
      search: [{ names: ['metrics'], allow_restricted_indices: false }],
      replication: [{ names: ['logs'], allow_restricted_indices: true }],
    });
    expect(key.limited_by).toBeUndefined();
    const found = await tc.admin.security.queryApiKeys({ query: { term: { type: 'cross_cluster' } } });
    expect(found.api_keys.map((k) => k.id)).toContain(created.id);
  });

  it('needs manage_security: manage_api_key does not grant it', async () => {
    const keyAdmin = await tc.userWithRole('cc_key_admin', { cluster: ['manage_api_key'] });
    const err = await expectError(
      () => keyAdmin.security.createCrossClusterApiKey({ name: 'x', access } as never),
      403,
      'security_exception',
    );
    expect(err.reason).toMatch(
      /^action \[cluster:admin\/xpack\/security\/cross_cluster\/api_key\/create\] is unauthorized/,
    );
  });

  it('refuses an empty access and DLS on replication', async () => {
    await expectError(
      () => tc.admin.security.createCrossClusterApiKey({ name: 'x', access: {} } as never),
      400,
      'illegal_argument_exception',
      'must specify non-empty access for either [search] or [replication]',
    );
    await expectError(
      () =>
        tc.admin.security.createCrossClusterApiKey({
          name: 'x',
          access: { replication: [{ names: ['logs'], query: '{"match_all":{}}' }] },
        } as never),
      400,
      'illegal_argument_exception',
      'replication does not support document or field level security',
    );
  });

  it('cannot authenticate REST requests', async () => {
    const created = await tc.admin.security.createCrossClusterApiKey({ name: 'rest-try', access } as never);
    const r = await esError(() => tc.clientFor({ apiKey: created.encoded }).security.authenticate());
    expect(r.status).toBe(401);
    expect(JSON.stringify(r.body)).toContain(
      `authentication expected API key type of [rest], but API key [${created.id}] has type [cross_cluster]`,
    );
  });
});

describe('update', () => {
  it('updates access and metadata; a repeat is a noop', async () => {
    const { id } = await tc.admin.security.createCrossClusterApiKey({
      name: 'cross-cluster-key',
      access: { search: [{ names: ['metrics'] }] },
    } as never);
    const u1 = await tc.admin.security.updateCrossClusterApiKey({
      id,
      access: { search: [{ names: ['blogs'] }] },
      metadata: { env: 'prod' },
    } as never);
    expect(u1).toEqual({ updated: true });
    const key = await getKey(id);
    expect((key.role_descriptors as Record<string, { cluster: string[] }>).cross_cluster!.cluster).toEqual([
      'cross_cluster_search',
      'monitor_enrich',
    ]);
    expect(key.access).toEqual({ search: [{ names: ['blogs'], allow_restricted_indices: false }] });
    expect(key.metadata).toEqual({ env: 'prod' });
    expect(
      await tc.admin.security.updateCrossClusterApiKey({ id, metadata: { env: 'prod' } } as never),
    ).toEqual({
      updated: false,
    });
  });

  it('fails as Elasticsearch does', async () => {
    const { id } = await tc.admin.security.createCrossClusterApiKey({ name: 'k', access } as never);
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'PUT',
          path: `/_security/cross_cluster/api_key/${id}`,
          body: {},
        }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: must update either [access] or [metadata] for cross-cluster API keys;',
    );
    await expectError(
      () => tc.admin.security.updateApiKey({ id, metadata: {} }),
      400,
      'illegal_argument_exception',
      'cannot update API key of type [cross_cluster] while expected type is [rest]',
    );
    const rest = await tc.admin.security.createApiKey({ name: 'rest-key' });
    await expectError(
      () => tc.admin.security.updateCrossClusterApiKey({ id: rest.id, metadata: {} } as never),
      400,
      'illegal_argument_exception',
      'cannot update API key of type [rest] while expected type is [cross_cluster]',
    );
    const keyAdmin = await tc.userWithRole('cc_updater', { cluster: ['manage_own_api_key'] });
    const err = await expectError(
      () => keyAdmin.security.updateCrossClusterApiKey({ id, metadata: {} } as never),
      403,
      'security_exception',
    );
    expect(err.reason).toMatch(
      /^action \[cluster:admin\/xpack\/security\/cross_cluster\/api_key\/update\] is unauthorized/,
    );
  });
});

describe('invalidate', () => {
  it('manage_api_key cannot invalidate cross-cluster keys; manage_security can', async () => {
    const cc = await tc.admin.security.createCrossClusterApiKey({ name: 'to-invalidate', access } as never);
    const rest = await tc.admin.security.createApiKey({ name: 'rest-to-invalidate' });
    const keyAdmin = await tc.userWithRole('cc_invalidator', { cluster: ['manage_api_key'] });
    const r = await keyAdmin.security.invalidateApiKey({ ids: [cc.id, rest.id] });
    expect(r.invalidated_api_keys).toEqual([rest.id]);
    expect(r.error_count).toBe(1);
    expect(r.error_details).toEqual([
      {
        type: 'security_exception',
        reason: `Cannot invalidate cross-cluster API key [${cc.id}]. This requires [manage_security] cluster privilege or higher`,
      },
    ]);
    const byAdmin = await tc.admin.security.invalidateApiKey({ ids: [cc.id] });
    expect(byAdmin.invalidated_api_keys).toEqual([cc.id]);
    expect(byAdmin.error_count).toBe(0);
  });
});
