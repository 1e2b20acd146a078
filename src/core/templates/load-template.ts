import type { z } from 'zod';
import { ConfigError, TemplateError } from '../errors.js';
import {
  JsonSyntaxError,
  type ParsedJson,
  parseJsonText,
  type TextLocation,
  unescapePointerToken,
} from './json-text.js';
import { formatProblem, type Problem } from './problems.js';
import {
  DEFAULT_ENVIRONMENT,
  type EnvironmentConfig,
  type Outputs,
  type ProjectConfig,
  ProjectConfigSchema,
  type RoleTemplate,
  RoleTemplateSchema,
} from './schema.js';
import { didYouMean } from './suggest.js';
import { checkProjectConfigRules, checkTemplateRules } from './template-rules.js';
import { issuesToProblems } from './zod-issues.js';

/**
 * Loading role templates and the project config from text: JSON syntax (with line and
 * column), then the schema, then the named rules, every problem reported at once as one line
 * `file: /json/pointer: message` (STYLE.md, Config). Pure: the caller reads the files.
 */

/** The outcome of checking one document, without throwing. */
export interface CheckedDocument<T> {
  readonly file: string;
  /** The validated value; undefined when there are errors. */
  readonly value?: T;
  readonly errors: readonly Problem[];
  readonly warnings: readonly Problem[];
  /** Where each JSON pointer of the document starts (absent for malformed JSON). */
  readonly locations?: ReadonlyMap<string, TextLocation>;
}

/** A template that validated, with its warnings as one-line messages. */
export interface LoadedTemplate {
  readonly template: RoleTemplate;
  readonly warnings: readonly string[];
}

/** `roles/email-search.json` → `email-search`. */
export function templateBaseName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.json$/i, '');
}

