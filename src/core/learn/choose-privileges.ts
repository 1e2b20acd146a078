/**
 * The narrowest named privilege for an observed action. Candidates are the named privileges
 * that grant the action, in Elasticsearch's access-level order (a privilege contained in more
 * others comes first), so the first is the narrowest: `create_doc` for `op_type/create`, `read`
 * for a search, `view_index_metadata` for a mapping read. A set of choices is then reduced:
 * a privilege another chosen one contains is dropped.
 */
import { isSubset } from '../privileges/glob.js';
import {
  clusterPrivilegesGranting,
  indexPrivilegesGranting,
  type ResolvedPrivilege,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
} from '../privileges/privilege-names.js';

/** A privilege chosen for an action, with the alternatives it was preferred to. */
export interface PrivilegeChoice {
  readonly action: string;
  /** The narrowest named privilege granting the action; undefined when none does. */
  readonly privilege: string | undefined;
  /** Wider privileges that also grant it (not chosen). */
  readonly wider: readonly string[];
}

/** Privileges never chosen when a narrower one exists; kept as the last resort only. */
const BROAD = new Set(['all', 'manage', 'write']);

function choose(action: string, granting: readonly string[]): PrivilegeChoice {
  const narrow = granting.filter((p) => !BROAD.has(p));
  const ordered = narrow.length > 0 ? [...narrow, ...granting.filter((p) => BROAD.has(p))] : [...granting];
  const [privilege, ...wider] = ordered;
  return { action, privilege, wider };
}

/** The narrowest index privilege for an index action. */
export function chooseIndexPrivilege(action: string): PrivilegeChoice {
  return choose(action, indexPrivilegesGranting(action));
}

/** The narrowest cluster privilege for a cluster action (`manage_own_api_key` excluded: it depends on ownership). */
export function chooseClusterPrivilege(action: string): PrivilegeChoice {
  return choose(action, clusterPrivilegesGranting(action, false));
}

/** Drops privileges contained in another chosen one; keeps the given order otherwise. */
export function reducePrivileges(names: readonly string[], scope: 'cluster' | 'index'): string[] {
  const resolve = scope === 'index' ? resolveIndexPrivilege : resolveClusterPrivilege;
  const unique = [...new Set(names)];
  const resolved = unique.map((n) => resolve(n)).filter((p): p is ResolvedPrivilege => p !== undefined);
  return resolved
    .filter(
      (p) =>
        !resolved.some(
          (q) =>
            q !== p && isSubset(p.actions, q.actions) && !(isSubset(q.actions, p.actions) && q.name > p.name),
        ),
    )
    .map((p) => p.name);
}
