import { describe, expect, it } from 'vitest';
import {
  chooseClusterPrivilege,
  chooseDataStreamWritePrivilege,
  chooseIndexPrivilege,
} from '../../../src/core/learn/choose-privileges.js';

// Privilege contents from Elasticsearch's ClusterPrivilegeResolver / IndexPrivilege (see
// test/fixtures/golden-privilege-actions.ts): `monitor` is cluster:monitor/*, `read_ccr` grants
// cluster:monitor/state (and has_privileges), `cross_cluster_replication` grants
// cluster:monitor/state too, `manage_ccr` is cluster:admin/xpack/ccr/*; `read` is
// indices:data/read/*, `read_cross_cluster` grants indices:data/read/esql,
// `manage_follow_index` grants indices:admin/xpack/ccr/put_follow (PutFollowAction.NAME).
describe('the privilege learn chooses for an action', () => {
  it('a general action gets a general privilege, not one made for replication or cross-cluster keys', () => {
    expect(chooseClusterPrivilege('cluster:monitor/state').privilege).toBe('monitor');
    expect(chooseClusterPrivilege('cluster:monitor/health').privilege).toBe('monitor');
    expect(chooseIndexPrivilege('indices:data/read/esql').privilege).toBe('read');
  });

  it("a feature's own action gets the feature's privilege", () => {
    expect(chooseIndexPrivilege('indices:admin/xpack/ccr/put_follow').privilege).toBe('manage_follow_index');
    expect(chooseClusterPrivilege('cluster:admin/xpack/ccr/auto_follow_pattern/put').privilege).toBe(
      'manage_ccr',
    );
  });

  it('the broad privileges stay the last resort', () => {
    // delete grants indices:data/write/delete*, write indices:data/write/*, all indices:*
    expect(chooseIndexPrivilege('indices:data/write/delete')).toEqual({
      action: 'indices:data/write/delete',
      privilege: 'delete',
      wider: ['write', 'all'],
    });
  });

  it('chooses only privileges the target major knows (monitor_esql is 9.x only)', () => {
    // ClusterPrivilegeResolver: monitor_esql is cluster:monitor/xpack/esql/* (ga 9.1, absent from
    // 8.19); monitor (cluster:monitor/*) grants the same action on both majors.
    const action = 'cluster:monitor/xpack/esql/list_queries';
    expect(chooseClusterPrivilege(action, 9)).toEqual({
      action,
      privilege: 'monitor_esql',
      wider: ['monitor', 'manage', 'all'],
    });
    expect(chooseClusterPrivilege(action, 8)).toEqual({
      action,
      privilege: 'monitor',
      wider: ['manage', 'all'],
    });
  });

  // IndexPrivilege: auto_configure = indices:admin/mapping/auto_put + indices:admin/auto_create;
  // `write` lists auto_put explicitly, `manage` has indices:admin/*; create_doc/create/index get
  // auto_put only through IndicesPermission's BWC rule, which excludes data streams.
  it.each([
    [
      'a create that landed in a data stream',
      'indices:data/write/index:op_type/create',
      '.ds-logs-a-2026.12.06-000001',
      'auto_configure',
    ],
    ['a create into a plain index', 'indices:data/write/index:op_type/create', undefined, undefined],
    ['a search on a data stream', 'indices:data/read/search', '.ds-logs-a-2026.12.06-000001', undefined],
  ])('%s: the extra privilege for mapping updates', (_name, action, backingIndex, expected) => {
    const choice = chooseDataStreamWritePrivilege({ action, ...(backingIndex ? { backingIndex } : {}) });
    expect(choice?.privilege).toBe(expected);
    if (expected)
      expect(choice).toEqual({
        action: 'indices:admin/mapping/auto_put',
        privilege: 'auto_configure',
        wider: ['manage', 'write', 'all'],
      });
  });
});
