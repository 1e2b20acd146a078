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
import { type TerminalOutput, terminalOutput, wideOption } from '../output.js';
import { type Palette, PLAIN } from '../render/colour.js';
import { writeJson } from '../render/json.js';
import { renderMatrixHtml } from '../render/matrix-html.js';
import { type ColumnFit, renderMarkdownTable, renderTable, wrapWords } from '../render/table.js';
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
  /** Colours and width of the table format. @defaultValue no colour, no width limit */
  readonly output?: TerminalOutput;
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
    .addOption(wideOption())
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
        flags: {
          format: MatrixOptions['format'];
          json?: boolean;
          neededFrom?: string;
          config?: string;
          wide?: boolean;
        },
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
          output: terminalOutput(ctx, cmd, { wide: flags.wide }),
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
    opts.io.stdout.write(
      renderMatrixTable(header, rows, reference ? 3 : 2, opts.output ?? { palette: PLAIN }),
    );
  }
  const notes = footnotes(matrix);
  if (notes.length > 0)
    opts.io.stdout.write(
      '\n' +
        notes
          .map((n) =>
            opts.format === 'markdown' ? `- ${n}` : wrapWords(n, opts.output?.width, '  ').join('\n'),
          )
          .join('\n') +
        '\n',
    );
}

/**
 * The table form, fitted to the terminal: template names in headers are cut down to their cells'
 * width and the action column shortened, or left out (the operation names it; `--wide` and
 * `--json` show it). When the templates still do not fit side by side, they are shown in blocks
 * of columns, each repeating the operation (and needed?) column, rather than letting the terminal
 * wrap cells mid-word.
 */
function renderMatrixTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  lead: number,
  output: TerminalOutput,
): string {
  const ACTION = 1;
  const natural = (i: number) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length));
  const cellWidth = (i: number) => Math.max(4, ...rows.map((r) => r[i]!.length));
  const fit: (ColumnFit | undefined)[] = header.map((_, i) =>
    i === ACTION ? { shrink: 0, min: 16, drop: 2 } : i >= lead ? { shrink: 1, min: cellWidth(i) } : undefined,
  );
  const table = (columns: readonly number[]) =>
    renderTable(
      columns.map((i) => header[i]!),
      rows.map((r) => columns.map((i) => r[i]!)),
      {
        fit: columns.map((i) => fit[i]),
        ...(output.width !== undefined ? { width: output.width } : {}),
        palette: output.palette,
        paintCell: (text, column) => paintMatrixCell(text, columns[column]! >= lead, output.palette),
      },
    );
  const leadColumns = header.slice(0, lead).map((_, i) => i);
  const templates = header.map((_, i) => i).slice(lead);
  const width = output.width;
  const side = (columns: readonly number[]) =>
    columns.map((i) => (i >= lead ? cellWidth(i) : natural(i)) + 2).reduce((a, b) => a + b, 0) - 2;
  // Every template side by side, the action cut or left out if need be.
  const keys = leadColumns.filter((i) => i !== ACTION);
  if (width === undefined || side([...keys, ...templates]) <= width) {
    return table([...leadColumns, ...templates]);
  }
  const blocks: number[][] = [];
  let current: number[] = [];
  for (const t of templates) {
    if (current.length > 0 && side([...keys, ...current, t]) > width) {
      blocks.push(current);
      current = [];
    }
    current.push(t);
  }
  if (current.length > 0) blocks.push(current);
  return blocks.map((b) => table([...keys, ...b])).join('\n');
}

/** Green where the template does what its probes declare, red where it contradicts them. */
function paintMatrixCell(text: string, isTemplate: boolean, p: Palette): (s: string) => string {
  if (!isTemplate) return text === 'conflict' ? p.warn : (s) => s;
  if (text.endsWith('!')) return p.bad;
  if (text.startsWith('✓') || text.includes('forbidden')) return p.good;
  return p.dim;
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
