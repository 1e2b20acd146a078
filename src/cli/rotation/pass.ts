// The CLI's composition of a scheduler pass: the core's runPass given one session per
// environment (core/use-cases/pass-session.ts over the rotation services opened here), the
// project's templates and its audit log. `eskeys tick` runs one pass; `eskeys schedule` runs one
// on every firing.

import { AuditRecordReader } from '../../adapters/audit/audit-record-reader.js';
import { JsonlJournalStore } from '../../adapters/journal/jsonl-journal-store.js';
import type { Reporter } from '../../core/ports.js';
import { type PassReport, runPass } from '../../core/scheduler/pass.js';
import { createPassSession, environmentsOfPass, templatesOfPass } from '../../core/use-cases/pass-session.js';
import { openRotationServices, runContext, stderrReporter } from '../composition.js';
import type { CliContext } from '../context.js';
import { type ClusterFlags, loadProject, type Project } from '../project.js';
import { terminalProgress } from '../render/progress.js';
import { sweepLocalLeftovers } from './leftovers.js';
import { driftPolicy, passConcurrency, type TickOptions } from './pass-options.js';

/** Environments a pass covers: --env/ESKEYS_ENV, else every configured one, else `default`. */
export function passEnvironments(ctx: CliContext, project: Project, flags: ClusterFlags): string[] {
  return environmentsOfPass(project, flags.env ?? ctx.env.ESKEYS_ENV);
}

/**
 * The audit log's records for one pass, read incrementally: the entries up to the first break of
 * the hash chain, then later lines marked unverified (see AuditRecordReader and AuditRecord).
 */
function auditRecordReader(project: Project, reporter: Reporter): AuditRecordReader {
  return new AuditRecordReader(project.auditLogPath, (v) =>
    reporter.warn(
      `the audit log is broken at line ${v.brokenAt} (${v.reason}); review reminders use its ${v.entries} verified entries only (\`eskeys audit verify\`)`,
    ),
  );
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
  // The `n/N template@env` counter (a terminal's stderr only) is cleared around every other
  // stderr line so the two never share a line; --quiet drops the per-step lines, not warnings.
  const progress = terminalProgress(ctx.io.stderrTerminal);
  const lines = stderrReporter(ctx.io, project.root);
  const reporter: Reporter = {
    step: (m) => (opts.quiet ? undefined : progress.around(() => lines.step(m))),
    warn: (m) => progress.around(() => lines.warn(m)),
  };
  const templates = await templatesOfPass(project, opts.template, reporter);
  const audit = auditRecordReader(project, reporter);
  // Locks and temp files of killed processes, before anything takes a lock (leftovers.ts).
  const entries = await new JsonlJournalStore(project.stateDir).readAll();
  const sweep = await sweepLocalLeftovers(ctx, project, entries, { dryRun: opts.dryRun });
  for (const w of sweep.warnings) reporter.warn(w);
  for (const l of sweep.removed) reporter.step(`${opts.dryRun ? 'would remove' : 'removed'} ${l}`);
  try {
    return await runPass(
      {
        clock: ctx.clock,
        signal: ctx.signal,
        openEnvironment: async (environment) =>
          createPassSession({
            ctx: runContext(ctx),
            project,
            services: await (opts.openServices ?? openRotationServices)(ctx, project, {
              ...opts,
              env: environment,
            }),
            environment,
            reporter,
          }),
        auditRecords: () => audit.read(),
        warn: (m) => reporter.warn(m),
        progress: (started, total, scope) => progress.update(started, total, scope),
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
  } finally {
    progress.clear();
  }
}
