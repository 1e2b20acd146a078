import { Command, Option } from 'commander';
import { openRotations } from '../../core/journal/plan-recovery.js';
import { abandonedCreates, type LateKeyResult } from '../../core/rotation/late-keys.js';
import type { RecoveryResult } from '../../core/rotation/recover-rotation.js';
import { maskId } from '../../core/secret.js';
import { type RecoveryProblem, recoverEnvironments } from '../../core/use-cases/recover.js';
import { findOrphanKeys, recoveryFailure } from '../../core/use-cases/recover-outcome.js';
import { type OpenServices, openRotationServices, runContext, stderrReporter } from '../composition.js';
import type { CliContext } from '../context.js';
import {
  addClusterOptions,
  type ClusterFlags,
  environmentName,
  loadProject,
  type Project,
} from '../project.js';
import { writeJson } from '../render/json.js';
import { sweepLocalLeftovers } from '../rotation/leftovers.js';

/** Flags of `recover` plus the ports it uses. */
export interface RecoverOptions extends ClusterFlags {
  readonly ctx: CliContext;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  /** @defaultValue openRotationServices */
  readonly openServices?: OpenServices;
}

function renderResult(r: RecoveryResult, project: Project): string {
  const rel = (f: string) => project.projectPath(f);
  const lines = [
    `${r.template}@${r.environment}: rotation ${r.rotation} (new key ${r.keyName ?? '?'}${r.keyId ? ` ${maskId(r.keyId)}` : ''}) was interrupted at ${r.interruptedAt}`,
  ];
  const files = Object.entries(r.files);
  if (files.length > 0)
    lines.push(
      `  env files: ${files.map(([f, h]) => `${rel(f)} holds ${h === 'new' ? 'the new key' : h === 'old' ? 'the old key' : h}`).join('; ')}`,
    );
  lines.push(
    `  decision: ${r.decision.action === 'roll_back' ? 'roll back' : 'roll forward'}: ${r.decision.reason}`,
  );
  for (const a of r.actions) lines.push(`  done: ${a.split(`${project.root}/`).join('')}`);
  if (r.outcome === 'planned') lines.push('  dry run: nothing was changed');
  return lines.join('\n') + '\n';
}

function renderLateKey(l: LateKeyResult): string {
  return `${l.template}@${l.environment}: ${l.action}: ${l.reason}\n`;
}

/** Runs `eskeys recover`: every rotation whose journal has no end is rolled back or forward. */
export async function runRecover(opts: RecoverOptions): Promise<void> {
  const { ctx } = opts;
  const project = loadProject(ctx, opts.config);
  const openFor = (flags: ClusterFlags) => (opts.openServices ?? openRotationServices)(ctx, project, flags);
  // Shared per environment and closed when the command ends (CliContext.services).
  const services = await ctx.services(environmentName(ctx, opts), () => openFor(opts));
  const reporter = stderrReporter(ctx.io, project.root);
  const results: RecoveryResult[] = [];
  const problems: RecoveryProblem[] = [];
  const lateKeys: LateKeyResult[] = [];
  const entries = await services.journal.readAll();
  const open = openRotations(entries).filter((p) => !opts.env || p.environment === opts.env);
  const orphans = await findOrphanKeys(services.cluster, entries, opts.env, ctx.clock.now());
  for (const o of orphans) {
    reporter.warn(
      `key ${o.name} (${maskId(o.id)}) has been pending since ${o.created} (created by ${o.created_by}) and no journal here knows it: recover on that host, or \`eskeys revoke --id ${o.id}\` once no env file holds it`,
    );
  }
  // Locks and temp files of killed processes: local, so swept before anything else.
  const sweep = await sweepLocalLeftovers(ctx, project, entries, { dryRun: opts.dryRun });
  for (const w of sweep.warnings) reporter.warn(w);
  if (!opts.json) {
    for (const l of sweep.removed) ctx.io.stdout.write(`${opts.dryRun ? 'would remove' : 'removed'} ${l}\n`);
  }
  // Keys the cluster minted after a rotation here had given up on its create (see late-keys.ts).
  const lateEnvironments = [...abandonedCreates(entries).values()]
    .map((a) => a.environment)
    .filter((e) => !opts.env || e === opts.env);
  const environments = [...new Set([...open.map((p) => p.environment), ...lateEnvironments])].sort();
  if (environments.length === 0) {
    if (opts.json)
      writeJson(ctx.io, { recovered: [], late_keys: [], leftovers: sweep.removed, problems: [], orphans });
    else ctx.io.stdout.write('no interrupted rotation in the journal\n');
    return;
  }
  const run = await recoverEnvironments({
    ctx: runContext(ctx),
    project,
    services,
    reporter,
    entries,
    open,
    environments,
    here: environmentName(ctx, opts),
    dryRun: opts.dryRun,
    openServices: (environment) => ctx.services(environment, () => openFor({ ...opts, env: environment })),
    onLateKey: (l) => {
      if (!opts.json) ctx.io.stdout.write(renderLateKey(l));
    },
    onResult: (result) => {
      if (!opts.json) ctx.io.stdout.write(renderResult(result, project));
    },
  });
  results.push(...run.results);
  problems.push(...run.problems);
  lateKeys.push(...run.lateKeys);
  if (!opts.json && results.length === 0 && lateKeys.length === 0 && problems.length === 0) {
    ctx.io.stdout.write('no interrupted rotation in the journal\n');
  }
  if (opts.json) {
    writeJson(ctx.io, {
      dry_run: !!opts.dryRun,
      recovered: results.map((r) => ({ ...r, files: r.files })),
      late_keys: lateKeys,
      leftovers: sweep.removed,
      problems,
      orphans,
    });
  }
  const failure = recoveryFailure(problems);
  if (failure) throw failure;
}

/** `eskeys recover`: resume or roll back interrupted rotations from the journal. */
export function recoverCommand(
  ctx: CliContext,
  run: (opts: RecoverOptions) => Promise<void> = runRecover,
): Command {
  const cmd = new Command('recover').description(
    'resume or roll back an interrupted rotation from the journal',
  );
  addClusterOptions(cmd)
    .addOption(new Option('--dry-run', 'show each decision; change nothing'))
    .addOption(new Option('--json', 'machine-readable output on stdout'))
    .action(async (flags: Omit<RecoverOptions, 'ctx'>) => {
      await run({ ...flags, ctx });
    });
  return cmd;
}
