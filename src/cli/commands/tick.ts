import { Command, Option } from 'commander';
import { AuditRecordReader } from '../../adapters/audit/audit-record-reader.js';
import { ConfigError, isEskeysError, ReportedError, UsageError } from '../../core/errors.js';
import { openRotations } from '../../core/journal/plan-recovery.js';
import type { Reporter } from '../../core/ports.js';
import { parseManagedKeys } from '../../core/rotation/key-metadata.js';
import { revokeKeys } from '../../core/rotation/plan-revoke.js';
import { templateHash } from '../../core/rotation/template-hash.js';
import {
  type EnvironmentSession,
  type PassRecovery,
  type PassReport,
  type PassTemplate,
  runPass,
  type ScopeReport,
} from '../../core/scheduler/pass.js';
import { DRIFT_POLICIES, type DriftPolicy } from '../../core/scheduler/policy.js';
import { REVIEW_DUE } from '../../core/scheduler/review.js';
import { resolveEnvironment } from '../../core/templates/load-template.js';
import { DEFAULT_ENVIRONMENT } from '../../core/templates/schema.js';
import type { CliContext } from '../context.js';
import { addClusterOptions, auditLogPath, type ClusterFlags, loadProject, type Project } from '../project.js';
import { writeJson } from '../render/json.js';
import { recoverOpenRotations } from './recover.js';
import {
  actorName,
  executeRotation,
  listTemplates,
  loadTemplate,
  type OpenServices,
  openRotationServices,
  prepareRotation,
  requireUserAdmin,
  resolveOutputs,
  stderrReporter,
} from './rotate.js';

/** Flags of `tick` (and of each pass of `schedule`) plus the ports they use. */
export interface TickOptions extends ClusterFlags {
  readonly ctx: CliContext;
  /** Only this template (name or path); @defaultValue every template of the templates folder */
  readonly template?: string;
  /** Create the first key of a (template, environment) that has none. @defaultValue false */
  readonly createMissing?: boolean;
  /** What template drift does. @defaultValue 'narrowing' */
  readonly drift?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  /** `--concurrency`: scopes of one environment handled at once (1-64). @defaultValue 1 */
  readonly concurrency?: string;
  /** @defaultValue openRotationServices */
  readonly openServices?: OpenServices;
}

/** Scopes handled at once, from `--concurrency`; UsageError (exit 2) unless a whole number 1-64. */
export function passConcurrency(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 64) {
    throw new UsageError(`--concurrency ${value}: expected a whole number from 1 to 64`);
  }
  return n;
}

/** The drift policy from the flag; UsageError (exit 2) when unknown. */
export function driftPolicy(value: string | undefined): DriftPolicy {
  if (value === undefined) return 'narrowing';
  if ((DRIFT_POLICIES as readonly string[]).includes(value)) return value as DriftPolicy;
  throw new UsageError(`--drift ${value}: expected one of ${DRIFT_POLICIES.join(', ')}`);
}

/** Environments a pass covers: --env/ESKEYS_ENV, else every configured one, else `default`. */
export function passEnvironments(ctx: CliContext, project: Project, flags: ClusterFlags): string[] {
  const named = flags.env ?? ctx.env.ESKEYS_ENV;
  if (named) {
    resolveEnvironment(project.config, named); // ConfigError (exit 2) for an unknown name
    return [named];
  }
  const configured = Object.keys(project.config.environments).sort();
  return configured.length > 0 ? configured : [DEFAULT_ENVIRONMENT];
}

/**
 * The audit log's trusted records: the entries up to the first break of the hash chain (a
 * forged `review.completed` after a tampered line must not silence a reminder).
 */
/** The audit log's records for one pass, read incrementally (see AuditRecordReader). */
function auditRecordReader(project: Project, reporter: Reporter): AuditRecordReader {
  return new AuditRecordReader(auditLogPath(project), (v) =>
    reporter.warn(
      `the audit log is broken at line ${v.brokenAt} (${v.reason}); review reminders use its ${v.entries} verified entries only (\`eskeys audit verify\`)`,
    ),
  );
}

/** The templates a pass covers, each loaded (or with the error that kept it from loading). */
async function passTemplates(
  ctx: CliContext,
  project: Project,
  only: string | undefined,
  reporter: Reporter,
): Promise<PassTemplate[]> {
  const names = only ? [only] : await listTemplates(project);
  if (names.length === 0) {
    throw new ConfigError(
      `no templates in ${project.config.templates_dir}/ (templates_dir of eskeys.config.json): nothing to schedule`,
    );
  }
  const out: PassTemplate[] = [];
  for (const name of names) {
    try {
      const { template, warnings } = await loadTemplate(ctx, project, name);
      for (const w of warnings) reporter.warn(w);
      out.push({ name: template.name, template, hash: templateHash(template.role_descriptors) });
    } catch (error) {
      // --template naming a broken or missing template is a usage problem of the whole run.
      if (only || !isEskeysError(error)) throw error;
      out.push({ name, error: { message: error.message, exitCode: error.exitCode } });
    }
  }
  return out;
}

