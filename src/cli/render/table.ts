/** Plain-text tables for terminals: no dependency, so `--help` and lint stay fast to start. */
export interface TableOptions {
  /** Column alignment; default left. */
  align?: ('left' | 'right')[];
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

/** Renders rows under a header, columns padded to their widest cell, two spaces apart. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
): string {
  const cells = rows.map((r) => r.map(visible));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => (opts.align?.[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** Renders a GitHub-flavoured Markdown table. */
export function renderMarkdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => visible(c).replace(/\|/g, '\\|');
  const out = [`| ${header.map(esc).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.map(esc).join(' | ')} |`);
  return out.join('\n') + '\n';
}
