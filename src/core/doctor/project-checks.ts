import { countBySeverity, lintTemplate } from '../lint/index.js';
import type { RoleTemplate } from '../templates/schema.js';
import { check, type DoctorCheck } from './check.js';

/** eskeys.config.json as the CLI found it. */
export interface ConfigFacts {
  /** The file shown to the user; undefined when there is none (defaults apply). */
  readonly file?: string;
  /** One line per problem (`file: /pointer: message`); empty when valid. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Environments the config declares. */
  readonly environments: readonly string[];
}

/** One template file as the CLI read and validated it. */
export interface TemplateFacts {
  readonly file: string;
  /** The validated template; absent when it has errors. */
  readonly template?: RoleTemplate;
  /** One line per problem (`file: /pointer: message`). */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** The config check: absent is fine (defaults), invalid fails with every problem. */
export function configCheck(config: ConfigFacts): DoctorCheck {
  if (config.errors.length > 0) {
    return check('project', 'config', 'fail', config.errors[0]!, {
      details: config.errors.slice(1),
      fix: `correct ${config.file}; the checks below use the defaults (roles/, .eskeys/) instead`,
      failure: 'config',
    });
  }
  if (!config.file) {
    return check(
      'project',
      'config',
      'ok',
      'no eskeys.config.json: defaults (templates in roles/, state in .eskeys/)',
    );
  }
  const envs =
    config.environments.length > 0 ? `environments: ${config.environments.join(', ')}` : 'no environments';
  if (config.warnings.length > 0) {
    return check('project', 'config', 'warn', `${config.file}: ${config.warnings[0]}`, {
      details: config.warnings.slice(1),
      fix: `review the warnings in ${config.file}`,
    });
  }
  return check('project', 'config', 'ok', `${config.file}: valid (${envs})`);
}

/** The environment check: `--env` (or ESKEYS_ENV) must name a configured environment. */
export function environmentCheck(name: string, error: string | undefined): DoctorCheck {
  if (error) {
    return check('project', 'environment', 'fail', error, {
      fix: 'pass --env with one of the environments of eskeys.config.json',
      failure: 'config',
    });
  }
  return check('project', 'environment', 'ok', name);
}

/**
 * One check per template: it must load and validate (a problem names file and field), its name
 * must be unique, and lint must find no error-level grant. Lint warnings are the template's
 * design, not the setup, so they are counted but do not turn the line into a warning.
 */
export function templateChecks(templates: readonly TemplateFacts[]): DoctorCheck[] {
  const byName = new Map<string, string[]>();
  for (const t of templates) {
    if (t.template) byName.set(t.template.name, [...(byName.get(t.template.name) ?? []), t.file]);
  }
  return templates.map((t) => {
    const subject = t.template?.name ?? t.file;
    if (!t.template) {
      return check('project', 'template', 'fail', t.errors[0] ?? `${t.file}: invalid`, {
        subject,
        details: t.errors.slice(1),
        fix: `correct ${t.file} (\`eskeys lint ${t.file}\` lists every problem)`,
        failure: 'config',
      });
    }
    const files = byName.get(t.template.name) ?? [];
    if (files.length > 1) {
      return check(
        'project',
        'template',
        'fail',
        `template name "${t.template.name}" is used by ${files.join(' and ')}`,
        { subject, fix: 'template names must be unique: rename one of them', failure: 'config' },
      );
    }
    const lint = lintTemplate(t.template, t.file);
    const counts = countBySeverity(lint.findings);
    if (counts.error > 0) {
      const errors = lint.findings.filter((f) => f.severity === 'error');
      return check(
        'project',
        'template',
        'fail',
        `${t.file}: lint: ${counts.error} error${counts.error === 1 ? '' : 's'}: ${errors[0]!.rule}: ${errors[0]!.message}`,
        {
          subject,
          details: errors.slice(1).map((f) => `${f.rule}: ${f.message}`),
          fix: `\`eskeys lint ${t.file}\` explains each finding and a safer grant (or accept it with lint.ignore)`,
        },
      );
    }
    if (t.warnings.length > 0) {
      return check('project', 'template', 'warn', t.warnings[0]!, {
        subject,
        details: t.warnings.slice(1),
        fix: `review ${t.file}`,
      });
    }
    const notes =
      counts.warning > 0 ? `, ${counts.warning} lint warning${counts.warning === 1 ? '' : 's'}` : '';
    return check('project', 'template', 'ok', `${t.file}: valid${notes}`, { subject });
  });
}

/**
 * One variable, one owner: two templates writing the same variable of the same env file
 * overwrite each other's key at every rotation (`lines` are the formatted conflicts).
 */
export function outputVariablesCheck(lines: readonly string[]): DoctorCheck {
  if (lines.length === 0) {
    return check('project', 'output-variables', 'ok', 'every env-file variable has one template');
  }
  return check('project', 'output-variables', 'fail', lines[0]!, {
    details: lines.slice(1),
    fix: "give each template its own key_var/id_var or env file (in the template or the environment's outputs)",
    failure: 'config',
  });
}
