import {
  clusterGrantsOf,
  clusterPrivilegesGrantingIn,
  indexGroupsOf,
  indexPrivilegesGrantingIn,
} from '../access/analyze.js';
import { checkProbeExpectations, expectationOf } from '../access/probe-checks.js';
import { clusterPrivilegesGranting, indexPrivilegesGranting } from '../privileges/privilege-names.js';
import { isClusterScopedAction, PROBE_OPERATIONS } from '../probes/catalogue.js';
import type { RoleTemplate } from '../templates/schema.js';
import type { DeniedAccess, GrantExplanation, RequiredAccess } from './types.js';

/**
 * The access sections of a review, from the template alone: what the identity requires (its
 * allow probes, and which of its privileges grant each), what it explicitly does not (its
 * deny probes, with the privileges that would grant each action), and every privilege it
 * holds with the probe-able operations that privilege allows. The same offline model as
 * lint, matrix and diff (src/core/access), so "granted" means the same everywhere.
 */

function needsOf(action: string): string[] {
  return isClusterScopedAction(action) ? clusterPrivilegesGranting(action) : indexPrivilegesGranting(action);
}

/** The allow probes as required access, and the deny probes as access explicitly not required. */
export function accessSections(template: RoleTemplate): {
  required: RequiredAccess[];
  notRequired: DeniedAccess[];
} {
  const required: RequiredAccess[] = [];
  const notRequired: DeniedAccess[] = [];
  for (const c of checkProbeExpectations(template)) {
    const op = c.access.op;
    const base = {
      op: op.id,
      title: op.title,
      action: op.action,
      scope: op.scope,
      ...(c.index !== undefined ? { index: c.index } : {}),
      grantedBy: c.access.grantedBy,
      patterns: c.access.patterns,
      needs: needsOf(op.action),
    };
    if (c.expect === 'allow') required.push({ ...base, granted: c.access.allowed });
    else notRequired.push({ ...base, granted: c.access.allowed });
  }
  return { required, notRequired };
}

/** Every privilege the template grants, with the catalogue operations it allows. */
export function grantExplanations(template: RoleTemplate): GrantExplanation[] {
  const out: GrantExplanation[] = [];
  const explain = (
    descriptor: string,
    scope: 'cluster' | 'index',
    privilege: string,
    patterns: readonly string[],
    grants: (action: string) => boolean,
  ) => {
    const operations = PROBE_OPERATIONS.filter((op) => (op.scope === 'cluster') === (scope === 'cluster'))
      .filter((op) => grants(op.action))
      .map((op) => {
        const expectation = expectationOf(template, op.id);
        return { op: op.id, action: op.action, ...(expectation ? { expectation } : {}) };
      });
    out.push({
      descriptor,
      scope,
      privilege,
      patterns,
      operations,
      justified: operations.length === 0 || operations.some((o) => o.expectation === 'allow'),
    });
  };
  for (const g of clusterGrantsOf(template)) {
    explain(
      g.descriptor,
      'cluster',
      g.privilege,
      [],
      (a) => clusterPrivilegesGrantingIn([g.privilege], a).length > 0,
    );
  }
  for (const g of indexGroupsOf(template)) {
    for (const p of g.privileges) {
      explain(g.descriptor, 'index', p, g.patterns, (a) => indexPrivilegesGrantingIn([p], a).length > 0);
    }
  }
  return out;
}
