import { humanizeDuration } from '../../core/duration.js';
import { decisionLabel } from '../../core/review/findings.js';
import { ownerLabel, sameOwner } from '../../core/review/live-keys.js';
import type {
  ClusterState,
  EvidenceEvent,
  GrantExplanation,
  IdentityReview,
  LearnedEvidence,
  LivePrivileges,
  ReviewDocument,
  ReviewFinding,
  SeverityCounts,
} from '../../core/review/types.js';
import { maskId } from '../../core/secret.js';
import { probeName } from './probe-matrix.js';
import { renderMarkdownTable, visible } from './table.js';

/**
 * The review as a Markdown document a reviewer can hand on: a summary and decision first,
 * then one section per identity (identity, access required, access explicitly not
 * required, enforcement, evidence, cluster state, findings, decision), then the sign-off.
 */

const iso = (x: Date | undefined) => (x ? x.toISOString().replace(/\.\d{3}Z$/, 'Z') : '—');
const code = (s: string) => `\`${s}\``;
const orList = (items: readonly string[]) =>
  items.length <= 1
    ? items.map(code).join('')
    : `${items.slice(0, -1).map(code).join(', ')} or ${code(items[items.length - 1]!)}`;

const RULE =
  'any critical or high finding → **changes required**; otherwise any medium finding → **approved with follow-ups**; otherwise **approved**';

function countsText(c: SeverityCounts): string {
  return `${c.critical} critical · ${c.high} high · ${c.medium} medium`;
}

function grantedText(grantedBy: readonly string[], patterns: readonly string[]): string {
  if (grantedBy.length === 0) return '—';
  return `${grantedBy.map(code).join(', ')}${patterns.length > 0 ? ` on ${patterns.map(code).join(', ')}` : ''}`;
}

function identitySection(i: IdentityReview): string {
  const id = `${i.template}@${i.environment}`;
  let out = `## ${id}\n\n`;
  out += `**Decision: ${decisionLabel(i.decision)}** (${countsText(countsOf(i.findings))})\n\n`;

  out += '### Identity\n\n';
  out += `- Template: ${code(i.template)} (${i.file}, role descriptors ${code(i.templateHash.slice(0, 19))}…)\n`;
  if (i.description) out += `- Purpose: ${i.description}\n`;
  out += `- Environment: ${code(i.environment)}\n`;
  out +=
    i.envFiles.length > 0
      ? `- Key delivered to: ${i.envFiles.map(code).join(', ')} as ${code(i.keyVar)}${i.idVar ? ` (id in ${code(i.idVar)})` : ''}\n`
      : `- Key delivered to: no env file (variable ${code(i.keyVar)})\n`;
  out += '\n';

  out += '### Access required\n\n';
  if (i.required.length === 0)
    out += 'No allow probes: the template does not say what the service needs.\n\n';
  else {
    out += renderMarkdownTable(
      ['operation', 'Elasticsearch action', 'on', 'granted by'],
      i.required.map((r) => [
        `${r.title} (${code(r.op)})`,
        code(r.action),
        r.scope === 'cluster' ? 'cluster' : r.index ? code(r.index) : r.patterns.map(code).join(', ') || '—',
        r.granted ? grantedText(r.grantedBy, r.patterns) : `**not granted** (needs ${orList(r.needs)})`,
      ]),
    );
    out += '\n';
  }
  out += '#### Privileges granted\n\n';
  out += grantsTable(i.grants);
  out += '\n';
  out += '#### Observed while learning\n\n';
  out += learnedTable(i.learned);

  out += '### Access explicitly not required\n\n';
  if (i.notRequired.length === 0) out += 'No deny probes: nothing proves what the key cannot do.\n\n';
  else {
    out += renderMarkdownTable(
      ['operation', 'Elasticsearch action', 'would need', 'template grants it'],
      i.notRequired.map((r) => [
        `${r.title} (${code(r.op)})`,
        code(r.action),
        orList(r.needs),
        r.granted ? `**YES**: ${grantedText(r.grantedBy, r.patterns)}` : 'no',
      ]),
    );
    out += '\n';
  }

  out += '### Enforcement expectations\n\n';
  for (const s of i.enforcement.statements) out += `- ${s}\n`;
  out += '\n';

  out += '### Evidence\n\n';
  out += evidenceSection(i);

  out += '### Cluster state\n\n';
  out += clusterSection(i.cluster);
  const s = i.schedule;
  out += `Review every ${s.reviewEvery}: ${
    s.lastReviewAt ? `last signed-off review ${iso(s.lastReviewAt)}` : 'no signed-off review recorded'
  }; ${s.dueAt ? `next due ${iso(s.dueAt)}${s.basis === 'first_trace' ? ' (from its first trace: oldest audit event or key)' : ''}` : 'due now'}.\n\n`;

  out += '### Findings\n\n';
  out += findingsTable(i.findings);
  if (i.accepted.length > 0) {
    out += '\nAccepted by the template (`lint.ignore`), not counted:\n\n';
    for (const a of i.accepted) out += `- ${code(a.rule)} at ${code(a.path)}: ${a.message}\n`;
  }
  out += '\n';

  out += `### Decision: ${decisionLabel(i.decision)}\n\n`;
  if (i.requiredChanges.length > 0) {
    out += 'Required changes:\n\n';
    i.requiredChanges.forEach((c, n) => {
      out += `${n + 1}. ${c}\n`;
    });
    out += '\n';
  }
  if (i.followUps.length > 0) {
    out += 'Follow-ups:\n\n';
    for (const f of i.followUps) out += `- [ ] ${f}\n`;
    out += '\n';
  }
  return out;
}

