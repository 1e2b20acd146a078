/**
 * APIs the sandbox neither emulates nor knows the transport action of: they are refused with 403
 * when the privileges the specification documents for them prove the caller lacks the action,
 * and answer the not-emulated 400 otherwise. Documented privileges, literally from the
 * elasticsearch-specification (commit 9d9b9a521cc1070c1c9eb6c77d91c3a5fb09730d):
 * - ingest.get_ip_location_database and ingest.put_ip_location_database `@cluster_privileges manage`
 *   (specification/ingest/get_ip_location_database, put_ip_location_database), the examples until
 *   batch 5 of issue 12 verified their actions
 * (Batch 4 verified the region policy and ML explain APIs, the examples before it.)
 * (Batch 3 of issue 12 verified security.get_stats and esql.async_query_get, the earlier examples.
 * Batch 4 took esql.get_dataset, the index-privilege example, off the stateful surface: a release
 * build has no handler for it, so the path answers 400 before authorization; no unverified API of
 * the 9.x surface documents a known index privilege only, and the index-privilege step is checked
 * in test/unit/privileges/documented-privileges.test.ts.)
 * Privilege contents (elastic/elasticsearch ClusterPrivilegeResolver / IndexPrivilege): `monitor`
 * is `cluster:monitor/*`, `monitor_ml` is `cluster:monitor/xpack/ml/*`, `monitor_inference` is
 * `cluster:monitor/xpack/inference*`, `manage_security` is `cluster:admin/xpack/security/*`;
 * `manage` is `indices:monitor/*` and `indices:admin/*`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

const NOT_EMULATED = (api: string) => `the eskeys sandbox does not emulate [${api}]`;

describe('unverified APIs are authorized by their documented privileges where that proves a denial', () => {
  it('the IP location database APIs, the last examples of a documented cluster privilege, are now authorized by their action', async () => {
    // Batch 5 of issue 12 verified them (GetDatabaseConfigurationAction / PutDatabaseConfigurationAction,
    // cluster:admin/ingest/geoip/database/{get,put}); the documented-cluster-privilege step has no
    // example left on the stateful surface and is checked in test/unit/privileges/documented-privileges.test.ts.
    // `monitor` overlapped the documented `manage`, so it reached the not-emulated 400; the action
    // itself is cluster:admin/*, outside `monitor`, so Elasticsearch refuses it.
    const monitor = await tc.apiKey({ cluster: ['monitor'] });
    const denied = await esError(() =>
      monitor.client.transport.request({ method: 'GET', path: '/_ingest/ip_location/database' }),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.reason).toBe(
      `action [cluster:admin/ingest/geoip/database/get] is unauthorized for API key id [${monitor.id}] of user [elastic], this action is granted by the cluster privileges [manage,all]`,
    );
    const manage = await tc.apiKey({ cluster: ['manage'] });
    const r = await esError(() =>
      manage.client.transport.request({
        method: 'PUT',
        path: '/_ingest/ip_location/database/db-1',
        body: {},
      }),
    );
    expect(r.status).toBe(400);
    expect(r.body.error.reason).toBe(NOT_EMULATED('ingest.put_ip_location_database'));
  });

  it('esql.get_dataset (index privilege manage documented) reaches no handler on a stateful release', async () => {
    // EsqlPlugin registers RestGetDatasetAction only under ESQL_EXTERNAL_DATASOURCES_FEATURE_FLAG,
    // off in release builds: RestController answers 400 before any handler, whoever asks.
    for (const key of [
      await tc.apiKey({ cluster: ['monitor'] }),
      await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['manage'] }] }),
    ]) {
      const r = await esError(() => key.client.transport.request({ method: 'GET', path: '/_query/dataset' }));
      expect([r.status, r.body]).toEqual([
        400,
        { error: 'no handler found for uri [/_query/dataset] and method [GET]', status: 400 },
      ]);
    }
  });
});

describe('_cat APIs that send one transport request are authorized with its action', () => {
  // cat.RestHealthAction sends one ClusterHealthRequest (cluster:monitor/health); cat.RestCountAction
  // one SearchRequest (indices:data/read/search) over the path's indices.
  it('cat.health and cat.count name the real action in the 403', async () => {
    const key = await tc.apiKey({ cluster: ['manage_security'] });
    const health = await esError(() => key.client.transport.request({ method: 'GET', path: '/_cat/health' }));
    expect(health.status).toBe(403);
    expect(health.body.error.reason).toMatch(
      /^action \[cluster:monitor\/health\] is unauthorized for API key id \[[^\]]+\] of user \[elastic\], this action is granted by the cluster privileges \[/,
    );
    const count = await esError(() =>
      key.client.transport.request({ method: 'GET', path: '/_cat/count/logs' }),
    );
    expect(count.status).toBe(403);
    expect(count.body.error.reason).toMatch(
      /^action \[indices:data\/read\/search\] is unauthorized for API key id \[[^\]]+\] of user \[elastic\] on indices \[logs\], /,
    );
    const monitor = await tc.apiKey({ cluster: ['monitor'] });
    const allowed = await monitor.client.transport.request(
      { method: 'GET', path: '/_cat/health', querystring: { h: 'cluster' } },
      { meta: true },
    );
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toBe('eskeys-sandbox\n');
  });
});

describe('security and license APIs verified in part R2 name their action', () => {
  // Names from elastic/elasticsearch: xpack.core.security.action.ActionTypes (QUERY_USER_ACTION,
  // QUERY_ROLE_ACTION), PutLicenseAction.NAME.
  it.each([
    ['POST', '/_security/_query/user', 'cluster:admin/xpack/security/user/query'],
    ['POST', '/_security/_query/role', 'cluster:admin/xpack/security/role/query'],
    ['PUT', '/_license', 'cluster:admin/xpack/license/put'],
  ])('%s %s → %s', async (method, path, action) => {
    const key = await tc.apiKey({ cluster: ['monitor'] });
    const denied = await esError(() => key.client.transport.request({ method, path }));
    expect(denied.status).toBe(403);
    expect(
      denied.body.error.reason.startsWith(`action [${action}] is unauthorized for API key id [${key.id}]`),
    ).toBe(true);
  });
});

describe('ML and shutdown APIs verified in part R2 name their action', () => {
  // Names from elastic/elasticsearch: MlInfoAction.NAME, GetJobsStatsAction.NAME,
  // GetDatafeedsAction.NAME, GetShutdownStatusAction.NAME.
  it.each([
    ['GET', '/_ml/info', 'cluster:monitor/xpack/ml/info/get'],
    ['GET', '/_ml/anomaly_detectors/_stats', 'cluster:monitor/xpack/ml/job/stats/get'],
    ['GET', '/_ml/datafeeds', 'cluster:monitor/xpack/ml/datafeeds/get'],
    ['GET', '/_nodes/shutdown', 'cluster:admin/shutdown/get'],
  ])('%s %s → %s', async (method, path, action) => {
    const key = await tc.apiKey({ cluster: ['manage_security'] });
    const denied = await esError(() => key.client.transport.request({ method, path }));
    expect(denied.status).toBe(403);
    expect(
      denied.body.error.reason.startsWith(`action [${action}] is unauthorized for API key id [${key.id}]`),
    ).toBe(true);
  });
});
