import { type Glob, type GlobSet, glob, intersects, isSubset } from './glob.js';
import {
  type IndexPattern,
  isConcretePattern,
  isRestrictedIndex,
  parseIndexPattern,
  patternMatches,
  RESTRICTED_SET,
} from './index-pattern.js';
import { BWC_MAPPING_UPDATE_PRIVILEGES, MAPPING_UPDATE_ACTIONS } from './index-privileges.js';
import {
  type ResolvedPrivilege,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
  setMatchesAction,
} from './privilege-names.js';

/** One `indices` entry of a role descriptor (PUT role body, §10). */
export interface IndexPrivilegesDescriptor {
  names: string[] | string;
  privileges: string[];
  field_security?: { grant?: string[]; except?: string[] };
  query?: string | Record<string, unknown>;
  allow_restricted_indices?: boolean;
}

/** A role descriptor as Elasticsearch accepts it in roles and API keys. */
export interface RoleDescriptor {
  cluster?: string[];
  indices?: IndexPrivilegesDescriptor[];
  applications?: { application: string; privileges: string[]; resources: string[] }[];
  run_as?: string[];
  metadata?: Record<string, unknown>;
  transient_metadata?: Record<string, unknown>;
  description?: string;
  remote_indices?: unknown[];
  remote_cluster?: unknown[];
  global?: unknown;
}

/** Per-request context for request-aware cluster privileges (manage_own_api_key). */
export interface ClusterRequestContext {
  /** Whether manage_own_api_key's ownership check passes for this request. */
  readonly ownedByCaller: boolean;
}

/** What a principal may do: the question every authorization decision asks. */
export interface Permission {
  /** May perform the cluster action (manage_own_api_key consults `request`). */
  checkCluster(action: string, request?: ClusterRequestContext): boolean;
  /** Step 1 of §3a: is the index action granted on any index at all? */
  checkIndexActionOnAny(action: string): boolean;
  /**
   * May perform the index action on this concrete index or alias name. `dataStreamRelated`: the
   * name is a data stream or one of its backing indices, where the BWC mapping-update rule of
   * IndicesPermission does not apply.
   */
  checkIndex(action: string, index: string, dataStreamRelated?: boolean): boolean;
  /** _has_privileges for a cluster privilege name or raw action (§7). */
  hasClusterPrivilege(privilege: string): boolean;
  /** _has_privileges for an index pattern and privilege: does the role cover the whole pattern? (§7) */
  hasIndexPrivilege(pattern: string, privilege: string, allowRestricted?: boolean): boolean;
  /**
   * Whether some action of the named cluster privilege may be granted. False proves every action
   * of that privilege is refused; an unknown privilege name proves nothing (true).
   */
  mayGrantClusterActionOf(privilege: string): boolean;
  /** Like mayGrantClusterActionOf, for an index privilege on any index (step 1 of §3a). */
  mayGrantIndexActionOf(privilege: string): boolean;
}

interface IndexGroup {
  readonly patterns: readonly IndexPattern[];
  readonly privileges: readonly ResolvedPrivilege[];
  readonly privilegeNames: ReadonlySet<string>;
  readonly actions: GlobSet;
  readonly allowRestricted: boolean;
  readonly bwcMappingUpdate: boolean;
}

/** Thrown while building a role from descriptors with unknown privileges or bad patterns. */
export class RoleDefinitionError extends Error {}

function mergeSets(sets: readonly GlobSet[]): GlobSet[] {
  return sets.filter((s) => s.include.length > 0);
}

/** The permission of one or more role descriptors (their union), as Elasticsearch builds a Role. */
export class Role implements Permission {
  readonly #cluster: ResolvedPrivilege[];
  readonly #groups: IndexGroup[];
  readonly #decisions = new Map<string, boolean>();
  #keys: PrivilegeKey[] | undefined;

  private constructor(cluster: ResolvedPrivilege[], groups: IndexGroup[]) {
    this.#cluster = cluster;
    this.#groups = groups;
  }

  /** Builds the union of `descriptors`; throws RoleDefinitionError on unknown names (validate first for full reports). */
  static fromDescriptors(descriptors: readonly RoleDescriptor[]): Role {
    const cluster: ResolvedPrivilege[] = [];
    const groups: IndexGroup[] = [];
    for (const d of descriptors) {
      for (const name of d.cluster ?? []) {
        const p = resolveClusterPrivilege(name);
        if (!p) throw new RoleDefinitionError(`unknown cluster privilege [${name}]`);
        cluster.push(p);
      }
      for (const entry of d.indices ?? []) {
        const privileges = entry.privileges.map((name) => {
          const p = resolveIndexPrivilege(name);
          if (!p) throw new RoleDefinitionError(`unknown index privilege [${name}]`);
          return p;
        });
        const names = Array.isArray(entry.names) ? entry.names : [entry.names];
        const privilegeNames = new Set(privileges.map((p) => p.name));
        groups.push({
          patterns: names.map(parseIndexPattern),
          privileges,
          privilegeNames,
          actions: {
            include: privileges.flatMap((p) => p.actions.include),
          },
          allowRestricted: entry.allow_restricted_indices === true,
          bwcMappingUpdate: [...privilegeNames].some((n) => BWC_MAPPING_UPDATE_PRIVILEGES.has(n)),
        });
      }
    }
    return new Role(cluster, groups);
  }

