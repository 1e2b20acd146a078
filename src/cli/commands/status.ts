import { Command, Option } from 'commander';
import type { ClusterPort } from '../../core/cluster-port.js';
import { parseManagedKeys } from '../../core/rotation/key-metadata.js';
import { describeKey, type KeyView } from '../../core/rotation/key-state.js';
import { commandCluster } from '../composition.js';
import type { CliContext } from '../context.js';
import { type TerminalOutput, terminalOutput, wideOption } from '../output.js';
import { addClusterOptions, type ClusterFlags, loadProject, type Project } from '../project.js';
import { PLAIN } from '../render/colour.js';
import { writeJson } from '../render/json.js';
import { keyViewJson, renderKeyTable } from '../render/rotation-report.js';
import { truncate, visible } from '../render/table.js';

/** Flags of `status`/`list` plus the port they use. */
export interface StatusOptions extends ClusterFlags {
  readonly ctx: CliContext;
  readonly template?: string;
  /** Include invalidated and expired keys. @defaultValue false */
  readonly all?: boolean;
  readonly json?: boolean;
  /** Colours and width of the table. @defaultValue no colour, no width limit */
  readonly output?: TerminalOutput;
  /** @defaultValue commandCluster (closed when the command ends) */
  readonly openCluster?: (ctx: CliContext, project: Project, flags: ClusterFlags) => Promise<ClusterPort>;
}

const ORDER: Record<KeyView['status'], number> = {
  pending: 0,
  active: 1,
  superseded: 2,
  expired: 3,
  invalidated: 4,
};

/**
 * Runs `eskeys status`: every managed key from the cluster (query API, by metadata), per
 * template and environment. Without `--env`, all environments the cluster holds are shown.
 */
export async function runStatus(opts: StatusOptions): Promise<void> {
  const { ctx } = opts;
  const project = loadProject(ctx, opts.config);
  const environment = opts.env ?? ctx.env.ESKEYS_ENV;
  const cluster = await (opts.openCluster ?? commandCluster)(ctx, project, opts);
  const now = ctx.clock.now();
  const keys = parseManagedKeys(await cluster.findManagedKeys({ template: opts.template, environment }));
  const views = keys
    .map((k) => describeKey(k, now))
    .filter((v) => opts.all || (v.status !== 'invalidated' && v.status !== 'expired'))
    .sort(
      (a, b) =>
        a.template.localeCompare(b.template) ||
        a.environment.localeCompare(b.environment) ||
        ORDER[a.status] - ORDER[b.status] ||
        b.generation - a.generation,
    );
  if (opts.json) {
    writeJson(ctx.io, { keys: views.map(keyViewJson) });
    return;
  }
  if (views.length === 0) {
    ctx.io.stdout.write(
      `no ${opts.all ? '' : 'valid '}managed keys${opts.template ? ` for template ${opts.template}` : ''}${environment ? ` in environment ${environment}` : ''}${opts.all ? '' : ' (--all shows invalidated and expired ones)'}\n`,
    );
    return;
  }
  const output = opts.output ?? { palette: PLAIN };
  ctx.io.stdout.write(renderKeyTable(views, now, output));
  const due = views.filter((v) => v.rotationDue || v.reviewDue || v.revokeDue);
  for (const v of due) {
    const what = [v.rotationDue && 'rotation', v.reviewDue && 'review', v.revokeDue && 'revocation']
      .filter(Boolean)
      .join(' and ');
    const tail = `: ${what} due`;
    // The name is the part that gives way, so the line still says what is due.
    const name = output.width
      ? truncate(visible(v.name), Math.max(8, output.width - tail.length))
      : visible(v.name);
    ctx.io.stdout.write(`${output.palette.warn(name + tail)}\n`);
  }
}

/** `eskeys status` / `eskeys list`: managed keys and their state. */
export function statusCommand(
  ctx: CliContext,
  name: 'status' | 'list' = 'status',
  run: (opts: StatusOptions) => Promise<void> = runStatus,
): Command {
  const cmd = new Command(name).description(
    name === 'status'
      ? 'managed keys per template and environment, with their state'
      : 'list managed keys (alias of status)',
  );
  addClusterOptions(cmd)
    .addOption(new Option('-t, --template <name>', 'only this template'))
    .addOption(new Option('--all', 'include invalidated and expired keys'))
    .addOption(new Option('--json', 'machine-readable output on stdout'))
    .addOption(wideOption())
    .action(async (flags: Omit<StatusOptions, 'ctx' | 'output'> & { wide?: boolean }, command: Command) => {
      await run({ ...flags, ctx, output: terminalOutput(ctx, command, { wide: flags.wide }) });
    });
  return cmd;
}
