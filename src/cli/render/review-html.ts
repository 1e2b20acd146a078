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
  ReviewDecision,
  ReviewDocument,
  ReviewFinding,
  ReviewSeverity,
  SeverityCounts,
} from '../../core/review/types.js';
import { maskId } from '../../core/secret.js';
import { type Cell, code, type Html, html, htmlPage, join, legend, table } from './html.js';
import { probeName } from './probe-matrix.js';

/**
 * The review as one HTML page (`eskeys review --format html`) for a reviewer who would rather
 * look than read: the decision and the findings by severity first, then per identity the same
 * sections as the Markdown document (review-markdown.ts), rendered from the same document, with
 * access cells coloured (granted / refused, as the probes expect or not) and saying so in words.
 */

const iso = (x: Date | undefined) => (x ? x.toISOString().replace(/\.\d{3}Z$/, 'Z') : '—');

const orList = (items: readonly string[]): Html =>
  items.length <= 1
    ? join(items.map(code), '')
    : html`${join(items.slice(0, -1).map(code), ', ')} or ${code(items[items.length - 1]!)}`;

const SEVERITIES: readonly ReviewSeverity[] = ['critical', 'high', 'medium'];

const severityBadge = (s: ReviewSeverity): Html => html`<span class="sev sev-${s}">${s}</span>`;

const decisionBadge = (d: ReviewDecision): Html =>
  html`<span class="decision decision-${d}">${decisionLabel(d)}</span>`;

/** Findings, most severe first (stable within a severity: the document's order). */
function bySeverity<T extends { readonly severity: ReviewSeverity }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}

function countsOf(findings: readonly ReviewFinding[]): SeverityCounts {
  return {
    critical: findings.filter((f) => f.severity === 'critical').length,
    high: findings.filter((f) => f.severity === 'high').length,
    medium: findings.filter((f) => f.severity === 'medium').length,
  };
}

function countsList(c: SeverityCounts): Html {
  return html`<ul class="counts" aria-label="findings by severity">${SEVERITIES.map(
    (s) => html`<li>${severityBadge(s)} ${c[s]}</li>`,
  )}</ul>\n`;
}

const countsText = (c: SeverityCounts) => `${c.critical} critical · ${c.high} high · ${c.medium} medium`;

function grantedText(grantedBy: readonly string[], patterns: readonly string[]): Html {
  if (grantedBy.length === 0) return html`—`;
  return html`${join(grantedBy.map(code), ', ')}${
    patterns.length > 0 ? html` on ${join(patterns.map(code), ', ')}` : ''
  }`;
}

const REVIEW_LEGEND = legend([
  ['expected', '✓ as expected', 'what the probes require: needed access granted, forbidden access refused'],
  ['unexpected', '! unexpected', 'needed access not granted, or forbidden access granted'],
  ['allowed', '✓ allowed', 'granted, whether or not a probe asks for it'],
  ['denied', '✗ denied', 'refused'],
]);

function findingRows(findings: readonly ReviewFinding[], identity?: string): Cell[][] {
  return bySeverity(findings).map((f) => [
    severityBadge(f.severity),
    ...(identity === undefined ? [] : [identity]),
    html`${f.message} <span class="muted">(${code(f.code)}${f.path ? html` at ${code(f.path)}` : ''})</span>`,
    f.remedy,
  ]);
}

function findingsTable(findings: readonly ReviewFinding[]): Html {
  if (findings.length === 0) return html`<p>None.</p>\n`;
  return table({
    className: 'findings',
    header: ['severity', 'finding', 'what to do'],
    rows: findingRows(findings),
  });
}

