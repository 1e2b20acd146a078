/**
 * Issue 12, batch 3: connector APIs resolve per Elasticsearch major. Facts from
 * elastic/elasticsearch, written literally:
 * - 8.x (since elastic/elasticsearch#105289): the action classes name
 *   `indices:data/{read,write}/xpack/connector/*` (ListConnectorAction.NAME
 *   `indices:data/read/xpack/connector/list`, DeleteConnectorAction.NAME
 *   `indices:data/write/xpack/connector/delete`, UpdateConnectorErrorAction.NAME
 *   `indices:data/write/xpack/connector/update_error`, ...) and ConnectorActionRequest is an
 *   IndicesRequest whose indices() is ConnectorTemplateRegistry.CONNECTOR_INDEX_NAME_PATTERN,
 *   `".elastic-connectors-v" + REGISTRY_VERSION` with REGISTRY_VERSION 1.
 * - 9.x (elastic/elasticsearch#119863): `cluster:admin/xpack/connector/*` cluster actions, granted
 *   by manage_connector; ClusterPrivilegeResolver.MONITOR_CONNECTOR_PATTERN lists
 *   `cluster:admin/xpack/connector/{get,list,sync_job/get,sync_job/list}`.
 * - Connector secrets are `cluster:admin/xpack/connector/secret/*` in both (GetConnectorSecretAction).
 */
import { describe, expect, it } from 'vitest';
import { resolveRequest } from '../../../src/core/resolver/index.js';

describe('connector APIs resolve per Elasticsearch major', () => {
  it.each([
    {
      method: 'GET',
      path: '/_connector',
      api: 'connector.list',
      v8: ['indices:data/read/xpack/connector/list', 'index', ['.elastic-connectors-v1']],
      v9: ['cluster:admin/xpack/connector/list', 'cluster', undefined],
    },
    {
      method: 'DELETE',
      path: '/_connector/c-1',
      api: 'connector.delete',
      v8: ['indices:data/write/xpack/connector/delete', 'index', ['.elastic-connectors-v1']],
      v9: ['cluster:admin/xpack/connector/delete', 'cluster', undefined],
    },
    {
      method: 'PUT',
      path: '/_connector/c-1/_last_sync',
      api: 'connector.last_sync',
      v8: ['indices:data/write/xpack/connector/update_last_sync_stats', 'index', ['.elastic-connectors-v1']],
      v9: ['cluster:admin/xpack/connector/update_last_sync_stats', 'cluster', undefined],
    },
    {
      method: 'PUT',
      path: '/_connector/c-1/_error',
      api: 'connector.update_error',
      v8: ['indices:data/write/xpack/connector/update_error', 'index', ['.elastic-connectors-v1']],
      v9: ['cluster:admin/xpack/connector/update_error', 'cluster', undefined],
    },
    {
      method: 'GET',
      path: '/_connector/_secret/s-1',
      api: 'connector.secret_get',
      v8: ['cluster:admin/xpack/connector/secret/get', 'cluster', undefined],
      v9: ['cluster:admin/xpack/connector/secret/get', 'cluster', undefined],
    },
  ])('$method $path ($api): the 8.x and the 9.x action', (c) => {
    for (const [major, [action, scope, indices]] of [
      [8, c.v8],
      [9, c.v9],
    ] as const) {
      const r = resolveRequest({ method: c.method, path: c.path, major });
      expect(r?.api).toBe(c.api);
      expect([r?.action, r?.scope, r?.indices], `major ${major}`).toEqual([action, scope, indices]);
    }
  });

  it('without a major the newest (9.x) action is given', () => {
    const r = resolveRequest({ method: 'GET', path: '/_connector/c-1' });
    expect([r?.api, r?.action, r?.scope]).toEqual([
      'connector.get',
      'cluster:admin/xpack/connector/get',
      'cluster',
    ]);
  });

  it('the connector id in the path is not an index name, on either major', () => {
    // GET /_connector/{connector_id}: a connector document id, not an index expression.
    expect(resolveRequest({ method: 'GET', path: '/_connector/logs-1', major: 9 })?.indices).toBeUndefined();
  });

  it('an 8.x name not found in the stored source stays unverified on 8 while 9 has its row', () => {
    // GetConnectorAction's 8.x NAME is not in the stored source; its 9.x NAME is
    // `cluster:admin/xpack/connector/get`.
    expect(resolveRequest({ method: 'GET', path: '/_connector/c-1', major: 8 })?.action).toBeUndefined();
    expect(resolveRequest({ method: 'GET', path: '/_connector/c-1', major: 9 })?.action).toBe(
      'cluster:admin/xpack/connector/get',
    );
  });

  it('sync job APIs: no 8.x action class is stored, the 9.x name resolves', () => {
    expect(
      resolveRequest({ method: 'GET', path: '/_connector/_sync_job/j-1', major: 8 })?.action,
    ).toBeUndefined();
    expect(resolveRequest({ method: 'GET', path: '/_connector/_sync_job/j-1', major: 9 })?.action).toBe(
      'cluster:admin/xpack/connector/sync_job/get',
    );
  });
});
