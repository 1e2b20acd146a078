import type { AuditEvent } from '../audit/audit-event.js';
import { formatDuration, parseDuration } from '../duration.js';
import type { TemplateLintResult } from '../lint/lint.js';
import { keyLifetimeMs } from '../rotation/expiration-policy.js';
import type { ManagedKey } from '../rotation/key-metadata.js';
import type { KeyView } from '../rotation/key-state.js';
import { templateHash } from '../rotation/template-hash.js';
import { reviewFacts } from '../scheduler/review.js';
import type { RoleTemplate } from '../templates/schema.js';
import { accessSections, grantExplanations } from './access.js';
import { type AuditLogInput, type AuditRecord, auditEvidence, REVIEW_COMPLETED } from './evidence.js';
import {
  auditFindings,
  clusterFindings,
  countFindings,
  decide,
  grantFindings,
  lintFindings,
  liveFindings,
  sortFindings,
  worstDecision,
} from './findings.js';
import { type LearnedInput, learnedEvidence, learnedFindings } from './learned.js';
import { liveKeyFindings, reviewKeyView } from './live-keys.js';
import type {
  AuditEvidence,
  ClusterState,
  Enforcement,
  IdentityReview,
  KeyOwner,
  LiveEvidence,
  ReviewDocument,
  ReviewFinding,
  ReviewKeyView,
  ReviewSchedule,
  SeverityCounts,
} from './types.js';

/** Everything gathered about one identity (template × environment). */
export interface IdentityReviewInput {
  readonly template: RoleTemplate;
  /** The template file as shown (`roles/email-search.json`). */
  readonly file: string;
  readonly environment: string;
  /** Where the key goes in this environment (paths as shown). */
  readonly outputs: {
    readonly envFiles: readonly string[];
    readonly keyVar: string;
    readonly idVar?: string;
  };
  readonly lint: TemplateLintResult;
  readonly audit: AuditLogInput;
  /** Trusted entries of the audit log (parseAuditRecords). */
  readonly records: readonly AuditRecord[];
  /** Managed keys of the identity from the cluster, or why the cluster was not asked. */
  readonly cluster:
    | {
        readonly available: true;
        readonly keys: readonly ManagedKey[];
        /** Who the review connects as (the owner of every key eskeys mints), when known. */
        readonly admin?: KeyOwner;
        /** The cluster's version (`GET /`), when it could be read. */
        readonly version?: string;
      }
    | { readonly available: false; readonly reason: string };
  /** A live probe run (`--live`); undefined when none was asked for. */
  readonly live?: LiveEvidence;
  /** The identity's learn report (`eskeys learn`), when one was given or found. */
  readonly learned?: LearnedInput;
  readonly now: Date;
}

const DAY = 86_400_000;

const ORDER: Readonly<Record<KeyView['status'], number>> = {
  active: 0,
  pending: 1,
  superseded: 2,
  expired: 3,
  invalidated: 4,
};

/** The identity's managed keys as the cluster reports them (all states). */
function identityKeys(input: IdentityReviewInput): ManagedKey[] {
  if (!input.cluster.available) return [];
  return input.cluster.keys.filter(
    (k) => k.meta.template === input.template.name && k.meta.environment === input.environment,
  );
}

function clusterState(input: IdentityReviewInput, hash: string): ClusterState {
  if (!input.cluster.available) return { available: false, reason: input.cluster.reason };
  const keys = identityKeys(input)
    .map((k) => reviewKeyView(k, input.template, input.now))
    .filter((v) => v.status !== 'invalidated' && v.status !== 'expired')
    .sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.generation - a.generation);
  const active = keys.find((k) => k.status === 'active');
  // "Minted from this version of the template" is judged by what the key really holds (its
  // live role descriptors), not only by the template_hash its metadata claims.
  const matches = (v: ReviewKeyView) =>
    v.templateHash === hash && v.privileges !== 'differ' && v.privileges !== 'none';
  return {
    available: true,
    keys,
    ...(active ? { active, templateMatches: matches(active) } : {}),
    ...(input.cluster.admin ? { admin: input.cluster.admin } : {}),
    ...(input.cluster.version ? { version: input.cluster.version } : {}),
  };
}

/**
 * Whether the cluster shortens a superseded key's expiration itself: the update API takes an
 * expiration from 8.13 (serverless too); undefined when the version is unknown.
 */
function expirationUpdates(version: string | undefined): boolean | undefined {
  const m = version === undefined ? null : /^(\d+)\.(\d+)/.exec(version);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 8 || (major === 8 && minor >= 13);
}

