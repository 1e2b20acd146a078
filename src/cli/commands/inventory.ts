import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { ClusterPort } from '../../core/cluster-port.js';
import { ExitCode, ReportedError, UsageError } from '../../core/errors.js';
import {
  checkVisibility,
  INVENTORY_PAGE_SIZE,
  INVENTORY_SEVERITIES,
  type InventoryFilter,
  type InventorySeverity,
  InventorySummary,
  indexTemplates,
  runInventoryScan,
  type ScanInfo,
  type TemplateIndex,
} from '../../core/inventory/index.js';
import { templateHash } from '../../core/rotation/template-hash.js';
import { commandCluster } from '../composition.js';
import type { CliContext } from '../context.js';
import { type TerminalOutput, terminalOutput, wideOption } from '../output.js';
import { addClusterOptions, type ClusterFlags, loadProject, type Project } from '../project.js';
import {
  type InventoryRenderer,
  JsonRenderer,
  MarkdownRenderer,
  TableRenderer,
} from '../render/inventory.js';
import { terminalProgress } from '../render/progress.js';

/** Output formats of `eskeys inventory`. */
export type InventoryFormat = 'table' | 'json' | 'markdown';

/** Flags of `eskeys inventory` plus the ports it uses. */
export interface InventoryOptions extends ClusterFlags {
  readonly ctx: CliContext;
  /** Include invalidated and expired keys. @defaultValue false */
  readonly all?: boolean;
  readonly owner?: string;
  readonly realm?: string;
  readonly managed?: boolean;
  readonly unmanaged?: boolean;
  readonly template?: string;
  /** @defaultValue 'table' */
  readonly format?: InventoryFormat;
  /** Same as `--format json`. */
  readonly json?: boolean;
  /** Exit 1 when any finding is at or above this severity; `never` (default) never fails on findings. */
  readonly failOn?: InventorySeverity | 'never';
  /** Keys per query-API page. @defaultValue 1000 */
  readonly pageSize?: number;
  /** Colours and width of the table. @defaultValue no colour, no width limit */
  readonly output?: TerminalOutput;
  /** @defaultValue commandCluster (closed when the command ends) */
  readonly openCluster?: (ctx: CliContext, project: Project, flags: ClusterFlags) => Promise<ClusterPort>;
}

/** The cluster URL without any credentials it may embed. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * The project's current templates, to compare managed keys with; undefined (with the reason)
 * when there is no templates directory or a template does not validate — a partial template
 * set would report keys of the invalid one as "template missing".
 */
async function loadTemplateIndex(
  project: Project,
): Promise<{ index?: TemplateIndex; skipped?: string; absent?: boolean }> {
  const dir = project.config.templates_dir;
  if (!existsSync(resolve(project.root, dir))) return { skipped: `no ${dir}/ directory`, absent: true };
  let checked: Awaited<ReturnType<Project['checkTemplates']>>;
  try {
    checked = await project.checkTemplates([]);
  } catch (error) {
    // Raised only for an empty templates directory: as good as none.
    if (error instanceof UsageError) return { skipped: error.message, absent: true };
    throw error;
  }
  const invalid = checked.filter((c) => !c.value);
  if (invalid.length > 0) {
    return { skipped: `${invalid.map((c) => c.file).join(', ')} invalid (eskeys lint shows why)` };
  }
  return {
    index: indexTemplates(
      checked.map((c) => c.value!),
      templateHash,
    ),
  };
}

function rendererFor(format: InventoryFormat, ctx: CliContext, output?: TerminalOutput): InventoryRenderer {
  if (format === 'json') return new JsonRenderer(ctx.io.stdout);
  if (format === 'markdown') return new MarkdownRenderer(ctx.io.stdout);
  return new TableRenderer(ctx.io.stdout, ctx.io.stderr, output);
}

/** The filter from flags (usage errors for contradictions). */
export function inventoryFilter(opts: InventoryOptions): InventoryFilter {
  if (opts.managed && opts.unmanaged) throw new UsageError('--managed and --unmanaged exclude each other');
  if (opts.template && opts.unmanaged)
    throw new UsageError('--template lists managed keys; drop --unmanaged');
  return {
    all: opts.all === true,
    ...(opts.owner ? { owner: opts.owner } : {}),
    ...(opts.realm ? { realm: opts.realm } : {}),
    ...(opts.template ? { template: opts.template } : {}),
    ...(opts.managed
      ? { managed: 'managed' as const }
      : opts.unmanaged
        ? { managed: 'unmanaged' as const }
        : {}),
  };
}

