import { constants, existsSync } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { JsonlAuditLog } from '../../adapters/audit/jsonl-audit-log.js';
import { EnvFileStore } from '../../adapters/env-file/env-file-store.js';
import { JsonlJournalStore } from '../../adapters/journal/jsonl-journal-store.js';
import { inspectFsWorkspace } from '../../adapters/workspace/fs-workspace.js';
import { checkTemplates } from '../../adapters/workspace/template-files.js';
import type { ClusterPort } from '../../core/cluster-port.js';
import type { ConnectionSettings } from '../../core/config/connection.js';
import {
  type DirFacts,
  type DoctorReport,
  type LocalStatePort,
  runDoctorChecks,
  type TemplateFacts,
  type TemplateOutputs,
} from '../../core/doctor/index.js';
import { ConfigError, ExitCode, ReportedError, UsageError } from '../../core/errors.js';
import { effectiveOutputs, formatDocumentProblem, resolveEnvironment } from '../../core/templates/index.js';
import { DEFAULT_KEY_VAR } from '../../core/templates/schema.js';
import { findVariableConflicts, formatVariableConflict } from '../../core/templates/variable-owners.js';
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

/** Gathers the facts (config, templates, connection, files) and runs the core checks. */
export async function diagnose(opts: DoctorOptions): Promise<DoctorReport> {
  const { ctx } = opts;
  const { workspace: project, facts: config } = await inspectFsWorkspace(
    ctx.cwd,
    opts.config ?? ctx.env.ESKEYS_CONFIG,
  );
  const environment = environmentName(ctx, opts);
  let environmentError: string | undefined;
  try {
    resolveEnvironment(project.config, environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    environmentError = error.message;
  }

  let templatesError: string | undefined;
  let templates: TemplateFacts[] = [];
  try {
    const checked = await checkTemplates(
      opts.template ? [opts.template] : [],
      project.root,
      project.config.templates_dir,
    );
    templates = checked.map((c) => {
      const file = project.shownPath(resolve(project.root, c.file));
      return {
        file,
        ...(c.value ? { template: c.value } : {}),
        errors: c.errors.map((p) => formatDocumentProblem(file, p)),
        warnings: c.warnings.map((p) => formatDocumentProblem(file, p)),
      };
    });
  } catch (error) {
    // A named template that does not exist is bad usage; an empty project is a finding.
    if (opts.template || !(error instanceof UsageError)) throw error;
    templatesError = error.message;
  }

  let connection: ConnectionSettings | { error: string };
  try {
    connection = environmentError ? { error: environmentError } : connectionFor(ctx, project, opts);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    connection = { error: error.message };
  }

  const outputs: TemplateOutputs[] = [];
  for (const t of templates) {
    if (!t.template) continue;
    const o = environmentError
      ? t.template.outputs
      : effectiveOutputs(t.template, project.config, environment);
    const envFiles = (o.env_files ?? []).map((f) => (isAbsolute(f) ? f : resolve(project.root, f)));
    // What rotate refuses before minting, by the same check.
    const targetProblem = await project.checkEnvFileTargets(t.template.name, envFiles).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof ConfigError) return error.message;
        throw error;
      },
    );
    outputs.push({
      template: t.template.name,
      envFiles,
      keyVar: o.key_var ?? DEFAULT_KEY_VAR,
      ...(o.id_var ? { idVar: o.id_var } : {}),
      followSymlinks: o.follow_symlinks ?? false,
      mode: Number.parseInt(o.mode ?? '0600', 8),
      ...(targetProblem ? { targetProblem } : {}),
    });
  }

  // Across every template and environment, so only when doctor looks at the whole project.
  const variableConflicts = opts.template
    ? undefined
    : findVariableConflicts(
        templates.flatMap((t) => (t.template ? [{ template: t.template, file: t.file }] : [])),
        project.config,
        (f) => resolve(project.root, f),
      ).map((c) => formatVariableConflict(c, project.shownPath(c.envFile)));

  const stateDir = project.stateDir;
  return runDoctorChecks(
    {
      openCluster: opts.openCluster ?? ((s) => ctx.connect(s, { diagnostic: true })),
      local: opts.local ?? fsLocalState(project.root),
    },
    {
      environment,
      ...(environmentError ? { environmentError } : {}),
      config,
      ...(templatesError ? { templatesError } : {}),
      templates,
      ...(variableConflicts ? { variableConflicts } : {}),
      connection,
      local: {
        root: project.root,
        stateDir,
        auditLog: project.auditLogPath,
        outputs,
        credentialFiles: credentialFiles(ctx, project, environmentError ? undefined : environment),
      },
    },
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
