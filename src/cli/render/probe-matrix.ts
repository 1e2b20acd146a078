import type { ProbeReport, ProbeResult } from '../../core/probes/types.js';
import { maskId } from '../../core/secret.js';
import { type Palette, PLAIN } from './colour.js';
import { renderTable } from './table.js';

/** Counts of a report's verdicts. */
export interface ProbeSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  /** Probes the busy cluster never answered usably (429/503/timeouts on every try). */
  readonly inconclusive: number;
  readonly live: number;
  readonly static: number;
}

/** Tallies a report. */
export function summarise(report: ProbeReport): ProbeSummary {
  const r = report.results;
  return {
    total: r.length,
    passed: r.filter((x) => x.verdict === 'pass').length,
    failed: r.filter((x) => x.verdict === 'fail').length,
    errors: r.filter((x) => x.verdict === 'error').length,
    inconclusive: r.filter((x) => x.verdict === 'inconclusive').length,
    live: r.filter((x) => x.mode === 'live').length,
    static: r.filter((x) => x.mode === 'static').length,
  };
}

/** `deny doc.delete` — the name a probe goes by in every output. */
export function probeName(r: ProbeResult): string {
  return `${r.expected} ${r.op}`;
}

const VERDICT_LABEL = { pass: 'pass', fail: 'FAIL', error: 'ERROR', inconclusive: 'INCONCLUSIVE' } as const;

/** Context a report does not carry: where the key under test came from (never the key). */
export interface ProbeRenderContext {
  /** `the key in ELASTICSEARCH_API_KEY (.env)`. */
  readonly keySource?: string;
}

/** Verdicts coloured as gh colours results: passed green (a deny probe's 403 included), failed red. */
function paintVerdict(text: string, column: number, p: Palette): (s: string) => string {
  if (column !== 6) return (s) => s;
  if (text === VERDICT_LABEL.pass) return p.good;
  if (text === VERDICT_LABEL.inconclusive) return p.warn;
  return p.bad;
}

/**
 * The permission matrix as a terminal table, followed by one explanation line per failure;
 * `palette` colours the verdicts (stdout on a terminal only, never a file).
 */
export function renderProbeTable(
  report: ProbeReport,
  rc: ProbeRenderContext = {},
  palette: Palette = PLAIN,
): string {
  const rows = report.results.map((r) => [
    probeName(r),
    r.action,
    r.index ?? r.target ?? '-',
    r.expected === 'allow' ? '2xx' : '403',
    r.got,
    r.mode,
    VERDICT_LABEL[r.verdict],
  ]);
  const s = summarise(report);
  let out =
    `template ${report.template} · environment ${report.environment} · ` +
    `${rc.keySource ? `${rc.keySource}, id ` : 'key '}${maskId(report.keyId)} · ` +
    `${report.access === 'key-only' ? 'key only' : 'admin canaries'}\n\n`;
  out += renderTable(['probe', 'action', 'index / resource', 'expected', 'got', 'mode', 'verdict'], rows, {
    palette,
    paintCell: paintVerdict,
  });
  const notes = report.results.filter((r) => r.verdict !== 'pass' && r.explanation);
  if (notes.length > 0) {
    out += '\n';
    for (const r of notes) out += `${VERDICT_LABEL[r.verdict]} ${probeName(r)}: ${r.explanation}\n`;
  }
  // Why probes ran statically, once per reason (e.g. key-only runs without a probe index).
  const staticReasons = new Map<string, string[]>();
  for (const r of report.results) {
    if (r.mode !== 'static' || !r.note) continue;
    const reason = r.note.replace(/^static: /, '');
    staticReasons.set(reason, [...(staticReasons.get(reason) ?? []), probeName(r)]);
  }
  if (staticReasons.size > 0) {
    out += '\n';
    for (const [reason, probes] of staticReasons) out += `static (${probes.join(', ')}): ${reason}\n`;
  }
  for (const l of report.cleanup?.leftovers ?? []) out += `\nleft over: ${l}; remove it by hand\n`;
  out +=
    `\n${s.passed}/${s.total} passed` +
    (s.failed ? `, ${s.failed} failed` : '') +
    (s.errors ? `, ${s.errors} errors` : '') +
    (s.inconclusive ? `, ${s.inconclusive} inconclusive` : '') +
    (s.static ? ` (${s.static} static)` : '') +
    ` · ${report.requests} requests\n`;
  return out;
}

/** The report as a JSON-ready object (key id masked; no secret is ever part of a report). */
export function probeReportJson(report: ProbeReport, rc: ProbeRenderContext = {}): Record<string, unknown> {
  return {
    template: report.template,
    environment: report.environment,
    key_id: maskId(report.keyId),
    ...(rc.keySource ? { key_source: rc.keySource } : {}),
    started_at: report.startedAt.toISOString(),
    duration_ms: report.durationMs,
    access: report.access,
    passed: report.passed,
    summary: summarise(report),
    requests: report.requests,
    requests_by_phase: report.requestsByPhase,
    probe_indices: report.probeIndices,
    cleanup: report.cleanup,
    results: report.results.map((r) => ({
      probe: probeName(r),
      op: r.op,
      action: r.action,
      ...(r.index !== undefined ? { index: r.index } : {}),
      ...(r.target !== undefined ? { resource: r.target } : {}),
      expected: r.expected,
      mode: r.mode,
      ...(r.status !== undefined ? { status: r.status } : {}),
      got: r.got,
      verdict: r.verdict,
      ...(r.explanation ? { explanation: r.explanation } : {}),
      ...(r.note ? { note: r.note } : {}),
      duration_ms: r.durationMs,
    })),
  };
}