/** One environment's session: the rotation verbs' services and runners, without prompts. */
async function openSession(
  opts: TickOptions,
  project: Project,
  environment: string,
  reporter: Reporter,
): Promise<EnvironmentSession> {
  const { ctx } = opts;
  const services = await (opts.openServices ?? openRotationServices)(ctx, project, {
    ...opts,
    env: environment,
  });
  const actor = actorName(ctx.env);
  const rel = (line: string) => line.split(`${project.root}/`).join('');
  return {
    async recover({ templates, dryRun }) {
      const open = openRotations(await services.journal.readAll()).filter(
        (p) => p.environment === environment && (!templates || templates.includes(p.template)),
      );
      if (open.length === 0) return [];
      const { results, problems } = await recoverOpenRotations({
        ctx,
        project,
        services,
        reporter,
        open,
        dryRun,
      });
      const out: PassRecovery[] = results.map((r) => ({
        template: r.template,
        environment: r.environment,
        rotation: r.rotation,
        outcome: r.outcome,
        decision: r.decision.action,
        reason: r.decision.reason,
        actions: r.actions.map(rel),
        interruptedAt: r.interruptedAt,
        exitCode: 0,
      }));
      for (const p of problems) {
        const progress = open.find((o) => o.rotation === p.rotation)!;
        const locked = p.exitCode === 4;
        out.push({
          template: progress.template,
          environment: progress.environment,
          rotation: p.rotation,
          outcome: locked ? 'locked' : 'failed',
          reason: rel(p.error),
          actions: [],
          interruptedAt: progress.lastStep,
          exitCode: locked ? 0 : p.exitCode,
        });
      }
      return out;
    },
    findKeys: async () => parseManagedKeys(await services.cluster.findManagedKeys({ environment })),
    findScopeKeys: async (template) =>
      parseManagedKeys(await services.cluster.findManagedKeys({ template, environment })),
    lock: (scope) => services.lock(scope),
    async rotate(template, mode, keys) {
      requireUserAdmin(services.cluster);
      const outputs = resolveOutputs(project, template, environment);
      const prepared = await prepareRotation({
        ctx,
        services,
        reporter,
        template,
        environment,
        outputs,
        mode,
        keys,
      });
      for (const w of prepared.plan.warnings) reporter.warn(w);
      return executeRotation({ ctx, project, services, reporter, prepared });
    },
    revoke: (keys) => revokeKeys(services, keys, { actor, reason: 'grace period over' }),
    async remindReview(d) {
      await services.audit.append({
        type: REVIEW_DUE,
        template: d.template,
        environment: d.environment,
        keyId: d.current?.info.id,
        actor,
        details: {
          review_every: d.review.every,
          due_at: d.review.dueAt?.toISOString() ?? null,
          last_completed_at: d.review.lastCompleted?.toISOString() ?? null,
        },
      });
    },
    envFilesOf(template) {
      try {
        return resolveOutputs(project, template, environment).envFiles;
      } catch {
        return []; // the scope's own rotation reports the outputs problem
      }
    },
    close: () => services.close(),
  };
}

/**
 * One scheduler pass, exactly as `eskeys tick` runs it and as each firing of `eskeys schedule`
 * does: the project and templates are read afresh, so a changed template is picked up.
 */
export async function tickPass(opts: TickOptions): Promise<PassReport> {
  const { ctx } = opts;
  const drift = driftPolicy(opts.drift);
  const concurrency = passConcurrency(opts.concurrency);
  const project = loadProject(ctx, opts.config);
  const environments = passEnvironments(ctx, project, opts);
  const reporter = stderrReporter(ctx.io, project.root);
  const templates = await passTemplates(ctx, project, opts.template, reporter);
  const audit = auditRecordReader(project, reporter);
  return runPass(
    {
      clock: ctx.clock,
      signal: ctx.signal,
      openEnvironment: (environment) => openSession(opts, project, environment, reporter),
      auditRecords: () => audit.read(),
      warn: (m) => reporter.warn(m),
    },
    {
      environments,
      templates,
      narrowed: opts.template !== undefined,
      dryRun: opts.dryRun === true,
      createMissing: opts.createMissing === true,
      drift,
      concurrency,
    },
  );
}

// --- rendering --------------------------------------------------------------------------------

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

/** Runs `eskeys tick`: one pass, its summary, the most severe exit code. */
export async function runTick(opts: TickOptions): Promise<void> {
  const report = await tickPass(opts);
  if (opts.json) writeJson(opts.ctx.io, passJson(report));
  else opts.ctx.io.stdout.write(renderPass(report));
  if (report.exitCode !== 0) throw new ReportedError(report.exitCode);
}

/** Adds the flags shared by tick and schedule. */
export function addPassOptions(cmd: Command): Command {
  return addClusterOptions(cmd)
    .addOption(new Option('-t, --template <name>', 'only this template (default: every template in roles/)'))
    .addOption(
      new Option('--create-missing', 'create the first key of a template and environment that has none'),
    )
    .addOption(
      new Option(
        '--drift <policy>',
        'template changed since the key was minted: report it, rotate when the change only removes access (narrowing, the default), or rotate',
      ).choices([...DRIFT_POLICIES]),
    )
    .addOption(
      new Option(
        '--concurrency <n>',
        'templates of one environment handled at once, each under its own lock (1-64)',
      ).default(undefined, '1'),
    )
    .addOption(new Option('--dry-run', 'decide and print; change nothing'))
    .addOption(new Option('--json', 'machine-readable output on stdout'));
}

/** `eskeys tick`: one scheduler pass (for system cron, a Kubernetes CronJob, a CI schedule). */
export function tickCommand(ctx: CliContext, run: (opts: TickOptions) => Promise<void> = runTick): Command {
  const cmd = new Command('tick').description(
    'one scheduler pass: recover interrupted rotations, rotate due keys, revoke keys past grace, record review reminders',
  );
  addPassOptions(cmd)
    .addHelpText(
      'after',
      '\nExit codes: 0 pass completed (locked scopes are skipped, not failed) · 1 a verification or restart failed · 2 bad config or template · 3 cluster unreachable or auth failed · 5 a rotation is half done (run `eskeys recover`).\nSee docs/SCHEDULING.md.',
    )
    .action(async (flags: Omit<TickOptions, 'ctx'>) => {
      await run({ ...flags, ctx });
    });
  return cmd;
}
