import { describe, expect, it } from 'vitest';
import { CLUSTER_PRIVILEGE_NAMES, INDEX_PRIVILEGE_NAMES, Role } from '../../../src/core/privileges/index.js';
import {
  GOLDEN_CLUSTER_PRIVILEGES,
  GOLDEN_INDEX_PRIVILEGES,
  GOLDEN_PRIVILEGE_ACTIONS,
} from '../../fixtures/golden-privilege-actions.js';

// Every expectation comes from test/fixtures/golden-privilege-actions.ts, written from
// Elasticsearch's IndexPrivilege / ClusterPrivilegeResolver source, never from core's tables.

const indexRows = GOLDEN_PRIVILEGE_ACTIONS.filter((r) => r.kind === 'index');
const clusterRows = GOLDEN_PRIVILEGE_ACTIONS.filter((r) => r.kind === 'cluster');

describe('golden table: index privilege → action (core Role.checkIndex)', () => {
  it.each(indexRows.map((r) => [r.privilege, r.granted ? 'grants' : 'does not grant', r.action, r] as const))(
    '%s %s %s',
    (_p, _v, _a, row) => {
      const role = Role.fromDescriptors([
        { indices: [{ names: ['golden-*'], privileges: [row.privilege] }] },
      ]);
      expect(role.checkIndex(row.action, 'golden-1'), row.source).toBe(row.granted);
    },
  );
});

describe('golden table: cluster privilege → action (core Role.checkCluster)', () => {
  it.each(
    clusterRows.map((r) => [r.privilege, r.granted ? 'grants' : 'does not grant', r.action, r] as const),
  )('%s %s %s', (_p, _v, _a, row) => {
    const role = Role.fromDescriptors([{ cluster: [row.privilege] }]);
    expect(role.checkCluster(row.action, { ownedByCaller: true }), row.source).toBe(row.granted);
  });
});

describe('golden table coverage', () => {
  it('names exactly the named index privileges core knows', () => {
    expect([...GOLDEN_INDEX_PRIVILEGES].sort()).toEqual([...INDEX_PRIVILEGE_NAMES].sort());
  });

  it('names exactly the named cluster privileges core knows', () => {
    expect([...GOLDEN_CLUSTER_PRIVILEGES].sort()).toEqual([...CLUSTER_PRIVILEGE_NAMES].sort());
  });

  it('has at least one grant and one denial for every privilege that grants anything', () => {
    const byPrivilege = new Map<string, { grants: number; denies: number }>();
    for (const r of GOLDEN_PRIVILEGE_ACTIONS) {
      const k = `${r.kind}:${r.privilege}`;
      const c = byPrivilege.get(k) ?? { grants: 0, denies: 0 };
      if (r.granted) c.grants++;
      else c.denies++;
      byPrivilege.set(k, c);
    }
    // Privileges that grant nothing on a cluster or on the data of an index, in Elasticsearch.
    const empty = new Set([
      'index:none',
      'index:read_failure_store',
      'index:manage_failure_store',
      'cluster:none',
      'cluster:monitor_data_stream_global_retention',
      'cluster:manage_data_stream_global_retention',
    ]);
    for (const [k, c] of byPrivilege) {
      expect(c.denies, k).toBeGreaterThanOrEqual(1);
      if (!empty.has(k)) expect(c.grants, k).toBeGreaterThanOrEqual(1);
    }
    expect(GOLDEN_PRIVILEGE_ACTIONS.length).toBeGreaterThanOrEqual(400);
  });

  it('a manage_own_api_key role does not reach keys it does not own', () => {
    // ManageOwnApiKeyClusterPrivilege: get/invalidate of another user's keys fail the ownership check.
    const role = Role.fromDescriptors([{ cluster: ['manage_own_api_key'] }]);
    expect(
      role.checkCluster('cluster:admin/xpack/security/api_key/invalidate', { ownedByCaller: false }),
    ).toBe(false);
    expect(role.checkCluster('cluster:admin/xpack/security/api_key/get', { ownedByCaller: false })).toBe(
      false,
    );
  });
});
