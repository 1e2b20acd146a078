import { Command, Option } from 'commander';
import type { ClusterPort } from '../../core/cluster-port.js';
import { withoutUserinfo } from '../../core/config/connection.js';
import { durationProblem, parseDuration } from '../../core/duration.js';
import { CancelledError, ExitCode, ReportedError, StoppedError, UsageError } from '../../core/errors.js';
import type { RecordingEnvFiles, RotationLock } from '../../core/ports/rotation.js';
import type { EffectiveOutputs } from '../../core/rotation/outputs.js';
import type { ProceedPlan } from '../../core/rotation/plan-rotation.js';
import { privilegeDiff } from '../../core/rotation/privilege-diff.js';
import { variableHolders } from '../../core/rotation/variable-holders.js';
import { Secret } from '../../core/secret.js';
import { DEFAULT_ENVIRONMENT, type RoleTemplate } from '../../core/templates/schema.js';
import { executeRotation, prepareRotation, requireUserAdmin } from '../../core/use-cases/rotate.js';
import { type OpenServices, openRotationServices, runContext, stderrReporter } from '../composition.js';
import type { CliContext } from '../context.js';
import { addClusterOptions, type ClusterFlags, loadProject, type Project } from '../project.js';
import { writeJson } from '../render/json.js';
import {
  type FileDiff,
  outcomeJson,
  type PlanLocation,
  renderOutcome,
  renderPlan,
} from '../render/rotation-report.js';
import { TEMPLATE_ARGUMENT, templateFrom } from '../template-argument.js';

/** Flags of `rotate`/`create` plus the ports they use. */
export interface RotateOptions extends ClusterFlags {
  readonly ctx: CliContext;
  readonly mode: 'create' | 'rotate';
  readonly template?: string;
  /** `--grace`; @defaultValue the template's rotation.grace */
  readonly grace?: string;
  /** `--now`: compromised key, invalidate the old one right after publishing. */
  readonly now?: boolean;
  /**
   * `--strict`: leave the old key untouched (exit 5) rather than retire it when the admin no
   * longer holds all its privileges. @defaultValue false (warn and retire)
   */
  readonly strict?: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
  /** @defaultValue openRotationServices */
  readonly openServices?: OpenServices;
}

/** Picks the template (flag, or interactive select) and environment (flag/env var, or select). */
async function pickTarget(
  opts: RotateOptions,
  project: Project,
): Promise<{ templateName: string; environment: string }> {
  const { ctx } = opts;
  let templateName = opts.template;
  if (!templateName) {
    const names = await project.templateNames();
    if (!ctx.io.canPrompt()) {
      throw new UsageError(`--template is required${names.length ? ` (one of: ${names.join(', ')})` : ''}`);
    }
    if (names.length === 0)
      throw new UsageError(`no templates in ${project.config.templates_dir}/; pass --template FILE`);
    templateName = await (await ctx.prompter()).select(
      'Template',
      names.map((n) => ({ value: n })),
    );
  }
  let environment = opts.env ?? ctx.env.ESKEYS_ENV;
  if (!environment) {
    // A project without environments has only `default`. One that declares environments must
    // say which: a person picks one; a script gets exit 2, not a quiet `default` (which
    // `tick` does not rotate when environments are declared, so that key would go stale).
    const envs = Object.keys(project.config.environments).filter((e) => e !== DEFAULT_ENVIRONMENT);
    if (envs.length === 0) environment = DEFAULT_ENVIRONMENT;
    else if (ctx.io.canPrompt())
      environment = await (await ctx.prompter()).select(
        'Environment',
        [...envs, DEFAULT_ENVIRONMENT].map((n) => ({ value: n })),
      );
    else
      throw new UsageError(
        `--env is required: ${project.configPath ? project.projectPath(project.configPath) : 'the project config'} declares environments (${envs.join(', ')}); pass --env NAME or set ESKEYS_ENV`,
      );
  }
  return { templateName, environment };
}

