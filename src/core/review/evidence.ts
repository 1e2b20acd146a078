import type { AuditVerification } from '../audit/audit-event.js';
import { REVIEW_COMPLETED } from '../scheduler/review.js';
import { maskId } from '../secret.js';
import { decisionLabel } from './findings.js';
import type { AuditEvidence, EvidenceEvent } from './types.js';

/**
 * Evidence from the audit log: the latest verification, failed verification, completed
 * rotation and signed-off review of one identity, with when, who and where (`user@host`).
 * Only the entries the hash chain vouches for are used: after a break nothing is trusted.
 */

/** One audit entry, as far as the review needs it. */
export interface AuditRecord {
  readonly seq: number;
  readonly time: Date;
  readonly type: string;
  readonly template?: string;
  readonly environment?: string;
  readonly keyId?: string;
  readonly actor: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The audit log as read by the CLI: its verification and text (undefined when there is no log). */
export interface AuditLogInput {
  /** Path as shown to the reader. */
  readonly log: string;
  readonly verification: AuditVerification;
  /** The file's text; undefined when it does not exist. */
  readonly text?: string;
}

/** The review event `--sign-off` appends; the scheduler reads it as "review done" (one constant for both). */
export { REVIEW_COMPLETED };

/**
 * Parses the trusted entries of an audit log: the first `verification.entries` lines (all of
 * them when the chain verifies). Lines that are not entries are skipped, never thrown on.
 */
export function parseAuditRecords(input: AuditLogInput): AuditRecord[] {
  if (input.text === undefined) return [];
  const lines = input.text.split('\n').slice(0, input.verification.entries);
  const out: AuditRecord[] = [];
  for (const line of lines) {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as { seq?: unknown; time?: unknown; event?: unknown };
    if (typeof e.event !== 'object' || e.event === null || typeof e.time !== 'string') continue;
    const ev = e.event as Record<string, unknown>;
    const time = new Date(e.time);
    if (typeof ev.type !== 'string' || Number.isNaN(time.getTime())) continue;
    out.push({
      seq: typeof e.seq === 'number' ? e.seq : 0,
      time,
      type: ev.type,
      template: typeof ev.template === 'string' ? ev.template : undefined,
      environment: typeof ev.environment === 'string' ? ev.environment : undefined,
      keyId: typeof ev.keyId === 'string' ? ev.keyId : undefined,
      actor: typeof ev.actor === 'string' ? ev.actor : 'unknown',
      details:
        typeof ev.details === 'object' && ev.details !== null ? (ev.details as Record<string, unknown>) : {},
    });
  }
  return out;
}

function summaryOf(r: AuditRecord): string {
  const d = r.details;
  const name = typeof d.name === 'string' ? d.name : undefined;
  switch (r.type) {
    case 'key.verified':
      return `${name ?? 'key'} passed ${typeof d.probes === 'number' ? `${d.probes} probes` : 'its probes'}`;
    case 'key.verify_failed':
      return `${name ?? 'key'} failed ${Array.isArray(d.failed) ? d.failed.join(', ') : 'its probes'}`;
    case 'rotation.completed':
      return `${name ?? 'key'} is live${Array.isArray(d.retired) && d.retired.length > 0 ? `, ${d.retired.length} retired` : ''}`;
    case REVIEW_COMPLETED: {
      const who = typeof d.reviewer === 'string' ? ` by ${d.reviewer}` : '';
      const decision =
        d.decision === 'approved' ||
        d.decision === 'approved_with_follow_ups' ||
        d.decision === 'changes_required'
          ? decisionLabel(d.decision)
          : 'reviewed';
      return `${decision}${who}`;
    }
    default:
      return name ?? r.type;
  }
}

function toEvidence(r: AuditRecord | undefined): EvidenceEvent | undefined {
  if (!r) return undefined;
  return {
    type: r.type,
    time: r.time,
    actor: r.actor,
    ...(r.keyId ? { keyId: maskId(r.keyId) } : {}),
    summary: summaryOf(r),
    seq: r.seq,
  };
}

function latest(records: readonly AuditRecord[], type: string): AuditRecord | undefined {
  let best: AuditRecord | undefined;
  for (const r of records) if (r.type === type && (!best || r.seq >= best.seq)) best = r;
  return best;
}

/** The evidence the audit log holds for one identity (pure). */
export function auditEvidence(
  input: AuditLogInput,
  records: readonly AuditRecord[],
  template: string,
  environment: string,
): AuditEvidence {
  const mine = records.filter((r) => r.template === template && r.environment === environment);
  // A review.completed without an environment reviewed the template itself, for every
  // environment (the scheduler reads it the same way).
  const reviews = records.filter(
    (r) =>
      r.type === REVIEW_COMPLETED &&
      r.template === template &&
      (r.environment === undefined || r.environment === environment),
  );
  let firstSeen: Date | undefined;
  for (const r of mine) if (!firstSeen || r.time < firstSeen) firstSeen = r.time;
  const v = input.verification;
  const status: AuditEvidence['status'] = input.text === undefined ? 'missing' : v.ok ? 'ok' : 'broken';
  return {
    log: input.log,
    status,
    entries: v.entries,
    ...(status === 'broken' ? { brokenAt: v.brokenAt, brokenReason: v.reason } : {}),
    lastVerified: toEvidence(latest(mine, 'key.verified')),
    lastVerifyFailed: toEvidence(latest(mine, 'key.verify_failed')),
    lastRotation: toEvidence(latest(mine, 'rotation.completed')),
    lastReview: toEvidence(latest(reviews, REVIEW_COMPLETED)),
    identityEvents: mine.length,
    ...(firstSeen ? { firstSeen } : {}),
  };
}
