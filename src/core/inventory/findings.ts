import type { ApiKeyInfo } from '../cluster-port.js';
import { humanizeDuration } from '../duration.js';
import { type LintRuleId, lintRule } from '../lint/index.js';
import type { ManagedKey } from '../rotation/key-metadata.js';
import type { KeyView } from '../rotation/key-state.js';
import { templateHash } from '../rotation/template-hash.js';
import type { RoleTemplate } from '../templates/schema.js';
import {
  canDoEverything,
  type Descriptors,
  descriptorsHash,
  descriptorsReported,
  formatPrivileges,
  hasNoDescriptors,
  normalizeDescriptors,
  summarizePrivileges,
} from './descriptors.js';
import {
  type InventorySeverity,
  inventorySeverityRank,
  liveLintSeverity,
  valueAtPointer,
  worse,
} from './severity.js';

/**
 * The findings of `eskeys inventory`: what a security reviewer should know about each API key
 * in the cluster, each with a severity, a one-line explanation and a safer alternative.
 * Privilege findings reuse the template lint rules (src/core/lint), run over the key's own
 * role descriptors — or, for a key without any, over its owner's snapshot, which is what such
 * a key can do (reference §5). Everything here is pure: `(key, context, now) → findings`.
 */

/** Lint rules that read only `role_descriptors`, so they apply to a key as well as a template. */
export const PRIVILEGE_LINT_RULES = [
  'grant-all',
  'security-privilege-on-service-key',
  'grant-manage',
  'grant-delete-index',
  'restricted-indices',
  'broad-pattern',
  'write-includes-delete',
  'grant-delete',
  'create-overwrites',
  'raw-action-privilege',
] as const satisfies readonly LintRuleId[];

/** A lint rule inventory reuses. */
export type PrivilegeLintRuleId = (typeof PRIVILEGE_LINT_RULES)[number];

/** A rule of inventory's own (not a template lint rule). */
export interface InventoryRule {
  readonly title: string;
  readonly explanation: string;
  readonly alternative: string;
}

/** Inventory's own rules, beyond the reused lint rules. */
export const INVENTORY_RULES = {
  'inherits-owner-privileges': {
    title: 'no role descriptors: the key inherits its owner’s privileges',
    explanation:
      'a key created without role_descriptors can do everything its owner could when it was created or last updated (the limited_by snapshot); for an admin owner that is the whole cluster, security included',
    alternative:
      'mint a replacement with explicit role_descriptors listing only what its consumer needs (an eskeys template), switch the consumer, then invalidate this key',
  },
  'descriptors-not-returned': {
    title: 'role descriptors not returned: what the key may do is unknown',
    explanation:
      'clusters before 8.5 return neither a key’s role_descriptors nor its owner’s snapshot, so inventory cannot tell a scoped key from one that inherits all of its owner’s privileges',
    alternative:
      'upgrade the cluster to 8.5 or later and run inventory again; meanwhile treat the key as having its owner’s privileges if you cannot trace how it was created',
  },
  'run-as': {
    title: 'run_as: the key can impersonate other users',
    explanation:
      'run_as lets the key act as another user (es-security-runas-user header) with that user’s privileges, so its own descriptors no longer bound what it can do',
    alternative: 'drop run_as; give the key the privileges it needs directly',
  },
  'no-expiration': {
    title: 'no expiration',
    explanation:
      'a key without expiration stays valid until someone invalidates it: a leaked copy works forever, even if rotation stops',
    alternative:
      'replace it with a key that has an expiration (eskeys templates default to "auto": rotation period + grace + margin)',
  },
  'older-than-90-days': {
    title: 'created more than 90 days ago',
    explanation:
      'the longer a key lives, the longer a leaked copy stays useful; policy asks for rotation at least every 90 days',
    alternative:
      'rotate it (eskeys rotate for managed keys; otherwise mint a replacement and invalidate this one)',
  },
  'secret-in-metadata': {
    title: 'metadata field named like a secret',
    explanation:
      'key metadata is readable by every identity that may list API keys (read_security, manage_api_key, and owners); a secret stored there is not secret',
    alternative:
      'remove the field with an update (metadata is replaced wholesale) and rotate the secret it held',
  },
  'template-drift': {
    title: 'managed key differs from its template in roles/',
    explanation:
      'the key does not grant what the template in roles/ declares: either the template changed since the key was minted, or the key was updated outside eskeys',
    alternative:
      'run eskeys rotate for the template and environment so the live key matches the reviewed template',
  },
  'template-missing': {
    title: 'managed key whose template no longer exists',
    explanation:
      'no template in roles/ declares this key any more, so nothing rotates, reviews or retires it; it lives until it expires',
    alternative:
      'if the service is gone, eskeys revoke --id <id>; if the template moved to another project, run inventory there',
  },
  'too-many-valid-keys': {
    title: 'more than two valid managed keys for one template and environment',
    explanation:
      'eskeys keeps at most two valid keys per template and environment (the current one and one in grace); extra valid keys are credentials nobody uses any more',
    alternative: 'eskeys revoke --template <name> --env <env> --due, or revoke --id for each extra key',
  },
  'revoke-overdue': {
    title: 'superseded key still valid after its revoke_after',
    explanation:
      'its grace period is over, so no consumer should still use it; it stays a live credential until revoked or expired',
    alternative: 'eskeys revoke --due (or run eskeys tick / schedule so it happens on its own)',
  },
  'stale-pending': {
    title: 'pending key of an interrupted rotation',
    explanation:
      'a rotation minted this key and never finished; it may have reached no consumer, yet it is valid',
    alternative:
      'run eskeys recover on the host that created it (see created_by), or eskeys revoke --id <id>',
  },
  'rotation-overdue': {
    title: 'active managed key past its rotation period',
    explanation: 'the template’s rotation policy says it should have been replaced already',
    alternative: 'eskeys rotate (or let eskeys tick / schedule rotate due keys)',
  },
} as const satisfies Record<string, InventoryRule>;

