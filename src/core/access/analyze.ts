import {
  isRestrictedIndex,
  parseIndexPattern,
  patternMatches,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
  setMatchesAction,
} from '../privileges/index.js';
import { BWC_MAPPING_UPDATE_PRIVILEGES, MAPPING_UPDATE_ACTIONS } from '../privileges/index-privileges.js';
import { isClusterScopedAction, PROBE_OPERATIONS, type ProbeOperation } from '../probes/catalogue.js';
import type { RoleTemplate } from '../templates/schema.js';
import { KNOWN_CLUSTER_ACTIONS, KNOWN_INDEX_ACTIONS } from './known-actions.js';

/**
 * What a role template allows, offline: which actions and probe operations, on which index
 * patterns, and which of the template's own privileges grant them. Lint, the permission
 * matrix and diff share this, so "allowed" means the same in all three. The semantics are
 * Elasticsearch's (see docs/es-facts.md): an API key's role descriptors
 * are a union; `indices:admin/*template/*` actions are cluster actions; create, create_doc,
 * index and write also update mappings on plain indices (the BWC rule).
 */

/** One `indices` entry of one role descriptor. */
export interface IndexGroup {
  readonly descriptor: string;
  /** Position in the descriptor's `indices` array. */
  readonly entry: number;
  /** JSON pointer of the entry in the template. */
  readonly path: string;
  readonly patterns: readonly string[];
  readonly privileges: readonly string[];
  readonly allowRestricted: boolean;
  /** Has document-level security (`query`). */
  readonly dls: boolean;
  /** Has field-level security (`field_security`). */
  readonly fls: boolean;
}

/** One cluster privilege of one role descriptor. */
export interface ClusterGrant {
  readonly descriptor: string;
  readonly path: string;
  readonly privilege: string;
}

/** Whether an action is allowed, where, and by which of the template's privileges. */
export interface ActionAccess {
  readonly action: string;
  readonly scope: 'cluster' | 'index';
  readonly allowed: boolean;
  /** Index patterns of the groups that grant it (index scope; deduplicated, in template order). */
  readonly patterns: readonly string[];
  /** The template's privilege names (or raw actions) that grant it, deduplicated, in template order. */
  readonly grantedBy: readonly string[];
  /** JSON pointers of the granting cluster privileges or index groups. */
  readonly paths: readonly string[];
}

/** Access to one probe operation. */
export interface OperationAccess extends ActionAccess {
  readonly op: ProbeOperation;
}

/** The full offline picture of a template. */
export interface TemplateAccess {
  readonly name: string;
  readonly cluster: readonly ClusterGrant[];
  readonly groups: readonly IndexGroup[];
  /** Every probe operation in catalogue order, allowed or not. */
  readonly operations: readonly OperationAccess[];
  /** Known concrete actions the template allows (cluster and index), sorted. */
  readonly actions: readonly ActionAccess[];
}

/** The template's index groups in document order. */
export function indexGroupsOf(template: Pick<RoleTemplate, 'role_descriptors'>): IndexGroup[] {
  const out: IndexGroup[] = [];
  for (const [descriptor, d] of Object.entries(template.role_descriptors)) {
    (d.indices ?? []).forEach((entry, i) => {
      out.push({
        descriptor,
        entry: i,
        path: `/role_descriptors/${pointerToken(descriptor)}/indices/${i}`,
        patterns: entry.names,
        privileges: entry.privileges,
        allowRestricted: entry.allow_restricted_indices === true,
        dls: entry.query !== undefined,
        fls: entry.field_security !== undefined,
      });
    });
  }
  return out;
}

/** The template's cluster privileges in document order. */
export function clusterGrantsOf(template: Pick<RoleTemplate, 'role_descriptors'>): ClusterGrant[] {
  const out: ClusterGrant[] = [];
  for (const [descriptor, d] of Object.entries(template.role_descriptors)) {
    (d.cluster ?? []).forEach((privilege, i) => {
      out.push({ descriptor, path: `/role_descriptors/${pointerToken(descriptor)}/cluster/${i}`, privilege });
    });
  }
  return out;
}