/** Runs `eskeys inventory`: streams every key with its findings; exit 1 only with --fail-on. */
export async function runInventory(opts: InventoryOptions): Promise<void> {
  const { ctx } = opts;
  if (opts.json && opts.format && opts.format !== 'json') {
    throw new UsageError(`--json and --format ${opts.format} exclude each other`);
  }
  const format: InventoryFormat = opts.json ? 'json' : (opts.format ?? 'table');
  const filter = inventoryFilter(opts);
  const project = loadProject(ctx, opts.config);
  const templates = await loadTemplateIndex(project);
  const cluster = await (opts.openCluster ?? commandCluster)(ctx, project, opts);
  const summary = new InventorySummary();
  const now = ctx.clock.now();
  const visibility = await checkVisibility(cluster);
  const renderer = rendererFor(format, ctx, opts.output);
  // Keys read so far, on a terminal's stderr, once per page. Not while JSON or Markdown stream
  // to the same terminal: the counter would land in the middle of the document.
  const progress = terminalProgress(
    format === 'table' || !ctx.io.isStdoutTTY ? ctx.io.stderrTerminal : undefined,
  );
  const pageSize = opts.pageSize ?? INVENTORY_PAGE_SIZE;
  renderer.begin({
    cluster: displayUrl(cluster.url),
    generatedAt: now,
    filter,
    allOwners: visibility.allOwners,
    ...(templates.skipped ? { templatesSkipped: templates.skipped } : {}),
    ...(templates.absent ? { templatesAbsent: true } : {}),
  });
  const scan: ScanInfo = { total: 0, limitedByReturned: true };
  const run = {
    cluster,
    filter,
    now,
    ...(templates.index ? { templates: templates.index } : {}),
    pageSize: opts.pageSize,
  };
  let read = 0;
  try {
    for await (const entry of runInventoryScan(run, summary, scan)) {
      if (read++ % pageSize === 0) progress.update(read, scan.total, 'keys');
      renderer.key(entry);
      // Back-pressure: a slow reader (`| jq`) must not make unread output pile up in memory.
      await ctx.io.stdout.drain?.();
    }
  } finally {
    progress.clear();
  }
  renderer.end({ summary, scan });
  const threshold = opts.failOn ?? 'never';
  if (threshold !== 'never') {
    const n = summary.countAtOrAbove(threshold);
    if (n > 0) {
      ctx.io.stderr.write(
        `eskeys: ${n} finding${n === 1 ? '' : 's'} at or above ${threshold} (--fail-on ${threshold})\n`,
      );
      throw new ReportedError(ExitCode.verificationFailed);
    }
  }
}

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new UsageError(`--page-size must be 1-10000, got ${raw}`);
  return n;
}

/** `eskeys inventory`: every API key in the cluster, managed or not, with findings. */
export function inventoryCommand(
  ctx: CliContext,
  run: (opts: InventoryOptions) => Promise<void> = runInventory,
): Command {
  const cmd = new Command('inventory').description(
    'every API key in the cluster, managed or not, with review findings (critical/high/medium/info)',
  );
  addClusterOptions(cmd)
    .addOption(new Option('--all', 'include invalidated and expired keys'))
    .addOption(new Option('--owner <username>', 'only keys owned by this user'))
    .addOption(new Option('--realm <name>', 'only keys owned in this realm'))
    .addOption(new Option('--managed', 'only keys managed by eskeys'))
    .addOption(new Option('--unmanaged', 'only keys eskeys does not manage'))
    .addOption(new Option('-t, --template <name>', 'only managed keys of this template'))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'markdown']))
    .addOption(new Option('--json', 'same as --format json'))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (for CI)')
        .choices([...INVENTORY_SEVERITIES, 'never'])
        .default('never'),
    )
    .addOption(new Option('--page-size <n>', 'keys per query-API request').argParser(positiveInt).hideHelp())
    .addHelpText('after', "\nNeeds read_security or manage_api_key to see every owner's keys.")
    .addOption(wideOption())
    .action(
      async (flags: Omit<InventoryOptions, 'ctx' | 'output'> & { wide?: boolean }, command: Command) => {
        await run({ ...flags, ctx, output: terminalOutput(ctx, command, { wide: flags.wide }) });
      },
    );
  return cmd;
}
