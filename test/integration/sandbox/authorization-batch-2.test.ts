/**
 * Issue 12, batch 2 through the sandbox: an API verified in this batch is authorized with its
 * transport action (403 naming it when no privilege of the key grants it) and, once authorized,
 * answers the not-emulated 400. Facts from elastic/elasticsearch, written literally:
 * - RestPauseAutoFollowPatternAction sends ActivateAutoFollowPatternAction
 *   (`cluster:admin/xpack/ccr/auto_follow_pattern/activate`), granted by `manage_ccr`
 *   (`cluster:admin/xpack/ccr/*`), `manage` and `all` (ClusterPrivilegeResolver).
 * - RestSamlPrepareAuthenticationAction sends `cluster:admin/xpack/security/saml/prepare`, granted
 *   by `manage_saml` (`cluster:admin/xpack/security/saml/*`), `manage_security` and `all`
 *   (`manage` excludes `cluster:admin/xpack/security/*`).
 * - RestRethrottleAction sends `cluster:admin/reindex/rethrottle`, granted by `manage` and `all`.
 * - RestGetGlobalCheckpointsAction sends `indices:monitor/fleet/global_checkpoints` for the path's
 *   index, granted by the index privileges `monitor` (`indices:monitor/*`), `manage` and `all`.
 * Denial messages list the granting privileges from the narrowest (AuthorizationDenialMessages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

const NOT_EMULATED = (api: string) => `the eskeys sandbox does not emulate [${api}]`;

describe('batch 2 of issue 12: cluster actions', () => {
  it.each([
    {
      method: 'POST',
      path: '/_ccr/auto_follow/pattern-1/pause',
      api: 'ccr.pause_auto_follow_pattern',
      action: 'cluster:admin/xpack/ccr/auto_follow_pattern/activate',
      grantedBy: 'manage_ccr,manage,all',
      holder: 'manage_ccr',
    },
    {
      method: 'POST',
      path: '/_security/saml/prepare',
      api: 'security.saml_prepare_authentication',
      action: 'cluster:admin/xpack/security/saml/prepare',
      grantedBy: 'manage_saml,manage_security,all',
      holder: 'manage_saml',
    },
    {
      method: 'POST',
      path: '/_reindex/node-1:42/_rethrottle',
      api: 'reindex_rethrottle',
      action: 'cluster:admin/reindex/rethrottle',
      grantedBy: 'manage,all',
      holder: 'manage',
    },
  ])('$method $path: 403 naming $action without it, the not-emulated 400 with $holder', async (c) => {
    const monitor = await tc.apiKey({ cluster: ['monitor'] });
    const denied = await esError(() => monitor.client.transport.request({ method: c.method, path: c.path }));
    expect(denied.status).toBe(403);
    expect(denied.body.error.type).toBe('security_exception');
    expect(denied.body.error.reason).toBe(
      `action [${c.action}] is unauthorized for API key id [${monitor.id}] of user [elastic], this action is granted by the cluster privileges [${c.grantedBy}]`,
    );

    const holder = await tc.apiKey({ cluster: [c.holder] });
    const allowed = await esError(() => holder.client.transport.request({ method: c.method, path: c.path }));
    expect(allowed.status).toBe(400);
    expect(allowed.body.error.reason).toBe(NOT_EMULATED(c.api));
  });
});

describe('batch 2 of issue 12: an index action on the path index', () => {
  it('GET /{index}/_fleet/global_checkpoints needs indices:monitor/fleet/global_checkpoints on that index', async () => {
    const clusterOnly = await tc.apiKey({ cluster: ['monitor'] });
    const denied = await esError(() =>
      clusterOnly.client.transport.request({ method: 'GET', path: '/logs-1/_fleet/global_checkpoints' }),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.reason).toBe(
      `action [indices:monitor/fleet/global_checkpoints] is unauthorized for API key id [${clusterOnly.id}] of user [elastic] on indices [logs-1], this action is granted by the index privileges [monitor,manage,all]`,
    );

    const monitorLogs = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['monitor'] }] });
    const allowed = await esError(() =>
      monitorLogs.client.transport.request({ method: 'GET', path: '/logs-1/_fleet/global_checkpoints' }),
    );
    expect(allowed.status).toBe(400);
    expect(allowed.body.error.reason).toBe(NOT_EMULATED('fleet.global_checkpoints'));
  });
});
