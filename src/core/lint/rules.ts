import {
  actionAccess,
  type ClusterGrant,
  clusterGrantsOf,
  type IndexGroup,
  indexGroupsOf,
} from '../access/analyze.js';
import { KNOWN_CLUSTER_ACTIONS } from '../access/known-actions.js';
import { checkProbeExpectations } from '../access/probe-checks.js';
import { formatDuration, parseDuration } from '../duration.js';
import { glob, intersects } from '../privileges/glob.js';
import {
  clusterPrivilegesGranting,
  indexPrivilegesGranting,
  isMajorSpecificPrivilege,
  isRawClusterAction,
  isRawIndexAction,
  majorsWithPrivilege,
  parseIndexPattern,
  RESTRICTED_INDEX_PATTERNS,
  resolveClusterPrivilege,
  SUPPORTED_MAJORS,
  setMatchesAction,
} from '../privileges/index.js';
import { PROBE_OPERATIONS } from '../probes/catalogue.js';
import type { RoleTemplate } from '../templates/schema.js';
import type { LintRuleId } from './rule-ids.js';

/**
 * The lint rules: each has an id, a default severity, an explanation of the risk and a
 * safer alternative. A rule is a pure function of the validated template. Elasticsearch
 * facts behind them: Elasticsearch's security reference (docs/es-facts.md).
 */

/** How much a finding matters: errors fail `eskeys lint` (exit 1). */
export type LintSeverity = 'error' | 'warning' | 'info';

/** One occurrence reported by a rule. */
export interface RuleHit {
  /** JSON pointer of the offending value. */
  readonly path: string;
  readonly message: string;
  /** A safer alternative specific to this occurrence (else the rule's). */
  readonly alternative?: string;
  /** Overrides the rule's severity for this occurrence. */
  readonly severity?: LintSeverity;
}

/** A lint rule. */
export interface LintRule {
  readonly id: LintRuleId;
  readonly severity: LintSeverity;
  /** One line for the rules table in docs/TEMPLATES.md. */
  readonly title: string;
  /** Why it matters. */
  readonly explanation: string;
  /** What to do instead. */
  readonly alternative: string;
  readonly check: (template: RoleTemplate) => RuleHit[];
}

const q = (s: string) => `"${s}"`;
const list = (items: readonly string[]) => items.join(', ');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_ROTATION = 90 * DAY;

/** Index privileges of every group with the given (lower-cased) names, as hits. */
function indexPrivilegeHits(
  template: RoleTemplate,
  match: (name: string, g: IndexGroup) => boolean,
  message: (name: string, g: IndexGroup) => string,
  alternative?: (name: string, g: IndexGroup) => string,
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const g of indexGroupsOf(template)) {
    g.privileges.forEach((name, i) => {
      if (!match(name.toLowerCase(), g)) return;
      const hit: RuleHit = { path: `${g.path}/privileges/${i}`, message: message(name, g) };
      hits.push(alternative ? { ...hit, alternative: alternative(name, g) } : hit);
    });
  }
  return hits;
}

function clusterHits(
  template: RoleTemplate,
  match: (name: string, g: ClusterGrant) => boolean,
  message: (name: string) => string,
  extra: (name: string) => Partial<RuleHit> = () => ({}),
): RuleHit[] {
  return clusterGrantsOf(template)
    .filter((g) => match(g.privilege.toLowerCase(), g))
    .map((g) => ({ path: g.path, message: message(g.privilege), ...extra(g.privilege) }));
}

const on = (g: IndexGroup) => list(g.patterns);

const SECURITY_ACTIONS = KNOWN_CLUSTER_ACTIONS.filter((a) => a.startsWith('cluster:admin/xpack/security/'));
/** Security actions every identity may run on itself (same-user rule, §2): not a finding. */
const SELF_SECURITY_ACTIONS = new Set([
  'cluster:admin/xpack/security/user/authenticate',
  'cluster:admin/xpack/security/user/has_privileges',
]);
/** Security privileges that only read (a warning rather than an error). */
const READ_ONLY_SECURITY = new Set(['read_security']);