/** Where `pointer` (or its nearest existing ancestor) starts in the document. */
export function locatePointer(
  locations: ReadonlyMap<string, TextLocation> | undefined,
  pointer: string,
): TextLocation | undefined {
  if (!locations) return undefined;
  let p = pointer;
  for (;;) {
    const hit = locations.get(p);
    if (hit || p === '') return hit;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

function checkDocument<T>(
  text: string,
  file: string,
  schema: z.ZodType<T>,
  rules: (raw: unknown) => Problem[],
): CheckedDocument<T> {
  let parsed: ParsedJson;
  try {
    parsed = parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return {
      file,
      errors: [
        {
          severity: 'error',
          path: '',
          message: `invalid JSON: ${e.message}`,
          location: e.location,
          syntax: true,
        },
      ],
      warnings: [],
    };
  }
  const problems: Problem[] = parsed.duplicateKeys.map((path) => ({
    severity: 'error' as const,
    path,
    message: `field "${unescapePointerToken(path.slice(path.lastIndexOf('/') + 1))}" appears twice; JSON keeps only the last one`,
  }));
  problems.push(
    ...parsed.forbiddenKeys.map((path) => ({
      severity: 'error' as const,
      path,
      message: `the key "${unescapePointerToken(path.slice(path.lastIndexOf('/') + 1))}" is not allowed (it names JavaScript's prototype machinery); rename or remove it`,
    })),
  );
  const result = schema.safeParse(parsed.value);
  if (!result.success) problems.push(...issuesToProblems(schema, parsed.value, result.error.issues));
  problems.push(...rules(parsed.value));
  const seen = new Set<string>();
  const located = problems
    .filter((p) => {
      const k = `${p.severity}\u0000${p.path}\u0000${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((p) => {
      const location = locatePointer(parsed.locations, p.path);
      return location ? { ...p, location } : p;
    })
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        (a.p.location?.line ?? 0) - (b.p.location?.line ?? 0) ||
        (a.p.location?.column ?? 0) - (b.p.location?.column ?? 0) ||
        a.i - b.i,
    )
    .map(({ p }) => p);
  const errors = located.filter((p) => p.severity === 'error');
  const warnings = located.filter((p) => p.severity === 'warning');
  const locations = parsed.locations;
  return errors.length === 0 && result.success
    ? { file, value: result.data, errors, warnings, locations }
    : { file, errors, warnings, locations };
}

/** One-line form of a problem; syntax errors carry `file:line:column`. */
export function formatDocumentProblem(file: string, p: Problem): string {
  if (p.syntax && p.location) {
    return `${file}:${p.location.line}:${p.location.column}: ${p.message}`;
  }
  return formatProblem(file, p);
}

/** Validates a role template's text without throwing; `file` names it in messages. */
export function checkTemplate(text: string, file: string): CheckedDocument<RoleTemplate> {
  const base = templateBaseName(file);
  return checkDocument(text, file, RoleTemplateSchema, (raw) => checkTemplateRules(raw, base));
}

/** Validates an already-parsed template value (no file name checks, no locations). */
export function validateTemplate(value: unknown, file = '<template>'): CheckedDocument<RoleTemplate> {
  return checkDocument(JSON.stringify(value ?? null), file, RoleTemplateSchema, (raw) =>
    checkTemplateRules(raw),
  );
}

function throwIfInvalid<T>(
  checked: CheckedDocument<T>,
  ErrorClass: typeof TemplateError | typeof ConfigError,
): T {
  if (checked.value !== undefined) return checked.value;
  const lines = checked.errors.map((p) => formatDocumentProblem(checked.file, p));
  if (lines.length === 0) lines.push(`${checked.file}: invalid`);
  if (ErrorClass === TemplateError) throw new TemplateError(lines[0]!, lines);
  throw new ConfigError(
    lines.length === 1 ? lines[0]! : `${lines[0]!} (and ${lines.length - 1} more problems)`,
  );
}

/**
 * Parses and validates a role template. Returns it with defaults applied and its warnings,
 * or throws TemplateError whose message is the first problem and whose `problems` are all.
 */
export function parseTemplate(text: string, file: string): LoadedTemplate {
  const checked = checkTemplate(text, file);
  const template = throwIfInvalid(checked, TemplateError);
  return { template, warnings: checked.warnings.map((p) => formatDocumentProblem(file, p)) };
}

/** Validates the project config's text without throwing. */
export function checkProjectConfig(text: string, file: string): CheckedDocument<ProjectConfig> {
  return checkDocument(text, file, ProjectConfigSchema, checkProjectConfigRules);
}

/**
 * Parses and validates eskeys.config.json. Throws TemplateError (exit 2) listing every
 * problem, like templates, so both read the same way.
 */
export function parseProjectConfig(
  text: string,
  file: string,
): { config: ProjectConfig; warnings: string[] } {
  const checked = checkProjectConfig(text, file);
  const config = throwIfInvalid(checked, TemplateError);
  return { config, warnings: checked.warnings.map((p) => formatDocumentProblem(file, p)) };
}

/** The project config used when there is no eskeys.config.json. */
export const DEFAULT_PROJECT_CONFIG: ProjectConfig = ProjectConfigSchema.parse({});

/**
 * The named environment of the config. The default environment always exists (empty when
 * not configured); any other name must be configured, else ConfigError with a suggestion.
 */
export function resolveEnvironment(
  config: ProjectConfig | undefined,
  environment: string = DEFAULT_ENVIRONMENT,
): EnvironmentConfig {
  const envs = config?.environments ?? {};
  const hit = envs[environment];
  if (hit) return hit;
  if (environment === DEFAULT_ENVIRONMENT) return { connection: {}, outputs: {} };
  const known = Object.keys(envs);
  throw new ConfigError(
    known.length === 0
      ? `unknown environment "${environment}": eskeys.config.json defines no environments`
      : `unknown environment "${environment}"${didYouMean(environment, known)} (known: ${known.join(', ')})`,
  );
}

/**
 * A template's outputs for an environment: the template's own outputs (the defaults),
 * with each field given in `environments[env].outputs[template.name]` replacing the
 * template's (whole values, not merged: an override's `env_files` replaces the list).
 */
export function effectiveOutputs(
  template: Pick<RoleTemplate, 'name' | 'outputs'>,
  config: ProjectConfig | undefined,
  environment: string = DEFAULT_ENVIRONMENT,
): Outputs {
  const override = resolveEnvironment(config, environment).outputs[template.name] ?? {};
  const merged: Record<string, unknown> = { ...template.outputs };
  for (const [k, v] of Object.entries(override)) if (v !== undefined) merged[k] = v;
  return merged as Outputs;
}
