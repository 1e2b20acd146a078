import { Command, Option } from 'commander';
import type { ClusterPort } from '../../core/cluster-port.js';
import { humanizeDuration } from '../../core/duration.js';
import { CancelledError, ExitCode, ReportedError, UsageError } from '../../core/errors.js';
import { type ManagedKey, parseManagedKey, parseManagedKeys } from '../../core/rotation/key-metadata.js';
import { isValidKey } from '../../core/rotation/key-state.js';
import { MIN_PARTIAL_ID, matchKeyId } from '../../core/rotation/match-key-id.js';
import { planRevoke, type RevokeSelector, revokeKeys } from '../../core/rotation/plan-revoke.js';
import { maskId } from '../../core/secret.js';
import { actorName } from '../actor.js';
import { type OpenServices, openRotationServices, stderrReporter } from '../composition.js';
import type { CliContext } from '../context.js';
import { addClusterOptions, type ClusterFlags, environmentName, loadProject } from '../project.js';
import { writeJson } from '../render/json.js';

/** Flags of `revoke` plus the ports it uses. */
export interface RevokeOptions extends ClusterFlags {
  readonly ctx: CliContext;
  readonly due?: boolean;
  readonly id?: string;
  readonly template?: string;
  /** Revoke even the only active key of a template. @defaultValue false */
  readonly force?: boolean;
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  /** @defaultValue openRotationServices */
  readonly openServices?: OpenServices;
}

/** The selector from the flags; exactly one of --due, --id, --template. */
export function revokeSelector(opts: Pick<RevokeOptions, 'due' | 'id' | 'template' | 'env'>): RevokeSelector {
  const given = [opts.due && '--due', opts.id && '--id', opts.template && '--template'].filter(Boolean);
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? 'say what to revoke: --due, --id ID or --template NAME [--env ENV]'
        : `${given.join(' and ')} exclude each other`,
    );
  }
  if (opts.due) return { kind: 'due' };
  if (opts.id) return { kind: 'id', id: opts.id };
  return { kind: 'template', template: opts.template!, environment: opts.env };
}

