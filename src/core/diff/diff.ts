import { actionAccess, indexGroupsOf } from '../access/analyze.js';
import { normalizeProbe, rawActionsOf } from '../access/index.js';
import { KNOWN_CLUSTER_ACTIONS, KNOWN_INDEX_ACTIONS } from '../access/known-actions.js';
import { glob, isSubset } from '../privileges/glob.js';
import { parseIndexPattern, Role, type RoleDescriptor } from '../privileges/index.js';
import { isClusterScopedAction, PROBE_OPERATIONS } from '../probes/catalogue.js';
import { keyLifetimeMs } from '../rotation/expiration-policy.js';
import type { RoleTemplate } from '../templates/schema.js';

/**
 * What a template change adds and removes, in privileges, probe operations and concrete
 * actions ("adds delete_index on logs-*"), plus changes of patterns, document/field-level
 * security, expiration, rotation and probes. Access that grows makes `widens` true, which
 * `eskeys diff` turns into exit 1 for pull-request checks.
 */

/** Which way a change goes. */
export type ChangeDirection = 'added' | 'removed' | 'changed';

/** What changed. */
export type ChangeKind =
  | 'cluster-privilege'
  | 'index-privilege'
  | 'operation'
  | 'actions'
  | 'pattern'
  | 'restricted-indices'
  | 'document-level-security'
  | 'field-level-security'
  | 'expiration'
  | 'rotation'
  | 'probe'
  | 'name';

/** One change, with a sentence for humans and fields for machines. */
export interface TemplateChange {
  readonly direction: ChangeDirection;
  readonly kind: ChangeKind;
  /** "adds index privilege delete_index on logs-*". */
  readonly summary: string;
  /** The change grants more access (or lets a key live longer). */
  readonly widens: boolean;
  /** Privilege, operation id, pattern or field the change is about. */
  readonly subject: string;
  /** Index patterns concerned (index scope). */
  readonly patterns?: readonly string[];
  /** Concrete actions concerned. */
  readonly actions?: readonly string[];
  /** Probe operation ids concerned (probe changes). */
  readonly operations?: readonly string[];
  readonly from?: string;
  readonly to?: string;
}

/** The diff of two versions of a template. */
export interface TemplateDiff {
  readonly old: { readonly name: string; readonly file: string };
  readonly new: { readonly name: string; readonly file: string };
  readonly changes: readonly TemplateChange[];
  /** Some change widens access. */
  readonly addsAccess: boolean;
}

type T = RoleTemplate;

function roleOf(t: T): Role {
  return Role.fromDescriptors(Object.values(t.role_descriptors) as RoleDescriptor[]);
}

function isRegex(p: string): boolean {
  return p.startsWith('/');
}

/** Does the union of `patterns` cover every index name `pattern` matches? */
function patternCovered(pattern: string, patterns: readonly string[]): boolean {
  if (patterns.includes(pattern)) return true;
  if (isRegex(pattern)) return false;
  try {
    parseIndexPattern(pattern);
  } catch {
    return false;
  }
  const globs = patterns.filter((p) => !isRegex(p)).map((p) => glob(p));
  if (globs.length === 0) return false;
  return isSubset({ include: [glob(pattern)] }, { include: globs });
}

const verb = (d: ChangeDirection) => (d === 'added' ? 'adds' : d === 'removed' ? 'removes' : 'changes');

/**
 * `logs-* (still on logs-2026.11.*), other-1`: each pattern of a change, with the narrower
 * patterns of the other side that keep the access within it, so a narrowing does not read as a
 * removal of everything.
 */
function patternsWithin(
  patterns: readonly string[],
  other: readonly string[],
  direction: 'added' | 'removed',
): string {
  return patterns
    .map((p) => {
      const inside = other.filter((o) => o !== p && patternCovered(o, [p]));
      if (inside.length === 0) return p;
      return `${p} (${direction === 'removed' ? 'still on' : 'already on'} ${inside.join(', ')})`;
    })
    .join(', ');
}

