/**
 * Issue 12, batch 3 through the sandbox: connector APIs are authorized with the action of the
 * profile's major, and newer APIs with the action their handler sends; a key lacking it gets 403
 * naming it, a key holding it the not-emulated 400. Facts from elastic/elasticsearch, literally:
 * - 8.x connectors (elastic/elasticsearch#105289): ListConnectorAction.NAME
 *   `indices:data/read/xpack/connector/list`, DeleteConnectorAction.NAME
 *   `indices:data/write/xpack/connector/delete`, on ConnectorActionRequest.indices() =
 *   `.elastic-connectors-v1` (ConnectorTemplateRegistry). Index privileges granting them:
 *   `read` (`indices:data/read/*`) and `write` (`indices:data/write/*`), `all` (IndexPrivilege).
 * - 9.x connectors (elastic/elasticsearch#119863): `cluster:admin/xpack/connector/list` and
 *   `.../delete`; ClusterPrivilegeResolver: MONITOR_CONNECTOR_PATTERN holds list,
 *   MANAGE_CONNECTOR_PATTERN is `cluster:admin/xpack/connector/*` (minus secrets), and `manage`
 *   (`cluster:*` minus security) and `all` grant them too.
 * - RestSecurityStatsAction sends GetSecurityStatsAction (`cluster:monitor/xpack/security/stats`),
 *   granted by `monitor` (`cluster:monitor/*`), `manage` (`cluster:*` minus security admin) and
 *   `all`; `manage_security` is `cluster:admin/xpack/security/*` and does not grant it.
 * - RestTestQueryRulesetAction sends TestQueryRulesetAction (`cluster:admin/xpack/query_rules/test`),
 *   granted by `manage_search_query_rules` (`cluster:admin/xpack/query_rules/*`), `manage`, `all`.
 * - RestRemoveIndexBlockAction sends TransportRemoveIndexBlockAction.TYPE
 *   (`indices:admin/block/remove`) for the path's index, granted by the index privileges
 *   `manage` (`indices:admin/*`) and `all`.
 * Denial messages list the granting privileges from the narrowest (AuthorizationDenialMessages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, startTestCluster, type TestCluster } from './helpers.js';

const NOT_EMULATED = (api: string) => `the eskeys sandbox does not emulate [${api}]`;

interface ConnectorCase {
  readonly method: string;
  readonly path: string;
  readonly api: string;
  /** The 403 reason for a key holding only `monitor`, given its id. */
  readonly denial: (id: string) => string;
  /** A role that grants the action. */
  readonly holder: Record<string, unknown>;
}

describe.each<{ version: string; cases: ConnectorCase[] }>([
  {
    version: '8',
    cases: [
      {
        method: 'GET',
        path: '/_connector',
        api: 'connector.list',
        denial: (id: string) =>
          `action [indices:data/read/xpack/connector/list] is unauthorized for API key id [${id}] of user [elastic] on indices [.elastic-connectors-v1], this action is granted by the index privileges [read,all]`,
        holder: { indices: [{ names: ['.elastic-connectors*'], privileges: ['read'] }] },
      },
      {
        method: 'DELETE',
        path: '/_connector/c-1',
        api: 'connector.delete',
        denial: (id: string) =>
          `action [indices:data/write/xpack/connector/delete] is unauthorized for API key id [${id}] of user [elastic] on indices [.elastic-connectors-v1], this action is granted by the index privileges [write,all]`,
        holder: { indices: [{ names: ['.elastic-connectors*'], privileges: ['write'] }] },
      },
    ],
  },
  {
    version: '9',
    cases: [
      {
        method: 'GET',
        path: '/_connector',
        api: 'connector.list',
        denial: (id: string) =>
          `action [cluster:admin/xpack/connector/list] is unauthorized for API key id [${id}] of user [elastic], this action is granted by the cluster privileges [monitor_connector,manage_connector,manage,all]`,
        holder: { cluster: ['monitor_connector'] },
      },
      {
        method: 'DELETE',
        path: '/_connector/c-1',
        api: 'connector.delete',
        denial: (id: string) =>
          `action [cluster:admin/xpack/connector/delete] is unauthorized for API key id [${id}] of user [elastic], this action is granted by the cluster privileges [manage_connector,manage,all]`,
        holder: { cluster: ['manage_connector'] },
      },
    ],
  },
])('connector APIs on the $version profile', ({ version, cases }) => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ version });
  });
  afterAll(() => tc.close());

  it.each(cases)('$method $path: 403 naming the action without it, the 400 with it', async (c) => {
    const monitor = await tc.apiKey({ cluster: ['monitor'] });
    const denied = await esError(() => monitor.client.transport.request({ method: c.method, path: c.path }));
    expect(denied.status).toBe(403);
    expect(denied.body.error.type).toBe('security_exception');
    expect(denied.body.error.reason).toBe(c.denial(monitor.id));

    const holder = await tc.apiKey(c.holder);
    const allowed = await esError(() => holder.client.transport.request({ method: c.method, path: c.path }));
    expect(allowed.status).toBe(400);
    expect(allowed.body.error.reason).toBe(NOT_EMULATED(c.api));
  });
});

describe('batch 3 of issue 12: newer APIs', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster();
  });
  afterAll(() => tc.close());

  it.each([
    {
      method: 'GET',
      path: '/_security/stats',
      api: 'security.get_stats',
      action: 'cluster:monitor/xpack/security/stats',
      lacking: 'manage_security',
      grantedBy: 'monitor,manage,all',
      holder: 'monitor',
    },
    {
      method: 'POST',
      path: '/_query_rules/rs-1/_test',
      api: 'query_rules.test',
      action: 'cluster:admin/xpack/query_rules/test',
      lacking: 'monitor',
      grantedBy: 'manage_search_query_rules,manage,all',
      holder: 'manage_search_query_rules',
    },
  ])('$method $path: 403 naming $action without it, the 400 with $holder', async (c) => {
    const lacking = await tc.apiKey({ cluster: [c.lacking] });
    const denied = await esError(() => lacking.client.transport.request({ method: c.method, path: c.path }));
    expect(denied.status).toBe(403);
    expect(denied.body.error.reason).toBe(
      `action [${c.action}] is unauthorized for API key id [${lacking.id}] of user [elastic], this action is granted by the cluster privileges [${c.grantedBy}]`,
    );
    const holder = await tc.apiKey({ cluster: [c.holder] });
    const allowed = await esError(() => holder.client.transport.request({ method: c.method, path: c.path }));
    expect(allowed.status).toBe(400);
    expect(allowed.body.error.reason).toBe(NOT_EMULATED(c.api));
  });

  it('DELETE /{index}/_block/write needs indices:admin/block/remove on that index', async () => {
    const reader = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['read'] }] });
    const denied = await esError(() =>
      reader.client.transport.request({ method: 'DELETE', path: '/logs-1/_block/write' }),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.reason).toBe(
      `action [indices:admin/block/remove] is unauthorized for API key id [${reader.id}] of user [elastic] on indices [logs-1], this action is granted by the index privileges [manage,all]`,
    );
    const manager = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['manage'] }] });
    const allowed = await esError(() =>
      manager.client.transport.request({ method: 'DELETE', path: '/logs-1/_block/write' }),
    );
    expect(allowed.status).toBe(400);
    expect(allowed.body.error.reason).toBe(NOT_EMULATED('indices.remove_block'));
  });
});
