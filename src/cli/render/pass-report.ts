// The report of one scheduler pass for people (a line per scope, a summary) and for machines
// (stable snake_case JSON); `eskeys tick` prints it, `eskeys schedule` logs it per pass.

import type { PassRecovery, PassReport, ScopeReport } from '../../core/scheduler/pass.js';

const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + 'Z';

/** Counts of a pass, for the summary line and JSON. */
export function passCounts(report: PassReport): Record<string, number> {
  const count = (s: ScopeReport['status']) => report.scopes.filter((x) => x.status === s).length;
  return {
    scopes: report.scopes.length,
    rotated: count('rotated') + count('would_rotate'),
    created: count('created') + count('would_create'),
    up_to_date: count('up_to_date'),
    revoked: report.scopes.reduce((n, s) => n + s.revoked.length, 0),
    review_due: report.scopes.filter((s) => s.decision?.review.due).length,
    missing: count('missing'),
    skipped: count('skipped'),
    failed: count('failed') + report.recoveries.filter((r) => r.outcome === 'failed').length,
    recovered: report.recoveries.filter((r) => r.outcome === 'recovered' || r.outcome === 'rolled_back')
      .length,
    no_template: count('no_template'),
  };
}

/** One line for an interrupted rotation that recovery handled. */
export function recoveryLine(r: PassRecovery): string {
  const scope = `${r.template}@${r.environment}`;
  const at = r.interruptedAt ? ` (interrupted at ${r.interruptedAt})` : '';
  switch (r.outcome) {
    case 'locked':
      return `recovery of ${scope} rotation ${r.rotation} skipped: ${r.reason}`;
    case 'failed':
      return `recovery of ${scope} rotation ${r.rotation}${at} failed: ${r.reason}`;
    case 'planned':
      return `would recover ${scope} rotation ${r.rotation}${at}: ${r.decision === 'roll_back' ? 'roll back' : 'roll forward'}: ${r.reason}`;
    default:
      return `recovered ${scope} rotation ${r.rotation}${at}: ${r.outcome === 'rolled_back' ? 'rolled back' : 'rolled forward'}: ${r.reason}${r.actions.length ? ` (${r.actions.join('; ')})` : ''}`;
  }
}

/** The status part of a scope's line (`rotated: ...`, `up to date (next rotation in 61d)`). */
export function scopeText(s: ScopeReport, dryRun: boolean): string {
  const d = s.decision;
  const parts: string[] = [];
  switch (s.status) {
    case 'rotated':
      parts.push(
        `rotated: ${s.newKey?.name} replaces ${d?.current?.info.name ?? 'the previous key'} (${s.reason})${s.oldKeyUntil ? `; the old key stays valid until ${day(s.oldKeyUntil)}` : ''}`,
      );
      break;
    case 'created':
      parts.push(`created ${s.newKey?.name}: ${s.reason}`);
      break;
    case 'would_rotate':
      parts.push(`would rotate: ${s.reason}`);
      break;
    case 'would_create':
      parts.push(`would create: ${s.reason}`);
      break;
    case 'up_to_date':
      parts.push(`up to date (${s.reason})`);
      break;
    default:
      parts.push(`${s.status.replace('_', ' ')}: ${s.reason}`);
  }
  if (s.revoked.length > 0) {
    parts.push(
      `${dryRun ? 'would revoke' : 'revoked'} ${s.revoked.map((k) => k.name).join(', ')} (grace over)`,
    );
  }
  if (d?.review.due && d.review.dueAt) {
    parts.push(
      `review due since ${day(d.review.dueAt)}${s.reminded ? (dryRun ? ' (a reminder would be recorded)' : ' (reminder recorded in the audit log)') : ''}`,
    );
  }
  return parts.join(' · ');
}

/** The human summary of a pass: recoveries, one line per scope, notes, a total. */
export function renderPass(report: PassReport): string {
  const lines: string[] = report.recoveries.map(recoveryLine);
  const width = Math.max(0, ...report.scopes.map((s) => s.template.length + s.environment.length + 1));
  for (const s of report.scopes) {
    lines.push(`${`${s.template}@${s.environment}`.padEnd(width)}  ${scopeText(s, report.dryRun)}`);
    for (const w of s.warnings) lines.push(`${' '.repeat(width)}  note: ${w}`);
  }
  lines.push(passSummary(report));
  if (report.dryRun) lines.push('dry run: nothing was changed');
  return lines.join('\n') + '\n';
}

/** `tick: 4 scopes: 1 rotated, 3 up to date; exit 0`. */
export function passSummary(report: PassReport): string {
  const c = passCounts(report);
  const verbs: [string, number][] = [
    [report.dryRun ? 'to rotate' : 'rotated', c.rotated!],
    [report.dryRun ? 'to create' : 'created', c.created!],
    ['up to date', c.up_to_date!],
    [report.dryRun ? 'keys to revoke' : 'keys revoked', c.revoked!],
    ['review due', c.review_due!],
    ['missing', c.missing!],
    ['without template', c.no_template!],
    ['skipped', c.skipped!],
    ['failed', c.failed!],
    ['recovered', c.recovered!],
  ];
  const said = verbs.filter(([, n]) => n > 0).map(([w, n]) => `${n} ${w}`);
  return `tick: ${c.scopes} scope${c.scopes === 1 ? '' : 's'}${said.length ? `: ${said.join(', ')}` : ''}; exit ${report.exitCode}`;
}

const iso = (d: Date | undefined) => d?.toISOString() ?? null;

/** The machine form of a pass (stable snake_case fields). */
export function passJson(report: PassReport): Record<string, unknown> {
  return {
    dry_run: report.dryRun,
    started_at: report.startedAt.toISOString(),
    finished_at: report.finishedAt.toISOString(),
    exit_code: report.exitCode,
    counts: passCounts(report),
    recovered: report.recoveries.map((r) => ({
      template: r.template,
      environment: r.environment,
      rotation: r.rotation,
      outcome: r.outcome,
      decision: r.decision ?? null,
      reason: r.reason,
      interrupted_at: r.interruptedAt ?? null,
      actions: r.actions,
      exit_code: r.exitCode,
    })),
    scopes: report.scopes.map((s) => {
      const d = s.decision;
      const k = d?.current;
      return {
        template: s.template,
        environment: s.environment,
        status: s.status,
        reason: s.reason,
        exit_code: s.exitCode,
        current_key: k
          ? {
              id: k.info.id,
              name: k.info.name,
              generation: k.meta.generation,
              created_at: k.info.creation.toISOString(),
              expires_at: iso(k.info.expiration),
            }
          : null,
        new_key: s.newKey ? { id: s.newKey.id, name: s.newKey.name, generation: s.newKey.generation } : null,
        old_key_until: iso(s.oldKeyUntil),
        rotation: d
          ? {
              every: d.rotation.every,
              source: d.rotation.source,
              due: d.rotation.due,
              due_at: iso(d.rotation.dueAt),
              trigger: d.rotation.trigger ?? null,
            }
          : null,
        revoked: s.revoked.map((r) => ({ id: r.id, name: r.name })),
        review: d
          ? {
              every: d.review.every,
              due: d.review.due,
              due_at: iso(d.review.dueAt),
              last_completed_at: iso(d.review.lastCompleted),
              reminded: s.reminded,
            }
          : null,
        drift: d?.drift ? { direction: d.drift.direction, changes: d.drift.changes } : null,
        warnings: s.warnings,
      };
    }),
  };
}
