import {
  CHECK_GROUPS,
  type CheckGroup,
  type CheckStatus,
  type DoctorReport,
} from '../../core/doctor/index.js';

const SYMBOL: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

const HEADING: Record<CheckGroup, string> = {
  project: 'Project',
  connection: 'Connection',
  identity: 'Identity',
  cluster: 'Cluster',
  delegation: 'Delegation',
  local: 'Local state',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The checklist for terminals (`brew doctor` style): one section per group, one aligned line per
 * check with ✓ / ! / ✗ / - , and under each warning or failure its further lines and the fix.
 */
export function renderDoctor(report: DoctorReport): string {
  const lines: string[] = [];
  const where = report.url ? `, cluster ${report.url}` : '';
  lines.push(`eskeys doctor: environment ${report.environment}${where}`);
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const indent = ' '.repeat(2 + 2 + width + 2);
  for (const group of CHECK_GROUPS) {
    const checks = report.checks.filter((c) => c.group === group);
    if (checks.length === 0) continue;
    lines.push('', HEADING[group]);
    for (const c of checks) {
      lines.push(`  ${SYMBOL[c.status]} ${c.title.padEnd(width)}  ${c.message}`);
      if (c.status === 'warn' || c.status === 'fail') {
        for (const d of c.details ?? []) lines.push(`${indent}${d}`);
        if (c.fix) lines.push(`${indent}fix: ${c.fix}`);
      }
    }
  }
  const s = report.summary;
  const parts = [`${s.fail} failed`, plural(s.warn, 'warning'), `${s.ok} ok`, `${s.skip} skipped`];
  lines.push('', parts.join(', '));
  return `${lines.join('\n')}\n`;
}

/** The `--json` document: stable snake_case fields, one object per check. */
export function doctorJson(report: DoctorReport): Record<string, unknown> {
  return {
    environment: report.environment,
    url: report.url ?? null,
    version: report.version?.number ?? null,
    checks: report.checks.map((c) => ({
      id: c.id,
      group: c.group,
      status: c.status,
      subject: c.subject ?? null,
      title: c.title,
      message: c.message,
      fix: c.fix ?? null,
      details: c.details ?? [],
    })),
    summary: report.summary,
    exit_code: report.exitCode,
  };
}
