import { actorName } from '../actor.js';
// The CLI's composition of a scheduler pass: the core's runPass given one session per
// environment — the rotation services wired to prepare/execute a rotation, recovery, revocation
// and review reminders — plus the project's templates and its audit log. `eskeys tick` runs one
// pass; `eskeys schedule` runs one on every firing.

import { AuditRecordReader } from '../../adapters/audit/audit-record-reader.js';
import { JsonlJournalStore } from '../../adapters/journal/jsonl-journal-store.js';
import { ConfigError, ExitCode, isEskeysError } from '../../core/errors.js';
import { openRotations } from '../../core/journal/plan-recovery.js';
import type { Reporter } from '../../core/ports.js';
import { parseManagedKeys } from '../../core/rotation/key-metadata.js';
import { invalidateLateKeys } from '../../core/rotation/late-keys.js';
import { revokeKeys } from '../../core/rotation/plan-revoke.js';
import { templateHash } from '../../core/rotation/template-hash.js';
import {
  type EnvironmentSession,
  type PassRecovery,
  type PassReport,
  type PassTemplate,
  runPass,
} from '../../core/scheduler/pass.js';
import { REVIEW_DUE } from '../../core/scheduler/review.js';
import { resolveEnvironment } from '../../core/templates/load-template.js';
import { DEFAULT_ENVIRONMENT } from '../../core/templates/schema.js';
import type { CliContext } from '../context.js';
import { auditLogPath, type ClusterFlags, loadProject, type Project, stateDirOf } from '../project.js';
import { sweepLocalLeftovers } from './leftovers.js';
import { driftPolicy, passConcurrency, type TickOptions } from './pass-options.js';
import { recoverOpenRotations } from './recover.js';
import { executeRotation, prepareRotation, requireUserAdmin } from './run.js';
import { openRotationServices, stderrReporter } from './services.js';
import { guardOutputs, listTemplates, loadTemplate, resolveOutputs } from './targets.js';

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
 * The audit log's records for one pass, read incrementally: the entries up to the first break of
 * the hash chain, then later lines marked unverified (see AuditRecordReader and AuditRecord).
 */
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
      const entries = await services.journal.readAll();
      // Keys the cluster minted after a rotation here had given up on its create (late-keys.ts).
      const late: PassRecovery[] = (
        await invalidateLateKeys(
          { cluster: services.cluster, clock: ctx.clock, audit: services.audit, actor },
          entries,
          environment,
          {
            dryRun,
            templates,
          },
        )
      ).map((l) => ({
        template: l.template,
        environment: l.environment,
        rotation: l.rotation,
        outcome: dryRun ? 'planned' : 'rolled_back',
        decision: 'roll_back',
        reason: l.reason,
        actions: [l.action],
        exitCode: ExitCode.ok,
      }));
      const open = openRotations(entries).filter(
        (p) => p.environment === environment && (!templates || templates.includes(p.template)),
      );
      if (open.length === 0) return late;
      const { results, problems } = await recoverOpenRotations({
        ctx,
        project,
        services,
        reporter,
        open,
        dryRun,
      });
      const out: PassRecovery[] = late.concat(
        results.map((r) => ({
          template: r.template,
          environment: r.environment,
          rotation: r.rotation,
          outcome: r.outcome,
          decision: r.decision.action,
          reason: r.decision.reason,
          actions: r.actions.map(rel),
          interruptedAt: r.interruptedAt,
          exitCode: ExitCode.ok,
        })),
      );
      for (const p of problems) {
        const progress = open.find((o) => o.rotation === p.rotation)!;
        const locked = p.exitCode === ExitCode.locked;
        out.push({
          template: progress.template,
          environment: progress.environment,
          rotation: p.rotation,
          outcome: locked ? 'locked' : 'failed',
          reason: rel(p.error),
          actions: [],
          interruptedAt: progress.lastStep,
          exitCode: locked ? ExitCode.ok : p.exitCode,
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
      await guardOutputs(ctx, project, { template, file: template.name }, environment, outputs);
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
  // Locks and temp files of killed processes, before anything takes a lock (leftovers.ts).
  const entries = await new JsonlJournalStore(stateDirOf(project)).readAll();
  const sweep = await sweepLocalLeftovers(ctx, project, entries, { dryRun: opts.dryRun });
  for (const w of sweep.warnings) reporter.warn(w);
  for (const l of sweep.removed) reporter.step(`${opts.dryRun ? 'would remove' : 'removed'} ${l}`);
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