/** Runs `eskeys rotate` / `eskeys create`: plan, confirm, lock, rotate, render. */
export async function runRotate(opts: RotateOptions): Promise<void> {
  const { ctx } = opts;
  const graceProblem = opts.grace === undefined ? undefined : durationProblem(opts.grace);
  if (graceProblem) throw new UsageError(`--grace ${opts.grace}: ${graceProblem}`);
  if (opts.grace !== undefined && parseDuration(opts.grace)! < 1000) {
    throw new UsageError(
      `--grace ${opts.grace}: must be at least 1s; use --now to invalidate the old key at once`,
    );
  }
  const project = loadProject(ctx, opts.config);
  const { templateName, environment } = await pickTarget(opts, project);
  const flags: ClusterFlags = { ...opts, env: environment };
  const { template, file, warnings: templateWarnings } = await project.scopeTemplate(templateName);
  const outputs = project.outputs(template, environment);
  // Before connecting: a bad output is the project's problem, not the cluster's.
  await project.guardOutputs({ template, file: project.shownPath(file) }, environment, outputs);
  const reporter = stderrReporter(ctx.io, project.root);
  for (const w of templateWarnings) reporter.warn(w);
  const services = await (opts.openServices ?? openRotationServices)(ctx, project, flags);
  const scope = { template: template.name, environment };
  const scopeName = `${template.name}@${environment}`;
  let lock: RotationLock | undefined;
  try {
    requireUserAdmin(services.cluster);
    if (!opts.dryRun) lock = await services.lock(scopeName);
    const prepared = await prepareRotation({
      ctx: runContext(ctx),
      services,
      reporter,
      template,
      environment,
      outputs,
      mode: opts.mode,
      grace: opts.grace,
      immediate: opts.now,
      dryRun: opts.dryRun,
    });
    const { plan, envFiles } = prepared;

    if (opts.dryRun) {
      await renderDryRun(opts, plan, template, outputs, envFiles, project, services.cluster);
      return;
    }
    const shown = await confirmPlan(opts, plan, template, outputs, envFiles, project, services.cluster);
    if (!shown) for (const w of plan.warnings) reporter.warn(w);

    const outcome = await executeRotation({
      ctx: runContext(ctx),
      project,
      services,
      reporter,
      prepared,
      strictRetire: opts.strict,
    });
    if (opts.json) writeJson(ctx.io, outcomeJson(outcome, scope, envFiles.diffs, plan.warnings));
    else ctx.io.stdout.write(renderOutcome(outcome, scopeName, envFiles.diffs, ctx.clock.now()));
    if (outcome.status === 'verify_failed' || outcome.status === 'restart_failed')
      throw new ReportedError(ExitCode.verificationFailed);
    if (outcome.status === 'lost_race') throw new ReportedError(ExitCode.locked);
    // Ctrl-C after publish does not undo the rotation (consumers may already use the new key):
    // it completed, so say so and exit 0 rather than 130 ("cancelled") for work that was done.
    if (ctx.signal.aborted) {
      reporter.warn(
        'interrupted after the new key was published: the rotation was completed, not rolled back',
      );
      throw new StoppedError(ExitCode.ok);
    }
  } finally {
    await lock?.release();
    await services.close();
  }
}

async function planExtras(
  plan: ProceedPlan,
  template: RoleTemplate,
  outputs: EffectiveOutputs,
  envFiles: RecordingEnvFiles,
  cluster: ClusterPort,
) {
  const placeholder = new Secret(`<new key ${plan.name}>`);
  const vars: Record<string, Secret | string> = { [outputs.keyVar]: placeholder };
  if (outputs.idVar) vars[outputs.idVar] = 'NEW_KEY_ID';
  const diffs: FileDiff[] = [];
  for (const f of outputs.envFiles) diffs.push(await envFiles.preview(f, vars));
  const holders = await variableHolders(plan, outputs, envFiles, cluster);
  // Where the rotation acts, as the cluster itself reports the admin (_authenticate needs no
  // privilege). The URL never carries credentials (connection settings refuse userinfo; the
  // plan strips it anyway).
  const where: PlanLocation = {
    url: withoutUserinfo(cluster.url),
    environment: plan.environment,
    admin: await cluster.authenticate(),
  };
  return {
    where,
    holders,
    privilegeDiff: plan.current
      ? privilegeDiff(
          plan.current.info.roleDescriptors as Record<string, unknown> | undefined,
          template.role_descriptors,
        )
      : undefined,
    diffs,
  };
}

