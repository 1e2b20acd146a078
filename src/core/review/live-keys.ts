import { descriptorsHash, hasNoDescriptors, normalizeDescriptors } from '../inventory/descriptors.js';
import { type InventorySeverity, liveLintSeverity, valueAtPointer, worse } from '../inventory/severity.js';
import { type LintFinding, lintTemplate } from '../lint/lint.js';
import type { LintRuleId } from '../lint/rule-ids.js';
import type { ManagedKey } from '../rotation/key-metadata.js';
import { describeKey } from '../rotation/key-state.js';
import type { RoleTemplate } from '../templates/schema.js';
import type { KeyOwner, LivePrivileges, ReviewFinding, ReviewKeyView, ReviewSeverity } from './types.js';

/**
 * What the cluster says a managed key really is, beyond its metadata. Metadata is written by
 * whoever creates or updates the key — any user holding `manage_own_api_key` can write
 * eskeys-style metadata on a key of their own, and a key's owner can replace its role
 * descriptors with `PUT /_security/api_key/{id}` — so the review judges the key by its live
 * role descriptors and its owner, never by `template_hash` and `state` alone.
 */

/** Lint rules that judge privileges (and the probes against them), run over a key's live descriptors. */
const LIVE_LINT_RULES: ReadonlySet<LintRuleId> = new Set<LintRuleId>([
  'grant-all',
  'grant-manage',
  'grant-delete-index',
  'write-includes-delete',
  'grant-delete',
  'create-overwrites',
  'security-privilege-on-service-key',
  'restricted-indices',
  'broad-pattern',
  'deny-probe-allowed',
  'allow-probe-denied',
  'raw-action-privilege',
]);

/** How a key's live descriptors compare with the template's. */
export function livePrivileges(key: ManagedKey, template: RoleTemplate): LivePrivileges {
  const live = key.info.roleDescriptors;
  if (live === undefined) return 'unknown';
  if (hasNoDescriptors(live)) return 'none';
  return descriptorsHash(live) === descriptorsHash(template.role_descriptors) ? 'match' : 'differ';
}

/** A managed key as the review shows it. */
export function reviewKeyView(key: ManagedKey, template: RoleTemplate, now: Date): ReviewKeyView {
  const live = key.info.roleDescriptors;
  return {
    ...describeKey(key, now),
    owner: { username: key.info.username, realm: key.info.realm },
    privileges: livePrivileges(key, template),
    ...(live !== undefined && !hasNoDescriptors(live) ? { liveHash: descriptorsHash(live) } : {}),
  };
}

/** `eskeys-admin (realm native1)`. */
export function ownerLabel(o: KeyOwner): string {
  return o.realm ? `${o.username} (realm ${o.realm})` : o.username;
}

/** Same user, and same realm when both are known. */
export function sameOwner(a: KeyOwner, b: KeyOwner): boolean {
  return a.username === b.username && (a.realm === undefined || b.realm === undefined || a.realm === b.realm);
}

/**
 * Lint's privilege rules over the live descriptors of the keys whose privileges differ from
 * the template: a widened key gets the findings its descriptors would get in a template. Hits
 * the template itself already has (or accepts) are not repeated.
 */
function liveLintFindings(
  keys: readonly ManagedKey[],
  views: ReadonlyMap<string, ReviewKeyView>,
  template: RoleTemplate,
  templateLint: readonly LintFinding[],
): ReviewFinding[] {
  const known = new Set(templateLint.map((f) => `${f.rule}\u0000${f.message}`));
  const byRule = new Map<
    LintRuleId,
    { findings: LintFinding[]; keys: Set<string>; severity: InventorySeverity }
  >();
  for (const key of keys) {
    const view = views.get(key.info.id);
    if (view?.privileges !== 'differ' || key.info.roleDescriptors === undefined) continue;
    const { lint: _ignored, ...rest } = template;
    const asTemplate = {
      ...rest,
      role_descriptors: normalizeDescriptors(key.info.roleDescriptors),
    } as RoleTemplate;
    for (const f of lintTemplate(asTemplate, `key ${view.name}`).findings) {
      if (!LIVE_LINT_RULES.has(f.rule) || f.severity === 'info') continue;
      if (known.has(`${f.rule}\u0000${f.message}`)) continue;
      const entry = byRule.get(f.rule) ?? { findings: [], keys: new Set<string>(), severity: 'info' };
      if (!entry.findings.some((x) => x.message === f.message)) entry.findings.push(f);
      entry.severity = worse(
        entry.severity,
        liveLintSeverity(f.rule, f.severity, valueAtPointer(asTemplate, f.path)),
      );
      entry.keys.add(view.name);
      byRule.set(f.rule, entry);
    }
  }
  // One finding per rule (occurrences joined), as inventory does, so a widened key does not
  // drown the document in one line per deny probe.
  return [...byRule.entries()].map(([rule, { findings, keys: names, severity: live }]) => {
    // Info hits were skipped above, so a live severity here is never 'info'.
    const severity = live as ReviewSeverity;
    const messages = findings.map((f) => f.message);
    const shown =
      messages.slice(0, 3).join('; ') + (messages.length > 3 ? `; and ${messages.length - 3} more` : '');
    const keyList = [...names].join(', ');
    return {
      severity,
      code: `key-lint/${rule}`,
      source: 'cluster' as const,
      message: `the live key ${keyList} (not its template): ${shown}`,
      remedy: `${findings[0]!.alternative}; meanwhile replace the key: \`eskeys rotate --template ${template.name} --now\` and invalidate ${keyList}`,
    };
  });
}