/** Id of an inventory rule of its own. */
export type OwnRuleId = keyof typeof INVENTORY_RULES;

/** Every rule id inventory reports. */
export type InventoryRuleId = OwnRuleId | PrivilegeLintRuleId;

/** Report order of rules at one severity: root causes before the grants they explain. */
export const RULE_ORDER: readonly InventoryRuleId[] = [
  'inherits-owner-privileges',
  'secret-in-metadata',
  'run-as',
  'descriptors-not-returned',
  ...PRIVILEGE_LINT_RULES,
  'revoke-overdue',
  'too-many-valid-keys',
  'stale-pending',
  'template-drift',
  'template-missing',
  'no-expiration',
  'older-than-90-days',
  'rotation-overdue',
];

/** Position of a rule in RULE_ORDER. */
export function ruleOrder(rule: InventoryRuleId): number {
  const i = RULE_ORDER.indexOf(rule);
  return i < 0 ? RULE_ORDER.length : i;
}

/** One finding about one key. */
export interface InventoryFinding {
  readonly rule: InventoryRuleId;
  readonly severity: InventorySeverity;
  /** What this key has, one line. */
  readonly message: string;
  /** Why it matters (the rule's). */
  readonly explanation: string;
  /** What to do instead. */
  readonly alternative: string;
  /** Found in the owner's snapshot, which a key without descriptors inherits. */
  readonly inherited: boolean;
}

/** The explanation and alternative of any rule. */
export function ruleText(rule: InventoryRuleId): InventoryRule {
  if (rule in INVENTORY_RULES) return INVENTORY_RULES[rule as OwnRuleId];
  const r = lintRule(rule as PrivilegeLintRuleId);
  const explanation =
    rule === 'security-privilege-on-service-key' ? SECURITY_PRIVILEGE_EXPLANATION : r.explanation;
  return { title: r.title, explanation, alternative: r.alternative };
}

function own(rule: OwnRuleId, severity: InventorySeverity, message: string): InventoryFinding {
  const r = INVENTORY_RULES[rule];
  return {
    rule,
    severity,
    message,
    explanation: r.explanation,
    alternative: r.alternative,
    inherited: false,
  };
}

/**
 * The reused lint rules over a set of descriptors, one finding per rule (occurrences joined).
 * The rules' `check` takes a template but reads only `role_descriptors` (PRIVILEGE_LINT_RULES is
 * exactly that set; a unit test runs each over descriptors alone).
 */