function countsOf(findings: readonly ReviewFinding[]): SeverityCounts {
  return {
    critical: findings.filter((f) => f.severity === 'critical').length,
    high: findings.filter((f) => f.severity === 'high').length,
    medium: findings.filter((f) => f.severity === 'medium').length,
  };
}

function grantsTable(grants: readonly GrantExplanation[]): string {
  if (grants.length === 0) return 'None.\n';
  const label = { allow: 'required', deny: '**must not**' } as const;
  return renderMarkdownTable(
    ['privilege', 'on', 'allows (operations eskeys can probe)'],
    grants.map((g) => [
      `${code(g.privilege)} (${g.scope})`,
      g.scope === 'cluster' ? 'cluster' : g.patterns.map(code).join(', '),
      g.operations.length === 0
        ? 'no probe-able operation'
        : g.operations
            .map(
              (o) =>
                `${code(o.op)} ${code(o.action)} (${o.expectation ? label[o.expectation] : 'not listed'})`,
            )
            .join('<br>') + (g.justified ? '' : '<br>**no allow probe needs it**'),
    ]),
  );
}

/** Each granted privilege: observed (the operations, names and counts of the learn report) or not. */
function learnedTable(l: LearnedEvidence | undefined): string {
  if (!l)
    return 'No learn report: whether the service uses these privileges was not observed (`eskeys learn` writes one; `--learned FILE` names it).\n\n';
  const table = renderMarkdownTable(
    ['privilege', 'on', 'required access', 'operations observed'],
    l.privileges.map((p) => [
      `${code(p.privilege)} (${p.scope})`,
      p.scope === 'cluster' ? 'cluster' : p.patterns.map(code).join(', '),
      p.observed ? 'observed' : '**not observed**',
      p.operations.length === 0
        ? '—'
        : p.operations
            .map(
              (o) =>
                `${code(o.action)} ×${o.count}${o.names.length > 0 ? ` on ${o.names.map(code).join(', ')}` : ''}`,
            )
            .join('<br>'),
    ]),
  );
  return `From ${code(l.file)} (${learnedWhen(l)}, ${l.requests} requests):\n\n${table}\n`;
}

const learnedWhen = (l: LearnedEvidence) => (l.writtenAt ? `written ${iso(l.writtenAt)}` : 'date unknown');