const RULES_LIST: LintRule[] = [
  {
    id: 'grant-all',
    severity: 'error',
    title: '`all` (index or cluster) or an equivalent raw action pattern',
    explanation:
      'index `all` grants every index action — delete documents, delete the index, change settings and aliases; cluster `all` grants every cluster action including security (minting API keys, changing roles) and cluster settings',
    alternative:
      'list only what the service does, e.g. index read, index, create_index, view_index_metadata; cluster monitor, manage_index_templates, manage_ilm, manage_pipeline',
    check: (t) => [
      ...indexPrivilegeHits(
        t,
        (n) => n === 'all' || n === 'indices:*',
        (n, g) =>
          `index privilege ${q(n)} on ${on(g)} grants every index action, delete index and delete documents included`,
      ),
      ...clusterHits(
        t,
        (n) => n === 'all' || n === 'cluster:*',
        (n) =>
          `cluster privilege ${q(n)} grants every cluster action, security and cluster settings included`,
      ),
    ],
  },
  {
    id: 'grant-manage',
    severity: 'error',
    title: '`manage` (index or cluster)',
    explanation:
      'index `manage` grants every indices:admin/* action: delete index, change settings, move aliases, put mappings, close and shrink; cluster `manage` grants every cluster action except security: cluster settings, snapshots, reroute, templates, ILM and pipelines',
    alternative:
      'index: create_index and view_index_metadata (plus maintenance for refresh); cluster: monitor plus the specific manage_index_templates, manage_ilm or manage_pipeline',
    check: (t) => [
      ...indexPrivilegeHits(
        t,
        (n) => n === 'manage',
        (n, g) =>
          `index privilege ${q(n)} on ${on(g)} grants every admin action: delete index (indices:admin/delete), settings update, aliases`,
        () => 'use create_index and view_index_metadata for what services usually need from manage',
      ),
      ...clusterHits(
        t,
        (n) => n === 'manage',
        (n) =>
          `cluster privilege ${q(n)} grants every non-security cluster action, cluster settings (cluster:admin/settings/update) included`,
        () => ({
          alternative: 'use monitor plus manage_index_templates, manage_ilm or manage_pipeline as needed',
        }),
      ),
    ],
  },
  {
    id: 'grant-delete-index',
    severity: 'error',
    title: '`delete_index` (or `indices:admin/delete`)',
    explanation:
      'a leaked or misused key can delete whole indices — a month of data in one request; services rarely need it',
    alternative:
      'let ILM delete old indices (cluster manage_ilm) or use admin credentials for one-off deletes; if a retention job truly needs it, accept it with "lint": {"ignore": ["grant-delete-index"]}',
    check: (t) =>
      indexPrivilegeHits(
        t,
        (n) => n === 'delete_index' || n.startsWith('indices:admin/delete'),
        (n, g) =>
          `index privilege ${q(n)} on ${on(g)} lets the key delete whole indices (indices:admin/delete)`,
      ),
  },
  {
    id: 'write-includes-delete',
    severity: 'error',
    title: '`write` (it also grants document delete)',
    explanation:
      '`write` covers every indices:data/write/* action: index and update, but also delete, delete_by_query and update_by_query — a "no delete" matrix that lists `write` is wrong',
    alternative:
      'use `index` (index and update) or `create_doc` (append only); if the service must delete documents, list `index` and `delete` explicitly',
    check: (t) =>
      indexPrivilegeHits(
        t,
        (n, g) =>
          (n === 'write' || n === 'indices:data/write/*' || n === 'indices:data/write') &&
          !g.privileges.some((p) => p.toLowerCase() === 'delete'),
        (n, g) =>
          `index privilege ${q(n)} on ${on(g)} also grants document delete (indices:data/write/delete) and delete_by_query`,
      ),
  },
  {
    id: 'grant-delete',
    severity: 'warning',
    title: '`delete` (document delete)',
    explanation:
      'an application bug or a leaked key can delete documents one by one or in bulk; make sure the service really deletes',
    alternative:
      'drop `delete` if the service never deletes documents; otherwise accept it with "lint": {"ignore": ["grant-delete"]} and list doc.delete as an allow probe so verification proves it is intended',
    check: (t) =>
      indexPrivilegeHits(
        t,
        (n) => n === 'delete' || n.startsWith('indices:data/write/delete'),
        (n, g) =>
          `index privilege ${q(n)} on ${on(g)} lets the key delete documents (indices:data/write/delete)`,
      ),
  },
  {
    id: 'create-overwrites',
    severity: 'info',
    title: '`create` (it can overwrite existing documents)',
    explanation:
      '`create` grants indices:data/write/index*, which includes op_type=index: the key can overwrite any existing document by id, not only add new ones',
    alternative:
      'use `create_doc` for append-only writers; use `index` if overwriting and updating are intended',
    check: (t) =>
      indexPrivilegeHits(
        t,
        (n, g) =>
          n === 'create' && !g.privileges.some((p) => ['index', 'write', 'all'].includes(p.toLowerCase())),
        (n, g) =>
          `index privilege ${q(n)} on ${on(g)} can overwrite existing documents (indices:data/write/index:op_type/index)`,
      ),
  },
  {
    id: 'security-privilege-on-service-key',
    severity: 'error',
    title: 'security privileges (`manage_security`, `manage_api_key`, `manage_own_api_key`, ...)',
    explanation:
      'a service key that can create, grant or invalidate API keys (or edit users and roles) turns a leak into persistence: the attacker mints fresh keys that outlive the rotation',
    alternative:
      'service keys need no security privileges; eskeys mints and invalidates keys with its own admin identity',
    check: (t) =>
      clusterHits(
        t,
        (n) => {
          if (n === 'all' || n === 'cluster:*') return false; // grant-all reports it
          const p = resolveClusterPrivilege(n);
          return (
            p !== undefined &&
            SECURITY_ACTIONS.some((a) => !SELF_SECURITY_ACTIONS.has(a) && setMatchesAction(p.actions, a))
          );
        },
        (n) => {
          const p = resolveClusterPrivilege(n)!;
          const actions = SECURITY_ACTIONS.filter((a) => setMatchesAction(p.actions, a));
          const shown = actions.slice(0, 2).join(', ') + (actions.length > 2 ? ', ...' : '');
          return `cluster privilege ${q(n)} grants security actions (${shown})`;
        },
        (n) => (READ_ONLY_SECURITY.has(n.toLowerCase()) ? { severity: 'warning' } : {}),
      ),
  },
  {
    id: 'restricted-indices',
    severity: 'error',
    title: 'access to restricted system indices (`allow_restricted_indices`, `.security*`)',
    explanation:
      'restricted indices hold security data (users, roles, API key hashes); with allow_restricted_indices a wildcard reaches them',
    alternative: 'remove allow_restricted_indices and any .security* pattern; service keys never need them',
    check: (t) => {
      const hits: RuleHit[] = [];
      const restricted = { include: RESTRICTED_INDEX_PATTERNS.map((p) => glob(p)) };
      for (const g of indexGroupsOf(t)) {
        if (g.allowRestricted) {
          hits.push({
            path: `${g.path}/allow_restricted_indices`,
            message: `allow_restricted_indices lets ${on(g)} match restricted system indices such as .security`,
          });
          continue;
        }
        g.patterns.forEach((p, i) => {
          const parsed = safePattern(p);
          if (parsed?.kind !== 'glob' || p === '*' || !p.startsWith('.')) return;
          if (intersects({ include: [parsed.glob] }, restricted)) {
            hits.push({
              path: `${g.path}/names/${i}`,
              severity: 'warning',
              message: `index pattern ${q(p)} names restricted system indices; without allow_restricted_indices it cannot reach them, with it the key could read security data`,
            });
          }
        });
      }
      return hits;
    },
  },
  {
    id: 'unproven-document-security',
    severity: 'info',
    title: 'document- or field-level security (`query`, `field_security`) that probes do not prove',
    explanation:
      "probes prove which actions a key may take, not which documents or fields it sees; the sandbox stores a role's query and field_security but does not enforce them",
    alternative:
      'check the restriction against a real cluster (a search with the key must miss the excluded documents and fields), or grant narrower index patterns instead',
    check: (t) =>
      indexGroupsOf(t).flatMap((g) => [
        ...(g.dls
          ? [
              {
                path: `${g.path}/query`,
                message: `document-level security on ${on(g)} is not proven by the probes`,
              },
            ]
          : []),
        ...(g.fls
          ? [
              {
                path: `${g.path}/field_security`,
                message: `field-level security on ${on(g)} is not proven by the probes`,
              },
            ]
          : []),
      ]),
  },
  {
    id: 'broad-pattern',
    severity: 'error',
    title: '`*` and other overly broad index patterns',
    explanation:
      'a pattern matching every index (or every index starting with one letter) extends the key to data of other services, including indices created later',
    alternative: "name the service's own indices with a distinctive prefix, e.g. gmail_emails-*",
    check: (t) => {
      const hits: RuleHit[] = [];
      for (const g of indexGroupsOf(t)) {
        g.patterns.forEach((p, i) => {
          const why = broadness(p);
          if (!why) return;
          hits.push({
            path: `${g.path}/names/${i}`,
            severity: why.severity,
            message: `index pattern ${q(p)} ${why.reason}`,
          });
        });
      }
      return hits;
    },
  },
  {
    id: 'no-expiration',
    severity: 'error',
    title: 'no expiration (`"expiration": "none"`)',
    explanation:
      'a key without expiration stays valid forever if eskeys stops running or a revoke fails; the cluster should end every key on its own',
    alternative: 'use "auto" (rotation.every + grace + a margin) or an explicit duration',
    check: (t) =>
      t.expiration === 'none'
        ? [{ path: '/expiration', message: 'expiration is "none": the key never expires' }]
        : [],
  },
  {
    id: 'expiration-before-rotation',
    severity: 'error',
    title: 'expiration shorter than rotation.every + rotation.grace',
    explanation:
      'the key would expire before its successor is minted and the grace period is over, so consumers break between rotations',
    alternative: 'use "auto", or an expiration of at least rotation.every + rotation.grace',
    check: (t) => {
      const exp =
        t.expiration === 'auto' || t.expiration === 'none' ? undefined : parseDuration(t.expiration);
      const every = parseDuration(t.rotation.every);
      const grace = parseDuration(t.rotation.grace);
      if (exp === undefined || every === undefined || grace === undefined || exp >= every + grace) return [];
      const need = (every + grace) % DAY === 0 ? `${(every + grace) / DAY}d` : formatDuration(every + grace);
      return [
        {
          path: '/expiration',
          message: `expiration ${t.expiration} ends the key before rotation (every ${t.rotation.every} + grace ${t.rotation.grace} = ${need})`,
          alternative: `use "auto" or at least ${need}`,
        },
      ];
    },
  },
  {
    id: 'rotation-too-long',
    severity: 'warning',
    title: 'rotation.every longer than 90 days',
    explanation:
      'the longer a key lives, the longer a leaked copy stays useful; policy asks for rotation at least every 90 days',
    alternative: 'rotate every 90d or less',
    check: (t) => {
      const every = parseDuration(t.rotation.every);
      return every !== undefined && every > MAX_ROTATION
        ? [{ path: '/rotation/every', message: `rotation every ${t.rotation.every} is longer than 90 days` }]
        : [];
    },
  },
  {
    id: 'grace-longer-than-rotation',
    severity: 'error',
    title: 'rotation.grace not shorter than rotation.every',
    explanation:
      'the old key would still be valid when the next rotation starts, so superseded keys pile up and a leaked old key never really ends',
    alternative: 'keep grace well under the rotation period (default 24h)',
    check: (t) => {
      const every = parseDuration(t.rotation.every);
      const grace = parseDuration(t.rotation.grace);
      return every !== undefined && grace !== undefined && grace >= every
        ? [
            {
              path: '/rotation/grace',
              message: `grace ${t.rotation.grace} is not shorter than the rotation period ${t.rotation.every}`,
            },
          ]
        : [];
    },
  },
  {
    id: 'review-longer-than-rotation',
    severity: 'info',
    title: 'rotation.review longer than rotation.every',
    explanation: 'the key is replaced before its review is ever due, so no review reminder fires',
    alternative: 'review at most as often as you rotate (default 30d)',
    check: (t) => {
      const every = parseDuration(t.rotation.every);
      const review = parseDuration(t.rotation.review);
      return every !== undefined && review !== undefined && review > every
        ? [
            {
              path: '/rotation/review',
              message: `review every ${t.rotation.review} is longer than the rotation period ${t.rotation.every}`,
            },
          ]
        : [];
    },
  },
  {
    id: 'deny-probe-allowed',
    severity: 'error',
    title: "a deny probe that the template's own privileges allow",
    explanation:
      'the live probe would get 2xx instead of 403 and fail every rotation — and the key really can do what the template says it must not',
    alternative:
      'remove the privilege that grants the operation, or move the probe to allow if the service needs it',
    check: (t) =>
      checkProbeExpectations(t)
        .filter((c) => c.expect === 'deny' && !c.consistent)
        .map((c) => {
          const where = c.access.scope === 'index' ? ` on ${c.index ?? list(c.access.patterns)}` : '';
          return {
            path: c.path,
            message: `deny probe ${q(c.probe.op)}: the template allows ${c.access.action}${where} (granted by ${list(c.access.grantedBy)})`,
            alternative: saferThan(c.access.grantedBy),
          };
        }),
  },
  {
    id: 'allow-probe-denied',
    severity: 'error',
    title: "an allow probe that the template's own privileges do not grant",
    explanation:
      'the live probe would get 403 and fail every rotation; the service is missing access it needs',
    alternative: 'grant the least powerful privilege that covers the operation, or drop the probe',
    check: (t) =>
      checkProbeExpectations(t)
        .filter((c) => c.expect === 'allow' && !c.consistent)
        .map((c) => {
          const granting =
            c.access.scope === 'cluster'
              ? clusterPrivilegesGranting(c.access.action)
              : indexPrivilegesGranting(c.access.action);
          const where = c.access.scope === 'index' && c.index ? ` on index ${c.index}` : '';
          return {
            path: c.path,
            message: `allow probe ${q(c.probe.op)}: the template does not grant ${c.access.action}${where}`,
            alternative: `grant ${c.access.scope} privilege ${q(granting[0] ?? c.access.action)}${where ? ` on a pattern matching ${c.index}` : ''} (any of: ${list(granting)})`,
          };
        }),
  },
  {
    id: 'no-deny-probes',
    severity: 'info',
    title: 'no deny probes',
    explanation:
      'without deny probes, verification proves what the key can do but never what it cannot; the dangerous operations stay unproven',
    alternative: 'add deny probes for the destructive operations the key must not perform',
    check: (t) => {
      if (t.probes.deny.length > 0) return [];
      const deniable = PROBE_OPERATIONS.filter(
        (op) => op.destructive && !actionAccess(t, op.action).allowed,
      ).map((op) => op.id);
      return [
        {
          path: '/probes',
          message: 'the template declares no deny probes',
          alternative:
            deniable.length > 0
              ? `add deny probes: ${list(deniable)}`
              : 'add deny probes for what the key must not do',
        },
      ];
    },
  },
  {
    id: 'raw-action-privilege',
    severity: 'info',
    title: 'privileges given as raw action patterns',
    explanation:
      'raw action patterns (indices:data/write/*) are harder to review than named privileges and easy to get wider than meant',
    alternative: 'prefer named privileges (index, create_doc, read, ...) where one fits',
    check: (t) => [
      ...indexPrivilegeHits(
        t,
        (n) => isRawIndexAction(n),
        (n, g) => `index privilege ${q(n)} on ${on(g)} is a raw action pattern`,
      ),
      ...clusterHits(
        t,
        (n) => isRawClusterAction(n),
        (n) => `cluster privilege ${q(n)} is a raw action pattern`,
      ),
    ],
  },
  {
    id: 'privilege-not-in-every-major',
    severity: 'warning',
    title: 'privileges that only some Elasticsearch majors know (`monitor_esql`: 9.x only)',
    explanation:
      'a template does not say which Elasticsearch major it targets, and a cluster of another major refuses the privilege as unknown (400) when the key is created',
    alternative:
      'use the template only with clusters of the majors named, or grant a privilege every major knows',
    check: (t) => [
      ...indexPrivilegeHits(
        t,
        (n) => isMajorSpecificPrivilege('index', n),
        (n, g) => `index privilege ${q(n)} on ${on(g)} ${onlyIn('index', n)}`,
      ),
      ...clusterHits(
        t,
        (n) => isMajorSpecificPrivilege('cluster', n),
        (n) => `cluster privilege ${q(n)} ${onlyIn('cluster', n)}`,
      ),
    ],
  },
];

