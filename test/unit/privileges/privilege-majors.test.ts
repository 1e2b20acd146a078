import { describe, expect, it } from 'vitest';
import {
  CLUSTER_PRIVILEGE_NAMES,
  clusterPrivilegeNamesIn,
  clusterPrivilegesByAccessLevel,
  clusterPrivilegesGranting,
  INDEX_PRIVILEGE_NAMES,
  isMajorSpecificPrivilege,
  majorsWithPrivilege,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
  unknownClusterPrivilegeMessage,
} from '../../../src/core/privileges/index.js';
import {
  GOLDEN_BUILTIN_CLUSTER_PRIVILEGE_COUNT,
  GOLDEN_MAJOR_SPECIFIC_PRIVILEGES,
  GOLDEN_PRIVILEGES_IN_BOTH_MAJORS,
} from '../../fixtures/golden-privilege-actions.js';

// Expectations come from test/fixtures/golden-privilege-actions.ts (per-major facts with their
// Elasticsearch sources), never from core's privilege-majors table.

const resolve = (kind: 'cluster' | 'index', name: string, major?: number) =>
  kind === 'cluster' ? resolveClusterPrivilege(name, major) : resolveIndexPrivilege(name, major);

describe('privileges per major (golden facts)', () => {
  it.each(
    [...GOLDEN_MAJOR_SPECIFIC_PRIVILEGES, ...GOLDEN_PRIVILEGES_IN_BOTH_MAJORS].flatMap((f) =>
      [8, 9].map((major) => [f.privilege, major, f.majors.includes(major) ? 'knows' : 'lacks', f] as const),
    ),
  )('%s on %i: the major %s it', (_n, major, _v, fact) => {
    expect(resolve(fact.kind, fact.privilege, major) !== undefined, fact.source).toBe(
      fact.majors.includes(major),
    );
  });

  it('every other named privilege exists in both majors', () => {
    const specific = new Set(GOLDEN_MAJOR_SPECIFIC_PRIVILEGES.map((f) => `${f.kind}:${f.privilege}`));
    for (const [kind, names] of [
      ['cluster', CLUSTER_PRIVILEGE_NAMES],
      ['index', INDEX_PRIVILEGE_NAMES],
    ] as const) {
      for (const name of names) {
        if (specific.has(`${kind}:${name}`)) continue;
        expect(resolve(kind, name, 8), `${kind} ${name} on 8`).toBeDefined();
        expect(resolve(kind, name, 9), `${kind} ${name} on 9`).toBeDefined();
        expect(isMajorSpecificPrivilege(kind, name), `${kind} ${name}`).toBe(false);
      }
    }
  });

  it.each([8, 9])('the %i major lists as many cluster privileges as its _builtin API', (major) => {
    expect(clusterPrivilegeNamesIn(major)).toHaveLength(GOLDEN_BUILTIN_CLUSTER_PRIVILEGE_COUNT[major]!);
    expect(clusterPrivilegesByAccessLevel(major)).toHaveLength(
      GOLDEN_BUILTIN_CLUSTER_PRIVILEGE_COUNT[major]!,
    );
  });
});

describe('privilege model without or beyond a known major', () => {
  it('with no major, every name resolves (templates not yet bound to a cluster)', () => {
    expect(resolveClusterPrivilege('monitor_esql')).toBeDefined();
    expect(resolveClusterPrivilege('MONITOR_ESQL', 8)).toBeUndefined();
  });

  it('a major older than 8 is taken as 8 and one newer than 9 as 9', () => {
    expect(resolveClusterPrivilege('monitor_esql', 7)).toBeUndefined();
    expect(resolveClusterPrivilege('monitor_esql', 10)).toBeDefined();
    expect(majorsWithPrivilege('cluster', 'monitor_esql')).toEqual([9]);
    expect(majorsWithPrivilege('cluster', 'monitor')).toEqual([8, 9]);
  });

  it('a raw cluster action pattern is valid on every major', () => {
    expect(resolveClusterPrivilege('cluster:monitor/xpack/esql/*', 8)).toBeDefined();
  });

  it("an 8.x denial of the ES|QL listing names only 8.19's privileges", () => {
    // ClusterPrivilegeResolver (8.19): monitor, manage and all cover cluster:monitor/* / cluster:*.
    expect(clusterPrivilegesGranting('cluster:monitor/xpack/esql/list_queries', true, 8)).toEqual([
      'monitor',
      'manage',
      'all',
    ]);
    expect(clusterPrivilegesGranting('cluster:monitor/xpack/esql/list_queries', true, 9)).toEqual([
      'monitor_esql',
      'monitor',
      'manage',
      'all',
    ]);
  });

  it('the unknown-privilege message of 8 omits monitor_esql; that of 9 lists it', () => {
    expect(unknownClusterPrivilegeMessage('x', 8)).not.toContain('monitor_esql');
    expect(unknownClusterPrivilegeMessage('x', 9)).toContain(',monitor_esql,');
  });
});
