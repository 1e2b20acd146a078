// The CLI's composition of the rotation: which templates a project holds, loading one by name
// or path, and the template's outputs for an environment with paths resolved against the project.

import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { nodeOutputTargetFacts } from '../../adapters/env-file/output-target-facts.js';
import { parseDuration } from '../../core/duration.js';
import { checkOutputTargets } from '../../core/env-file/output-targets.js';
import { ConfigError, isEskeysError, TemplateError, UsageError } from '../../core/errors.js';
import type { EffectiveOutputs, HealthCheckSpec } from '../../core/rotation/outputs.js';
import { effectiveOutputs, parseTemplate } from '../../core/templates/load-template.js';
import type { RoleTemplate } from '../../core/templates/schema.js';
import {
  conflictsOf,
  findVariableConflicts,
  formatVariableConflict,
  type TemplateOfProject,
} from '../../core/templates/variable-owners.js';
import type { CliContext } from '../context.js';
import type { Project } from '../project.js';
import { checkTemplates, displayPath, templatesDirOf } from '../templates-io.js';
import { readUserFile } from '../user-file.js';

/** The templates folder, absolute. */
function templatesDir(project: Project): string {
  return resolve(project.root, project.config.templates_dir);
}

/** Names of the templates in the project's templates folder (for the interactive picker). */
export async function listTemplates(project: Project): Promise<string[]> {
  try {
    return (await readdir(templatesDir(project)))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/** Loads a template by name (`roles/<name>.json`) or by path (anything ending in .json). */
export async function loadTemplate(
  ctx: CliContext,
  project: Project,
  nameOrPath: string,
): Promise<{ template: RoleTemplate; file: string; warnings: readonly string[] }> {
  const isPath = nameOrPath.endsWith('.json') || nameOrPath.includes('/');
  const file = isPath ? resolve(ctx.cwd, nameOrPath) : join(templatesDir(project), `${nameOrPath}.json`);
  const shown = isPath ? nameOrPath : `${project.config.templates_dir}/${nameOrPath}.json`;
  const text = await readUserFile(file, shown, 'template');
  if (text === undefined) {
    const known = await listTemplates(project);
    throw new TemplateError(
      `template ${nameOrPath} not found (${file})${known.length ? `; known: ${known.join(', ')}` : ''}`,
    );
  }
  const loaded = parseTemplate(text, shown);
  return { template: loaded.template, file, warnings: loaded.warnings };
}

/** The template's outputs for the environment, paths resolved against the project root. */
export function resolveOutputs(
  project: Project,
  template: RoleTemplate,
  environment: string,
): EffectiveOutputs {
  const o = effectiveOutputs(template, project.config, environment);
  const ms = (d: string) => parseDuration(d) ?? 30_000;
  let healthCheck: HealthCheckSpec | undefined;
  if (o.health_check) {
    healthCheck =
      'url' in o.health_check
        ? {
            kind: 'url',
            url: o.health_check.url,
            timeoutMs: ms(o.health_check.timeout),
            expectStatus: o.health_check.expect_status,
          }
        : { kind: 'command', command: o.health_check.command, timeoutMs: ms(o.health_check.timeout) };
  }
  return {
    envFiles: (o.env_files ?? []).map((f) => (isAbsolute(f) ? f : resolve(project.root, f))),
    keyVar: o.key_var ?? 'ELASTICSEARCH_API_KEY',
    idVar: o.id_var,
    followSymlinks: o.follow_symlinks ?? false,
    mode: Number.parseInt(o.mode ?? '0600', 8),
    restart: o.restart ? { command: o.restart.command, timeoutMs: ms(o.restart.timeout) } : undefined,
    healthCheck,
  };
}

/** The folders env files may be written into: the project folder, then the config's output_roots (relative to the config's folder). */
export function outputRoots(project: Project): string[] {
  return [project.root, ...(project.config.output_roots ?? []).map((r) => resolve(project.root, r))];
}

/** Every valid template of the project's templates folder (none when it has no folder), plus `extra`. */
export async function projectTemplates(
  ctx: CliContext,
  project: Project,
  extra?: TemplateOfProject,
): Promise<TemplateOfProject[]> {
  let found: TemplateOfProject[] = [];
  try {
    const checked = await checkTemplates([], ctx.cwd, templatesDirOf(project, ctx.cwd));
    found = checked.flatMap((c) => (c.value ? [{ template: c.value, file: c.file }] : []));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error; // no templates folder: only `extra` exists
  }
  if (extra && !found.some((t) => t.template.name === extra.template.name)) found.push(extra);
  return found;
}

/**
 * Refuses, before anything is minted (rotate, create, tick), outputs eskeys must not write: a
 * variable another template of the project also writes into the same env file, an env file
 * outside the project and its output_roots (symbolic links resolved), or an existing file that
 * is not an env file. Exit 2, one line.
 */
export async function guardOutputs(
  ctx: CliContext,
  project: Project,
  loaded: TemplateOfProject,
  environment: string,
  outputs: EffectiveOutputs,
): Promise<void> {
  const all = await projectTemplates(ctx, project, loaded);
  const conflicts = conflictsOf(
    findVariableConflicts(all, project.config, (f) => (isAbsolute(f) ? f : resolve(project.root, f))),
    loaded.template.name,
    environment,
  );
  if (conflicts.length > 0) {
    const c = conflicts[0]!;
    throw new ConfigError(formatVariableConflict(c, displayPath(ctx.cwd, c.envFile)));
  }
  await checkEnvFileTargets(ctx, project, loaded.template.name, outputs.envFiles);
}

/**
 * The output-target check of core (inside the project or an output root, an env file, owner and
 * group keepable) against the real filesystem; ConfigError (exit 2) naming template and file.
 */
export async function checkEnvFileTargets(
  ctx: CliContext,
  project: Project,
  template: string,
  envFiles: readonly string[],
): Promise<void> {
  try {
    await checkOutputTargets(
      { template, envFiles, roots: outputRoots(project), display: (p) => displayPath(ctx.cwd, p) },
      nodeOutputTargetFacts,
    );
  } catch (error) {
    if (isEskeysError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(
      `template ${template}: outputs.env_files: cannot resolve where the env files are (${code})`,
      { cause: error },
    );
  }
}