function pointerToken(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Which of `privileges` grant the index `action`, including the BWC mapping-update rule. */
export function indexPrivilegesGrantingIn(privileges: readonly string[], action: string): string[] {
  const direct = privileges.filter((name) => {
    const p = resolveIndexPrivilege(name);
    return p !== undefined && setMatchesAction(p.actions, action);
  });
  if (direct.length > 0 || !MAPPING_UPDATE_ACTIONS.has(action)) return direct;
  return privileges.filter((n) => BWC_MAPPING_UPDATE_PRIVILEGES.has(n.toLowerCase()));
}

/** Which of `privileges` grant the cluster `action` (manage_own_api_key assumed to own the request). */
export function clusterPrivilegesGrantingIn(privileges: readonly string[], action: string): string[] {
  return privileges.filter((name) => {
    const p = resolveClusterPrivilege(name);
    return p !== undefined && setMatchesAction(p.actions, action);
  });
}

function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

function groupMatchesIndex(g: IndexGroup, index: string): boolean {
  if (isRestrictedIndex(index) && !g.allowRestricted) return false;
  return g.patterns.some((p) => {
    try {
      return patternMatches(parseIndexPattern(p), index);
    } catch {
      return false;
    }
  });
}

/**
 * Access to `action` (scope from the action name): for cluster actions the cluster
 * privileges decide; for index actions every group that grants it contributes its patterns.
 * With `index`, only groups whose patterns match that concrete name count.
 */
export function actionAccess(
  template: Pick<RoleTemplate, 'role_descriptors'>,
  action: string,
  index?: string,
): ActionAccess {
  if (isClusterScopedAction(action)) {
    const granting = clusterGrantsOf(template).filter(
      (g) => clusterPrivilegesGrantingIn([g.privilege], action).length > 0,
    );
    return {
      action,
      scope: 'cluster',
      allowed: granting.length > 0,
      patterns: [],
      grantedBy: unique(granting.map((g) => g.privilege)),
      paths: granting.map((g) => g.path),
    };
  }
  const grantedBy: string[] = [];
  const patterns: string[] = [];
  const paths: string[] = [];
  for (const g of indexGroupsOf(template)) {
    if (index !== undefined && !groupMatchesIndex(g, index)) continue;
    const by = indexPrivilegesGrantingIn(g.privileges, action);
    if (by.length === 0) continue;
    grantedBy.push(...by);
    patterns.push(...g.patterns);
    paths.push(g.path);
  }
  return {
    action,
    scope: 'index',
    allowed: paths.length > 0,
    patterns: unique(patterns),
    grantedBy: unique(grantedBy),
    paths,
  };
}

/** Access to a probe operation, optionally on one concrete index. */
export function operationAccess(
  template: Pick<RoleTemplate, 'role_descriptors'>,
  op: ProbeOperation,
  index?: string,
): OperationAccess {
  return { op, ...actionAccess(template, op.action, op.scope === 'index' ? index : undefined) };
}

/** Analyses a validated template: every probe operation and every known action. */
export function analyzeAccess(template: Pick<RoleTemplate, 'name' | 'role_descriptors'>): TemplateAccess {
  const extraActions = rawActionsOf(template);
  const actions = unique([...KNOWN_CLUSTER_ACTIONS, ...KNOWN_INDEX_ACTIONS, ...extraActions])
    .sort()
    .map((a) => actionAccess(template, a))
    .filter((a) => a.allowed);
  return {
    name: template.name,
    cluster: clusterGrantsOf(template),
    groups: indexGroupsOf(template),
    operations: PROBE_OPERATIONS.map((op) => operationAccess(template, op)),
    actions,
  };
}

/** Raw action privileges of the template, as concrete action names (trailing `*` removed). */
export function rawActionsOf(template: Pick<RoleTemplate, 'role_descriptors'>): string[] {
  const out: string[] = [];
  for (const d of Object.values(template.role_descriptors)) {
    for (const name of [...(d.cluster ?? []), ...(d.indices ?? []).flatMap((e) => e.privileges)]) {
      if (!name.includes(':')) continue;
      const bare = name.replace(/\*+$/, '');
      if (!bare.includes('*') && !bare.endsWith('/')) out.push(bare);
    }
  }
  return out;
}