/** Privilege pairs (pattern, privilege) of `a` not covered by `bRole`. */
function indexPrivilegeChanges(a: T, b: T, direction: 'added' | 'removed'): TemplateChange[] {
  const bRole = roleOf(b);
  const bGroups = indexGroupsOf(b);
  const byPrivilege = new Map<string, string[]>();
  for (const g of indexGroupsOf(a)) {
    for (const privilege of g.privileges) {
      for (const pattern of g.patterns) {
        const covered = isRegex(pattern)
          ? bGroups.some((h) => h.patterns.includes(pattern) && h.privileges.includes(privilege))
          : bRole.hasIndexPrivilege(pattern, privilege, g.allowRestricted);
        if (covered) continue;
        const key = privilege.toLowerCase();
        const list = byPrivilege.get(key) ?? [];
        if (!list.includes(pattern)) list.push(pattern);
        byPrivilege.set(key, list);
      }
    }
  }
  const bPatternsOf = (privilege: string) => [
    ...new Set(
      bGroups
        .filter((h) => h.privileges.some((x) => x.toLowerCase() === privilege))
        .flatMap((h) => h.patterns),
    ),
  ];
  return [...byPrivilege].map(([privilege, patterns]) => ({
    direction,
    kind: 'index-privilege',
    summary: `${verb(direction)} index privilege ${privilege} on ${patternsWithin(patterns, bPatternsOf(privilege), direction)}`,
    widens: direction === 'added',
    subject: privilege,
    patterns,
  }));
}

function clusterPrivilegeChanges(a: T, b: T, direction: 'added' | 'removed'): TemplateChange[] {
  const bRole = roleOf(b);
  const seen = new Set<string>();
  const out: TemplateChange[] = [];
  for (const d of Object.values(a.role_descriptors)) {
    for (const privilege of d.cluster ?? []) {
      const key = privilege.toLowerCase();
      if (seen.has(key) || bRole.hasClusterPrivilege(privilege)) continue;
      seen.add(key);
      out.push({
        direction,
        kind: 'cluster-privilege',
        summary: `${verb(direction)} cluster privilege ${key}`,
        widens: direction === 'added',
        subject: key,
      });
    }
  }
  return out;
}

/** Patterns of `a` on which `action` is allowed but which `b` does not fully allow. */
function uncoveredPatterns(a: T, b: T, action: string): string[] {
  const inA = actionAccess(a, action);
  if (!inA.allowed) return [];
  const inB = actionAccess(b, action);
  return inA.patterns.filter((p) => !patternCovered(p, inB.patterns));
}

function operationChanges(a: T, b: T, direction: 'added' | 'removed'): TemplateChange[] {
  const out: TemplateChange[] = [];
  for (const op of PROBE_OPERATIONS) {
    if (op.scope === 'cluster') {
      if (actionAccess(a, op.action).allowed && !actionAccess(b, op.action).allowed) {
        out.push({
          direction,
          kind: 'operation',
          summary: `${verb(direction)} ${op.id} (${op.action})`,
          widens: direction === 'added',
          subject: op.id,
          actions: [op.action],
        });
      }
      continue;
    }
    const patterns = uncoveredPatterns(a, b, op.action);
    if (patterns.length === 0) continue;
    const inB = actionAccess(b, op.action);
    out.push({
      direction,
      kind: 'operation',
      summary: `${verb(direction)} ${op.id} (${op.action}) on ${patternsWithin(patterns, inB.allowed ? inB.patterns : [], direction)}`,
      widens: direction === 'added',
      subject: op.id,
      patterns,
      actions: [op.action],
    });
  }
  return out;
}

