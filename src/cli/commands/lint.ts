import path from 'node:path';
import { Command, Option } from 'commander';
import { ExitCode, ReportedError } from '../../core/errors.js';
import {
  countBySeverity,
  type LintFinding,
  type LintSeverity,
  lintTemplate,
  severityRank,
  type TemplateLintResult,
} from '../../core/lint/index.js';
import {
  didYouMean,
  formatDocumentProblem,
  locatePointer,
  type ProjectConfig,
} from '../../core/templates/index.js';
import {
  findVariableConflicts,
  formatVariableConflict,
  type TemplateOfProject,
} from '../../core/templates/variable-owners.js';
import type { CliContext } from '../context.js';
import type { IO } from '../io.js';
import { formatWithJson, jsonOption } from '../json-flag.js';
import { writeJson } from '../render/json.js';
import { renderTable } from '../render/table.js';
import { openWorkspace } from '../workspace.js';

/** Options of `eskeys lint`. */
export interface LintOptions {
  readonly io: IO;
  readonly cwd: string;
  /** Template files, directories or names; empty = the templates directory. */
  readonly paths: readonly string[];
  /** @defaultValue 'table' */
  readonly format: 'table' | 'json';
  /** Findings below this severity are not shown. @defaultValue 'info' */
  readonly minSeverity: LintSeverity;
  /** `--config` or ESKEYS_CONFIG: the project config (templates_dir); default ./eskeys.config.json. */
  readonly config?: string;
}

