/** Plain-text tables for terminals: no dependency, so `--help` and lint stay fast to start. */
export interface TableOptions {
  /** Column alignment; default left. */
  align?: ('left' | 'right')[];
}

/** Renders rows under a header, columns padded to their widest cell, two spaces apart. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (opts.align?.[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** Renders a GitHub-flavoured Markdown table. */
export function renderMarkdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const out = [`| ${header.map(esc).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.map(esc).join(' | ')} |`);
  return out.join('\n') + '\n';
}