/**
 * Findings about the identity's valid managed keys as the cluster reports them: live
 * privileges that differ from the template (or no descriptors at all), owners other than the
 * identity eskeys mints as, and more than one active key.
 */
export function liveKeyFindings(args: {
  readonly keys: readonly ManagedKey[];
  readonly views: readonly ReviewKeyView[];
  readonly template: RoleTemplate;
  readonly templateHash: string;
  readonly templateLint: readonly LintFinding[];
  readonly environment: string;
  readonly admin?: KeyOwner;
}): ReviewFinding[] {
  const { views, template, environment } = args;
  const t = template.name;
  const identity = `${t}@${environment}`;
  const out: ReviewFinding[] = [];
  const rotateNow = `\`eskeys rotate --template ${t} --env ${environment} --now\``;

  for (const v of views) {
    const owner = ownerLabel(v.owner);
    if (v.privileges === 'none') {
      out.push({
        severity: 'critical',
        code: 'cluster/no-role-descriptors',
        source: 'cluster',
        message: `${v.status} key ${v.name} has no role descriptors: it can do everything its owner ${owner} could when it was created or last updated, whatever the template says. eskeys never mints such a key: it was created or updated outside eskeys`,
        remedy: `invalidate ${v.name} (\`eskeys revoke --id <its id>\`, as its owner or a manage_api_key admin), find out who made it, and mint a proper key with ${rotateNow}`,
      });
    } else if (v.privileges === 'differ' && v.templateHash === args.templateHash) {
      out.push({
        severity: 'high',
        code: 'cluster/privileges-changed',
        source: 'cluster',
        message: `the key's live privileges differ from its template: ${v.status} key ${v.name} records this version of ${t} (template_hash) but its role descriptors were changed after it was minted (an update outside eskeys)`,
        remedy: `replace it with a key minted from the reviewed template (${rotateNow}), invalidate ${v.name}, and find out who updated it`,
      });
    } else if (v.privileges === 'unknown') {
      out.push({
        severity: 'medium',
        code: 'cluster/privileges-unknown',
        source: 'cluster',
        message: `the cluster did not return the role descriptors of ${v.name}: its live privileges could not be compared with the template`,
        remedy:
          'review with an admin allowed to read API keys with their descriptors (manage_api_key or read_security)',
      });
    }
  }

  out.push(...liveLintFindings(args.keys, new Map(views.map((v) => [v.id, v])), template, args.templateLint));

  const admin = args.admin;
  if (admin) {
    for (const v of views.filter((x) => !sameOwner(x.owner, admin))) {
      out.push({
        severity: 'high',
        code: 'cluster/foreign-owner',
        source: 'cluster',
        message: `${v.status} key ${v.name} belongs to ${ownerLabel(v.owner)}, not to ${ownerLabel(admin)} that eskeys mints and rotates keys as: its managed-key metadata may have been written by that user (manage_own_api_key suffices), and eskeys cannot rotate or retire it (only a key's owner can update it)`,
        remedy: `find out who created ${v.name} and why; invalidate it if it is not a legitimate key of ${identity}, then mint one with ${rotateNow}`,
      });
    }
  } else {
    const owners = [...new Set(views.map((v) => ownerLabel(v.owner)))];
    if (owners.length > 1) {
      out.push({
        severity: 'high',
        code: 'cluster/foreign-owner',
        source: 'cluster',
        message: `the valid keys of ${identity} belong to different users (${views.map((v) => `${v.name}: ${ownerLabel(v.owner)}`).join('; ')}): eskeys mints every key of an identity as one admin, so some were created outside eskeys`,
        remedy: `find out who created each key; invalidate those that are not legitimate, then mint one with ${rotateNow}`,
      });
    }
  }

  const active = views.filter((v) => v.status === 'active');
  if (active.length > 1) {
    out.push({
      severity: 'high',
      code: 'cluster/several-active',
      source: 'cluster',
      message: `${active.length} keys of ${identity} claim to be active (${active.map((v) => `${v.name} owned by ${ownerLabel(v.owner)}`).join(', ')}); eskeys keeps exactly one: the others were made or altered outside eskeys`,
      remedy: `find out which key is deployed (\`eskeys review --live\`), invalidate the others, and rotate with ${rotateNow}`,
    });
  }
  return out;
}