/** `eskeys lint [paths...]`. */
export function lintCommand(ctx: CliContext, run: (opts: LintOptions) => Promise<void> = runLint): Command {
  return new Command('lint')
    .description('check role templates for dangerous or inconsistent grants (no cluster needed)')
    .argument('[paths...]', 'template files, directories or names (default: every template in roles/)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(jsonOption())
    .addOption(
      new Option('--config <file>', 'project config (default ./eskeys.config.json; env ESKEYS_CONFIG)'),
    )
    .addOption(
      new Option('--severity <level>', 'lowest severity to show')
        .choices(['error', 'warning', 'info'])
        .default('info'),
    )
    .action(
      async (
        paths: string[],
        flags: { format: 'table' | 'json'; json?: boolean; severity: LintSeverity; config?: string },
        cmd: Command,
      ) => {
        await run({
          io: ctx.io,
          cwd: ctx.cwd,
          paths,
          format: formatWithJson(cmd, flags),
          minSeverity: flags.severity,
          config: flags.config ?? ctx.env.ESKEYS_CONFIG,
        });
      },
    );
}

interface InvalidTemplate {
  readonly file: string;
  readonly errors: readonly { path: string; message: string; line?: number; column?: number }[];
  readonly lines: readonly string[];
}

/** Lints the templates and renders the findings; exits 1 on errors, 2 on invalid templates. */
export async function runLint(opts: LintOptions): Promise<void> {
  const { workspace } = await openWorkspace(opts.cwd, opts.config);
  const { config, configFile, templatesDirShown: templatesDir, root } = workspace;
  const checked = await workspace.checkTemplates(opts.paths);
  const invalid: InvalidTemplate[] = [];
  const results: (TemplateLintResult & { warnings: string[]; line: (path: string) => number | undefined })[] =
    [];
  const validationWarnings: string[] = [];
  const linted: TemplateOfProject[] = [];
  for (const c of checked) {
    validationWarnings.push(...c.warnings.map((p) => formatDocumentProblem(c.file, p)));
    if (!c.value) {
      invalid.push({
        file: c.file,
        errors: c.errors.map((p) => ({
          path: p.path,
          message: p.message,
          ...(p.location ? { line: p.location.line, column: p.location.column } : {}),
        })),
        lines: c.errors.map((p) => formatDocumentProblem(c.file, p)),
      });
      continue;
    }
    linted.push({ template: c.value, file: c.file });
    const result = lintTemplate(c.value, c.file);
    const min = severityRank(opts.minSeverity);
    results.push({
      ...result,
      findings: result.findings.filter((f) => severityRank(f.severity) >= min),
      warnings: c.warnings.map((p) => formatDocumentProblem(c.file, p)),
      line: (p) => locatePointer(c.locations, p)?.line,
    });
  }
  // Linting the whole templates directory: output overrides must name one of its templates.
  const configWarnings =
    opts.paths.length === 0 && configFile
      ? orphanOverrides(
          config,
          configFile,
          templatesDir,
          results.map((r) => r.template),
        )
      : [];
  // One variable, one owner: across every linted template and every environment of the config.
  const conflicts = findVariableConflicts(linted, config, (f) => path.resolve(root, f)).map((c) => {
    const envFile = workspace.shownPath(c.envFile);
    return { ...c, envFile, message: formatVariableConflict(c, envFile) };
  });
  const all = results.flatMap((r) => r.findings);
  const counts = countBySeverity(all);
  counts.error += conflicts.length;
  const suppressed = results.reduce((n, r) => n + r.suppressed.length, 0);

  if (opts.format === 'json') {
    writeJson(opts.io, {
      templates: [
        ...results.map((r) => ({
          file: r.file,
          template: r.template,
          valid: true,
          findings: r.findings.map((f) => ({ ...f, line: r.line(f.path) })),
          suppressed: r.suppressed.map((f) => ({ rule: f.rule, path: f.path, message: f.message })),
          warnings: r.warnings,
        })),
        ...invalid.map((i) => ({ file: i.file, valid: false, errors: i.errors })),
      ],
      conflicts: conflicts.map((c) => ({
        rule: SHARED_VARIABLE_RULE,
        severity: 'error',
        env_file: c.envFile,
        variable: c.variable,
        templates: c.templates,
        owners: c.owners,
        message: c.message,
      })),
      config_warnings: configWarnings,
      summary: { templates: checked.length, invalid: invalid.length, ...counts, suppressed },
    });
  } else {
    for (const w of [...validationWarnings, ...configWarnings])
      opts.io.stderr.write(`eskeys: warning: ${w}\n`);
    renderLintTable(
      opts.io,
      results,
      conflicts.map((c) => c.message),
      counts,
      suppressed,
      checked.length,
      invalid.length,
    );
  }
  for (const i of invalid) for (const line of i.lines) opts.io.stderr.write(`eskeys: ${line}\n`);
  // Two files with one template name would manage the same keys (keys are found by name).
  const clashes = duplicateNames(results);
  for (const line of clashes) opts.io.stderr.write(`eskeys: ${line}\n`);
  if (invalid.length > 0 || clashes.length > 0) throw new ReportedError(ExitCode.usage);
  if (counts.error > 0) throw new ReportedError(ExitCode.verificationFailed);
}

function orphanOverrides(
  config: ProjectConfig,
  file: string,
  templatesDir: string,
  names: readonly string[],
): string[] {
  const out: string[] = [];
  for (const [env, def] of Object.entries(config.environments)) {
    for (const name of Object.keys(def.outputs)) {
      if (names.includes(name)) continue;
      out.push(
        `${file}: /environments/${env}/outputs/${name}: no template named "${name}" in ${templatesDir}/${didYouMean(name, names)}`,
      );
    }
  }
  return out;
}

function duplicateNames(results: readonly { template: string; file: string }[]): string[] {
  const files = new Map<string, string[]>();
  for (const r of results) files.set(r.template, [...(files.get(r.template) ?? []), r.file]);
  return [...files]
    .filter(([, f]) => f.length > 1)
    .map(
      ([name, f]) => `template name "${name}" is used by ${f.join(' and ')}; template names must be unique`,
    );
}

/** The id under which lint reports two templates writing one variable of one env file. */
const SHARED_VARIABLE_RULE = 'shared-output-variable';

function renderLintTable(
  io: IO,
  results: readonly (TemplateLintResult & { line: (path: string) => number | undefined })[],
  conflicts: readonly string[],
  counts: Record<LintSeverity, number>,
  suppressed: number,
  total: number,
  invalid: number,
): void {
  const numbered: { n: number; f: LintFinding; where: string }[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const line = r.line(f.path);
      numbered.push({ n: numbered.length + 1, f, where: `${f.file}${line ? `:${line}` : ''} ${f.path}` });
    }
  }
  if (numbered.length > 0) {
    io.stdout.write(
      renderTable(
        ['#', 'SEVERITY', 'RULE', 'TEMPLATE', 'WHERE', 'FINDING'],
        numbered.map(({ n, f, where }) => [String(n), f.severity, f.rule, f.template, where, f.message]),
        { align: ['right'] },
      ),
    );
    io.stdout.write('\n');
    // One explanation per rule; the alternative per finding only where findings differ.
    const byRule = new Map<string, { n: number; f: LintFinding }[]>();
    for (const item of numbered) byRule.set(item.f.rule, [...(byRule.get(item.f.rule) ?? []), item]);
    for (const [rule, items] of byRule) {
      const refs = items.map((i) => `#${i.n}`).join(', ');
      io.stdout.write(`${rule} (${refs}): ${items[0]!.f.explanation}.\n`);
      const alternatives = [...new Set(items.map((i) => i.f.alternative))];
      if (alternatives.length === 1) {
        io.stdout.write(`  instead: ${alternatives[0]}.\n`);
      } else {
        for (const i of items) io.stdout.write(`  instead (#${i.n}): ${i.f.alternative}.\n`);
      }
    }
    io.stdout.write('\n');
  }
  for (const c of conflicts) io.stdout.write(`error ${SHARED_VARIABLE_RULE}: ${c}\n`);
  if (conflicts.length > 0) io.stdout.write('\n');
  const valid = total - invalid;
  const parts = [
    `${valid} template${valid === 1 ? '' : 's'} linted`,
    `${counts.error} error${counts.error === 1 ? '' : 's'}`,
    `${counts.warning} warning${counts.warning === 1 ? '' : 's'}`,
    `${counts.info} info`,
  ];
  if (suppressed > 0) parts.push(`${suppressed} ignored by lint.ignore`);
  if (invalid > 0) parts.push(`${invalid} invalid (see stderr)`);
  io.stdout.write(`${parts.join(', ')}\n`);
}