  checkCluster(action: string, request?: ClusterRequestContext): boolean {
    return this.#cluster.some((p) => {
      if (!setMatchesAction(p.actions, action)) return false;
      return p.requestAware ? (request?.ownedByCaller ?? false) : true;
    });
  }

  #groupGrantsAction(g: IndexGroup, action: string, dataStreamRelated = false): boolean {
    if (g.privileges.some((p) => setMatchesAction(p.actions, action))) return true;
    // BWC rule of IndicesPermission (§1): create/create_doc/index/write also update mappings,
    // on indices and aliases but not on data streams or their backing indices.
    return !dataStreamRelated && g.bwcMappingUpdate && MAPPING_UPDATE_ACTIONS.has(action);
  }

  checkIndexActionOnAny(action: string): boolean {
    const k = 'any\u0000' + action;
    let hit = this.#decisions.get(k);
    if (hit === undefined) {
      hit = this.#groups.some((g) => this.#groupGrantsAction(g, action));
      this.#decisions.set(k, hit);
    }
    return hit;
  }

  checkIndex(action: string, index: string, dataStreamRelated = false): boolean {
    const k = action + (dataStreamRelated ? '\u0001' : '\u0000') + index;
    let hit = this.#decisions.get(k);
    if (hit === undefined) {
      const restricted = isRestrictedIndex(index);
      hit = this.#groups.some(
        (g) =>
          (!restricted || g.allowRestricted) &&
          g.patterns.some((p) => patternMatches(p, index)) &&
          this.#groupGrantsAction(g, action, dataStreamRelated),
      );
      if (this.#decisions.size > 50_000) this.#decisions.clear();
      this.#decisions.set(k, hit);
    }
    return hit;
  }

  hasClusterPrivilege(privilege: string): boolean {
    const requested = resolveClusterPrivilege(privilege);
    if (!requested) return false;
    if (requested.requestAware) {
      // Asking for manage_own_api_key: satisfied by itself or by anything covering its actions.
      return this.#cluster.some((p) => p.requestAware || isSubset(requested.actions, p.actions));
    }
    return isSubset(
      requested.actions,
      mergeSets(this.#cluster.filter((p) => !p.requestAware).map((p) => p.actions)),
    );
  }

  mayGrantClusterActionOf(privilege: string): boolean {
    const requested = resolveClusterPrivilege(privilege);
    if (!requested) return true;
    return this.#cluster.some((p) => intersects(p.actions, requested.actions));
  }

  mayGrantIndexActionOf(privilege: string): boolean {
    const requested = resolveIndexPrivilege(privilege);
    if (!requested) return true;
    return this.#groups.some(
      (g) =>
        intersects(g.actions, requested.actions) ||
        (g.bwcMappingUpdate &&
          [...MAPPING_UPDATE_ACTIONS].some((a) => setMatchesAction(requested.actions, a))),
    );
  }

  hasIndexPrivilege(pattern: string, privilege: string, allowRestricted = false): boolean {
    const requested = resolveIndexPrivilege(privilege);
    if (!requested) return false;
    let requestedPattern: IndexPattern;
    try {
      requestedPattern = parseIndexPattern(pattern);
    } catch {
      return false;
    }
    const keys = this.#privilegeKeys();
    let covering: PrivilegeKey[];
    if (requestedPattern.kind === 'regex') {
      // Regex requests are answered only where a plain `*` covers everything (the glob
      // machinery cannot compare a regex language with wildcard patterns).
      covering = keys.filter((k) =>
        k.groups.some((g) => g.patterns.some((p) => p.kind === 'glob' && p.source === '*')),
      );
    } else if (isConcretePattern(requestedPattern)) {
      // A concrete name: membership; a restricted name counts only in allow_restricted groups.
      const restricted = isRestrictedIndex(pattern);
      covering = keys.filter((k) =>
        k.groups.some(
          (g) => (!restricted || g.allowRestricted) && g.patterns.some((p) => patternMatches(p, pattern)),
        ),
      );
    } else {
      const requestedSet: GlobSet = {
        include: [requestedPattern.glob],
        exclude: allowRestricted ? [] : RESTRICTED_SET.include,
      };
      // A pattern lying wholly inside the restricted indices answers false (IndicesPermission).
      if (isSubset(requestedSet, [])) return false;
      covering = keys.filter((k) => isSubset(requestedSet, k.coverage));
    }
    return covering.length > 0 && isSubset(requested.actions, mergeSets(covering.map((k) => k.actions)));
  }

  /**
   * The index groups the way `_has_privileges` sees them (IndicesPermission.checkResourcePrivileges,
   * reference §7). Role building first merges the entries that name the same set of patterns with
   * the same allow_restricted_indices flag, uniting their privileges (MergeableIndicesPrivilege);
   * then groups with the same privilege set share one index automaton, the union of their
   * patterns. A requested pattern must lie within the patterns of one such privilege set, and
   * the requested privilege within the union of the privilege sets that cover the pattern: so
   * `read` on `logs-a*` plus `all` on `logs-b*` does not answer for a pattern spanning both.
   */
  #privilegeKeys(): PrivilegeKey[] {
    if (this.#keys) return this.#keys;
    const merged = new Map<string, MergedIndexGroup>();
    for (const g of this.#groups) {
      const k = `${g.allowRestricted}\u0000${[...new Set(g.patterns.map((p) => p.source))].sort().join('\u0000')}`;
      const m = merged.get(k) ?? {
        patterns: g.patterns,
        allowRestricted: g.allowRestricted,
        privilegeNames: new Set<string>(),
        actions: [],
      };
      for (const n of g.privilegeNames) m.privilegeNames.add(n);
      m.actions.push(...g.actions.include);
      merged.set(k, m);
    }
    const keys = new Map<string, PrivilegeKey>();
    for (const m of merged.values()) {
      const k = [...m.privilegeNames].sort().join(',');
      const key = keys.get(k) ?? { groups: [], coverage: [], actions: { include: m.actions } };
      key.groups.push(m);
      key.coverage.push({
        include: m.patterns
          .filter((p): p is Extract<IndexPattern, { kind: 'glob' }> => p.kind === 'glob')
          .map((p) => p.glob),
        exclude: m.allowRestricted ? [] : (RESTRICTED_SET.include as readonly Glob[]),
      });
      keys.set(k, key);
    }
    this.#keys = [...keys.values()];
    return this.#keys;
  }
}