function grantsTable(grants: readonly GrantExplanation[]): Html {
  if (grants.length === 0) return html`<p>None.</p>\n`;
  const label = { allow: 'required', deny: 'must not' } as const;
  return table({
    caption: 'Privileges granted',
    header: ['privilege', 'on', 'allows (operations eskeys can probe)'],
    rows: grants.map((g) => [
      html`${code(g.privilege)} (${g.scope})`,
      g.scope === 'cluster' ? 'cluster' : join(g.patterns.map(code), ', '),
      {
        content:
          g.operations.length === 0
            ? 'no probe-able operation'
            : html`${join(
                g.operations.map(
                  (o) =>
                    html`${code(o.op)} ${code(o.action)} (${
                      o.expectation === 'deny'
                        ? html`<strong>${label.deny}</strong>`
                        : o.expectation
                          ? label[o.expectation]
                          : 'not listed'
                    })`,
                ),
                html`<br>`,
              )}${g.justified ? '' : html`<br><strong>no allow probe needs it</strong>`}`,
        className: g.operations.some((o) => o.expectation === 'deny')
          ? 'unexpected'
          : g.justified
            ? 'expected'
            : 'allowed',
      },
    ]),
  });
}

function learnedTable(l: LearnedEvidence | undefined): Html {
  if (!l)
    return html`<p>No learn report: whether the service uses these privileges was not observed (${code(
      'eskeys learn',
    )} writes one; ${code('--learned FILE')} names it).</p>\n`;
  return html`<p>From ${code(l.file)} (${learnedWhen(l)}, ${l.requests} requests):</p>\n${table({
    caption: 'Observed while learning',
    header: ['privilege', 'on', 'required access', 'operations observed'],
    rows: l.privileges.map((p) => [
      html`${code(p.privilege)} (${p.scope})`,
      p.scope === 'cluster' ? 'cluster' : join(p.patterns.map(code), ', '),
      p.observed
        ? { content: '✓ observed', className: 'expected' }
        : { content: html`<strong>! not observed</strong>`, className: 'unexpected' },
      p.operations.length === 0
        ? '—'
        : join(
            p.operations.map(
              (o) =>
                html`${code(o.action)} ×${o.count}${
                  o.names.length > 0 ? html` on ${join(o.names.map(code), ', ')}` : ''
                }`,
            ),
            html`<br>`,
          ),
    ]),
  })}`;
}

const learnedWhen = (l: LearnedEvidence) => (l.writtenAt ? `written ${iso(l.writtenAt)}` : 'date unknown');

function eventRow(label: Html, e: EvidenceEvent | undefined): Cell[] {
  if (!e) return [label, '—', '—', '—', 'none recorded'];
  return [label, iso(e.time), e.actor, e.keyId ?? '—', `${e.summary} (entry ${e.seq})`];
}

function evidenceSection(i: IdentityReview): Html {
  const a = i.audit;
  const auditLine =
    a.status === 'missing'
      ? html`<p>Audit log ${code(a.log)}: <strong>missing</strong> (no action of eskeys recorded here).</p>`
      : a.status === 'broken'
        ? html`<p>Audit log ${code(a.log)}: <strong>hash chain broken at entry ${
            a.brokenAt ?? '?'
          }</strong> (${a.brokenReason ?? ''}); only the ${a.entries} entries before it are used.</p>`
        : html`<p>Audit log ${code(a.log)}: hash chain intact, ${a.entries} entries, ${a.identityEvents} for this identity.</p>`;
  const events = table({
    caption: 'Audit evidence',
    header: ['evidence', 'when', 'who @ where', 'key', 'detail'],
    rows: [
      eventRow(html`last verification (${code('key.verified')})`, a.lastVerified),
      eventRow(html`last failed verification`, a.lastVerifyFailed),
      eventRow(html`last rotation (${code('rotation.completed')})`, a.lastRotation),
      eventRow(html`last signed-off review`, a.lastReview),
    ],
    rowHeader: true,
  });
  const learned = i.learned;
  const learnedLine = learned
    ? html`<p>Learn report ${code(learned.file)}: ${learnedWhen(learned)}; ${learned.requests} requests observed through the learning proxy (${learned.denied} denied, ${learned.unmapped} not mapped to an action); ${
        learned.privileges.filter((p) => p.observed).length
      } of ${learned.privileges.length} granted privileges used.</p>`
    : html`<p>Learn report: none.</p>`;
  return html`${auditLine}\n${events}${learnedLine}\n${liveSection(i)}`;
}

