import { humanizeDuration, parseDuration } from '../duration.js';
import type { LintFinding } from '../lint/lint.js';
import type { LintSeverity } from '../lint/rules.js';
import { maskId } from '../secret.js';
import type {
  AuditEvidence,
  ClusterState,
  GrantExplanation,
  LiveEvidence,
  ReviewDecision,
  ReviewFinding,
  ReviewSeverity,
  SeverityCounts,
} from './types.js';

/**
 * Findings and the decision, as pure functions of what was gathered. The rules (documented in
 * docs/REVIEW.md):
 *
 * - critical: something proven live or tamper-evidence: a deny probe that did not get 403, an
 *   audit log whose hash chain does not verify;
 * - high: lint errors (dangerous grants, probes contradicting the privileges, ...), a deny probe
 *   whose outcome could not be established, an allow probe that was refused, a deployed key
 *   that is not a managed key of the identity, an active key minted from another version of
 *   the template;
 * - medium: lint warnings, privileges no allow probe justifies, no verification evidence within
 *   the review period, a last rotation that failed verification, rotation overdue, superseded
 *   keys past their grace, interrupted rotations, no key deployed or minted, probe leftovers.
 *
 * Lint `info` findings are not review findings; findings a template accepts with `lint.ignore`
 * are shown to the reviewer as accepted exceptions and not counted.
 */

const DAY = 86_400_000;

/** Lint severity → review severity (info is not a review finding). */
export function lintToReviewSeverity(s: LintSeverity): ReviewSeverity | undefined {
  return s === 'error' ? 'high' : s === 'warning' ? 'medium' : undefined;
}

/** Findings of lint. */
export function lintFindings(findings: readonly LintFinding[]): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  for (const f of findings) {
    const severity = lintToReviewSeverity(f.severity);
    if (!severity) continue;
    out.push({
      severity,
      code: `lint/${f.rule}`,
      source: 'lint',
      message: f.message,
      remedy: f.alternative,
      path: f.path,
    });
  }
  return out;
}

/** Privileges that allow probe-able operations none of which is an allow probe. */
export function grantFindings(template: string, grants: readonly GrantExplanation[]): ReviewFinding[] {
  return grants
    .filter((g) => !g.justified)
    .map((g) => {
      const on = g.scope === 'index' ? ` on ${g.patterns.join(', ')}` : '';
      return {
        severity: 'medium' as const,
        code: 'template/unjustified-grant',
        source: 'template' as const,
        message: `${g.scope} privilege \`${g.privilege}\`${on} allows ${g.operations.map((o) => o.op).join(', ')}, none of which is an allow probe of ${template}`,
        remedy: `remove \`${g.privilege}\`${on} from ${template}, or add an allow probe proving the service needs it`,
      };
    });
}