/** Index entries of a role merged by (patterns, allow_restricted_indices), as role building does. */
interface MergedIndexGroup {
  readonly patterns: readonly IndexPattern[];
  readonly allowRestricted: boolean;
  readonly privilegeNames: Set<string>;
  readonly actions: Glob[];
}

/** The merged groups that share one privilege set, their patterns as glob sets, and the privilege's actions. */
interface PrivilegeKey {
  readonly groups: MergedIndexGroup[];
  readonly coverage: GlobSet[];
  readonly actions: GlobSet;
}

/**
 * An API key's permission: its own role descriptors limited by the owner's snapshot
 * (`limited_by`); every check must pass on both (§5, LimitedRole).
 */
export class LimitedRole implements Permission {
  constructor(
    private readonly role: Permission,
    private readonly limitedBy: Permission,
  ) {}
  checkCluster(action: string, request?: ClusterRequestContext): boolean {
    return this.role.checkCluster(action, request) && this.limitedBy.checkCluster(action, request);
  }
  checkIndexActionOnAny(action: string): boolean {
    return this.role.checkIndexActionOnAny(action) && this.limitedBy.checkIndexActionOnAny(action);
  }
  checkIndex(action: string, index: string, dataStreamRelated?: boolean): boolean {
    return (
      this.role.checkIndex(action, index, dataStreamRelated) &&
      this.limitedBy.checkIndex(action, index, dataStreamRelated)
    );
  }
  hasClusterPrivilege(privilege: string): boolean {
    return this.role.hasClusterPrivilege(privilege) && this.limitedBy.hasClusterPrivilege(privilege);
  }
  mayGrantClusterActionOf(privilege: string): boolean {
    return this.role.mayGrantClusterActionOf(privilege) && this.limitedBy.mayGrantClusterActionOf(privilege);
  }
  mayGrantIndexActionOf(privilege: string): boolean {
    return this.role.mayGrantIndexActionOf(privilege) && this.limitedBy.mayGrantIndexActionOf(privilege);
  }
  hasIndexPrivilege(pattern: string, privilege: string, allowRestricted?: boolean): boolean {
    return (
      this.role.hasIndexPrivilege(pattern, privilege, allowRestricted) &&
      this.limitedBy.hasIndexPrivilege(pattern, privilege, allowRestricted)
    );
  }
}

/** The reserved `superuser` role descriptor of 8.x/9.x (§10). */
export const SUPERUSER_DESCRIPTOR: RoleDescriptor = {
  cluster: ['all'],
  indices: [
    { names: ['*'], privileges: ['all'], allow_restricted_indices: false },
    {
      names: ['*'],
      privileges: ['monitor', 'read', 'view_index_metadata', 'read_cross_cluster'],
      allow_restricted_indices: true,
    },
  ],
  applications: [{ application: '*', privileges: ['*'], resources: ['*'] }],
  run_as: ['*'],
  metadata: { _reserved: true },
  transient_metadata: {},
};

export { glob };
