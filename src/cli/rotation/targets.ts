// The CLI's composition of the rotation: which templates a project holds, loading one by name
// or path, and the template's outputs for an environment with paths resolved against the project.

import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDuration } from '../../core/duration.js';
import { TemplateError } from '../../core/errors.js';
import type { EffectiveOutputs, HealthCheckSpec } from '../../core/rotation/outputs.js';
import { effectiveOutputs, parseTemplate } from '../../core/templates/load-template.js';
import type { RoleTemplate } from '../../core/templates/schema.js';
import type { CliContext } from '../context.js';
import type { Project } from '../project.js';
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
    restart: o.restart ? { command: o.restart.command, timeoutMs: ms(o.restart.timeout) } : undefined,
    healthCheck,
  };
}