/** Findings of a live probe run made for the review. */
export function liveFindings(
  live: LiveEvidence | undefined,
  cluster: ClusterState,
  identity: string,
): ReviewFinding[] {
  if (!live) return [];
  if (!live.ran && live.keyRejected) {
    return [
      {
        severity: 'high',
        code: 'probes/key-rejected',
        source: 'probes',
        message: `the deployed key of ${identity} is rejected by the cluster (${live.reason}): whatever uses it is failing, and nothing was proven`,
        remedy: `publish a valid key: \`eskeys rotate\` (or \`eskeys create\` when no managed key exists)`,
      },
    ];
  }
  if (!live.ran) {
    return [
      {
        severity: 'medium',
        code: 'probes/not-run',
        source: 'probes',
        message: `no live evidence for ${identity}: ${live.reason}`,
        remedy: `publish the key with \`eskeys create\`, or run \`eskeys verify\` where the key is deployed`,
      },
    ];
  }
  const out: ReviewFinding[] = [];
  for (const r of live.report.results) {
    if (r.verdict === 'pass') continue;
    const what = `${r.expected} ${r.op}${r.index ? ` on ${r.index}` : ''}`;
    const why = r.explanation ? `: ${r.explanation}` : '';
    if (r.expected === 'deny') {
      out.push(
        r.verdict === 'fail'
          ? {
              severity: 'critical',
              code: 'probes/deny-allowed',
              source: 'probes',
              message: `${what}: the deployed key was NOT refused (${r.got}; ${r.action})${why}`,
              remedy: `remove the privilege that grants ${r.action} from the template and rotate the key with \`eskeys rotate --now\``,
            }
          : {
              severity: 'high',
              code: 'probes/deny-unproven',
              source: 'probes',
              message: `${what}: expected 403, got ${r.got}; that the key cannot do it is unproven${why}`,
              remedy: `find out why ${r.op} answered ${r.got} and run \`eskeys verify\` again`,
            },
      );
    } else {
      out.push(
        r.verdict === 'fail'
          ? {
              severity: 'high',
              code: 'probes/allow-denied',
              source: 'probes',
              message: `${what}: the deployed key was refused (${r.got}; ${r.action})${why}`,
              remedy: `give the key what ${r.op} needs (or drop the probe if the service does not need it) and rotate`,
            }
          : {
              severity: 'medium',
              code: 'probes/allow-error',
              source: 'probes',
              message: `${what}: expected 2xx, got ${r.got}${why}`,
              remedy: `find out why ${r.op} answered ${r.got} and run \`eskeys verify\` again`,
            },
      );
    }
  }
  for (const l of live.report.cleanup?.leftovers ?? []) {
    out.push({
      severity: 'medium',
      code: 'probes/leftover',
      source: 'probes',
      message: `the probe run left ${l} behind`,
      remedy: `remove ${l} with admin credentials`,
    });
  }
  if (cluster.available) {
    const deployed = live.report.keyId;
    const view = cluster.keys.find((k) => k.id === deployed);
    if (!view) {
      out.push({
        severity: 'high',
        code: 'probes/deployed-unmanaged',
        source: 'probes',
        message: `the deployed key (${live.keySource}, id ${maskId(deployed)}) is not a valid managed key of ${identity}: it was minted outside eskeys or for another identity, so its privileges are not the reviewed template's`,
        remedy: `replace it with a key minted from the template (\`eskeys rotate\`) and invalidate it`,
      });
    } else if (view.status !== 'active') {
      out.push({
        severity: 'medium',
        code: 'probes/deployed-not-active',
        source: 'probes',
        message: `the deployed key (${live.keySource}) is ${view.name}, which is ${view.status}, not the active key${cluster.active ? ` ${cluster.active.name}` : ''}`,
        remedy: 'publish the active key to every consumer (restart them) before the old one ends',
      });
    }
  }
  return out;
}

/** Findings of the audit log. */
export function auditFindings(
  audit: AuditEvidence,
  live: LiveEvidence | undefined,
  identity: string,
  reviewEvery: string,
  now: Date,
): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  if (audit.status === 'broken') {
    out.push({
      severity: 'critical',
      code: 'audit/chain-broken',
      source: 'audit',
      message: `audit log ${audit.log} fails its hash-chain check at entry ${audit.brokenAt ?? '?'} (${audit.brokenReason ?? 'broken'}): entries may have been edited, removed or reordered; only the ${audit.entries} entries before it are used as evidence`,
      remedy: `investigate the audit log with \`eskeys audit verify\` and restore it from a trusted copy`,
    });
  }
  const periodMs = parseDuration(reviewEvery) ?? 30 * DAY;
  const liveRan = live?.ran === true;
  const verified = audit.lastVerified;
  const recent = verified !== undefined && now.getTime() - verified.time.getTime() <= periodMs;
  if (!liveRan && !recent) {
    const last = verified
      ? `last verification ${humanizeDuration(now.getTime() - verified.time.getTime())} ago (${verified.time.toISOString()} by ${verified.actor})`
      : audit.status === 'missing'
        ? `there is no audit log (${audit.log})`
        : 'no verification recorded in the audit log';
    out.push({
      severity: 'medium',
      code: 'evidence/none-in-period',
      source: 'evidence',
      message: `no verification evidence for ${identity} within the review period (${reviewEvery}): ${last}, and no live probe run was made`,
      remedy: 'collect fresh evidence with `eskeys review --live`',
    });
  }
  const failed = audit.lastVerifyFailed;
  if (failed && (!verified || failed.seq > verified.seq) && !(liveRan && live.report.passed)) {
    out.push({
      severity: 'medium',
      code: 'audit/last-verify-failed',
      source: 'audit',
      message: `the last rotation of ${identity} was rolled back because its new key failed verification (${failed.time.toISOString()} by ${failed.actor}: ${failed.summary})`,
      remedy: 'fix the cause (`eskeys audit show`, the probe explanations) and rotate again',
    });
  }
  return out;
}

