/**
 * APIs of transport-action batch 1 (issue 12) are authorized with their real action before the
 * sandbox says it does not emulate them. Actions, literally from elastic/elasticsearch (REST
 * handler → action NAME; each listed in the operator-privileges QA Constants.java or
 * DefaultOperatorOnlyRegistry):
 * - ml.close_job: RestCloseJobAction → CloseJobAction `cluster:admin/xpack/ml/job/close`
 * - inference.put: RestPutInferenceModelAction → PutInferenceModelAction `cluster:admin/xpack/inference/put`
 * - graph.explore: RestGraphAction → GraphExploreAction `indices:data/read/xpack/graph/explore`,
 *   a GraphExploreRequest over the path's indices
 * - cluster.post_voting_config_exclusions: RestAddVotingConfigExclusionAction →
 *   `cluster:admin/voting_config/add_exclusions`
 * Privilege contents (ClusterPrivilegeResolver / IndexPrivilege): `monitor_ml` is
 * `cluster:monitor/xpack/ml/*`, `manage_ml` adds `cluster:admin/xpack/ml/*`; `monitor_inference` is
 * `cluster:monitor/xpack/inference*`, `manage_inference` adds `cluster:admin/xpack/inference/*`;
 * `monitor` is `cluster:monitor/*`, `manage` is `cluster:*` (less security); `read` is
 * `indices:data/read/*`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

const NOT_EMULATED = (api: string) => `the eskeys sandbox does not emulate [${api}]`;

describe('batch 1 APIs: 403 naming the real action without the privilege, the not-emulated 400 with it', () => {
  it.each([
    [
      'ml.close_job',
      'POST',
      '/_ml/anomaly_detectors/job-1/_close',
      'cluster:admin/xpack/ml/job/close',
      'monitor_ml',
      'manage_ml',
    ],
    [
      'inference.put',
      'PUT',
      '/_inference/text_embedding/endpoint-1',
      'cluster:admin/xpack/inference/put',
      'monitor_inference',
      'manage_inference',
    ],
    [
      'cluster.post_voting_config_exclusions',
      'POST',
      '/_cluster/voting_config_exclusions',
      'cluster:admin/voting_config/add_exclusions',
      'monitor',
      'manage',
    ],
  ])('%s', async (api, method, path, action, lacking, holding) => {
    const without = await tc.apiKey({ cluster: [lacking] });
    const denied = await esError(() => without.client.transport.request({ method, path }));
    expect(denied.status).toBe(403);
    expect(denied.body.error.type).toBe('security_exception');
    expect(
      denied.body.error.reason.startsWith(
        `action [${action}] is unauthorized for API key id [${without.id}] of user [elastic], this action is granted by the cluster privileges [`,
      ),
    ).toBe(true);

    const withIt = await tc.apiKey({ cluster: [holding] });
    const allowed = await esError(() => withIt.client.transport.request({ method, path }));
    expect(allowed.status).toBe(400);
    expect(allowed.body.error.reason).toBe(NOT_EMULATED(api));
  });

  it('graph.explore is an index action on the path names', async () => {
    const other = await tc.apiKey({ indices: [{ names: ['metrics-*'], privileges: ['read'] }] });
    const denied = await esError(() =>
      other.client.transport.request({ method: 'POST', path: '/logs-1/_graph/explore', body: {} }),
    );
    expect(denied.status).toBe(403);
    expect(
      denied.body.error.reason.startsWith(
        `action [indices:data/read/xpack/graph/explore] is unauthorized for API key id [${other.id}] of user [elastic] on indices [logs-1], this action is granted by the index privileges [`,
      ),
    ).toBe(true);

    const reader = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['read'] }] });
    const allowed = await esError(() =>
      reader.client.transport.request({ method: 'POST', path: '/logs-1/_graph/explore', body: {} }),
    );
    expect(allowed.status).toBe(400);
    expect(allowed.body.error.reason).toBe(NOT_EMULATED('graph.explore'));
  });
});
