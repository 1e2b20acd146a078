/**
 * Step 1 of index authorization, as the sandbox uses it for APIs whose transport action it does
 * not know: may some index privilege of the role grant some action of a documented privilege, on
 * any index? Privilege contents from elastic/elasticsearch IndexPrivilege: `manage` is
 * `indices:monitor/*` and `indices:admin/*`, `monitor` is `indices:monitor/*`, `delete` is
 * `indices:data/write/delete*`. This was checked through the sandbox with esql.get_dataset until
 * batch 4 of issue 12 took that API off the stateful surface.
 */
import { describe, expect, it } from 'vitest';
import { Role, type RoleDescriptor } from '../../../src/core/privileges/index.js';

describe('Role.mayGrantIndexActionOf (step 1 for a documented index privilege)', () => {
  it.each([
    // no index group at all: nothing of `manage` can be granted
    ['a cluster-only role', { cluster: ['monitor'] }, false],
    // `manage` on some pattern grants `manage`'s actions there
    ['manage on logs-*', { indices: [{ names: ['logs-*'], privileges: ['manage'] }] }, true],
    // `monitor` (indices:monitor/*) lies within `manage`: the two overlap
    ['monitor on logs-*', { indices: [{ names: ['logs-*'], privileges: ['monitor'] }] }, true],
    // `delete` is indices:data/write/delete*: disjoint from indices:admin/* and indices:monitor/*
    ['delete on logs-*', { indices: [{ names: ['logs-*'], privileges: ['delete'] }] }, false],
  ] satisfies [string, RoleDescriptor, boolean][])('%s → %s', (_name, descriptor, expected) => {
    const role = Role.fromDescriptors([descriptor]);
    expect(role.mayGrantIndexActionOf('manage')).toBe(expected);
  });

  it('an index privilege core does not know proves nothing (true)', () => {
    const role = Role.fromDescriptors([{ cluster: ['monitor'] }]);
    expect(role.mayGrantIndexActionOf('read_view_metadata')).toBe(true);
  });
});

/**
 * The same step for a documented cluster privilege. The sandbox checked it with the IP location
 * database APIs (documented `manage`) until batch 5 of issue 12 verified their actions; no API of
 * the stateful 9.x surface without a verified action documents a cluster privilege any more.
 * Privilege contents from elastic/elasticsearch ClusterPrivilegeResolver: `manage` is `cluster:*`
 * minus `cluster:admin/xpack/security/*` (and a few more), `manage_security` is
 * `cluster:admin/xpack/security/*` (and more), `monitor` is `cluster:monitor/*`, `monitor_ml` is
 * `cluster:monitor/xpack/ml/*`.
 */
describe('Role.mayGrantClusterActionOf (step 1 for a documented cluster privilege)', () => {
  it.each([
    // disjoint from `manage`: the request is provably refused
    ['manage_security', false],
    // within `manage`: some action of `manage` may be the API's
    ['monitor', true],
    ['monitor_ml', true],
    ['manage', true],
  ] satisfies [string, boolean][])('%s → %s', (held, expected) => {
    const role = Role.fromDescriptors([{ cluster: [held] }]);
    expect(role.mayGrantClusterActionOf('manage')).toBe(expected);
  });

  it('a cluster privilege core does not know proves nothing (true)', () => {
    const role = Role.fromDescriptors([{ cluster: ['manage_security'] }]);
    expect(role.mayGrantClusterActionOf('manage_project_routing')).toBe(true);
  });
});
