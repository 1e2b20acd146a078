import { effectiveOutputs } from './load-template.js';
import { DEFAULT_ENVIRONMENT, type ProjectConfig, type RoleTemplate } from './schema.js';

/**
 * One variable, one owner: two templates whose outputs resolve to the same env file and the same
 * variable (`key_var` or `id_var`, in any environments) overwrite each other's key at every
 * rotation, and the consumer silently runs on whichever was rotated last — until that key's
 * grace ends under the other template's feet. Found across every template and environment of a
 * project; lint reports it, doctor fails on it, and rotate/create/tick refuse before minting.
 */

/** A template as read from the project, with the file it came from. */
export interface TemplateOfProject {
  readonly template: Pick<RoleTemplate, 'name' | 'outputs'>;
  /** The template file as shown to the user. */
  readonly file: string;
}

/** One (template, environment) writing a variable into an env file. */
export interface VariableOwner {
  readonly template: string;
  readonly file: string;
  readonly environment: string;
  readonly field: 'key_var' | 'id_var';
}

/** Two or more templates writing one variable of one env file. */
export interface VariableConflict {
  /** The env file, as `resolvePath` returned it. */
  readonly envFile: string;
  readonly variable: string;
  /** Every (template, environment) writing it, templates sorted by name. */
  readonly owners: readonly VariableOwner[];
  /** The distinct template names, sorted. */
  readonly templates: readonly string[];
}

/**
 * Every (env file, variable) written by more than one template, over the default environment and
 * every environment of the config. `resolvePath` makes a template's env-file path comparable
 * (absolute, against the project folder). Pure.
 */
export function findVariableConflicts(
  templates: readonly TemplateOfProject[],
  config: ProjectConfig,
  resolvePath: (envFile: string) => string,
): VariableConflict[] {
  const environments = [...new Set([DEFAULT_ENVIRONMENT, ...Object.keys(config.environments)])];
  const owners = new Map<string, { envFile: string; variable: string; owners: VariableOwner[] }>();
  for (const t of templates) {
    for (const environment of environments) {
      const o = effectiveOutputs(t.template, config, environment);
      const vars: [VariableOwner['field'], string | undefined][] = [
        ['key_var', o.key_var],
        ['id_var', o.id_var],
      ];
      for (const envFile of new Set((o.env_files ?? []).map(resolvePath))) {
        for (const [field, variable] of vars) {
          if (!variable) continue;
          const k = `${envFile}\u0000${variable}`;
          const entry = owners.get(k) ?? { envFile, variable, owners: [] };
          entry.owners.push({ template: t.template.name, file: t.file, environment, field });
          owners.set(k, entry);
        }
      }
    }
  }
  const conflicts: VariableConflict[] = [];
  for (const e of owners.values()) {
    const names = [...new Set(e.owners.map((o) => o.template))].sort();
    if (names.length < 2) continue;
    const sorted = [...e.owners].sort(
      (a, b) => a.template.localeCompare(b.template) || a.environment.localeCompare(b.environment),
    );
    conflicts.push({ envFile: e.envFile, variable: e.variable, owners: sorted, templates: names });
  }
  return conflicts.sort((a, b) => a.envFile.localeCompare(b.envFile) || a.variable.localeCompare(b.variable));
}

/** The conflicts a rotation of (template, environment) is part of. */
export function conflictsOf(
  conflicts: readonly VariableConflict[],
  template: string,
  environment: string,
): VariableConflict[] {
  return conflicts.filter((c) =>
    c.owners.some((o) => o.template === template && o.environment === environment),
  );
}

/** One line: both (or all) templates with their file and environments, the env file and the variable. */
export function formatVariableConflict(c: VariableConflict, shownEnvFile: string): string {
  const who = c.templates.map((name) => {
    const mine = c.owners.filter((o) => o.template === name);
    const envs = [...new Set(mine.map((o) => o.environment))].join(', ');
    return `${name} (${mine[0]!.file}, environment ${envs})`;
  });
  return `templates ${who.join(' and ')} ${c.templates.length === 2 ? 'both' : 'all'} write ${c.variable} in ${shownEnvFile}: each rotation would overwrite the other's key; give each template its own variable or env file`;
}