function liveSection(i: IdentityReview): Html {
  const l = i.live;
  if (!l) return html`<p>Live probe run: not requested (${code('--live')} collects one).</p>\n`;
  if (!l.ran) return html`<p>Live probe run: <strong>not made</strong>: ${l.reason}.</p>\n`;
  const r = l.report;
  const passed = r.results.filter((x) => x.verdict === 'pass').length;
  const statics = r.results.filter((x) => x.mode === 'static').length;
  return html`<p>Live probe run at ${iso(r.startedAt)} against ${code(l.clusterUrl)} with ${l.keySource}, id ${code(
    maskId(r.keyId),
  )} (${r.access === 'key-only' ? 'key only' : 'admin canaries'}): <strong>${passed}/${r.results.length} passed</strong>${
    statics ? `, ${statics} answered statically by _has_privileges` : ''
  }.</p>\n${table({
    caption: 'Live probe results',
    className: 'probes',
    header: ['probe', 'action', 'index / resource', 'expected', 'got', 'mode', 'verdict'],
    rows: r.results.map((x) => [
      probeName(x),
      code(x.action),
      x.index ?? x.target ?? '—',
      x.expected === 'allow'
        ? { content: html`<span class="nowrap">✓ 2xx</span> (allowed)`, className: 'allowed' }
        : { content: html`<span class="nowrap">✗ 403</span> (denied)`, className: 'denied' },
      x.note && x.mode === 'live' ? `${x.got} (${x.note})` : x.got,
      x.mode,
      x.verdict === 'pass'
        ? { content: '✓ pass', className: 'expected' }
        : { content: html`<strong>! ${x.verdict.toUpperCase()}</strong>`, className: 'unexpected' },
    ]),
  })}`;
}

const PRIVILEGES: Readonly<Record<LivePrivileges, Html>> = {
  match: html`as the template`,
  differ: html`<strong>differ from the template</strong>`,
  none: html`<strong>none: inherits its owner’s</strong>`,
  unknown: html`not returned`,
};

function clusterSection(c: ClusterState): Html {
  if (!c.available) return html`<p>Not available: ${c.reason}.</p>\n`;
  const admin = c.admin
    ? html`<p>Connected as ${ownerLabel(c.admin)}${c.version ? `, Elasticsearch ${c.version}` : ''}.</p>\n`
    : '';
  if (c.keys.length === 0) return html`${admin}<p>No valid managed key in the cluster.</p>\n`;
  const keys = table({
    caption: 'Managed keys',
    className: 'keys',
    header: [
      'key',
      'id',
      'state',
      'owner',
      'live privileges',
      'age',
      'expires',
      'rotation due',
      'created by',
    ],
    rows: c.keys.map((k) => [
      k.name,
      html`<span class="nowrap">${code(maskId(k.id))}</span>`,
      k.status === 'superseded'
        ? `superseded until ${iso(k.supersededUntil)}${k.revokeDue ? ' (revoke due)' : ''}`
        : k.status,
      c.admin && !sameOwner(k.owner, c.admin)
        ? {
            content: html`<strong>! ${ownerLabel(k.owner)}</strong> (not the admin)`,
            className: 'unexpected',
          }
        : ownerLabel(k.owner),
      k.privileges === 'match'
        ? { content: html`✓ ${PRIVILEGES.match}`, className: 'expected' }
        : k.privileges === 'unknown'
          ? PRIVILEGES.unknown
          : { content: html`! ${PRIVILEGES[k.privileges]}`, className: 'unexpected' },
      humanizeDuration(k.ageMs),
      k.expiresAt ? iso(k.expiresAt) : { content: html`<strong>! never</strong>`, className: 'unexpected' },
      k.rotationDueAt
        ? html`${iso(k.rotationDueAt)}${k.rotationDue ? html` <strong>overdue</strong>` : ''}`
        : '—',
      k.createdBy,
    ]),
  });
  let active: Html | string = '';
  if (c.active) {
    const name = c.active.name;
    active =
      c.active.privileges === 'none'
        ? html`<p>The active key ${name} has <strong>no role descriptors</strong>: it holds its owner's privileges, not the template's.</p>\n`
        : c.active.privileges === 'differ'
          ? html`<p>The active key ${name}: its <strong>live privileges differ from its template</strong> (whatever its metadata says).</p>\n`
          : c.templateMatches === false
            ? html`<p>The active key ${name} was minted from <strong>another version</strong> of the template.</p>\n`
            : html`<p>The active key ${name} was minted from this version of the template${
                c.active.privileges === 'match' ? ' and still holds exactly its privileges' : ''
              }.</p>\n`;
  }
  return html`${admin}${keys}${active}`;
}

