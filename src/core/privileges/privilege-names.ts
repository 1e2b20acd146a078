import { CLUSTER_PRIVILEGES, REQUEST_AWARE_CLUSTER_PRIVILEGES } from './cluster-privileges.js';
import { type Glob, type GlobSet, glob, isSubset } from './glob.js';
import { INDEX_PRIVILEGES, INDEX_PRIVILEGES_HIDDEN_IN_DENIALS } from './index-privileges.js';
import { privilegeExistsIn } from './privilege-majors.js';

/** A privilege name resolved to the set of action names it grants. */
export interface ResolvedPrivilege {
  readonly name: string;
  readonly actions: GlobSet;
  /** manage_own_api_key: matching actions still need the per-request ownership check. */
  readonly requestAware: boolean;
}

const actionGlob = (p: string): Glob => glob(p, false);

function toSet(allow: readonly string[], exclude: readonly string[] = []): GlobSet {
  return { include: allow.map(actionGlob), exclude: exclude.map(actionGlob) };
}

const indexResolved = new Map<string, ResolvedPrivilege>();
const clusterResolved = new Map<string, ResolvedPrivilege>();

/** True when `name` is a raw index action pattern rather than a named privilege. */
export function isRawIndexAction(name: string): boolean {
  return name.startsWith('indices:');
}

/** True when `name` is a raw cluster action pattern rather than a named privilege. */
export function isRawClusterAction(name: string): boolean {
  return (
    name.startsWith('cluster:') ||
    name.startsWith('indices:admin/template/') ||
    name.startsWith('indices:admin/index_template/')
  );
}

/**
 * Resolves an index privilege name (case-insensitive) or raw `indices:` action; undefined when
 * unknown, or when `major` is given and that Elasticsearch major lacks the named privilege.
 */
export function resolveIndexPrivilege(raw: string, major?: number): ResolvedPrivilege | undefined {
  if (!isRawIndexAction(raw) && !privilegeExistsIn('index', raw, major)) return undefined;
  const hit = indexResolved.get(raw);
  if (hit) return hit;
  let resolved: ResolvedPrivilege | undefined;
  if (isRawIndexAction(raw)) {
    resolved = { name: raw, actions: toSet([raw + '*']), requestAware: false };
  } else {
    const name = raw.toLowerCase();
    const patterns = INDEX_PRIVILEGES[name];
    if (patterns) resolved = { name, actions: toSet(patterns), requestAware: false };
  }
  if (resolved) indexResolved.set(raw, resolved);
  return resolved;
}

/**
 * Resolves a cluster privilege name (case-insensitive) or raw cluster action; undefined when
 * unknown, or when `major` is given and that Elasticsearch major lacks the named privilege.
 */
export function resolveClusterPrivilege(raw: string, major?: number): ResolvedPrivilege | undefined {
  if (!isRawClusterAction(raw) && !privilegeExistsIn('cluster', raw, major)) return undefined;
  const hit = clusterResolved.get(raw);
  if (hit) return hit;
  let resolved: ResolvedPrivilege | undefined;
  if (isRawClusterAction(raw)) {
    resolved = { name: raw, actions: toSet([raw + '*']), requestAware: false };
  } else {
    const name = raw.toLowerCase();
    const def = CLUSTER_PRIVILEGES[name];
    if (def) {
      resolved = {
        name,
        actions: toSet(def.allow, def.exclude),
        requestAware: REQUEST_AWARE_CLUSTER_PRIVILEGES.has(name),
      };
    }
  }
  if (resolved) clusterResolved.set(raw, resolved);
  return resolved;
}

/** All named index privileges. */
export const INDEX_PRIVILEGE_NAMES: readonly string[] = Object.keys(INDEX_PRIVILEGES);
/** All named cluster privileges. */
export const CLUSTER_PRIVILEGE_NAMES: readonly string[] = Object.keys(CLUSTER_PRIVILEGES);

/** The named index privileges Elasticsearch `major` knows (all of them when undefined). */
export function indexPrivilegeNamesIn(major?: number): readonly string[] {
  return INDEX_PRIVILEGE_NAMES.filter((n) => privilegeExistsIn('index', n, major));
}

/** The named cluster privileges Elasticsearch `major` knows (all of them when undefined). */
export function clusterPrivilegeNamesIn(major?: number): readonly string[] {
  return CLUSTER_PRIVILEGE_NAMES.filter((n) => privilegeExistsIn('cluster', n, major));
}

/** True when `a` grants nothing that `b` does not (ClusterPermission.implies / Automatons.subsetOf). */
function privilegeSubset(a: ResolvedPrivilege, b: ResolvedPrivilege): boolean {
  // A request-aware privilege (manage_own_api_key) is implied only by another request-aware one
  // or by a plain privilege covering its actions; it never implies a plain privilege.
  if (b.requestAware && !a.requestAware) return false;
  return isSubset(a.actions, b.actions);
}

/**
 * Named privileges ordered by access level, as Privilege.sortByAccessLevel does: a privilege
 * that is a subset of more other privileges comes first; ties alphabetically. This is the
 * order of the "this action is granted by the ... privileges [..]" lists in 403 messages.
 */
function sortByAccessLevel(
  names: readonly string[],
  resolve: (n: string) => ResolvedPrivilege | undefined,
): string[] {
  const resolved = names.map((n) => resolve(n)!);
  const count = new Map<string, number>();
  for (const a of resolved) {
    let n = 0;
    for (const b of resolved) if (a !== b && privilegeSubset(a, b)) n++;
    count.set(a.name, n);
  }
  return [...names].sort((x, y) => count.get(y)! - count.get(x)! || (x < y ? -1 : x > y ? 1 : 0));
}