function enforcement(input: IdentityReviewInput): Enforcement {
  const t = input.template;
  const lifetime = keyLifetimeMs(t);
  const allow = t.probes.allow.length;
  const deny = t.probes.deny.length;
  const statements: string[] = [];
  // eskeys verify (CI) records nothing in the audit log, so a CI job is never evidenced here:
  // it is stated as expected, not as done.
  statements.push(
    deny > 0
      ? `every one of the ${deny} deny probes gets 403 security_exception: checked live before any new key is published (create, rotate); expected to be checked in CI by \`eskeys verify --template ${t.name} --env ${input.environment}\` (CI runs are evidenced in the CI system, not in this document)`
      : 'no deny probe: nothing proves what the key cannot do',
  );
  if (allow > 0) statements.push(`every one of the ${allow} allow probes succeeds (2xx)`);
  const rotated = `the key is rotated every ${t.rotation.every}; the previous key stays valid for a grace of ${t.rotation.grace}`;
  const ends = input.cluster.available ? expirationUpdates(input.cluster.version) : undefined;
  statements.push(
    ends === true
      ? `${rotated}, then the cluster ends it (its expiration is shortened to the end of the grace) and \`eskeys revoke --due\` invalidates it`
      : ends === false
        ? `${rotated}, then \`eskeys revoke --due\` (or \`eskeys tick\`) must invalidate it: Elasticsearch ${input.cluster.available ? input.cluster.version : ''} cannot shorten a key's expiration (8.13+), so until then it stays valid`
        : `${rotated}, then \`eskeys revoke --due\` (or \`eskeys tick\`) invalidates it; on Elasticsearch 8.13+ the cluster also ends it on its own (shortened expiration), on older versions only revocation does`,
  );
  statements.push(
    lifetime === undefined
      ? 'the key never expires (expiration: none): only rotation and revocation end it'
      : `the key expires ${formatDuration(lifetime)} after creation${t.expiration === 'auto' ? ' (expiration auto: rotation + grace + margin)' : ''}, even if eskeys never runs again`,
  );
  statements.push(
    `a least-privilege review every ${t.rotation.review} (\`eskeys review --sign-off NAME\` records it in the audit log)`,
  );
  const { envFiles, keyVar, idVar } = input.outputs;
  statements.push(
    envFiles.length > 0
      ? `the key goes only to ${envFiles.join(', ')} as ${keyVar}${idVar ? ` (id in ${idVar})` : ''}, written atomically with mode 0600; no secret is ever logged, journaled or audited`
      : `the key is written to no env file (outputs.env_files is empty): it reaches its consumer by other means, outside eskeys' control`,
  );
  return {
    allowProbes: allow,
    denyProbes: deny,
    rotationEvery: t.rotation.every,
    grace: t.rotation.grace,
    reviewEvery: t.rotation.review,
    expiration: t.expiration,
    ...(lifetime !== undefined ? { keyLifetimeMs: lifetime } : {}),
    statements,
  };
}

