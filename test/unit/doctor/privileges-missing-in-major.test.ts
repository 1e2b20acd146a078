import { describe, expect, it } from 'vitest';
import { privilegesMissingInMajor } from '../../../src/core/doctor/delegation.js';

// monitor_esql: ga in 9.1, absent from 8.19's ClusterPrivilegeResolver (docs/es-facts.md,
// "Privileges per major"); monitor_stats and read_failure_store exist on both majors.
describe('privileges a template names that the cluster major lacks', () => {
  const descriptors = {
    app: {
      cluster: ['monitor', 'MONITOR_ESQL', 'monitor_stats', 'cluster:monitor/xpack/esql/*'],
      indices: [{ names: ['logs-*'], privileges: ['read', 'read_failure_store'] }],
    },
  };

  it('on 8.x: monitor_esql, named with the majors that have it', () => {
    expect(privilegesMissingInMajor(descriptors, 8)).toEqual(['cluster MONITOR_ESQL (9.x only)']);
  });

  it('on 9.x: none', () => {
    expect(privilegesMissingInMajor(descriptors, 9)).toEqual([]);
  });
});