function actionChanges(a: T, b: T, direction: 'added' | 'removed'): TemplateChange[] {
  const actions = [
    ...new Set([...KNOWN_CLUSTER_ACTIONS, ...KNOWN_INDEX_ACTIONS, ...rawActionsOf(a), ...rawActionsOf(b)]),
  ].sort();
  const cluster: string[] = [];
  const byPattern = new Map<string, string[]>();
  for (const action of actions) {
    if (isClusterScopedAction(action)) {
      if (actionAccess(a, action).allowed && !actionAccess(b, action).allowed) cluster.push(action);
      continue;
    }
    for (const p of uncoveredPatterns(a, b, action)) byPattern.set(p, [...(byPattern.get(p) ?? []), action]);
  }
  const out: TemplateChange[] = [];
  if (cluster.length > 0) {
    out.push({
      direction,
      kind: 'actions',
      summary: `${verb(direction)} cluster actions ${cluster.join(', ')}`,
      widens: direction === 'added',
      subject: 'cluster',
      actions: cluster,
    });
  }
  for (const [pattern, list] of byPattern) {
    out.push({
      direction,
      kind: 'actions',
      summary: `${verb(direction)} index actions on ${pattern}: ${list.join(', ')}`,
      widens: direction === 'added',
      subject: pattern,
      patterns: [pattern],
      actions: list,
    });
  }
  return out;
}

function allPatterns(t: T): string[] {
  return [...new Set(indexGroupsOf(t).flatMap((g) => g.patterns))];
}

function patternChanges(a: T, b: T, direction: 'added' | 'removed'): TemplateChange[] {
  const bPatterns = allPatterns(b);
  return allPatterns(a)
    .filter((p) => !patternCovered(p, bPatterns))
    .map((p) => ({
      direction,
      kind: 'pattern' as const,
      summary: `${verb(direction)} index pattern ${p}`,
      widens: direction === 'added',
      subject: p,
      patterns: [p],
    }));
}

function restrictionChanges(oldT: T, newT: T): TemplateChange[] {
  const out: TemplateChange[] = [];
  const oldGroups = indexGroupsOf(oldT);
  const newGroups = indexGroupsOf(newT);
  const restrictedPatterns = (gs: typeof oldGroups) =>
    new Set(gs.filter((g) => g.allowRestricted).flatMap((g) => g.patterns));
  const oldR = restrictedPatterns(oldGroups);
  const newR = restrictedPatterns(newGroups);
  for (const p of newR) {
    if (!oldR.has(p)) {
      out.push({
        direction: 'added',
        kind: 'restricted-indices',
        summary: `adds access to restricted system indices through ${p} (allow_restricted_indices)`,
        widens: true,
        subject: p,
        patterns: [p],
      });
    }
  }
  for (const p of oldR) {
    if (!newR.has(p)) {
      out.push({
        direction: 'removed',
        kind: 'restricted-indices',
        summary: `removes access to restricted system indices through ${p}`,
        widens: false,
        subject: p,
        patterns: [p],
      });
    }
  }
  // Document- and field-level security: a pattern that was always restricted and no longer is.
  for (const [kind, has, label] of [
    ['document-level-security', (g: (typeof oldGroups)[number]) => g.dls, 'document-level security'],
    ['field-level-security', (g: (typeof oldGroups)[number]) => g.fls, 'field-level security'],
  ] as const) {
    const restrictedOnly = (gs: typeof oldGroups) => {
      const withIt = new Set(gs.filter(has).flatMap((g) => g.patterns));
      const without = new Set(gs.filter((g) => !has(g)).flatMap((g) => g.patterns));
      return new Set([...withIt].filter((p) => !without.has(p)));
    };
    const before = restrictedOnly(oldGroups);
    const after = restrictedOnly(newGroups);
    const newPatterns = new Set(newGroups.flatMap((g) => g.patterns));
    const oldPatterns = new Set(oldGroups.flatMap((g) => g.patterns));
    for (const p of before) {
      if (!after.has(p) && newPatterns.has(p)) {
        out.push({
          direction: 'removed',
          kind,
          summary: `removes ${label} on ${p} (the key sees more than before)`,
          widens: true,
          subject: p,
          patterns: [p],
        });
      }
    }
    for (const p of after) {
      if (!before.has(p) && oldPatterns.has(p)) {
        out.push({
          direction: 'added',
          kind,
          summary: `adds ${label} on ${p}`,
          widens: false,
          subject: p,
          patterns: [p],
        });
      }
    }
  }
  return out;
}