function identitySection(i: IdentityReview): Html {
  const id = `${i.template}@${i.environment}`;
  const required =
    i.required.length === 0
      ? html`<p>No allow probes: the template does not say what the service needs.</p>\n`
      : table({
          caption: 'Operations the service needs (allow probes)',
          header: ['operation', 'Elasticsearch action', 'on', 'granted by'],
          rows: i.required.map((r) => [
            html`${r.title} (${code(r.op)})`,
            code(r.action),
            r.scope === 'cluster'
              ? 'cluster'
              : r.index
                ? code(r.index)
                : r.patterns.length > 0
                  ? join(r.patterns.map(code), ', ')
                  : '—',
            r.granted
              ? { content: html`✓ ${grantedText(r.grantedBy, r.patterns)}`, className: 'expected' }
              : {
                  content: html`<strong>! not granted</strong> (needs ${orList(r.needs)})`,
                  className: 'unexpected',
                },
          ]),
        });
  const notRequired =
    i.notRequired.length === 0
      ? html`<p>No deny probes: nothing proves what the key cannot do.</p>\n`
      : table({
          caption: 'Operations the key must not perform (deny probes)',
          header: ['operation', 'Elasticsearch action', 'would need', 'template grants it'],
          rows: i.notRequired.map((r) => [
            html`${r.title} (${code(r.op)})`,
            code(r.action),
            orList(r.needs),
            r.granted
              ? {
                  content: html`<strong>! YES</strong>: ${grantedText(r.grantedBy, r.patterns)}`,
                  className: 'unexpected',
                }
              : { content: '✗ no', className: 'expected' },
          ]),
        });
  const s = i.schedule;
  const schedule = html`<p>Review every ${s.reviewEvery}: ${
    s.lastReviewAt ? `last signed-off review ${iso(s.lastReviewAt)}` : 'no signed-off review recorded'
  }; ${
    s.dueAt
      ? `next due ${iso(s.dueAt)}${s.basis === 'first_trace' ? ' (from its first trace: oldest audit event or key)' : ''}`
      : 'due now'
  }.</p>\n`;
  const accepted =
    i.accepted.length > 0
      ? html`<p>Accepted by the template (${code('lint.ignore')}), not counted:</p>\n<ul>${i.accepted.map(
          (a) => html`<li>${code(a.rule)} at ${code(a.path)}: ${a.message}</li>`,
        )}</ul>\n`
      : '';
  const changes =
    i.requiredChanges.length > 0
      ? html`<p>Required changes:</p>\n<ol>${i.requiredChanges.map((c) => html`<li>${c}</li>`)}</ol>\n`
      : '';
  const followUps =
    i.followUps.length > 0
      ? html`<p>Follow-ups:</p>\n<ul>${i.followUps.map((f) => html`<li>☐ ${f}</li>`)}</ul>\n`
      : '';
  const facts = table({
    className: 'facts',
    header: [],
    rows: [
      [
        'Template',
        html`${code(i.template)} (${i.file}, role descriptors ${code(i.templateHash.slice(0, 19))}…)`,
      ],
      ...(i.description ? [['Purpose', i.description] as Cell[]] : []),
      ['Environment', code(i.environment)],
      [
        'Key delivered to',
        i.envFiles.length > 0
          ? html`${join(i.envFiles.map(code), ', ')} as ${code(i.keyVar)}${
              i.idVar ? html` (id in ${code(i.idVar)})` : ''
            }`
          : html`no env file (variable ${code(i.keyVar)})`,
      ],
    ],
    rowHeader: true,
  });
  return html`<section class="identity" aria-labelledby="id-${slug(id)}">
<h2 id="id-${slug(id)}">${id}</h2>
<p>${decisionBadge(i.decision)} ${countsText(countsOf(i.findings))}</p>
<h3>Identity</h3>
${facts}<h3>Access required</h3>
${required}${grantsTable(i.grants)}<h4>Observed while learning</h4>
${learnedTable(i.learned)}<h3>Access explicitly not required</h3>
${notRequired}<h3>Enforcement expectations</h3>
<ul>${i.enforcement.statements.map((st) => html`<li>${st}</li>`)}</ul>
<h3>Evidence</h3>
${evidenceSection(i)}<h3>Cluster state</h3>
${clusterSection(i.cluster)}${schedule}<h3>Findings</h3>
${findingsTable(i.findings)}${accepted}<h3>Decision: ${decisionLabel(i.decision)}</h3>
${changes}${followUps}</section>
`;
}

