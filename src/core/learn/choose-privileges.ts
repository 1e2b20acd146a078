/**
 * The narrowest named privilege for an observed action. Candidates are the named privileges
 * that grant the action, in Elasticsearch's access-level order (a privilege contained in more
 * others comes first), so the first is the narrowest: `create_doc` for `op_type/create`, `read`
 * for a search, `view_index_metadata` for a mapping read. A set of choices is then reduced:
 * a privilege another chosen one contains is dropped.
 */
import { isSubset } from '../privileges/glob.js';
import { AUTO_PUT_MAPPING_ACTION } from '../privileges/index-privileges.js';
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

const isCcrAction = (action: string) => action.includes('/ccr/');

/**
 * Privileges made for one feature, chosen only for that feature's actions: Elasticsearch's
 * access-level order puts them first for some general actions (`cross_cluster_replication` and
 * `read_ccr` both grant `cluster:monitor/state`), but an application reading `_cat/indices`
 * should get `monitor`, not a replication privilege. The cross-cluster ones belong in
 * cross-cluster API keys and `transport_client` is deprecated: never chosen while another
 * privilege grants the action.
 */
const FEATURE_PRIVILEGES: Readonly<Record<string, (action: string) => boolean>> = {
  read_ccr: isCcrAction,
  manage_ccr: isCcrAction,
  manage_follow_index: isCcrAction,
  manage_leader_index: isCcrAction,
  cross_cluster_search: () => false,
  cross_cluster_replication: () => false,
  cross_cluster_replication_internal: () => false,
  read_cross_cluster: () => false,
  transport_client: () => false,
};

/**
 * Order of choice: the feature's own privileges for its actions (`read_ccr` for CCR stats rather
 * than all of `monitor`), then the general ones in access-level order, then feature privileges
 * made for something else, then the broad ones.
 */
function choose(action: string, granting: readonly string[]): PrivilegeChoice {
  const own = granting.filter((p) => FEATURE_PRIVILEGES[p]?.(action) === true);
  const general = granting.filter((p) => !BROAD.has(p) && FEATURE_PRIVILEGES[p] === undefined);
  const other = granting.filter((p) => FEATURE_PRIVILEGES[p]?.(action) === false);
  const broad = granting.filter((p) => BROAD.has(p));
  const [privilege, ...wider] = [...own, ...general, ...other, ...broad];
  return { action, privilege, wider };
}

/** The narrowest index privilege for an index action, among those Elasticsearch `major` knows (any when undefined). */
export function chooseIndexPrivilege(action: string, major?: number): PrivilegeChoice {
  return choose(action, indexPrivilegesGranting(action, major));
}

/**
 * The narrowest cluster privilege for a cluster action (`manage_own_api_key` excluded: it depends
 * on ownership), among those Elasticsearch `major` knows: a learned template must be creatable on
 * the cluster it was learned from (`monitor_esql` is 9.x only).
 */
export function chooseClusterPrivilege(action: string, major?: number): PrivilegeChoice {
  return choose(action, clusterPrivilegesGranting(action, false, major));
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

/** The action of a document create (`create_doc` grants it; the one data streams accept). */
const CREATE_ACTION = 'indices:data/write/index:op_type/create';

/**
 * The privilege creates that landed in a data stream need beyond `create_doc`: Elasticsearch
 * updates the stream's mappings (`indices:admin/mapping/auto_put`) and auto-creates a missing
 * stream (`indices:admin/auto_create`) on the writer's behalf, and the rule that lets
 * `create_doc`/`create`/`index` update mappings on plain indices excludes data streams. The
 * traffic shows neither internal action, so it cannot tell whether a write brought a new field:
 * the choice assumes it may, as Elastic's own ingest keys (Fleet's `create_doc` +
 * `auto_configure`) do. Undefined for operations that are not creates into a data stream.
 */
export function chooseDataStreamWritePrivilege(operation: {
  readonly action: string;
  readonly backingIndex?: string;
}): PrivilegeChoice | undefined {
  if (operation.action !== CREATE_ACTION || operation.backingIndex === undefined) return undefined;
  return chooseIndexPrivilege(AUTO_PUT_MAPPING_ACTION);
}