/** Effective key lifetime in ms (the rotation engine's rule for `auto`); none = infinite. */
function lifetime(t: T): number {
  return keyLifetimeMs(t) ?? Number.POSITIVE_INFINITY;
}

function lifecycleChanges(oldT: T, newT: T): TemplateChange[] {
  const out: TemplateChange[] = [];
  if (oldT.expiration !== newT.expiration) {
    const widens = lifetime(newT) > lifetime(oldT);
    out.push({
      direction: 'changed',
      kind: 'expiration',
      summary: `changes expiration ${oldT.expiration} → ${newT.expiration}${widens ? ' (keys live longer)' : ''}`,
      widens,
      subject: 'expiration',
      from: oldT.expiration,
      to: newT.expiration,
    });
  }
  for (const field of ['every', 'grace', 'review'] as const) {
    if (oldT.rotation[field] !== newT.rotation[field]) {
      out.push({
        direction: 'changed',
        kind: 'rotation',
        summary: `changes rotation.${field} ${oldT.rotation[field]} → ${newT.rotation[field]}`,
        widens: false,
        subject: `rotation.${field}`,
        from: oldT.rotation[field],
        to: newT.rotation[field],
      });
    }
  }
  return out;
}

function probeChanges(oldT: T, newT: T): TemplateChange[] {
  const out: TemplateChange[] = [];
  for (const expect of ['allow', 'deny'] as const) {
    const ops = (t: T) => [...new Set(t.probes[expect].map((p) => normalizeProbe(p).op))];
    const before = ops(oldT);
    const after = ops(newT);
    const removed = before.filter((op) => !after.includes(op));
    const added = after.filter((op) => !before.includes(op));
    const plural = (n: number) => (n === 1 ? '' : 's');
    if (removed.length > 0) {
      out.push({
        direction: 'removed',
        kind: 'probe',
        summary: `removes ${expect} probe${plural(removed.length)} ${removed.join(', ')}${expect === 'deny' ? ' (no longer proven denied)' : ''}`,
        widens: false,
        subject: expect,
        operations: removed,
      });
    }
    if (added.length > 0) {
      out.push({
        direction: 'added',
        kind: 'probe',
        summary: `adds ${expect} probe${plural(added.length)} ${added.join(', ')}`,
        widens: false,
        subject: expect,
        operations: added,
      });
    }
  }
  return out;
}

/** Everything that differs in access and lifecycle between two versions of a template. */
export function diffTemplates(
  oldVersion: { template: T; file: string },
  newVersion: { template: T; file: string },
): TemplateDiff {
  const o = oldVersion.template;
  const n = newVersion.template;
  const changes: TemplateChange[] = [
    ...clusterPrivilegeChanges(n, o, 'added'),
    ...indexPrivilegeChanges(n, o, 'added'),
    ...patternChanges(n, o, 'added'),
    ...operationChanges(n, o, 'added'),
    ...actionChanges(n, o, 'added'),
    ...clusterPrivilegeChanges(o, n, 'removed'),
    ...indexPrivilegeChanges(o, n, 'removed'),
    ...patternChanges(o, n, 'removed'),
    ...operationChanges(o, n, 'removed'),
    ...actionChanges(o, n, 'removed'),
    ...restrictionChanges(o, n),
    ...lifecycleChanges(o, n),
    ...probeChanges(o, n),
  ];
  if (o.name !== n.name) {
    changes.push({
      direction: 'changed',
      kind: 'name',
      summary: `renames the template ${o.name} → ${n.name} (keys of ${o.name} are no longer rotated or revoked by it)`,
      widens: false,
      subject: 'name',
      from: o.name,
      to: n.name,
    });
  }
  return {
    old: { name: o.name, file: oldVersion.file },
    new: { name: n.name, file: newVersion.file },
    changes,
    addsAccess: changes.some((c) => c.widens),
  };
}
