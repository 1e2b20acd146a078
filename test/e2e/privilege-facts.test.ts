import { Client, errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { startSandboxProcess as startSandbox } from './sandbox-process.js';
import { eskeys, project } from './templates-cli.js';

// Privilege facts from the golden table (test/fixtures/golden-privilege-actions.ts, written from
// Elasticsearch's ClusterPrivilegeResolver), met where a user meets them: lint accepting a
// template's privilege names, and the `eskeys sandbox` a test suite points its client at.

/** The status and reason of a failed request; 200 when it succeeded. */
async function outcome(fn: () => Promise<unknown>): Promise<{ status: number; reason?: string }> {
  try {
    await fn();
    return { status: 200 };
  } catch (e) {
    if (e instanceof errors.ResponseError)
      return { status: e.statusCode ?? 0, reason: e.body?.error?.reason };
    throw e;
  }
}

describe('cluster privileges as Elasticsearch defines them (built CLI)', () => {
  it('lint accepts the deprecated transform privilege names Elasticsearch still resolves', async () => {
    // ClusterPrivilegeResolver: MANAGE_TRANSFORM_DEPRECATED / MONITOR_TRANSFORM_DEPRECATED.
    const cwd = project({
      'roles/transforms.json': {
        name: 'transforms',
        description: 'An old transform job runner.',
        role_descriptors: {
          app: { cluster: ['manage_data_frame_transforms', 'monitor_data_frame_transforms'] },
        },
        probes: { allow: [], deny: [] },
      },
    });
    const r = await eskeys(['lint', 'roles/transforms.json'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).not.toBe(2);
  });

  it('eskeys sandbox: manage_ccr is refused hot threads, create_snapshot may list repositories', async () => {
    const { child, ready, stopped } = startSandbox();
    try {
      const { url, password } = await ready;
      const admin = new Client({ node: url, auth: { username: 'elastic', password } });
      const keyWith = async (privilege: string) => {
        const k = await admin.security.createApiKey({
          name: privilege,
          role_descriptors: { r: { cluster: [privilege] } },
        });
        return { id: k.id, client: new Client({ node: url, auth: { apiKey: k.encoded } }) };
      };
      // MANAGE_CCR_PATTERN = cluster:admin/xpack/ccr/*, cluster:monitor/state, has_privileges: no hot threads.
      const ccr = await keyWith('manage_ccr');
      expect(await outcome(() => ccr.client.nodes.hotThreads())).toEqual({
        status: 403,
        reason: `action [cluster:monitor/nodes/hot_threads] is unauthorized for API key id [${ccr.id}] of user [elastic], this action is granted by the cluster privileges [monitor,manage,all]`,
      });
      expect((await outcome(() => ccr.client.cluster.state())).status).not.toBe(403);
      // CREATE_SNAPSHOT_PATTERN includes GetRepositoriesAction (cluster:admin/repository/get).
      const snap = await keyWith('create_snapshot');
      expect((await outcome(() => snap.client.snapshot.getRepository())).status).not.toBe(403);
      await Promise.all([admin.close(), ccr.client.close(), snap.client.close()]);
    } finally {
      child.kill('SIGINT');
      await stopped;
    }
  });
});