export function privilegeFindings(d: Descriptors, inherited = false): InventoryFinding[] {
  const asTemplate = { role_descriptors: normalizeDescriptors(d) } as unknown as RoleTemplate;
  const out: InventoryFinding[] = [];
  for (const id of PRIVILEGE_LINT_RULES) {
    const rule = lintRule(id);
    const hits = rule.check(asTemplate);
    if (hits.length === 0) continue;
    let severity: InventorySeverity = 'info';
    for (const h of hits)
      severity = worse(
        severity,
        liveLintSeverity(id, h.severity ?? rule.severity, valueAtPointer(asTemplate, h.path)),
      );
    const messages = [...new Set(hits.map((h) => h.message))];
    const shown =
      messages.slice(0, 3).join('; ') + (messages.length > 3 ? `; and ${messages.length - 3} more` : '');
    const alternatives = [...new Set(hits.map((h) => h.alternative ?? rule.alternative))];
    out.push({
      rule: id,
      severity,
      message: inherited ? `owner's snapshot: ${shown}` : shown,
      explanation: ruleText(id).explanation,
      alternative: alternatives.join('; '),
      inherited,
    });
  }
  return out;
}

/**
 * What the security privileges let a leaked API key do, by version (reference §2, §4.9, §5).
 * Lint's explanation ("mints fresh keys that outlive the rotation") is true of manage_security
 * in every version, but an API key cannot mint a key with privileges before 9.4 (derived keys
 * must be empty), so inventory says what each privilege does on a key instead.
 */
export const SECURITY_PRIVILEGE_EXPLANATION =
  'on an API key: manage_security edits users and roles, so a leak becomes lasting access in every version; ' +
  'manage_api_key lists every key with its metadata and invalidates every REST key in the cluster (an outage for every service), ' +
  'and from 9.4 clones itself with no expiration; manage_own_api_key reaches only the key itself (an API key owns no other key): ' +
  'before 9.4 it reads and invalidates itself and mints derived keys without privileges, from 9.4 it clones itself ' +
  '(clone API) with no expiration, so a leaked copy outlives rotation';

/** Metadata field names that suggest a stored credential. */
const SECRET_NAME = /pass(word|wd)?$|secret|token|api[_-]?key$|credential|private[_-]?key/i;

/** Paths of metadata fields named like secrets (values are never read or shown). */
export function secretLikeMetadata(metadata: Readonly<Record<string, unknown>>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(metadata)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (SECRET_NAME.test(k) && v !== null && v !== '' && typeof v !== 'object') out.push(path);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      out.push(...secretLikeMetadata(v as Record<string, unknown>, path));
  }
  return out;
}

/** The current templates, as inventory compares managed keys against them. */
export interface TemplateIndex {
  /** template name → the hash eskeys stores in metadata (`templateHash(role_descriptors)`) and the normalized one. */
  readonly byName: ReadonlyMap<string, { readonly hash: string; readonly descriptorsHash: string }>;
}

/** Builds the template index from loaded templates. */
export function indexTemplates(
  templates: readonly Pick<RoleTemplate, 'name' | 'role_descriptors'>[],
  hash: (rd: unknown) => string,
): TemplateIndex {
  return {
    byName: new Map(
      templates.map((t) => [
        t.name,
        {
          hash: hash(t.role_descriptors),
          descriptorsHash: descriptorsHash(t.role_descriptors as Descriptors),
        },
      ]),
    ),
  };
}

/** What inventory concludes from one owner snapshot (limited_by), whatever key carries it. */
export interface SnapshotVerdict {
  /** The snapshot allows everything (the superuser shape). */
  readonly everything: boolean;
  /** The reused lint rules over the snapshot, marked inherited. */
  readonly findings: readonly InventoryFinding[];
  /** run_as in the snapshot, marked inherited. */
  readonly runAs: readonly InventoryFinding[];
}

/**
 * Verdicts per snapshot content. Snapshots repeat heavily (every key an owner minted without
 * descriptors since its roles last changed carries the same one), and judging one builds the
 * privilege automaton (tens of milliseconds for a superuser), so a scan judges each distinct
 * snapshot once. Keyed by the hash of its canonical JSON; bounded, so memory stays flat.
 */
export class SnapshotCache {
  readonly #verdicts = new Map<string, SnapshotVerdict>();
  readonly #max: number;
  /** Snapshots judged so far (cache misses); for tests and benchmarks. */
  computed = 0;

  constructor(max = 1000) {
    this.#max = max;
  }