function schedule(input: IdentityReviewInput, audit: AuditEvidence, cluster: ClusterState): ReviewSchedule {
  const t = input.template;
  const templateMs = parseDuration(t.rotation.review) ?? 30 * DAY;
  const activeId = cluster.available ? cluster.active?.id : undefined;
  const keyEvery = input.cluster.available
    ? input.cluster.keys.find((k) => k.info.id === activeId)?.meta.review_every
    : undefined;
  const keyMs = keyEvery === undefined ? undefined : parseDuration(keyEvery);
  const [every, ms] =
    keyMs !== undefined && keyMs < templateMs ? [keyEvery!, keyMs] : [t.rotation.review, templateMs];
  // The scheduler's own rule (reviewFacts): only an approving review resets the clock; one
  // that decided "changes required" is shown as evidence but leaves the review due.
  const lastReviewAt = reviewFacts(
    input.records.map((r) => ({
      time: r.time,
      type: r.type,
      template: r.template,
      environment: r.environment,
      ...(typeof r.details.decision === 'string' ? { decision: r.details.decision } : {}),
    })),
    t.name,
    input.environment,
  ).lastCompleted;
  const traces = [audit.firstSeen, ...(cluster.available ? cluster.keys.map((k) => k.createdAt) : [])].filter(
    (x): x is Date => x !== undefined,
  );
  const firstTrace = traces.length > 0 ? new Date(Math.min(...traces.map((x) => x.getTime()))) : undefined;
  const from = lastReviewAt ?? firstTrace;
  const dueAt = from ? new Date(from.getTime() + ms) : undefined;
  return {
    reviewEvery: every,
    ...(from ? { basis: lastReviewAt ? ('last_review' as const) : ('first_trace' as const) } : {}),
    ...(lastReviewAt ? { lastReviewAt } : {}),
    ...(dueAt ? { dueAt } : {}),
    due: dueAt === undefined || dueAt.getTime() <= input.now.getTime(),
  };
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** Builds the review of one identity (pure). */
export function reviewIdentity(input: IdentityReviewInput): IdentityReview {
  const t = input.template;
  const identity = `${t.name}@${input.environment}`;
  const hash = templateHash(t.role_descriptors);
  const { required, notRequired } = accessSections(t);
  const grants = grantExplanations(t);
  const audit = auditEvidence(input.audit, input.records, t.name, input.environment);
  const cluster = clusterState(input, hash);
  const learned = input.learned ? learnedEvidence(grants, input.learned) : undefined;
  const findings: ReviewFinding[] = sortFindings([
    ...liveFindings(input.live, cluster, identity),
    ...auditFindings(audit, input.live, identity, t.rotation.review, input.now),
    ...lintFindings(input.lint.findings),
    ...grantFindings(t.name, grants),
    ...learnedFindings(t.name, learned),
    ...clusterFindings(cluster, identity, t.name, input.environment, hash),
    ...(cluster.available
      ? liveKeyFindings({
          keys: identityKeys(input).filter((k) => cluster.keys.some((v) => v.id === k.info.id)),
          views: cluster.keys,
          template: t,
          templateHash: hash,
          templateLint: [...input.lint.findings, ...input.lint.suppressed],
          environment: input.environment,
          ...(cluster.admin ? { admin: cluster.admin } : {}),
        })
      : []),
  ]);
  const decision = decide(countFindings(findings));
  const requiredChanges = unique(findings.filter((f) => f.severity !== 'medium').map((f) => f.remedy));
  const followUps = findings.filter((f) => f.severity === 'medium').map((f) => f.remedy);
  if (findings.some((f) => f.code === 'evidence/none-in-period')) {
    followUps.push(
      `add \`eskeys verify --template ${t.name} --env ${input.environment} --format junit\` as a CI job on every merge and nightly, with the deployed key (docs/CI.md)`,
      `add \`eskeys diff ${input.file} --git main\` to pull-request CI so a change that widens access is flagged`,
    );
  }
  return {
    template: t.name,
    description: t.description,
    file: input.file,
    environment: input.environment,
    envFiles: input.outputs.envFiles,
    keyVar: input.outputs.keyVar,
    ...(input.outputs.idVar ? { idVar: input.outputs.idVar } : {}),
    templateHash: hash,
    required,
    notRequired,
    grants,
    enforcement: enforcement(input),
    audit,
    ...(input.live ? { live: input.live } : {}),
    ...(learned ? { learned } : {}),
    cluster,
    schedule: schedule(input, audit, cluster),
    findings,
    accepted: input.lint.suppressed.map((f) => ({ rule: f.rule, path: f.path, message: f.message })),
    decision,
    requiredChanges,
    followUps: unique(followUps),
  };
}

/** Assembles the document: the decision is the worst of its identities'. */
export function reviewDocument(
  identities: readonly IdentityReview[],
  meta: { generatedAt: Date; environment: string; generatedBy: string; signedOffBy?: string },
): ReviewDocument {
  const counts: SeverityCounts = countFindings(identities.flatMap((i) => i.findings));
  return {
    generatedAt: meta.generatedAt,
    environment: meta.environment,
    generatedBy: meta.generatedBy,
    ...(meta.signedOffBy ? { signedOffBy: meta.signedOffBy } : {}),
    identities,
    decision: worstDecision(identities.map((i) => i.decision)),
    counts,
  };
}

/**
 * The `review.completed` audit event of one identity's sign-off: template and environment at
 * the top level like every event (the scheduler reads them to reset the review reminder), the
 * active key when known, and in details the reviewer, the decisions, the counts and the
 * SHA-256 of the document handed on (so the document can be matched to its audit entry).
 */
export function reviewCompletedEvent(
  identity: IdentityReview,
  doc: ReviewDocument,
  sign: { reviewer: string; actor: string; documentSha256: string },
): AuditEvent {
  const active = identity.cluster.available ? identity.cluster.active : undefined;
  return {
    type: REVIEW_COMPLETED,
    template: identity.template,
    environment: identity.environment,
    ...(active ? { keyId: active.id } : {}),
    actor: sign.actor,
    details: {
      reviewer: sign.reviewer,
      decision: identity.decision,
      findings: { ...countFindings(identity.findings) },
      document_decision: doc.decision,
      template_hash: identity.templateHash,
      live: identity.live?.ran === true,
      ...(identity.live?.ran ? { live_passed: identity.live.report.passed } : {}),
      document_sha256: sign.documentSha256,
    },
  };
}
