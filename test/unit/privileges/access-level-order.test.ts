import { describe, expect, it } from 'vitest';
import { clusterPrivilegesGranting, indexPrivilegesGranting } from '../../../src/core/privileges/index.js';

// Denial-message privilege lists from Elasticsearch's security reference (docs/es-facts.md) (src tests and derived).
describe('privileges that grant an action, in 403-message order', () => {
  it.each([
    ['indices:data/write/index', 'create_doc,create,index,write,all'],
    ['indices:data/write/bulk', 'create_doc,create,delete,index,write,all'],
    ['indices:data/write/bulk[s]', 'create_doc,create,delete,index,write,all'],
    ['indices:data/write/delete', 'delete,write,all'],
    ['indices:data/write/update', 'index,write,all'],
    ['indices:data/write/index:op_type/index', 'create,index,write,all'],
    ['indices:admin/auto_create', 'auto_configure,create_index,manage,all'],
    ['indices:admin/create', 'create_index,manage,all'],
    ['indices:admin/delete', 'delete_index,manage,all'],
    ['indices:data/read/get', 'read,all'],
    ['indices:data/read/search', 'read,all'],
    ['indices:admin/mappings/get', 'view_index_metadata,manage,all'],
    ['indices:admin/mapping/put', 'manage,all'],
    ['indices:admin/settings/update', 'manage,all'],
  ])('index action %s → [%s]', (action, expected) => {
    expect(indexPrivilegesGranting(action).join(',')).toBe(expected);
  });

  it.each([
    ['cluster:monitor/health', true, 'monitor,manage,all'],
    ['indices:admin/index_template/put', true, 'manage_index_templates,manage,all'],
    [
      'cluster:admin/xpack/security/api_key/invalidate',
      true,
      'manage_own_api_key,manage_api_key,manage_security,all',
    ],
    ['cluster:admin/xpack/security/api_key/invalidate', false, 'manage_api_key,manage_security,all'],
    // ClusterPrivilegeResolver.sortByAccessLevel: fewer implied privileges first; read_security implies
    // only the three empty privileges, manage_api_key also implies grant_api_key and manage_own_api_key.
    ['cluster:admin/xpack/security/api_key/get', false, 'read_security,manage_api_key,manage_security,all'],
  ])('cluster action %s (own=%s) → [%s]', (action, own, expected) => {
    expect(clusterPrivilegesGranting(action, own).join(',')).toBe(expected);
  });
});

describe('unknown privilege messages', () => {
  it('list every cluster privilege, least access first, as ClusterPrivilegeResolver sorts them', async () => {
    const { unknownClusterPrivilegeMessage } = await import('../../../src/core/privileges/index.js');
    const msg = unknownClusterPrivilegeMessage('foo');
    // sortByAccessLevel counts the privileges each one implies, ascending. manage_own_api_key
    // implies none (its ownership check implies only its own kind); none and the two
    // global-retention privileges (Set.of() since 8.16) imply each other. The same rule gives the
    // 7.x message quoted in elastic/apm-server#6396 ("[manage_own_api_key,none,cancel_task,...,
    // monitor_data_frame_transforms,monitor_transform,manage_api_key,...,manage_security,monitor,manage,all]").
    expect(msg).toMatch(
      /^unknown cluster privilege \[foo\]\. a privilege must be either one of the predefined cluster privilege names \[manage_own_api_key,manage_data_stream_global_retention,monitor_data_stream_global_retention,none,cancel_task,.*,monitor_data_frame_transforms,monitor_transform,manage_api_key,.*,manage_security,monitor,manage,all\] or a pattern over one of the available cluster actions$/,
    );
  });
});