function eventRow(label: string, e: EvidenceEvent | undefined): string[] {
  if (!e) return [label, '—', '—', '—', 'none recorded'];
  return [label, iso(e.time), e.actor, e.keyId ?? '—', `${e.summary} (entry ${e.seq})`];
}

function evidenceSection(i: IdentityReview): string {
  const a = i.audit;
  let out = '';
  if (a.status === 'missing')
    out += `Audit log ${code(a.log)}: **missing** (no action of eskeys recorded here).\n\n`;
  else if (a.status === 'broken')
    out += `Audit log ${code(a.log)}: **hash chain broken at entry ${a.brokenAt ?? '?'}** (${a.brokenReason ?? ''}); only the ${a.entries} entries before it are used.\n\n`;
  else
    out += `Audit log ${code(a.log)}: hash chain intact, ${a.entries} entries, ${a.identityEvents} for this identity.\n\n`;
  out += renderMarkdownTable(
    ['evidence', 'when', 'who @ where', 'key', 'detail'],
    [
      eventRow('last verification (`key.verified`)', a.lastVerified),
      eventRow('last failed verification', a.lastVerifyFailed),
      eventRow('last rotation (`rotation.completed`)', a.lastRotation),
      eventRow('last signed-off review', a.lastReview),
    ],
  );
  out += '\n';
  const learned = i.learned;
  out += learned
    ? `Learn report ${code(learned.file)}: ${learnedWhen(learned)}; ${learned.requests} requests observed through the learning proxy (${learned.denied} denied, ${learned.unmapped} not mapped to an action); ${learned.privileges.filter((p) => p.observed).length} of ${learned.privileges.length} granted privileges used.\n\n`
    : 'Learn report: none.\n\n';
  const l = i.live;
  if (!l) {
    out += 'Live probe run: not requested (`--live` collects one).\n\n';
    return out;
  }
  if (!l.ran) {
    out += `Live probe run: **not made**: ${l.reason}.\n\n`;
    return out;
  }
  const r = l.report;
  const passed = r.results.filter((x) => x.verdict === 'pass').length;
  const statics = r.results.filter((x) => x.mode === 'static').length;
  out += `Live probe run at ${iso(r.startedAt)} against ${code(l.clusterUrl)} with ${l.keySource}, id ${code(maskId(r.keyId))} (${r.access === 'key-only' ? 'key only' : 'admin canaries'}): **${passed}/${r.results.length} passed**${statics ? `, ${statics} answered statically by _has_privileges` : ''}.\n\n`;
  out += renderMarkdownTable(
    ['probe', 'action', 'index / resource', 'expected', 'got', 'mode', 'verdict'],
    r.results.map((x) => [
      probeName(x),
      code(x.action),
      x.index ?? x.target ?? '—',
      x.expected === 'allow' ? '2xx' : '403',
      x.note && x.mode === 'live' ? `${x.got} (${x.note})` : x.got,
      x.mode,
      x.verdict === 'pass' ? 'pass' : `**${x.verdict.toUpperCase()}**`,
    ]),
  );
  out += '\n';
  return out;
}

const PRIVILEGES: Readonly<Record<LivePrivileges, string>> = {
  match: 'as the template',
  differ: '**differ from the template**',
  none: '**none: inherits its owner’s**',
  unknown: 'not returned',
};