  /** The verdict on `snapshot`, judged once per distinct content. */
  verdict(snapshot: Descriptors): SnapshotVerdict {
    const key = templateHash(snapshot);
    const hit = this.#verdicts.get(key);
    if (hit) return hit;
    const v = judgeSnapshot(snapshot);
    this.computed++;
    if (this.#verdicts.size >= this.#max) this.#verdicts.clear();
    this.#verdicts.set(key, v);
    return v;
  }
}

/** The verdict on one owner snapshot (uncached). */
export function judgeSnapshot(snapshot: Descriptors): SnapshotVerdict {
  return {
    everything: canDoEverything(snapshot),
    findings: privilegeFindings(snapshot, true),
    runAs: runAsFindings(snapshot, true),
  };
}

const EMPTY_DESCRIPTORS_HASH = descriptorsHash({});

/** What findings need beyond the key itself. */
export interface FindingContext {
  readonly now: Date;
  /** Verdicts on owner snapshots shared across keys; without one each key's snapshot is judged anew. */
  readonly snapshots?: SnapshotCache;
  /** Current templates; undefined = template checks skipped (no roles/ or an invalid template). */
  readonly templates?: TemplateIndex;
  /** Valid managed keys per `template@environment` across the cluster. */
  readonly validPerGroup?: ReadonlyMap<string, number>;
}

const DAY = 86_400_000;
/** Policy: keys older than this should have been rotated. */
export const MAX_KEY_AGE_MS = 90 * DAY;

/** The group key of a managed key: `template@environment`. */
export function groupOf(template: string, environment: string): string {
  return `${template}@${environment}`;
}

/** Findings of one key (pure). `managed` is its parsed eskeys metadata and state, when managed. */
export function keyFindings(
  key: ApiKeyInfo,
  managed: { key: ManagedKey; view: KeyView } | undefined,
  ctx: FindingContext,
): InventoryFinding[] {
  const now = ctx.now.getTime();
  const out: InventoryFinding[] = [];
  const descriptors = key.roleDescriptors;
  const valid = isValid(key, now);
  const ageMs = now - key.creation.getTime();

  // A metadata secret stays readable until the key document is removed, valid or not.
  const secretFields = secretLikeMetadata(key.metadata);
  if (secretFields.length > 0) {
    out.push(
      own(
        'secret-in-metadata',
        'high',
        `metadata field${secretFields.length > 1 ? 's' : ''} ${secretFields.join(', ')} named like a secret (value not shown)`,
      ),
    );
  }
  // An expired or invalidated key grants nothing any more: no access findings.
  if (!valid) return sortFindings(out);

  if (!descriptorsReported(descriptors)) {
    out.push(
      own(
        'descriptors-not-returned',
        'info',
        `the cluster did not return this key's role descriptors (before 8.5): its privileges are unknown, at most those of ${key.username} (${key.realm})`,
      ),
    );
  } else if (hasNoDescriptors(descriptors)) {
    const owner = `${key.username} (${key.realm})`;
    if (!key.limitedBy) {
      out.push(
        own(
          'inherits-owner-privileges',
          'high',
          `no role descriptors: the key has every privilege of ${owner}; the owner's snapshot was not returned`,
        ),
      );
    } else {
      const verdict = ctx.snapshots?.verdict(key.limitedBy) ?? judgeSnapshot(key.limitedBy);
      const inherited = verdict.findings;
      const everything = verdict.everything;
      const worst = inherited.reduce<InventorySeverity>((s, f) => worse(s, f.severity), 'info');
      const severity: InventorySeverity = everything
        ? 'critical'
        : inventorySeverityRank(worst) >= inventorySeverityRank('high')
          ? 'high'
          : 'medium';
      const roles = Object.keys(key.limitedBy).join(', ') || 'no roles';
      out.push(
        own(
          'inherits-owner-privileges',
          severity,
          everything
            ? `no role descriptors: the key can do everything its owner ${owner} can (roles ${roles}), every index and security included`
            : `no role descriptors: the key has the privileges of ${owner} (roles ${roles}): ${formatPrivileges(summarizePrivileges(key.limitedBy))}`,
        ),
      );
      out.push(...inherited, ...verdict.runAs);
    }
  } else {
    out.push(...privilegeFindings(descriptors!));
    out.push(...runAsFindings(descriptors!, false));
  }

  if (key.expiration === undefined) {
    out.push(own('no-expiration', 'medium', 'the key never expires'));
  }

  let rotationOverdue = false;
  if (managed) {
    const { key: mk, view } = managed;
    const group = groupOf(mk.meta.template, mk.meta.environment);
    const template = ctx.templates?.byName.get(mk.meta.template);
    // eskeys mints every key from a template's role descriptors: a "managed" key with none
    // inherits everything its owner may do — forged metadata, or descriptors removed by an update.
    const inheritsInstead =
      hasNoDescriptors(descriptors) && template?.descriptorsHash !== EMPTY_DESCRIPTORS_HASH;
    if (inheritsInstead) {
      out.push(
        own(
          'template-drift',
          'high',
          `eskeys metadata (template ${mk.meta.template}) but no role descriptors: the key has every privilege of its owner ${key.username} (${key.realm}) instead of the template's (forged metadata, or descriptors removed outside eskeys?)`,
        ),
      );
    } else if (ctx.templates && !template) {
      out.push(own('template-missing', 'medium', `template ${mk.meta.template} is not in roles/`));
    } else if (template) {
      const changed = mk.meta.template_hash !== template.hash;
      const edited = descriptors !== undefined && descriptorsHash(descriptors) !== template.descriptorsHash;
      if (changed || edited) {
        out.push(
          own(
            'template-drift',
            'medium',
            changed
              ? `template ${mk.meta.template} changed since this key was minted (generation ${mk.meta.generation})`
              : `the key's role descriptors differ from template ${mk.meta.template} (updated outside eskeys?)`,
          ),
        );
      }
    }
    const count = ctx.validPerGroup?.get(group) ?? 0;
    if (count > 2) {
      out.push(own('too-many-valid-keys', 'medium', `${count} valid keys for ${group} (at most 2 expected)`));
    }
    if (view.revokeDue) {
      out.push(
        own(
          'revoke-overdue',
          'high',
          `superseded, revoke_after ${mk.meta.revoke_after} passed ${humanizeDuration(now - Date.parse(mk.meta.revoke_after ?? ''))} ago, still valid`,
        ),
      );
    }
    if (view.stalePending) {
      out.push(
        own(
          'stale-pending',
          'medium',
          `pending for ${humanizeDuration(ageMs)} (rotation ${mk.meta.rotation_id || 'unknown'} by ${mk.meta.created_by})`,
        ),
      );
    }
    if (view.status === 'active' && view.rotationDue) {
      rotationOverdue = true;
      out.push(
        own(
          'rotation-overdue',
          ageMs > MAX_KEY_AGE_MS ? 'medium' : 'info',
          `active for ${humanizeDuration(ageMs)}, rotation every ${mk.meta.rotate_every}`,
        ),
      );
    }
  }
  if (ageMs > MAX_KEY_AGE_MS && !rotationOverdue) {
    out.push(own('older-than-90-days', 'medium', `created ${Math.floor(ageMs / DAY)} days ago`));
  }
  return sortFindings(out);
}

function runAsFindings(d: Descriptors, inherited: boolean): InventoryFinding[] {
  const runAs = [...new Set(Object.values(d).flatMap((rd) => rd.run_as ?? []))];
  if (runAs.length === 0) return [];
  const anyone = runAs.some((u) => u === '*' || u.includes('*'));
  const message = `${inherited ? "owner's snapshot: " : ''}run_as ${runAs.join(', ')}${anyone ? ': can impersonate any matching user, superusers included' : ''}`;
  return [{ ...own('run-as', anyone ? 'critical' : 'high', message), inherited }];
}

/** True while the cluster accepts the key (not invalidated, not expired). */
export function isValid(key: ApiKeyInfo, nowMs: number): boolean {
  return !key.invalidated && (key.expiration === undefined || key.expiration.getTime() > nowMs);
}

/** Worst first; within a severity, the key's own findings before inherited ones, then in RULE_ORDER. */
export function sortFindings(findings: InventoryFinding[]): InventoryFinding[] {
  return findings.sort(
    (a, b) =>
      inventorySeverityRank(b.severity) - inventorySeverityRank(a.severity) ||
      Number(a.inherited) - Number(b.inherited) ||
      ruleOrder(a.rule) - ruleOrder(b.rule),
  );
}