async function renderDryRun(
  opts: RotateOptions,
  plan: ProceedPlan,
  template: RoleTemplate,
  outputs: EffectiveOutputs,
  envFiles: RecordingEnvFiles,
  project: Project,
  cluster: ClusterPort,
): Promise<void> {
  const { ctx } = opts;
  const extras = await planExtras(plan, template, outputs, envFiles, cluster);
  if (opts.json) {
    writeJson(ctx.io, {
      dry_run: true,
      mode: plan.mode,
      template: plan.template,
      environment: plan.environment,
      cluster: {
        url: extras.where.url,
        environment: extras.where.environment,
        admin: {
          username: extras.where.admin.username,
          realm: extras.where.admin.authenticationRealm?.name ?? null,
          api_key:
            extras.where.admin.authenticationType === 'api_key'
              ? (extras.where.admin.apiKey?.name ?? null)
              : null,
        },
      },
      current: plan.current
        ? {
            id: plan.current.info.id,
            name: plan.current.info.name,
            created: plan.current.info.creation.toISOString(),
            age_ms: ctx.clock.now().getTime() - plan.current.info.creation.getTime(),
          }
        : null,
      new_key: { name: plan.name, generation: plan.generation, expiration: plan.expiration ?? null },
      due: plan.due,
      due_at: plan.dueAt?.toISOString() ?? null,
      immediate: plan.immediate,
      grace: plan.grace,
      template_changed: plan.templateChanged,
      privilege_diff: extras.privilegeDiff ?? null,
      cut_short: plan.cutShort.map((k) => ({ id: k.info.id, name: k.info.name })),
      env_files: extras.diffs,
      holders: extras.holders.map((h) => ({
        file: project.projectPath(h.file),
        variable: h.variable,
        key_id: h.keyId ?? null,
        holder: h.holder,
        description: h.description,
      })),
      warnings: plan.warnings,
    });
    return;
  }
  ctx.io.stdout.write(
    renderPlan(plan, {
      ...extras,
      files: outputs.envFiles.map((f) => project.projectPath(f)),
      holders: extras.holders.map((h) => ({ ...h, file: project.projectPath(h.file) })),
      now: ctx.clock.now(),
    }),
  );
  ctx.io.stdout.write('dry run: nothing was changed\n');
}

/**
 * Interactive (stdin is a terminal, whatever stdout is): show the plan on stderr and ask. Non-interactive: ordinary rotations go ahead (they are
 * reversible: the old key stays valid through its grace), but `--now` destroys a key in
 * service, so it needs `--yes` (UsageError, exit 2, otherwise).
 */
async function confirmPlan(
  opts: RotateOptions,
  plan: ProceedPlan,
  template: RoleTemplate,
  outputs: EffectiveOutputs,
  envFiles: RecordingEnvFiles,
  project: Project,
  cluster: ClusterPort,
): Promise<boolean> {
  const { ctx } = opts;
  if (opts.yes) return false;
  if (!ctx.io.canPrompt()) {
    if (plan.immediate && plan.current) {
      throw new UsageError(
        `--now invalidates the key in service (${plan.current.info.name}) right after publishing; confirm with --yes`,
      );
    }
    return false;
  }
  // The operator sees what the dry run shows: the plan, the privilege diff and the masked env diff.
  const extras = await planExtras(plan, template, outputs, envFiles, cluster);
  ctx.io.stderr.write(
    renderPlan(plan, {
      ...extras,
      files: outputs.envFiles.map((f) => project.projectPath(f)),
      holders: extras.holders.map((h) => ({ ...h, file: project.projectPath(h.file) })),
      now: ctx.clock.now(),
    }),
  );
  const ok = await (await ctx.prompter()).confirm(
    plan.immediate ? 'Invalidate the current key right after publishing the new one?' : 'Proceed?',
    !plan.immediate,
  );
  if (!ok) throw new CancelledError('cancelled: nothing was changed');
  return true;
}

/** Adds the flags shared by rotate and create. */
export function addRotationOptions(cmd: Command): Command {
  return addClusterOptions(cmd)
    .addOption(new Option('-t, --template <name>', 'template name (roles/<name>.json) or path'))
    .addOption(new Option('--dry-run', 'show the plan, privilege diff and masked env diff; change nothing'))
    .addOption(new Option('-y, --yes', 'do not ask for confirmation'))
    .addOption(new Option('--json', 'machine-readable output on stdout'));
}

/** `eskeys rotate`: the full state machine (create, verify, publish, restart, retire). */
export function rotateCommand(
  ctx: CliContext,
  run: (opts: RotateOptions) => Promise<void> = runRotate,
): Command {
  const cmd = new Command('rotate').description(
    'rotate a key: create, verify, publish, retire the old one after a grace period',
  );
  addRotationOptions(cmd)
    .addOption(
      new Option(
        '--grace <duration>',
        "how long the old key stays valid (default: the template's rotation.grace)",
      ),
    )
    .addOption(
      new Option('--now', 'compromised key: invalidate the old key as soon as the new one is published'),
    )
    .addOption(
      new Option(
        '--strict',
        'leave the old key valid and untouched (exit 5) when retiring it would narrow it: the admin no longer holds all its privileges',
      ),
    )
    .argument(TEMPLATE_ARGUMENT.name, TEMPLATE_ARGUMENT.description)
    .action(async (positional: string | undefined, flags: Omit<RotateOptions, 'ctx' | 'mode'>) => {
      if (flags.now && flags.grace) throw new UsageError('--now and --grace exclude each other');
      const template = templateFrom(positional, flags.template);
      await run({ ...flags, ...(template !== undefined ? { template } : {}), ctx, mode: 'rotate' });
    });
  return cmd;
}