function clusterSection(c: ClusterState): string {
  if (!c.available) return `Not available: ${c.reason}.\n\n`;
  const admin = c.admin
    ? `Connected as ${ownerLabel(c.admin)}${c.version ? `, Elasticsearch ${c.version}` : ''}.\n\n`
    : '';
  if (c.keys.length === 0) return `${admin}No valid managed key in the cluster.\n\n`;
  let out = admin;
  out += renderMarkdownTable(
    ['key', 'id', 'state', 'owner', 'live privileges', 'age', 'expires', 'rotation due', 'created by'],
    c.keys.map((k) => [
      k.name,
      code(maskId(k.id)),
      k.status === 'superseded'
        ? `superseded until ${iso(k.supersededUntil)}${k.revokeDue ? ' (revoke due)' : ''}`
        : k.status,
      c.admin && !sameOwner(k.owner, c.admin)
        ? `**${ownerLabel(k.owner)}** (not the admin)`
        : ownerLabel(k.owner),
      PRIVILEGES[k.privileges],
      humanizeDuration(k.ageMs),
      k.expiresAt ? iso(k.expiresAt) : '**never**',
      k.rotationDueAt ? `${iso(k.rotationDueAt)}${k.rotationDue ? ' **overdue**' : ''}` : '—',
      k.createdBy,
    ]),
  );
  out += '\n';
  if (c.active) {
    const a = { ...c.active, name: visible(c.active.name) }; // a key name is the creator's text
    out +=
      a.privileges === 'none'
        ? `The active key ${a.name} has **no role descriptors**: it holds its owner's privileges, not the template's.\n\n`
        : a.privileges === 'differ'
          ? `The active key ${a.name}: its **live privileges differ from its template** (whatever its metadata says).\n\n`
          : c.templateMatches === false
            ? `The active key ${a.name} was minted from **another version** of the template.\n\n`
            : `The active key ${a.name} was minted from this version of the template${a.privileges === 'match' ? ' and still holds exactly its privileges' : ''}.\n\n`;
  }
  return out;
}

function findingsTable(findings: readonly ReviewFinding[]): string {
  if (findings.length === 0) return 'None.\n';
  return renderMarkdownTable(
    ['severity', 'finding', 'what to do'],
    findings.map((f) => [
      f.severity === 'medium' ? 'medium' : `**${f.severity}**`,
      `${f.message} (${code(f.code)}${f.path ? ` at ${code(f.path)}` : ''})`,
      f.remedy,
    ]),
  );
}

/** Renders the whole document. */
export function renderReviewMarkdown(doc: ReviewDocument): string {
  let out = `# Least-privilege review: environment ${code(doc.environment)}\n\n`;
  out += renderMarkdownTable(
    ['', ''],
    [
      ['Decision', `**${decisionLabel(doc.decision)}**`],
      ['Findings', countsText(doc.counts)],
      ['Service identities', String(doc.identities.length)],
      ['Generated', `${iso(doc.generatedAt)} by ${doc.generatedBy} (\`eskeys review\`)`],
      [
        'Signed off by',
        doc.signedOffBy
          ? `${doc.signedOffBy} (recorded as \`review.completed\` in the audit log)`
          : 'not signed off',
      ],
    ],
  );
  out += `\nDecision rule: ${RULE}. The document takes the worst decision of its identities.\n\n`;
  out += '## Summary\n\n';
  out += renderMarkdownTable(
    ['identity', 'decision', 'critical', 'high', 'medium', 'last verification', 'review due'],
    doc.identities.map((i) => {
      const c = countsOf(i.findings);
      const live = i.live?.ran ? i.live.report.startedAt : undefined;
      const last = live ?? i.audit.lastVerified?.time;
      return [
        `${i.template}@${i.environment}`,
        decisionLabel(i.decision),
        String(c.critical),
        String(c.high),
        String(c.medium),
        last ? `${iso(last)}${live ? ' (live)' : ''}` : 'none',
        i.schedule.dueAt ? iso(i.schedule.dueAt) : 'now',
      ];
    }),
  );
  out += '\n';
  for (const i of doc.identities) out += identitySection(i);
  out += '## Sign-off\n\n';
  out += doc.signedOffBy
    ? `Signed off by **${doc.signedOffBy}** on ${iso(doc.generatedAt)} with the decision **${decisionLabel(doc.decision)}**; each identity's sign-off is recorded as a \`review.completed\` event in the hash-chained audit log (\`eskeys audit show\`).\n`
    : 'Reviewer: ____________________  Date: ____________  Decision: ____________________\n\n' +
      '(`eskeys review --sign-off NAME` records the sign-off in the audit log.)\n';
  return out;
}
