import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import {
  buildMatrix,
  declaredBy,
  type MatrixCell,
  type MatrixViolation,
  matrixViolations,
  type Need,
  type PermissionMatrix,
  referenceViolations,
} from '../../core/matrix/matrix.js';
import type { CliContext } from '../context.js';
import type { IO } from '../io.js';
import { formatWithJson, jsonOption } from '../json-flag.js';
import { writeJson } from '../render/json.js';
import { renderMatrixHtml } from '../render/matrix-html.js';
import { renderMarkdownTable, renderTable } from '../render/table.js';
import { openWorkspace } from '../workspace.js';

/** Options of `eskeys matrix`. */
export interface MatrixOptions {
  readonly io: IO;
  readonly cwd: string;
  /** Template files, directories or names; empty = the templates directory. */
  readonly paths: readonly string[];
  /** @defaultValue 'table' */
  readonly format: 'table' | 'markdown' | 'json' | 'html';
  /** Templates whose probes fill a reference "needed?" column. @defaultValue none: no such column */
  readonly neededFrom?: readonly string[];
  /** `--config` or ESKEYS_CONFIG: the project config (templates_dir); default ./eskeys.config.json. */
  readonly config?: string;
}

/** `eskeys matrix [paths...]`. */
export function matrixCommand(
  ctx: CliContext,
  run: (opts: MatrixOptions) => Promise<void> = runMatrix,
): Command {
  return new Command('matrix')
    .description('permission matrix: probe operations × templates, each judged against its own probes')
    .argument('[paths...]', 'template files, directories or names (default: every template in roles/)')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'markdown', 'json', 'html'])
        .default('table'),
    )
    .addOption(jsonOption())
    .addOption(
      new Option('--config <file>', 'project config (default ./eskeys.config.json; env ESKEYS_CONFIG)'),
    )
    .option(
      '--needed-from <templates>',
      "add a needed? column from these templates' probes and judge every template against it (comma-separated names)",
    )
    .addHelpText(
      'after',
      '\nCells: ✓ allowed, ✗ denied; then what the template\'s own probes declare: "needed" (an allow\n' +
        'probe), "forbidden" (a deny probe), nothing (not declared); "!" where its privileges contradict it.\n' +
        'needed? (only with --needed-from): yes = an allow probe of those templates lists it, no = a deny probe.',
    )
    .action(
      async (
        paths: string[],
        flags: { format: MatrixOptions['format']; json?: boolean; neededFrom?: string; config?: string },
        cmd: Command,
      ) => {
        const neededFrom = flags.neededFrom
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (flags.neededFrom !== undefined && neededFrom?.length === 0) {
          throw new UsageError('--needed-from needs at least one template name');
        }
        await run({
          io: ctx.io,
          cwd: ctx.cwd,
          paths,
          format: formatWithJson(cmd, flags),
          ...(neededFrom ? { neededFrom } : {}),
          config: flags.config ?? ctx.env.ESKEYS_CONFIG,
        });
      },
    );
}

