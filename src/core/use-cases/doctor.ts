// The preflight use case (`eskeys doctor`): gathers the facts of the project (config, the named
// environment, templates, where each template writes and whether rotate would refuse it,
// variables two templates share), resolves the admin connection and runs every check in order
// (core/doctor/run-doctor.ts). Read-only: nothing is created or changed, in the cluster or on disk.

import type { ConnectionSettings } from '../config/connection.js';
import type { ConfigFacts, TemplateFacts, TemplateOutputs } from '../doctor/index.js';
import { type DoctorDeps, type DoctorReport, runDoctorChecks } from '../doctor/run-doctor.js';
import { ConfigError, UsageError } from '../errors.js';
import type { Workspace } from '../ports/workspace.js';
import { effectiveOutputs, formatDocumentProblem, resolveEnvironment } from '../templates/index.js';
import type { CheckedDocument } from '../templates/load-template.js';
import { DEFAULT_KEY_VAR, type RoleTemplate } from '../templates/schema.js';
import { findVariableConflicts, formatVariableConflict } from '../templates/variable-owners.js';

/** What doctor reads through: the project, its template files, the connection settings, credential files. */
export interface DoctorPorts extends DoctorDeps {
  readonly workspace: Workspace;
  /** The config file as read (its problems are a failed check, not an error). */
  readonly configFacts: ConfigFacts;
  /**
   * The template files checked without throwing on invalid ones (file names relative to the
   * project folder); UsageError when a named one, or the templates folder, does not exist.
   */
  checkTemplates(refs: readonly string[]): Promise<CheckedDocument<RoleTemplate>[]>;
  /** The admin connection of an environment; ConfigError when it does not resolve. */
  connectionFor(environment: string): ConnectionSettings;
  /** Dotenv files holding admin credentials for this run that exist (undefined environment: it is unknown). */
  credentialFiles(environment: string | undefined): string[];
}

/** What to check. */
export interface DoctorRequest {
  readonly environment: string;
  /** Only this template (name or file); default every template of the templates folder. */
  readonly template?: string;
}

/** Gathers the facts and runs every doctor check; the report says the exit code. */
export async function diagnose(ports: DoctorPorts, request: DoctorRequest): Promise<DoctorReport> {
  const project = ports.workspace;
  const { environment } = request;
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
    const checked = await ports.checkTemplates(request.template ? [request.template] : []);
    templates = checked.map((c) => {
      const file = project.shownPath(project.absolute(c.file));
      return {
        file,
        ...(c.value ? { template: c.value } : {}),
        errors: c.errors.map((p) => formatDocumentProblem(file, p)),
        warnings: c.warnings.map((p) => formatDocumentProblem(file, p)),
      };
    });
  } catch (error) {
    // A named template that does not exist is bad usage; an empty project is a finding.
    if (request.template || !(error instanceof UsageError)) throw error;
    templatesError = error.message;
  }

  let connection: ConnectionSettings | { error: string };
  try {
    connection = environmentError ? { error: environmentError } : ports.connectionFor(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    connection = { error: error.message };
  }

  const outputs: TemplateOutputs[] = [];
  for (const t of templates) {
    if (t.template)
      outputs.push(await templateOutputs(project, t.template, environmentError ? undefined : environment));
  }

  // Across every template and environment, so only when doctor looks at the whole project.
  const variableConflicts = request.template
    ? undefined
    : findVariableConflicts(
        templates.flatMap((t) => (t.template ? [{ template: t.template, file: t.file }] : [])),
        project.config,
        (f) => project.absolute(f),
      ).map((c) => formatVariableConflict(c, project.shownPath(c.envFile)));

  return runDoctorChecks(ports, {
    environment,
    ...(environmentError ? { environmentError } : {}),
    config: ports.configFacts,
    ...(templatesError ? { templatesError } : {}),
    templates,
    ...(variableConflicts ? { variableConflicts } : {}),
    connection,
    local: {
      root: project.root,
      stateDir: project.stateDir,
      auditLog: project.auditLogPath,
      outputs,
      credentialFiles: ports.credentialFiles(environmentError ? undefined : environment),
    },
  });
}

/**
 * Where a template writes in the environment (its own outputs when the environment is unknown),
 * and what rotate would refuse before minting, by the same check.
 */
async function templateOutputs(
  project: Workspace,
  template: RoleTemplate,
  environment: string | undefined,
): Promise<TemplateOutputs> {
  const o =
    environment === undefined ? template.outputs : effectiveOutputs(template, project.config, environment);
  const envFiles = (o.env_files ?? []).map((f) => project.absolute(f));
  const targetProblem = await project.checkEnvFileTargets(template.name, envFiles).then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof ConfigError) return error.message;
      throw error;
    },
  );
  return {
    template: template.name,
    envFiles,
    keyVar: o.key_var ?? DEFAULT_KEY_VAR,
    ...(o.id_var ? { idVar: o.id_var } : {}),
    followSymlinks: o.follow_symlinks ?? false,
    mode: Number.parseInt(o.mode ?? '0600', 8),
    ...(targetProblem ? { targetProblem } : {}),
  };
}
