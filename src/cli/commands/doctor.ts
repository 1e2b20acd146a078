import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Command, Option } from 'commander';
import { fsLocalState } from '../../adapters/fs/local-state.js';
import { inspectFsWorkspace } from '../../adapters/workspace/fs-workspace.js';
import { checkTemplates } from '../../adapters/workspace/template-files.js';
import type { ClusterPort } from '../../core/cluster-port.js';
import type { ConnectionSettings } from '../../core/config/connection.js';
import type { DoctorReport, LocalStatePort } from '../../core/doctor/index.js';
import { ExitCode, ReportedError } from '../../core/errors.js';
import { diagnose as diagnoseProject } from '../../core/use-cases/doctor.js';
import type { CliContext } from '../context.js';
import { type TerminalOutput, terminalOutput, wideOption } from '../output.js';
import {
  addClusterOptions,
  type ClusterFlags,
  CREDENTIALS_FILE,
  connectionFor,
  environmentName,
  type Project,
} from '../project.js';
import { doctorJson, renderDoctor } from '../render/doctor.js';
import { writeJson } from '../render/json.js';

/** Flags of `eskeys doctor` plus the ports it uses. */
export interface DoctorOptions extends ClusterFlags {
  readonly ctx: CliContext;
  /** Only this template (name or file); default every template of the templates folder. */
  readonly template?: string;
  readonly json?: boolean;
  /** Colours and width of the checklist. @defaultValue no colour, no width limit */
  readonly output?: TerminalOutput;
  /** @defaultValue the Elasticsearch adapter */
  readonly openCluster?: (settings: ConnectionSettings) => Promise<ClusterPort>;
  /** @defaultValue the filesystem */
  readonly local?: LocalStatePort;
}

/** `eskeys doctor`: preflight checks before anything is minted. */
export function doctorCommand(
  ctx: CliContext,
  run: (opts: DoctorOptions) => Promise<void> = runDoctor,
): Command {
  const cmd = new Command('doctor').description(
    'check the project, connection, TLS, cluster version, the admin identity and that it holds every privilege the templates delegate',
  );
  addClusterOptions(cmd)
    .addOption(new Option('-t, --template <name>', 'only this template (name or file)'))
    .addOption(new Option('--json', 'machine-readable output on stdout'))
    .addOption(wideOption())
    .addHelpText('after', '\nRead-only: nothing is created or changed, in the cluster or on disk.')
    .action(async (flags: Omit<DoctorOptions, 'ctx' | 'output'> & { wide?: boolean }, command: Command) => {
      await run({ ...flags, ctx, output: terminalOutput(ctx, command, { wide: flags.wide }) });
    });
  return cmd;
}

/** Runs the checks, renders the checklist (or JSON) and exits with the code the checks imply. */
export async function runDoctor(opts: DoctorOptions): Promise<void> {
  const report = await diagnose(opts);
  if (opts.json) writeJson(opts.ctx.io, doctorJson(report));
  else opts.ctx.io.stdout.write(renderDoctor(report, opts.output));
  if (report.exitCode !== ExitCode.ok) throw new ReportedError(report.exitCode);
}

/** Composes doctor's ports (the filesystem workspace, template files, the connection, local state) and runs the use case. */
export async function diagnose(opts: DoctorOptions): Promise<DoctorReport> {
  const { ctx } = opts;
  const { workspace: project, facts: configFacts } = await inspectFsWorkspace(
    ctx.cwd,
    opts.config ?? ctx.env.ESKEYS_CONFIG,
  );
  return diagnoseProject(
    {
      workspace: project,
      configFacts,
      checkTemplates: (refs) => checkTemplates(refs, project.root, project.config.templates_dir),
      connectionFor: (environment) => connectionFor(ctx, project, { ...opts, env: environment }),
      credentialFiles: (environment) => credentialFiles(ctx, project, environment),
      openCluster: opts.openCluster ?? ((s) => ctx.connect(s, { diagnostic: true })),
      local: opts.local ?? fsLocalState(project.root),
    },
    { environment: environmentName(ctx, opts), ...(opts.template ? { template: opts.template } : {}) },
  );
}

/** Dotenv files that hold admin credentials for this run: the environment's credentials_file and ./.eskeys.env. */
function credentialFiles(ctx: CliContext, project: Project, environment: string | undefined): string[] {
  const out: string[] = [];
  const file = environment
    ? project.config.environments[environment]?.connection.credentials_file
    : undefined;
  if (file) out.push(isAbsolute(file) ? file : join(project.root, file));
  out.push(join(ctx.cwd, CREDENTIALS_FILE));
  return [...new Set(out)].filter((f) => existsSync(f));
}
