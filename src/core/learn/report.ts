/**
 * The learning report: every observed operation with its count and the privilege chosen (and
 * why), the requests denied while learning, those that gave no evidence, and every request the
 * resolver could not map. Counts and names only: the observations never hold more.
 */
import type { LearnedTemplate, PrivilegeDecision } from './generate-template.js';
import type { Observations, ObservedOperation } from './observations.js';

/**
 * How `eskeys learn` names the report's JSON beside the template (`roles/NAME.learn-report.json`):
 * not a template, so template listings skip it; `eskeys review` reads it as evidence.
 */
export const LEARN_REPORT_SUFFIX = '.learn-report.json';

/**
 * How `eskeys learn` names the template it proposes beside one that exists
 * (`roles/NAME.learned.json`): a proposal to diff and review, not a template in force.
 */
export const LEARNED_TEMPLATE_SUFFIX = '.learned.json';

/**
 * Whether a file in the templates folder is one of learn's outputs rather than a template:
 * folder listings (lint, tick, status) skip them. A proposal carries the same template name as
 * the template it shadows, so listing it would make a tick rotate a second key into the same
 * env file; `eskeys lint roles/NAME.learned.json` still checks it when named explicitly.
 */
export const isLearnOutputFile = (name: string): boolean =>
  name.endsWith(LEARN_REPORT_SUFFIX) || name.endsWith(LEARNED_TEMPLATE_SUFFIX);

/** The report as data (`--json`, and `NAME.learn-report.json` for review evidence). */
export interface LearnReport {
  readonly template: string;
  readonly requests: number;
  readonly observed: readonly {
    readonly action: string;
    readonly scope: 'cluster' | 'index';
    readonly names: readonly string[];
    readonly patterns: readonly string[];
    readonly apis: readonly string[];
    readonly count: number;
    readonly privilege: string | null;
    readonly why: string;
  }[];
  readonly denied: readonly ReportedOperation[];
  readonly inconclusive: readonly (ReportedOperation & { readonly outcome: string })[];
  readonly unmapped: Observations['unmapped'];
  readonly incomplete_bodies: number;
  readonly probes: { readonly allow: readonly string[]; readonly deny: readonly string[] };
}

interface ReportedOperation {
  readonly action: string;
  readonly names: readonly string[];
  readonly apis: readonly string[];
  readonly count: number;
}

function why(d: PrivilegeDecision): string {
  if (d.implied !== undefined) return impliedWhy(d, d.implied);
  if (d.privilege === undefined) return `no named privilege grants ${d.operation.action}`;
  const narrowest = `${d.privilege} is the narrowest named privilege that grants ${d.operation.action}`;
  const wider = d.wider.length > 0 ? ` (not ${d.wider.join(', ')})` : '';
  return d.kept
    ? narrowest + wider
    : `${narrowest}; a wider privilege chosen for another operation on the same names covers it`;
}

/** Why a privilege covers what Elasticsearch does internally for a write into a data stream. */
function impliedWhy(d: PrivilegeDecision, implied: NonNullable<PrivilegeDecision['implied']>): string {
  const streams = d.operation.names.join(', ');
  const base = `writes landed in data stream ${streams} (backing index ${implied.backingIndex}): Elasticsearch updates its mappings with ${implied.action}, which create_doc does not grant on data streams`;
  if (d.privilege === undefined) return `${base}; no named privilege grants it`;
  return d.kept
    ? `${base}; ${d.privilege} is the narrowest named privilege that grants it (and the stream's auto-creation)`
    : `${base}; a wider privilege chosen for another operation on the same names covers it`;
}

const reported = (o: ObservedOperation): ReportedOperation => ({
  action: o.action,
  names: o.names,
  apis: o.apis,
  count: o.count,
});

/** Builds the report data. Pure. */
export function buildLearnReport(obs: Observations, learned: LearnedTemplate): LearnReport {
  const probes = learned.document.probes as { allow: string[]; deny: string[] };
  return {
    template: String(learned.document.name),
    requests: obs.requests,
    observed: learned.decisions.map((d) => ({
      action: d.implied?.action ?? d.operation.action,
      scope: d.operation.scope,
      names: d.operation.names,
      patterns: d.patterns,
      apis: d.operation.apis,
      count: d.operation.count,
      privilege: d.privilege ?? null,
      why: why(d),
    })),
    denied: learned.denied.map(reported),
    inconclusive: learned.inconclusive.map((o) => ({ ...reported(o), outcome: o.outcome })),
    unmapped: obs.unmapped,
    incomplete_bodies: obs.incompleteBodies,
    probes: { allow: probes.allow, deny: probes.deny },
  };
}

const code = (s: string) => `\`${s}\``;
const names = (n: readonly string[]) => (n.length === 0 ? '(cluster)' : n.map(code).join(', '));

/** The report in Markdown. */
export function renderLearnReportMarkdown(report: LearnReport): string {
  const out = [`# eskeys learn: ${report.template}`, '', `${report.requests} requests observed.`, ''];
  out.push('## Observed operations', '');
  if (report.observed.length === 0) out.push('None allowed.', '');
  else {
    out.push('| action | names | count | privilege | why |', '|---|---|---|---|---|');
    for (const o of report.observed)
      out.push(
        `| ${code(o.action)} | ${names(o.names)} | ${o.count} | ${o.privilege ? code(o.privilege) : '—'} | ${o.why} |`,
      );
    out.push('');
  }
  out.push('## Denied while learning', '');
  if (report.denied.length === 0) out.push('None.', '');
  else {
    out.push(
      'The credentials used while learning lacked these; the template does not grant them. Add them only if the application needs them.',
      '',
    );
    for (const d of report.denied) out.push(`- ${code(d.action)} on ${names(d.names)}: ${d.count}×`);
    out.push('');
  }
  if (report.inconclusive.length > 0) {
    out.push('## No evidence (401, 400, 5xx, proxy errors)', '');
    for (const d of report.inconclusive)
      out.push(`- ${code(d.action)} on ${names(d.names)}: ${d.count}× (${d.outcome})`);
    out.push('');
  }
  out.push('## Not mapped to an action', '');
  if (report.unmapped.length === 0) out.push('None.', '');
  else {
    out.push('Review these by hand: the template grants nothing for them.', '');
    for (const u of report.unmapped)
      out.push(`- ${u.method} ${u.api ? code(u.api) : code(u.path ?? '')}: ${u.count}× — ${u.reason}`);
    out.push('');
  }
  if (report.incomplete_bodies > 0)
    out.push(
      `${report.incomplete_bodies} request bodies could not be read whole for names (over a size cap, or in an encoding eskeys cannot read); the names they held may be missing above.`,
      '',
    );
  out.push('## Probes', '');
  out.push(`- allow: ${report.probes.allow.map(code).join(', ') || '—'}`);
  out.push(`- deny: ${report.probes.deny.map(code).join(', ') || '—'}`);
  return out.join('\n') + '\n';
}