/** Findings of the cluster state. */
export function clusterFindings(
  cluster: ClusterState,
  identity: string,
  template: string,
  environment: string,
  templateHash?: string,
): ReviewFinding[] {
  if (!cluster.available) return [];
  const out: ReviewFinding[] = [];
  const active = cluster.active;
  if (!active) {
    out.push({
      severity: 'medium',
      code: 'cluster/no-active-key',
      source: 'cluster',
      message: `the cluster holds no active managed key for ${identity}: nothing deployed is covered by this review`,
      remedy: `mint one with \`eskeys create --template ${template} --env ${environment}\` (or retire the template)`,
    });
  } else {
    // Another version by its metadata (a key whose recorded hash is today's but whose live
    // descriptors differ, or that has none, is reported by liveKeyFindings instead).
    const drifted =
      templateHash === undefined ? cluster.templateMatches === false : active.templateHash !== templateHash;
    if (drifted && active.privileges !== 'none') {
      out.push({
        severity: 'high',
        code: 'cluster/template-drift',
        source: 'cluster',
        message: `the active key ${active.name} was minted from another version of the template (hash ${active.templateHash || 'none'}): its privileges are not the reviewed ones`,
        remedy: `rotate it so the key matches the reviewed template: \`eskeys rotate --template ${template} --env ${environment}\``,
      });
    }
    if (active.rotationDue) {
      out.push({
        severity: 'medium',
        code: 'cluster/rotation-overdue',
        source: 'cluster',
        message: `the active key ${active.name} is ${humanizeDuration(active.ageMs)} old; its rotation was due ${active.rotationDueAt?.toISOString() ?? ''}`,
        remedy: `rotate it: \`eskeys rotate --template ${template} --env ${environment}\` (or let \`eskeys tick\` do it)`,
      });
    }
  }
  const revokeDue = cluster.keys.filter((k) => k.revokeDue);
  if (revokeDue.length > 0) {
    out.push({
      severity: 'medium',
      code: 'cluster/revoke-due',
      source: 'cluster',
      message: `${revokeDue.map((k) => k.name).join(', ')} ${revokeDue.length === 1 ? 'is' : 'are'} superseded, past the grace period and still valid`,
      remedy: '`eskeys revoke --due` (or schedule `eskeys tick`)',
    });
  }
  const stale = cluster.keys.filter((k) => k.stalePending);
  if (stale.length > 0) {
    out.push({
      severity: 'medium',
      code: 'cluster/interrupted-rotation',
      source: 'cluster',
      message: `${stale.map((k) => k.name).join(', ')}: a rotation was interrupted and left a pending key (created by ${stale.map((k) => k.createdBy).join(', ')})`,
      remedy: `run \`eskeys recover\` on that host, or \`eskeys revoke --id\` the pending key`,
    });
  }
  return out;
}

const RANK: Readonly<Record<ReviewSeverity, number>> = { critical: 0, high: 1, medium: 2 };

/** Findings sorted by severity (stable within one severity). */
export function sortFindings(findings: readonly ReviewFinding[]): ReviewFinding[] {
  return [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

/** Counts by severity. */
export function countFindings(findings: readonly ReviewFinding[]): SeverityCounts {
  const out: Record<ReviewSeverity, number> = { critical: 0, high: 0, medium: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}

/**
 * The decision rule: any critical or high finding → changes required; otherwise any medium
 * finding → approved with follow-ups; otherwise approved.
 */
export function decide(counts: SeverityCounts): ReviewDecision {
  if (counts.critical + counts.high > 0) return 'changes_required';
  if (counts.medium > 0) return 'approved_with_follow_ups';
  return 'approved';
}

/** The worst of several decisions (the document's decision over its identities). */
export function worstDecision(decisions: readonly ReviewDecision[]): ReviewDecision {
  if (decisions.includes('changes_required')) return 'changes_required';
  if (decisions.includes('approved_with_follow_ups')) return 'approved_with_follow_ups';
  return 'approved';
}

/** Human label of a decision. */
export function decisionLabel(d: ReviewDecision): string {
  return d === 'approved'
    ? 'approved'
    : d === 'approved_with_follow_ups'
      ? 'approved with follow-ups'
      : 'changes required';
}
