import {
  CHECK_GROUPS,
  type CheckGroup,
  type CheckStatus,
  type DoctorReport,
} from '../../core/doctor/index.js';
import type { TerminalOutput } from '../output.js';
import { type Palette, PLAIN } from './colour.js';
import { wrapWords } from './table.js';

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

const PAINT: Record<CheckStatus, keyof Omit<Palette, 'enabled'>> = {
  ok: 'good',
  warn: 'warn',
  fail: 'bad',
  skip: 'dim',
};

/**
 * The checklist for terminals (`brew doctor` style): one section per group, one aligned line per
 * check with ✓ / ! / ✗ / - , and under each warning or failure its further lines and the fix.
 * With `out.width`, messages wrap at spaces under their own column instead of being broken
 * mid-word by the terminal.
 */
export function renderDoctor(report: DoctorReport, out: TerminalOutput = { palette: PLAIN }): string {
  const p = out.palette;
  const lines: string[] = [];
  const where = report.url ? `, cluster ${report.url}` : '';
  lines.push(...wrapWords(`eskeys doctor: environment ${report.environment}${where}`, out.width, '  '));
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const indent = ' '.repeat(2 + 2 + width + 2);
  // A terminal too narrow for the aligned column still gets whole words, under a shallower indent.
  const hanging = out.width !== undefined && out.width - indent.length < 30 ? '      ' : indent;
  for (const group of CHECK_GROUPS) {
    const checks = report.checks.filter((c) => c.group === group);
    if (checks.length === 0) continue;
    lines.push('', p.bold(HEADING[group]));
    for (const c of checks) {
      const [first = '', ...rest] = wrapWords(
        `  ${SYMBOL[c.status]} ${c.title.padEnd(width)}  ${c.message}`,
        out.width,
        hanging,
      );
      lines.push(`  ${p[PAINT[c.status]](SYMBOL[c.status])}${first.slice(3)}`, ...rest);
      if (c.status === 'warn' || c.status === 'fail') {
        for (const d of c.details ?? []) lines.push(...wrapWords(`${indent}${d}`, out.width, hanging));
        if (c.fix) lines.push(...wrapWords(`${indent}fix: ${c.fix}`, out.width, hanging));
      }
    }
  }
  const s = report.summary;
  const parts = [
    s.fail > 0 ? p.bad(`${s.fail} failed`) : `${s.fail} failed`,
    s.warn > 0 ? p.warn(plural(s.warn, 'warning')) : plural(s.warn, 'warning'),
    `${s.ok} ok`,
    `${s.skip} skipped`,
  ];
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
