// The CLI's composition of a scheduler pass: the core's runPass given one session per
// environment (core/use-cases/pass-session.ts over the rotation services opened here), the
// project's templates and its audit log. `eskeys tick` runs one pass; `eskeys schedule` runs one
// on every firing.

import { AuditRecordReader } from '../../adapters/audit/audit-record-reader.js';
import { JsonlJournalStore } from '../../adapters/journal/jsonl-journal-store.js';
import { ConfigError, isEskeysError } from '../../core/errors.js';
import type { Reporter } from '../../core/ports.js';
import { templateHash } from '../../core/rotation/template-hash.js';
import { type PassReport, type PassTemplate, runPass } from '../../core/scheduler/pass.js';
import { resolveEnvironment } from '../../core/templates/load-template.js';
import { DEFAULT_ENVIRONMENT } from '../../core/templates/schema.js';
import { createPassSession } from '../../core/use-cases/pass-session.js';
import { openRotationServices, runContext, stderrReporter } from '../composition.js';
import type { CliContext } from '../context.js';
import { type ClusterFlags, loadProject, type Project } from '../project.js';
import { sweepLocalLeftovers } from './leftovers.js';
import { driftPolicy, passConcurrency, type TickOptions } from './pass-options.js';

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
  return new AuditRecordReader(project.auditLogPath, (v) =>
    reporter.warn(
      `the audit log is broken at line ${v.brokenAt} (${v.reason}); review reminders use its ${v.entries} verified entries only (\`eskeys audit verify\`)`,
    ),
  );
}

/** The templates a pass covers, each loaded (or with the error that kept it from loading). */
async function passTemplates(
  project: Project,
  only: string | undefined,
  reporter: Reporter,
): Promise<PassTemplate[]> {
  const names = only ? [only] : await project.templateNames();
  if (names.length === 0) {
    throw new ConfigError(
      `no templates in ${project.config.templates_dir}/ (templates_dir of eskeys.config.json): nothing to schedule`,
    );
  }
  const out: PassTemplate[] = [];
  for (const name of names) {
    try {
      const { template, warnings } = await project.scopeTemplate(name);
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
  const templates = await passTemplates(project, opts.template, reporter);
  const audit = auditRecordReader(project, reporter);
  // Locks and temp files of killed processes, before anything takes a lock (leftovers.ts).
  const entries = await new JsonlJournalStore(project.stateDir).readAll();
  const sweep = await sweepLocalLeftovers(ctx, project, entries, { dryRun: opts.dryRun });
  for (const w of sweep.warnings) reporter.warn(w);
  for (const l of sweep.removed) reporter.step(`${opts.dryRun ? 'would remove' : 'removed'} ${l}`);
  return runPass(
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