/** "exists only in Elasticsearch 9.x; 8.x refuses it as unknown", from the per-major table. */
function onlyIn(kind: 'cluster' | 'index', name: string): string {
  const majors = majorsWithPrivilege(kind, name);
  const others = SUPPORTED_MAJORS.filter((m) => !majors.includes(m));
  const x = (ms: readonly number[]) => ms.map((m) => `${m}.x`).join(', ');
  return `exists only in Elasticsearch ${x(majors)}; ${x(others)} refuses it as unknown`;
}

function safePattern(p: string) {
  try {
    return parseIndexPattern(p);
  } catch {
    return undefined;
  }
}

/** Why an index pattern is too broad, or undefined. */
function broadness(p: string): { severity: LintSeverity; reason: string } | undefined {
  if (p === '*' || p === '_all' || p === '*:*')
    return { severity: 'error', reason: 'matches every index in the cluster' };
  const parsed = safePattern(p);
  if (!parsed) return undefined;
  if (parsed.kind === 'regex') {
    const everything = ['aaaa', 'zz-zz', 'logs-2025.01', 'x'].every((s) => parsed.regex.test(s));
    return everything
      ? { severity: 'error', reason: 'is a regular expression matching every index' }
      : undefined;
  }
  const firstWildcard = p.search(/[*?]/);
  if (firstWildcard < 0) return undefined;
  const prefix = p.slice(0, firstWildcard).replace(/^\./, '');
  if (firstWildcard === 0) {
    return {
      severity: 'warning',
      reason: 'starts with a wildcard, so it matches indices of any name that end alike',
    };
  }
  if (prefix.length < 3) {
    return {
      severity: 'warning',
      reason: `has only the prefix "${p.slice(0, firstWildcard)}" before a wildcard, which many unrelated indices share`,
    };
  }
  return undefined;
}

const SAFER: Readonly<Record<string, string>> = {
  all: 'list only the named privileges the service needs instead of all',
  manage: 'replace manage with create_index and view_index_metadata',
  write: 'replace write with index (or create_doc)',
  delete: 'drop delete',
  delete_index: 'drop delete_index',
};

function saferThan(grantedBy: readonly string[]): string {
  const tips = grantedBy.map((n) => SAFER[n.toLowerCase()] ?? `drop ${n}`);
  return [...new Set(tips)].join('; ');
}

/** Every lint rule, in report order. */
export const LINT_RULES: readonly LintRule[] = RULES_LIST;

/** The rule with this id. */
export function lintRule(id: LintRuleId): LintRule {
  return RULES_LIST.find((r) => r.id === id)!;
}
