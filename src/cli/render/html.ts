import { visible } from './table.js';

/**
 * HTML for the reviewer's reports (`review --format html`, `matrix --format html`): one
 * self-contained file, escaped by construction. Template descriptions, key names, owners,
 * index patterns and metadata come from whoever wrote a template or created a key, so every
 * value interpolated into `html` is escaped unless it is already `Html` built by this module:
 * a key named `<script>…` shows as text and never runs.
 */

/** Markup built by `html`: the only text inserted without escaping. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What `html` accepts between its tags: text (escaped), markup, numbers, lists of them, or nothing. */
export type HtmlValue = Html | string | number | false | null | undefined | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made safe for element content and quoted attribute values. Control characters are shown
 * as `\u001b`-style escapes first, as in the terminal and Markdown renderers, so a name reads
 * the same in every format.
 */
export function escapeHtml(text: string): string {
  return visible(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function fragment(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(fragment).join('');
}

/** Tagged template: the literal parts are markup, every interpolated value is escaped (unless `Html`). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += fragment(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Joins pieces with a separator (both escaped unless `Html`). */
export function join(items: readonly HtmlValue[], separator: HtmlValue): Html {
  return new Html(items.map(fragment).join(fragment(separator)));
}

/**
 * `<code>` around a value, with a line-break opportunity after each `/`, `:`, `.` and
 * `,`: Elasticsearch actions and index patterns are long words, and a narrow column (or a
 * printed page) should wrap them where a reader expects, not mid-name.
 */
export const code = (s: string): Html =>
  new Html(`<code>${escapeHtml(s).replace(/([/:.,])(?=.)/g, '$1<wbr>')}</code>`);

/** One header cell: its text and an optional class. */
export type HeaderCell = string | { readonly label: string; readonly className?: string };

/**
 * A table with a caption, `scope="col"` headers (none when `header` is empty: a table of facts
 * whose rows are headed) and, when `rowHeader` is set, the first cell of each row as a
 * `scope="row"` header (screen readers announce it with every cell of the row).
 */
export function table(opts: {
  readonly caption?: HtmlValue;
  readonly className?: string;
  readonly header: readonly HeaderCell[];
  readonly rows: readonly (readonly Cell[])[];
  readonly rowHeader?: boolean;
}): Html {
  const head = opts.header.map((h) =>
    typeof h === 'string'
      ? html`<th scope="col">${h}</th>`
      : html`<th scope="col"${h.className ? html` class="${h.className}"` : ''}>${h.label}</th>`,
  );
  const body = opts.rows.map(
    (r) => html`<tr>${r.map((c, i) => cell(c, opts.rowHeader === true && i === 0))}</tr>\n`,
  );
  return html`<table${opts.className ? html` class="${opts.className}"` : ''}>${
    opts.caption === undefined ? '' : html`<caption>${opts.caption}</caption>`
  }${opts.header.length > 0 ? html`<thead><tr>${head}</tr></thead>` : ''}\n<tbody>\n${body}</tbody></table>\n`;
}

/** A table cell: content, or content with a class (the colour of a verdict). */
export type Cell = HtmlValue | { readonly content: HtmlValue; readonly className: string };

function isClassed(c: Cell): c is { readonly content: HtmlValue; readonly className: string } {
  return typeof c === 'object' && c !== null && !(c instanceof Html) && !Array.isArray(c);
}

function cell(c: Cell, header: boolean): Html {
  const [content, className] = isClassed(c) ? [c.content, c.className] : [c, undefined];
  const cls = className ? html` class="${className}"` : '';
  return header ? html`<th scope="row"${cls}>${content}</th>` : html`<td${cls}>${content}</td>`;
}

/**
 * The page around a report. One file that opens anywhere, offline and printed: inline CSS only
 * (no font, image, script or stylesheet is fetched), the system font stack, a print stylesheet
 * for A4 portrait (long cells wrap instead of overflowing; headers repeat on each page; a row is
 * not split across pages), and colours that are never the only signal: every coloured cell
 * also says its state in words or symbols.
 */
export function htmlPage(title: string, body: HtmlValue): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="eskeys">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.text;
}

/**
 * The report colours, one pair (background, text) per state. Tests of the rendered page look
 * for these backgrounds, so a change here is a change there.
 */
export const REPORT_COLOURS = {
  allowed: '#d6e6fb',
  denied: '#e4e7ec',
  expected: '#c9ecd2',
  unexpected: '#f9c8c8',
  critical: '#b3261e',
  high: '#e8710a',
  medium: '#f2c94c',
} as const;

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1d2430;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
h2 { font-size: 1.25em; margin: 1.8em 0 .5em; padding-bottom: .2em; border-bottom: 2px solid #d5dae2; }
h3 { font-size: 1.05em; margin: 1.4em 0 .4em; }
h4 { font-size: .95em; margin: 1.1em 0 .3em; color: #3b4657; }
p, ul, ol, dl { margin: .4em 0 .8em; }
code { font: .9em/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  background: #f0f2f5; border-radius: 3px; padding: 0 .25em; }
.subtitle { color: #4b5565; margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; table-layout: auto; }
caption { text-align: left; font-weight: 600; padding: .2em 0 .4em; color: #3b4657; }
th, td { border: 1px solid #cfd5de; padding: .3em .5em; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
thead th { background: #e9edf3; font-weight: 600; }
tbody th { font-weight: 500; background: #fafbfc; }
td.allowed { background: ${REPORT_COLOURS.allowed}; color: #123a6b; }
td.denied { background: ${REPORT_COLOURS.denied}; color: #38404d; }
td.expected { background: ${REPORT_COLOURS.expected}; color: #0b3d22; }
td.unexpected { background: ${REPORT_COLOURS.unexpected}; color: #7a1010;
  box-shadow: inset 4px 0 0 #b3261e; }
.verdict { font-weight: 600; white-space: nowrap; }
td.unexpected .verdict { font-weight: 700; }
.tag { display: inline-block; font-size: .78em; font-weight: 600; padding: 0 .4em; margin-left: .3em;
  border-radius: 8px; border: 1px solid currentColor; white-space: nowrap; }
.sev { display: inline-block; white-space: nowrap; min-width: 5.2em; text-align: center; font-weight: 700; font-size: .85em;
  padding: .05em .45em; border-radius: 4px; text-transform: uppercase; letter-spacing: .03em; }
.sev-critical { background: ${REPORT_COLOURS.critical}; color: #fff; }
.sev-high { background: ${REPORT_COLOURS.high}; color: #fff; }
.sev-medium { background: ${REPORT_COLOURS.medium}; color: #3d2e00; }
.decision { display: inline-block; white-space: nowrap; font-weight: 700; padding: .35em .8em; border-radius: 6px; font-size: 1.05em; }
.decision-approved { background: #d3f0dc; color: #0f5132; border: 2px solid #2f7d4f; }
.decision-approved_with_follow_ups { background: #fff3cd; color: #5c4400; border: 2px solid #c99a06; }
.decision-changes_required { background: #f8d7da; color: #7a1010; border: 2px solid #b3261e; }
.facts { width: auto; min-width: 50%; }
.facts th { width: 13em; }
.counts { display: flex; gap: .6em; flex-wrap: wrap; margin: .6em 0 1em; padding: 0; list-style: none; }
.counts li { border: 1px solid #cfd5de; border-radius: 6px; padding: .3em .7em; background: #fafbfc; }
.legend { display: flex; gap: .5em 1.2em; flex-wrap: wrap; padding: .5em .8em; margin: .6em 0 1em;
  border: 1px solid #d5dae2; border-radius: 6px; background: #fafbfc; list-style: none; }
.legend li { display: flex; align-items: center; gap: .4em; }
.swatch { display: inline-block; min-width: 4.8em; padding: .1em .4em; border: 1px solid #b9c1cc;
  border-radius: 3px; font-size: .85em; text-align: center; }
.swatch.allowed { background: ${REPORT_COLOURS.allowed}; color: #123a6b; }
.swatch.denied { background: ${REPORT_COLOURS.denied}; color: #38404d; }
.swatch.expected { background: ${REPORT_COLOURS.expected}; color: #0b3d22; font-weight: 600; }
.swatch.unexpected { background: ${REPORT_COLOURS.unexpected}; color: #7a1010; font-weight: 700; }
.muted { color: #5b6472; }
.nowrap { white-space: nowrap; }
.identity { margin-top: 2.2em; }
.signoff { margin-top: 2em; padding: .8em 1em; border: 1px dashed #9aa3af; border-radius: 6px; }
footer { margin-top: 2.5em; font-size: .85em; color: #5b6472; }
@page { size: A4 portrait; margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 9pt; }
  main { max-width: none; padding: 0; }
  table { width: 100%; font-size: 8pt; page-break-inside: auto; }
  /* The widest tables (many templates, nine key columns) may break a long name anywhere
     rather than run off the page. */
  table.matrix td, table.keys td, table.probes td { overflow-wrap: anywhere; }
  thead { display: table-header-group; }
  tr, th, td { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  .identity { break-before: page; page-break-before: always; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** The four colours of an access cell. */
export type AccessState = 'allowed' | 'denied' | 'expected' | 'unexpected';

/** A legend of the access colours: each swatch carries its word, and a sentence says what it means. */
export function legend(
  items: readonly (readonly [state: AccessState, label: string, meaning: string])[],
): Html {
  return html`<ul class="legend" aria-label="legend">${items.map(
    ([state, label, meaning]) => html`<li><span class="swatch ${state}">${label}</span> ${meaning}</li>`,
  )}</ul>\n`;
}