/**
 * True when cluster privilege `a` implies `b` (ClusterPermission.implies): `b`'s actions lie within
 * `a`'s. manage_own_api_key's ownership check implies only another ownership check, while a plain
 * action check covering api_key/* implies it.
 */
function clusterImplies(a: ResolvedPrivilege, b: ResolvedPrivilege): boolean {
  return (!a.requestAware || b.requestAware) && isSubset(b.actions, a.actions);
}

/**
 * Cluster privilege names ordered as ClusterPrivilegeResolver.sortByAccessLevel does, which is
 * not the index rule: a privilege implying fewer other privileges comes first; ties
 * alphabetically. So manage_own_api_key (implies none) leads, then the privileges granting
 * nothing (none and the two global-retention ones, which imply each other).
 */
function sortClusterByAccessLevel(names: readonly string[]): string[] {
  const resolved = names.map((n) => resolveClusterPrivilege(n)!);
  const count = new Map<string, number>();
  for (const a of resolved) {
    let n = 0;
    for (const b of resolved) if (a !== b && clusterImplies(a, b)) n++;
    count.set(a.name, n);
  }
  return [...names].sort((x, y) => count.get(x)! - count.get(y)! || (x < y ? -1 : x > y ? 1 : 0));
}

/** Per major ('' for the union of the majors), computed once on first use. */
const indexOrder = new Map<string, string[]>();
const clusterOrder = new Map<string, string[]>();

/** Index privilege names of `major` (all when undefined) in access-level order. */
export function indexPrivilegesByAccessLevel(major?: number): readonly string[] {
  const k = String(major ?? '');
  let hit = indexOrder.get(k);
  if (!hit) {
    hit = sortByAccessLevel(indexPrivilegeNamesIn(major), resolveIndexPrivilege);
    indexOrder.set(k, hit);
  }
  return hit;
}

/**
 * Cluster privilege names of `major` (all when undefined) in access-level order. The order is
 * sorted over that major's own names: an implies-count depends on which other privileges exist.
 */
export function clusterPrivilegesByAccessLevel(major?: number): readonly string[] {
  const k = String(major ?? '');
  let hit = clusterOrder.get(k);
  if (!hit) {
    hit = sortClusterByAccessLevel(clusterPrivilegeNamesIn(major));
    clusterOrder.set(k, hit);
  }
  return hit;
}

/**
 * Orders the privileges that grant one action. Any privilege a granting privilege is a subset
 * of grants the action too, so counting subsets among the granting ones gives the same counts
 * as counting over every named privilege, at a fraction of the cost.
 */
function grantingInOrder(
  names: readonly string[],
  resolve: (n: string) => ResolvedPrivilege | undefined,
  grants: (p: ResolvedPrivilege) => boolean,
): string[] {
  return sortByAccessLevel(
    names.filter((n) => grants(resolve(n)!)),
    resolve,
  );
}

const grantingIndexCache = new Map<string, string[]>();

/** Named index privileges (of `major` when given) that grant `action`, in 403-message order. */
export function indexPrivilegesGranting(action: string, major?: number): string[] {
  const k = `${major ?? ''}\u0000${action}`;
  let hit = grantingIndexCache.get(k);
  if (!hit) {
    hit = grantingInOrder(
      indexPrivilegeNamesIn(major).filter((n) => !INDEX_PRIVILEGES_HIDDEN_IN_DENIALS.has(n)),
      resolveIndexPrivilege,
      (p) => setMatchesAction(p.actions, action),
    );
    grantingIndexCache.set(k, hit);
  }
  return hit;
}

const grantingClusterCache = new Map<string, string[]>();

/**
 * Named cluster privileges that grant `action`, in 403-message order. `ownershipHolds` says
 * whether manage_own_api_key's per-request check passes for the request being denied; when it
 * does not, that privilege is left out of the list (§2).
 */
export function clusterPrivilegesGranting(action: string, ownershipHolds = true, major?: number): string[] {
  const k = `${ownershipHolds ? '1' : '0'}${major ?? ''}\u0000${action}`;
  let hit = grantingClusterCache.get(k);
  if (!hit) {
    // The implies-count of a privilege depends on privileges that may not grant the action, so
    // the major's order is filtered rather than re-sorted (findPrivilegesThatGrant does the same).
    hit = clusterPrivilegesByAccessLevel(major).filter((n) => {
      const p = resolveClusterPrivilege(n)!;
      return (!p.requestAware || ownershipHolds) && setMatchesAction(p.actions, action);
    });
    grantingClusterCache.set(k, hit);
  }
  return hit;
}

/** Membership of an action in a privilege's action set. */
export function setMatchesAction(set: GlobSet, action: string): boolean {
  if (!set.include.some((g) => g.regex.test(action))) return false;
  return !(set.exclude ?? []).some((g) => g.regex.test(action));
}

/** Elasticsearch's message for an unknown cluster privilege (§11), listing the names `major` knows. */
export function unknownClusterPrivilegeMessage(name: string, major?: number): string {
  return `unknown cluster privilege [${name}]. a privilege must be either one of the predefined cluster privilege names [${clusterPrivilegesByAccessLevel(major).join(',')}] or a pattern over one of the available cluster actions`;
}

/** Elasticsearch's message for an unknown index privilege (§11; newest source sorts names alphabetically). */
export function unknownIndexPrivilegeMessage(name: string, major?: number): string {
  return `unknown index privilege [${name}]. a privilege must be either one of the predefined fixed indices privileges [${[...indexPrivilegeNamesIn(major)].sort().join(',')}] or a pattern over one of the available index actions`;
}
