import { constants, existsSync } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { Command, Option } from 'commander';
import { JsonlAuditLog } from '../../adapters/audit/jsonl-audit-log.js';
import { EnvFileStore } from '../../adapters/env-file/env-file-store.js';
import { JsonlJournalStore } from '../../adapters/journal/jsonl-journal-store.js';
import { inspectFsWorkspace } from '../../adapters/workspace/fs-workspace.js';
import { checkTemplates } from '../../adapters/workspace/template-files.js';
import type { ClusterPort } from '../../core/cluster-port.js';
import type { ConnectionSettings } from '../../core/config/connection.js';
import type { DirFacts, DoctorReport, LocalStatePort } from '../../core/doctor/index.js';
import { ExitCode, ReportedError } from '../../core/errors.js';
import { diagnose as diagnoseProject } from '../../core/use-cases/doctor.js';
import type { CliContext } from '../context.js';
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
    .addHelpText(
      'after',
      '\nRead-only: nothing is created or changed, in the cluster or on disk.\n' +
        'Exit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 the project, a template\n' +
        'or the connection settings are invalid, 3 the cluster is unreachable or rejected the credentials.',
    )
    .action(async (flags: Omit<DoctorOptions, 'ctx'>) => {
      await run({ ...flags, ctx });
    });
  return cmd;
}

/** Runs the checks, renders the checklist (or JSON) and exits with the code the checks imply. */
export async function runDoctor(opts: DoctorOptions): Promise<void> {
  const report = await diagnose(opts);
  if (opts.json) writeJson(opts.ctx.io, doctorJson(report));
  else opts.ctx.io.stdout.write(renderDoctor(report));
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

// --- the filesystem facts doctor reads (nothing is created or changed) -----------------------

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function directoryFacts(path: string): Promise<DirFacts> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) return { exists: true, notADirectory: true, writable: false };
    return { exists: true, writable: await writable(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return { exists: false, writable: false };
  }
  let ancestor = dirname(path);
  for (;;) {
    const s = await stat(ancestor).catch(() => undefined);
    if (s) {
      return s.isDirectory()
        ? { exists: false, writable: false, ancestor, ancestorWritable: await writable(ancestor) }
        : { exists: false, writable: false, ancestor, ancestorWritable: false };
    }
    const up = dirname(ancestor);
    if (up === ancestor) return { exists: false, writable: false, ancestor, ancestorWritable: false };
    ancestor = up;
  }
}

/** The LocalStatePort over the real filesystem, paths shown relative to the project root. */
export function fsLocalState(root: string): LocalStatePort {
  const store = new EnvFileStore({ cwd: root });
  const rel = (p: string) => {
    const r = relative(root, p);
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
  return {
    directory: directoryFacts,
    verifyAudit: (path) => JsonlAuditLog.verify(path),
    journal: (stateDir) => new JsonlJournalStore(stateDir).readAll(),
    async envFile(path, followSymlinks) {
      const dir = await directoryFacts(dirname(path));
      let text: string | undefined;
      try {
        // The store's own read: the same symlink, regular-file and UTF-8 refusals as publish.
        text = await store.read(rel(path), { followSymlinks });
      } catch (error) {
        return { exists: true, error: (error as Error).message, dir };
      }
      if (text === undefined) return { exists: false, dir };
      const s = await stat(path);
      return { exists: true, text, mode: s.mode & 0o777, dir };
    },
    async fileMode(path) {
      const s = await lstat(path).catch(() => undefined);
      return s ? s.mode & 0o777 : undefined;
    },
  };
}
