import { clusterPrivilegesGranting, indexPrivilegesGranting } from '../privileges/privilege-names.js';
import type { RoleTemplate } from '../templates/schema.js';
import { explain } from './explain.js';
import { classify, type Outcome } from './interpret.js';
import type { PlannedProbe } from './plan.js';
import type { RawRequest, RawResponse } from './probe-transport.js';
import type { ProbeResult } from './types.js';

/**
 * Probes that cannot run live safely are answered by `_has_privileges` as the key: side-effect
 * free, and one request for all of them (docs/es-facts.md). For each probe eskeys asks for
 * every named privilege that grants its action, plus the raw action itself, and counts the
 * probe as allowed when any of them is held on every name asked about.
 */

/** A probe that runs statically, and why. */
export interface StaticProbe {
  readonly p: PlannedProbe;
  readonly reason: string;
}

function privilegesFor(p: PlannedProbe): string[] {
  if (p.op.scope === 'cluster') {
    // manage_own_api_key counts, except for invalidating a key the caller does not own (§2).
    const owned = p.op.id !== 'security.invalidate_api_key';
    return [...clusterPrivilegesGranting(p.op.action, owned), p.op.action];
  }
  return [...indexPrivilegesGranting(p.op.action), p.op.action];
}

const namesOf = (p: PlannedProbe) => p.staticNames ?? [p.index ?? '*'];

/** The single `_has_privileges` request answering every static probe. */
export function hasPrivilegesRequest(list: readonly StaticProbe[]): RawRequest {
  const cluster = new Set<string>();
  const byName = new Map<string, Set<string>>();
  for (const { p } of list) {
    const privileges = privilegesFor(p);
    if (p.op.scope === 'cluster') for (const x of privileges) cluster.add(x);
    else
      for (const n of namesOf(p)) {
        const set = byName.get(n) ?? new Set<string>();
        for (const x of privileges) set.add(x);
        byName.set(n, set);
      }
  }
  return {
    method: 'POST',
    path: '/_security/user/_has_privileges',
    body: {
      cluster: [...cluster],
      index: [...byName].map(([n, privs]) => ({ names: [n], privileges: [...privs] })),
    },
  };
}

/** The results of the static probes from the `_has_privileges` response (error verdicts when it failed). */
export function staticResults(
  template: RoleTemplate,
  list: readonly StaticProbe[],
  res: RawResponse,
  durationMs: number,
): ProbeResult[] {
  const answer = res.body as {
    cluster?: Record<string, boolean>;
    index?: Record<string, Record<string, boolean>>;
  };
  const answered = res.status >= 200 && res.status < 300;
  return list.map(({ p, reason }) => {
    const privileges = privilegesFor(p);
    const granted = !answered
      ? undefined
      : p.op.scope === 'cluster'
        ? privileges.some((x) => answer.cluster?.[x] === true)
        : namesOf(p).every((n) => privileges.some((x) => answer.index?.[n]?.[x] === true));
    const verdict =
      granted === undefined ? 'error' : (granted ? 'allow' : 'deny') === p.expected ? 'pass' : 'fail';
    const outcome: Outcome | undefined = granted === undefined ? classify('has_privileges', res) : undefined;
    return {
      op: p.op.id,
      action: p.op.action,
      index: p.index,
      expected: p.expected,
      mode: 'static',
      got: granted === undefined ? `has_privileges: ${outcome!.got}` : `has_privileges: ${granted}`,
      verdict,
      explanation: explain({
        template,
        op: p.op,
        expected: p.expected,
        verdict,
        index: p.index,
        outcome,
        staticGranted: granted,
      }),
      note: `static: ${reason}`,
      durationMs,
    };
  });
}