/** A person can be asked which key: a terminal, and no --yes (which promises no questions). */
function canPick(opts: RevokeOptions): boolean {
  return opts.ctx.io.canPrompt() && !opts.yes;
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One key as a picker choice: what tells keys apart (name, created, age, owner, state). */
function describeChoice(k: ManagedKey, now: Date): string {
  const age = humanizeDuration(now.getTime() - k.info.creation.getTime());
  return `${k.info.name}  ${k.info.id}  created ${iso(k.info.creation)} (${age} ago)  owner ${k.info.username} (${k.info.realm})  ${k.meta.state}`;
}

/** The terminal picker over `keys` (oldest first); returns the chosen key's id. */
async function pickKey(ctx: CliContext, keys: readonly ManagedKey[], now: Date): Promise<string> {
  return (await ctx.prompter()).select(
    'Key to revoke',
    keys.map((k) => ({ value: k.info.id, name: describeChoice(k, now) })),
  );
}

/**
 * The id `--id` names (revoke.ts `resolveId`): the exact id always wins (a managed key of the
 * scope, else any key the cluster knows, so an unmanaged one gets its own error); otherwise a
 * unique prefix or suffix of a valid managed key's id, as tables show ids (`…XWxG`). Several
 * matches: the picker in a terminal, else exit 2 naming every candidate in full.
 */
async function resolveId(
  opts: RevokeOptions,
  cluster: ClusterPort,
  keys: ManagedKey[],
  typed: string,
  now: Date,
): Promise<string> {
  if (keys.some((k) => k.info.id === typed)) return typed;
  const info = await cluster.getApiKey(typed);
  if (info) {
    const managed = parseManagedKey(info);
    if (!managed) {
      throw new UsageError(
        `key ${info.name} (${maskId(info.id)}) is not managed by eskeys; invalidate it with the security API if you mean to`,
      );
    }
    keys.push(managed);
    return typed;
  }
  const match = matchKeyId(
    typed,
    keys.filter((k) => isValidKey(k, now)),
  );
  switch (match.kind) {
    case 'exact':
    case 'partial':
      return match.key.info.id;
    case 'ambiguous':
      if (canPick(opts)) return pickKey(opts.ctx, match.candidates, now);
      throw new UsageError(
        `--id ${typed} matches ${match.candidates.length} keys: ${match.candidates
          .map((k) => `${k.info.id} (${k.info.name}, ${k.meta.state}, created ${iso(k.info.creation)})`)
          .join(', ')}; give more of the id`,
      );
    case 'too_short':
      throw new UsageError(
        `--id ${typed}: no key has this id, and part of an id needs at least ${MIN_PARTIAL_ID} characters`,
      );
    case 'none':
      throw new UsageError(
        `--id ${typed}: no valid managed key has this id, or an id starting or ending with it (eskeys status lists them)`,
      );
  }
}

/** Runs `eskeys revoke`: plan, confirm, audit, invalidate. */
export async function runRevoke(opts: RevokeOptions): Promise<void> {
  const { ctx } = opts;
  // Nothing named, at a terminal: the person picks a key, as `rotate` picks a template.
  const pickAny = !opts.due && !opts.id && !opts.template && canPick(opts);
  let selector: RevokeSelector | undefined = pickAny ? undefined : revokeSelector(opts);
  const project = loadProject(ctx, opts.config);
  // Shared for the command and closed when it ends (CliContext.services).
  const services = await ctx.services(environmentName(ctx, opts), () =>
    (opts.openServices ?? openRotationServices)(ctx, project, opts),
  );
  const reporter = stderrReporter(ctx.io, project.root);
  const now = ctx.clock.now();
  const filter =
    selector?.kind === 'template'
      ? { template: selector.template, environment: selector.environment }
      : selector?.kind !== 'id' && opts.env
        ? { environment: opts.env }
        : {};
  const keys = parseManagedKeys(await services.cluster.findManagedKeys(filter));
  if (!selector) {
    const valid = keys
      .filter((k) => isValidKey(k, now))
      .sort((a, b) => a.info.creation.getTime() - b.info.creation.getTime());
    if (valid.length === 0) {
      ctx.io.stdout.write('nothing to revoke: no valid managed key\n');
      return;
    }
    selector = { kind: 'id', id: await pickKey(ctx, valid, now) };
  } else if (selector.kind === 'id') {
    selector = { kind: 'id', id: await resolveId(opts, services.cluster, keys, selector.id, now) };
  }
  const plan = planRevoke(keys, selector, now, opts.force);
  for (const r of plan.refused) reporter.warn(r.reason);
  const rows = plan.revoke.map((k) => ({
    id: k.info.id,
    name: k.info.name,
    template: k.meta.template,
    environment: k.meta.environment,
    state: k.meta.state,
  }));
  const describe = () =>
    plan.revoke.map((k) => `  ${k.info.name} (${maskId(k.info.id)}), ${k.meta.state}`).join('\n') + '\n';

  if (plan.revoke.length === 0) {
    if (opts.json)
      writeJson(ctx.io, {
        revoked: [],
        refused: plan.refused.map((r) => r.key.info.id),
        dry_run: !!opts.dryRun,
      });
    else
      ctx.io.stdout.write(
        selector.kind === 'due' ? 'no superseded key is past its grace period\n' : 'nothing to revoke\n',
      );
    if (plan.refused.length > 0) throw new ReportedError(ExitCode.usage);
    return;
  }
  if (opts.dryRun) {
    if (opts.json)
      writeJson(ctx.io, {
        dry_run: true,
        would_revoke: rows,
        refused: plan.refused.map((r) => r.key.info.id),
      });
    else ctx.io.stdout.write(`would revoke:\n${describe()}dry run: nothing was changed\n`);
    return;
  }
  if (!opts.yes) {
    if (!ctx.io.canPrompt()) {
      throw new UsageError(`revoking ${plan.revoke.length} key(s) needs confirmation; pass --yes`);
    }
    ctx.io.stderr.write(`about to invalidate:\n${describe()}`);
    if (!(await (await ctx.prompter()).confirm(`Invalidate ${plan.revoke.length} key(s)?`, false))) {
      throw new CancelledError('cancelled: nothing was revoked');
    }
  }
  await revokeKeys(services, plan.revoke, {
    actor: actorName(ctx.env),
    reason: selector.kind === 'due' ? 'grace period over' : `revoke --${selector.kind}`,
    forced: opts.force,
  });
  if (opts.json) writeJson(ctx.io, { revoked: rows, refused: plan.refused.map((r) => r.key.info.id) });
  else for (const k of plan.revoke) ctx.io.stdout.write(`revoked ${k.info.name} (${maskId(k.info.id)})\n`);
  if (plan.refused.length > 0) throw new ReportedError(ExitCode.usage);
}

/** `eskeys revoke`: invalidate superseded keys past grace, or given keys. */
export function revokeCommand(
  ctx: CliContext,
  run: (opts: RevokeOptions) => Promise<void> = runRevoke,
): Command {
  const cmd = new Command('revoke').description(
    'invalidate superseded keys past their grace period, or a given key',
  );
  addClusterOptions(cmd)
    .addOption(new Option('--due', 'superseded keys whose grace period has passed'))
    .addOption(
      new Option(
        '--id <id>',
        `one key by id, or by a unique prefix or suffix of it (at least ${MIN_PARTIAL_ID} characters, e.g. the …XWxG tables show)`,
      ),
    )
    .addOption(new Option('-t, --template <name>', 'every valid key of a template (narrow with --env)'))
    .addOption(new Option('--force', 'also revoke the only active key of a template'))
    .addOption(new Option('-y, --yes', 'do not ask for confirmation'))
    .addOption(new Option('--dry-run', 'show what would be revoked; change nothing'))
    .addOption(new Option('--json', 'machine-readable output on stdout'))
    .action(async (flags: Omit<RevokeOptions, 'ctx'>) => {
      await run({ ...flags, ctx });
    });
  return cmd;
}
