import type {
  AuditEvidence,
  ClusterState,
  EvidenceEvent,
  IdentityReview,
  LearnedEvidence,
  LiveEvidence,
  ReviewDocument,
  ReviewKeyView,
} from '../../core/review/types.js';
import { maskId } from '../../core/secret.js';
import { probeReportJson } from './probe-matrix.js';
import { keyViewJson } from './rotation-report.js';

/**
 * The review as JSON (`eskeys review --format json`): stable snake_case field names, dates
 * in ISO 8601, key ids masked as everywhere a report is handed on. docs/REVIEW.md lists the shape.
 */

const d = (x: Date | undefined) => x?.toISOString() ?? null;

function eventJson(e: EvidenceEvent | undefined): Record<string, unknown> | null {
  if (!e) return null;
  return {
    type: e.type,
    time: e.time.toISOString(),
    actor: e.actor,
    key_id: e.keyId ?? null,
    summary: e.summary,
    seq: e.seq,
  };
}

function auditJson(a: AuditEvidence): Record<string, unknown> {
  return {
    log: a.log,
    status: a.status,
    entries: a.entries,
    ...(a.status === 'broken'
      ? { broken_at: a.brokenAt ?? null, broken_reason: a.brokenReason ?? null }
      : {}),
    identity_events: a.identityEvents,
    last_verified: eventJson(a.lastVerified),
    last_verify_failed: eventJson(a.lastVerifyFailed),
    last_rotation: eventJson(a.lastRotation),
    last_review: eventJson(a.lastReview),
  };
}

function liveJson(l: LiveEvidence | undefined): Record<string, unknown> | null {
  if (!l) return null;
  if (!l.ran) return { ran: false, reason: l.reason };
  return {
    ran: true,
    ran_at: l.report.startedAt.toISOString(),
    cluster_url: l.clusterUrl,
    ...probeReportJson(l.report, { keySource: l.keySource }),
  };
}

/** Each granted privilege and whether the learning traffic used it (null without a learn report). */
function observedAccessJson(l: LearnedEvidence): Record<string, unknown>[] {
  return l.privileges.map((p) => ({
    descriptor: p.descriptor,
    scope: p.scope,
    privilege: p.privilege,
    patterns: p.patterns,
    required_access: p.observed ? 'observed' : 'not_observed',
    operations: p.operations.map((o) => ({ action: o.action, names: o.names, apis: o.apis, count: o.count })),
  }));
}

function learnedJson(l: LearnedEvidence | undefined): Record<string, unknown> | null {
  if (!l) return null;
  return {
    file: l.file,
    written_at: d(l.writtenAt),
    requests: l.requests,
    denied: l.denied,
    unmapped: l.unmapped,
    privileges_observed: l.privileges.filter((p) => p.observed).length,
    privileges_granted: l.privileges.length,
  };
}

/** A key as the review shows it: `status`'s key view for one identity (id masked), with its owner and live privileges. */
export function reviewKeyJson(v: ReviewKeyView): Record<string, unknown> {
  const { template: _t, environment: _e, review_due_at: _ra, review_due: _rd, ...view } = keyViewJson(v);
  return {
    ...view,
    id: maskId(v.id),
    owner: { username: v.owner.username, realm: v.owner.realm ?? null },
    live_privileges: v.privileges,
    live_hash: v.liveHash ?? null,
  };
}

function clusterJson(c: ClusterState): Record<string, unknown> {
  if (!c.available) return { available: false, reason: c.reason };
  return {
    available: true,
    active: c.active ? reviewKeyJson(c.active) : null,
    template_matches: c.templateMatches ?? null,
    admin: c.admin ? { username: c.admin.username, realm: c.admin.realm ?? null } : null,
    version: c.version ?? null,
    keys: c.keys.map(reviewKeyJson),
  };
}

function identityJson(i: IdentityReview): Record<string, unknown> {
  const e = i.enforcement;
  return {
    template: i.template,
    description: i.description,
    file: i.file,
    environment: i.environment,
    env_files: i.envFiles,
    key_var: i.keyVar,
    id_var: i.idVar ?? null,
    template_hash: i.templateHash,
    required: i.required.map((r) => ({
      op: r.op,
      title: r.title,
      action: r.action,
      scope: r.scope,
      index: r.index ?? null,
      granted: r.granted,
      granted_by: r.grantedBy,
      patterns: r.patterns,
      needs: r.needs,
    })),
    not_required: i.notRequired.map((r) => ({
      op: r.op,
      title: r.title,
      action: r.action,
      scope: r.scope,
      index: r.index ?? null,
      needs: r.needs,
      granted: r.granted,
      granted_by: r.grantedBy,
      patterns: r.patterns,
    })),
    grants: i.grants.map((g) => ({
      descriptor: g.descriptor,
      scope: g.scope,
      privilege: g.privilege,
      patterns: g.patterns,
      operations: g.operations.map((o) => ({
        op: o.op,
        action: o.action,
        expectation: o.expectation ?? null,
      })),
      justified: g.justified,
    })),
    enforcement: {
      allow_probes: e.allowProbes,
      deny_probes: e.denyProbes,
      rotation_every: e.rotationEvery,
      grace: e.grace,
      review_every: e.reviewEvery,
      expiration: e.expiration,
      key_lifetime_ms: e.keyLifetimeMs ?? null,
      statements: e.statements,
    },
    observed_access: i.learned ? observedAccessJson(i.learned) : null,
    evidence: { audit: auditJson(i.audit), live: liveJson(i.live), learned: learnedJson(i.learned) },
    cluster: clusterJson(i.cluster),
    review_schedule: {
      review_every: i.schedule.reviewEvery,
      basis: i.schedule.basis ?? null,
      last_review_at: d(i.schedule.lastReviewAt),
      due_at: d(i.schedule.dueAt),
      due: i.schedule.due,
    },
    findings: i.findings.map((f) => ({
      severity: f.severity,
      code: f.code,
      source: f.source,
      message: f.message,
      remedy: f.remedy,
      ...(f.path ? { path: f.path } : {}),
    })),
    accepted_exceptions: i.accepted,
    decision: i.decision,
    required_changes: i.requiredChanges,
    follow_ups: i.followUps,
  };
}

/** The whole document as a JSON-ready object. */
export function reviewJson(doc: ReviewDocument): Record<string, unknown> {
  return {
    kind: 'eskeys.review',
    version: 1,
    generated_at: doc.generatedAt.toISOString(),
    generated_by: doc.generatedBy,
    environment: doc.environment,
    signed_off_by: doc.signedOffBy ?? null,
    decision: doc.decision,
    counts: doc.counts,
    decision_rule:
      'changes_required when any finding is critical or high; approved_with_follow_ups when any is medium; approved otherwise; the document takes the worst decision of its identities',
    identities: doc.identities.map(identityJson),
  };
}
