import { type Palette, PLAIN } from './colour.js';

/** Plain-text tables for terminals: no dependency, so `--help` and lint stay fast to start. */
export interface TableOptions {
  /** Column alignment; default left. */
  align?: ('left' | 'right')[];
  /** How each column gives way when the table is wider than `width`; default: never. */
  fit?: readonly (ColumnFit | undefined)[];
  /** Terminal width to fit in; undefined = no limit (pipes: scripts parse every character). */
  width?: number;
  /** Colours: headers bold, the rule under them dim, cells by `paintCell`. @defaultValue PLAIN */
  palette?: Palette;
  /** Colour of a body cell, given its full text (before truncation) and column. */
  paintCell?: (text: string, column: number, palette: Palette) => (shown: string) => string;
}

/**
 * How a column gives way to a narrow terminal. `shrink` and `drop` are priorities on one scale:
 * the steps are taken lowest first until the table fits (a shrink cuts the column down to `min`,
 * a drop leaves it out), then cut columns get back whatever room a later drop freed. Id and status
 * columns have neither: they are what the reader acts on (kubectl and gh keep NAME/STATUS and
 * shorten the rest).
 */
export interface ColumnFit {
  readonly shrink?: number;
  readonly drop?: number;
  /** Narrowest a shrunk cell gets; default the header's length, at least 4. */
  readonly min?: number;
}

const GAP = 2;

/** The widths that fit `width` (0 = column left out), from each column's natural width and its fit. */
export function fitColumns(
  natural: readonly number[],
  fit: readonly (ColumnFit | undefined)[],
  width: number | undefined,
  headers: readonly string[] = [],
): number[] {
  const widths = [...natural];
  const total = () => {
    const shown = widths.filter((w) => w > 0);
    return shown.reduce((a, b) => a + b, 0) + GAP * Math.max(0, shown.length - 1);
  };
  if (width === undefined || total() <= width) return widths;
  const minOf = (i: number) => Math.min(natural[i]!, fit[i]?.min ?? Math.max(4, headers[i]?.length ?? 0));
  const steps = natural
    .flatMap((_, i) => [
      ...(fit[i]?.shrink !== undefined ? [{ i, kind: 'shrink' as const, at: fit[i]!.shrink! }] : []),
      ...(fit[i]?.drop !== undefined ? [{ i, kind: 'drop' as const, at: fit[i]!.drop! }] : []),
    ])
    .sort((a, b) => a.at - b.at || (a.kind === b.kind ? a.i - b.i : a.kind === 'shrink' ? -1 : 1));
  const shrunk: number[] = [];
  for (const step of steps) {
    const excess = total() - width;
    if (excess <= 0) break;
    if (widths[step.i] === 0) continue;
    if (step.kind === 'drop') widths[step.i] = 0;
    else {
      widths[step.i] = Math.max(minOf(step.i), widths[step.i]! - excess);
      shrunk.push(step.i);
    }
  }
  // A later drop may have freed more than the earlier cuts needed: give it back, last cut first.
  for (const i of shrunk.reverse()) {
    const room = width - total();
    if (room <= 0) break;
    if (widths[i]! > 0) widths[i] = Math.min(natural[i]!, widths[i]! + room);
  }
  return widths;
}

/** Cuts text to `width` characters, the last one an ellipsis when something was cut. */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 0) return '';
  return `${text.slice(0, width - 1)}…`;
}

/**
 * Text made visible: key names, owners, realms, metadata-derived fields and index patterns come
 * from whoever created a key, so every C0/C1 control character, DEL and the Unicode line and
 * paragraph separators become `\u001b`-style escapes. A raw ESC would let a key name drive the
 * reader's terminal (clear it, recolour rows); a newline would forge table rows. Every table
 * cell goes through it; JSON output needs `safeJson` (src/cli/render/inventory.ts) instead.
 */
export function visible(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Multi-line text made visible line by line: line breaks are kept, every other control
 * character is escaped as in visible(). For streams of messages (stderr) whose lines quote
 * values from users, files or the cluster.
 */
export function visibleLines(text: string): string {
  return text
    .split('\n')
    .map((line) => visible(line))
    .join('\n');
}

/**
 * Renders rows under a header, columns padded to their widest cell, two spaces apart; with a
 * `width`, columns are truncated ("…") or left out by their `fit` until every line fits.
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
): string {
  const cells = rows.map((r) => r.map(visible));
  const natural = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const widths = fitColumns(natural, opts.fit ?? [], opts.width, header);
  const paint = opts.palette ?? PLAIN;
  const line = (row: readonly string[], style: (text: string, column: number) => (s: string) => string) =>
    row
      .map((c, i) => ({ c, i }))
      .filter(({ i }) => widths[i]! > 0)
      .map(({ c, i }) => {
        const shown = truncate(c, widths[i]!);
        const pad = ' '.repeat(widths[i]! - shown.length);
        const styled = style(c, i)(shown);
        return opts.align?.[i] === 'right' ? pad + styled : styled + pad;
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const body = (text: string, column: number) =>
    opts.paintCell ? opts.paintCell(text, column, paint) : (s: string) => s;
  return (
    [
      line(header, () => paint.bold),
      line(
        widths.map((w) => '-'.repeat(w)),
        () => paint.dim,
      ),
      ...cells.map((r) => line(r, body)),
    ].join('\n') + '\n'
  );
}

/** Renders a GitHub-flavoured Markdown table. */
export function renderMarkdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => visible(c).replace(/\|/g, '\\|');
  const out = [`| ${header.map(esc).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.map(esc).join(' | ')} |`);
  return out.join('\n') + '\n';
}

/**
 * Breaks text into lines of at most `width` characters at spaces, later lines prefixed with
 * `indent` (counted in the width). A word longer than a line gets a line of its own, whole: a
 * path or URL in a fix must stay usable, so it is the one thing allowed past the width.
 * Without a width the text is one line.
 */
export function wrapWords(text: string, width: number | undefined, indent = ''): string[] {
  if (width === undefined || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  // Each chunk is a word with the spaces before it, so alignment padding inside a line survives.
  for (const chunk of text.match(/ *[^ ]+/g) ?? []) {
    const room = width - (lines.length === 0 ? 0 : indent.length);
    if (line === '' || line.length + chunk.length <= room)
      line += line === '' && lines.length > 0 ? chunk.trimStart() : chunk;
    else {
      lines.push(line);
      line = chunk.trimStart();
    }
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}