/** Builds and renders the matrix (exit 0; 2 on invalid templates). */
export async function runMatrix(opts: MatrixOptions): Promise<void> {
  const loaded = await (await openWorkspace(opts.cwd, opts.config)).workspace.loadTemplates(opts.paths);
  const names = loaded.map((l) => l.template.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate)
    throw new UsageError(`template "${duplicate}" is given twice; the matrix needs distinct templates`);
  for (const n of opts.neededFrom ?? []) {
    if (!names.includes(n))
      throw new UsageError(`--needed-from: "${n}" is not one of the templates (${names.join(', ')})`);
  }
  for (const l of loaded) for (const w of l.warnings) opts.io.stderr.write(`eskeys: warning: ${w}\n`);
  const matrix = buildMatrix(
    loaded.map((l) => ({ template: l.template, file: l.file })),
    opts.neededFrom,
  );
  if (opts.format === 'json') {
    writeJson(opts.io, matrixToJson(matrix));
    return;
  }
  if (opts.format === 'html') {
    opts.io.stdout.write(renderMatrixHtml(matrix));
    return;
  }
  const reference = matrix.neededFrom.length > 0;
  const header = [
    'operation',
    'action',
    ...(reference ? ['needed?'] : []),
    ...matrix.templates.map((t) => t.name),
  ];
  const rows = matrix.rows.map((r) => [
    r.op.id,
    r.op.action,
    ...(reference ? [needLabel(r.needed)] : []),
    ...r.cells.map(cellLabel),
  ]);
  if (opts.format === 'markdown') {
    const mdRows = rows.map((r) => [`\`${r[0]}\``, `\`${r[1]}\``, ...r.slice(2)]);
    opts.io.stdout.write(renderMarkdownTable(header, mdRows));
  } else {
    opts.io.stdout.write(renderTable(header, rows));
  }
  const notes = footnotes(matrix);
  if (notes.length > 0)
    opts.io.stdout.write(
      '\n' + notes.map((n) => (opts.format === 'markdown' ? `- ${n}` : n)).join('\n') + '\n',
    );
}

function needLabel(n: Need): string {
  return n === 'yes' ? 'yes' : n === 'no' ? 'no' : n === 'conflict' ? 'conflict' : '';
}

function cellLabel(c: MatrixCell): string {
  const declared = declaredBy(c);
  return [
    c.allowed ? '✓' : '✗',
    ...(declared ? [declared] : []),
    ...(c.contradictsOwnProbe ? ['!'] : []),
  ].join(' ');
}

function footnotes(matrix: PermissionMatrix): string[] {
  const notes: string[] = [];
  if (matrix.rows.some((r) => r.cells.some((c) => c.contradictsOwnProbe))) {
    notes.push("! the template's own probe expects the opposite (see eskeys lint)");
  }
  for (const v of matrixViolations(matrix)) {
    if (v.allowsForbidden.length > 0)
      notes.push(`${v.template} allows what its own deny probes forbid: ${v.allowsForbidden.join(', ')}`);
    if (v.lacksNeeded.length > 0)
      notes.push(`${v.template} lacks what its own allow probes need: ${v.lacksNeeded.join(', ')}`);
  }
  const reference = matrix.neededFrom.join(', ');
  for (const v of referenceViolations(matrix)) {
    if (v.allowsForbidden.length > 0)
      notes.push(`${v.template} allows what ${reference} must not: ${v.allowsForbidden.join(', ')}`);
    if (v.lacksNeeded.length > 0)
      notes.push(`${v.template} lacks what ${reference} needs: ${v.lacksNeeded.join(', ')}`);
  }
  return notes;
}

function violationJson(v: MatrixViolation): unknown {
  return { template: v.template, allows_forbidden: v.allowsForbidden, lacks_needed: v.lacksNeeded };
}

/** The JSON form of the matrix: stable, machine-oriented. */
export function matrixToJson(matrix: PermissionMatrix): unknown {
  return {
    templates: matrix.templates,
    needed_from: matrix.neededFrom,
    operations: matrix.rows.map((r) => ({
      id: r.op.id,
      title: r.op.title,
      scope: r.op.scope,
      action: r.op.action,
      needed: r.needed ?? null,
      templates: Object.fromEntries(
        r.cells.map((c) => [
          c.template,
          {
            allowed: c.allowed,
            patterns: c.patterns,
            granted_by: c.grantedBy,
            probe: c.expectation ?? null,
            declared: declaredBy(c) ?? null,
            contradicts_own_probe: c.contradictsOwnProbe,
            violates_needed: c.violatesNeed,
          },
        ]),
      ),
    })),
    violations: matrixViolations(matrix).map(violationJson),
    reference_violations: referenceViolations(matrix).map(violationJson),
  };
}