/** An id attribute from an identity name (letters, digits, `-`, `_`, `.`). */
function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '-');
}

const RULE = html`any critical or high finding → <strong>changes required</strong>; otherwise any medium finding → <strong>approved with follow-ups</strong>; otherwise <strong>approved</strong>`;

/** Renders the whole review as a self-contained HTML page. */
export function renderReviewHtml(doc: ReviewDocument): string {
  const all = doc.identities.flatMap((i) =>
    i.findings.map((f) => ({ ...f, identity: `${i.template}@${i.environment}` })),
  );
  const overview = table({
    className: 'facts',
    header: [],
    rows: [
      ['Decision', decisionBadge(doc.decision)],
      ['Findings', countsText(doc.counts)],
      ['Service identities', String(doc.identities.length)],
      ['Generated', html`${iso(doc.generatedAt)} by ${doc.generatedBy} (${code('eskeys review')})`],
      [
        'Signed off by',
        doc.signedOffBy
          ? html`${doc.signedOffBy} (recorded as ${code('review.completed')} in the audit log)`
          : 'not signed off',
      ],
    ],
    rowHeader: true,
  });
  const summary = table({
    caption: 'Service identities',
    header: ['identity', 'decision', 'critical', 'high', 'medium', 'last verification', 'review due'],
    rows: doc.identities.map((i) => {
      const c = countsOf(i.findings);
      const live = i.live?.ran ? i.live.report.startedAt : undefined;
      const last = live ?? i.audit.lastVerified?.time;
      return [
        html`<a href="#id-${slug(`${i.template}@${i.environment}`)}">${i.template}@${i.environment}</a>`,
        decisionBadge(i.decision),
        String(c.critical),
        String(c.high),
        String(c.medium),
        last ? `${iso(last)}${live ? ' (live)' : ''}` : 'none',
        i.schedule.dueAt ? iso(i.schedule.dueAt) : 'now',
      ];
    }),
    rowHeader: true,
  });
  const findings =
    all.length === 0
      ? html`<p>No findings.</p>\n`
      : table({
          caption: 'All findings, most severe first',
          className: 'findings',
          header: ['severity', 'identity', 'finding', 'what to do'],
          rows: bySeverity(all).flatMap((f) => findingRows([f], f.identity)),
        });
  const signOff = doc.signedOffBy
    ? html`<p>Signed off by <strong>${doc.signedOffBy}</strong> on ${iso(doc.generatedAt)} with the decision <strong>${decisionLabel(
        doc.decision,
      )}</strong>; each identity's sign-off is recorded as a ${code('review.completed')} event in the hash-chained audit log (${code(
        'eskeys audit show',
      )}).</p>`
    : html`<p>Reviewer: ____________________ Date: ____________ Decision: ____________________</p>
<p class="muted">(${code('eskeys review --sign-off NAME')} records the sign-off in the audit log.)</p>`;
  const body = html`<h1>Least-privilege review: environment ${code(doc.environment)}</h1>
<p class="subtitle">Decision rule: ${RULE}. The document takes the worst decision of its identities.</p>
${overview}${countsList(doc.counts)}<h2>Summary</h2>
${summary}<h2>Findings by severity</h2>
${findings}<h2>Colours</h2>
${REVIEW_LEGEND}${doc.identities.map(identitySection)}<section class="signoff">
<h2>Sign-off</h2>
${signOff}
</section>
<footer>Generated by <code>eskeys review --format html</code>. Key ids are masked; no secret is part of a review.</footer>`;
  return htmlPage(`eskeys review: ${doc.environment}`, body);
}
