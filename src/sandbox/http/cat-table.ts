/**
 * The `_cat` table answer (RestTable): `v`, `h`, `s`, `bytes`, `ts`, and `format`. Text is
 * rendered here with a text content type (the central response layer rewrites JSON only);
 * `format=json|yaml` gives a JSON array of objects whose values are strings, which the central
 * layer then filters or turns into YAML like any JSON answer.
 */
import { EsError } from '../errors.js';
import { wildcardRegex } from '../util.js';
import { boolParam, type HandlerResult, type RequestContext } from './context.js';
import { notEmulated } from './not-emulated.js';

/** A byte size the sandbox cannot measure (no Lucene store): rendered empty, as Elasticsearch renders a missing statistic. */
export const UNMEASURED_BYTES: Readonly<{ unmeasured: 'bytes' }> = Object.freeze({ unmeasured: 'bytes' });

/** One cell: a number, a string, null (empty) or an unmeasured byte size. */
export type CatCell = number | string | null | typeof UNMEASURED_BYTES;

/** One column of a `_cat` table. */
export interface CatColumn {
  name: string;
  aliases?: readonly string[];
  /** Numbers are right-aligned in text (`text-align:right`). */
  right?: boolean;
  /** Shown without `h` (`default:false` columns are only shown when asked for). @defaultValue true */
  shown?: boolean;
  /** `sibling:pri`: with `h` and `pri=true`, the `pri.<name>` column follows this one. */
  priSibling?: boolean;
  /** The timestamp columns `ts=false` hides. */
  timestamp?: boolean;
}

/** A `_cat` table: columns and rows of cells keyed by column name. */
export interface CatTable {
  api: string;
  columns: readonly CatColumn[];
  rows: readonly Record<string, CatCell>[];
}

interface Shown {
  column: CatColumn;
  display: string;
}

function lookupColumn(table: CatTable, key: string): { column: CatColumn; display: string } | undefined {
  for (const c of table.columns) if (c.name === key) return { column: c, display: key };
  for (const c of table.columns) if (c.aliases?.includes(key)) return { column: c, display: key };
  return undefined;
}

/** The columns shown (RestTable.buildDisplayHeaders); a column the sandbox lacks is refused. */
function displayed(ctx: RequestContext, table: CatTable): Shown[] {
  const withTimestamps = boolParam(ctx, 'ts', true);
  const h = ctx.query.get('h');
  if (h === null) {
    return table.columns
      .filter((c) => c.shown !== false && (withTimestamps || !c.timestamp))
      .map((c) => ({ column: c, display: c.name }));
  }
  const wanted: string[] = [];
  for (const key of h.split(',').filter((k) => k !== '')) {
    if (key.includes('*')) {
      const matches = wildcardRegex(key);
      for (const c of table.columns) {
        if (matches.test(c.name) || c.aliases?.some((a) => matches.test(a))) wanted.push(c.name);
      }
    } else wanted.push(key);
  }
  const out: Shown[] = [];
  const seen = new Set<string>();
  for (const key of wanted) {
    if (seen.has(key)) continue;
    seen.add(key);
    const found = lookupColumn(table, key);
    // Elasticsearch has many more columns (segment, cache and merge statistics); the sandbox
    // refuses the ones it does not hold rather than leaving them out silently.
    if (!found) throw notEmulated(`${table.api}] column [${key}`);
    if (found.column.timestamp && !withTimestamps) continue;
    out.push(found);
    if (found.column.priSibling && boolParam(ctx, 'pri')) {
      const sibling = table.columns.find((c) => c.name === `pri.${found.column.name}`);
      if (sibling) out.push({ column: sibling, display: `pri.${found.display}` });
    }
  }
  return out;
}

function render(cell: CatCell | undefined): string | null {
  if (cell === undefined || cell === null || cell === UNMEASURED_BYTES) return null;
  return String(cell);
}

function compareCells(a: CatCell | undefined, b: CatCell | undefined): number {
  const x = a === UNMEASURED_BYTES ? null : (a ?? null);
  const y = b === UNMEASURED_BYTES ? null : (b ?? null);
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const s = String(x);
  const t = String(y);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** Row order for `s` (RestTable.getRowOrder): column names or aliases, each `:asc` or `:desc`. */
function ordered(ctx: RequestContext, table: CatTable): Record<string, CatCell>[] {
  const rows = [...table.rows];
  const s = ctx.query.get('s');
  if (s === null) return rows;
  const keys = s
    .split(',')
    .filter((k) => k !== '')
    .map((raw) => {
      const desc = raw.endsWith(':desc');
      const key = raw.replace(/:(asc|desc)$/, '');
      const found = lookupColumn(table, key);
      // RestTable throws UnsupportedOperationException, which Elasticsearch answers with a 500.
      if (!found)
        throw new EsError(
          500,
          'unsupported_operation_exception',
          `Unable to sort by unknown sort key \`${key}\``,
        );
      return { name: found.column.name, desc };
    });
  return rows.sort((a, b) => {
    for (const k of keys) {
      const c = compareCells(a[k.name], b[k.name]);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  });
}

/** The `_cat` answer for a table, in the format the request asks for. */
export function catResponse(ctx: RequestContext, table: CatTable): HandlerResult {
  if (ctx.query.has('help')) throw notEmulated(`${table.api}] parameter [help`);
  const columns = displayed(ctx, table);
  const rows = ordered(ctx, table);
  const format = ctx.query.get('format');
  const accept = String(ctx.headers.accept ?? '');
  // RestTable: `format` decides, else the Accept header, which ParsedMediaType ignores when it
  // lists several types (a comma: the official clients send JSON and text/plain) → text.
  const structured =
    format !== null
      ? format === 'json' || format === 'yaml'
      : !accept.includes(',') && /\/(?:[\w.-]+\+)?(?:json|yaml)\b/i.test(accept);
  if (format === 'smile' || format === 'cbor') throw notEmulated(`${table.api}] format [${format}`);
  if (structured) {
    return {
      status: 200,
      body: rows.map((row) =>
        Object.fromEntries(columns.map((c) => [c.display, render(row[c.column.name])])),
      ),
    };
  }
  return {
    status: 200,
    rawJson: textTable(ctx, columns, rows),
    headers: { 'content-type': TEXT_CONTENT_TYPE },
  };
}

/** RestResponse.TEXT_CONTENT_TYPE. */
const TEXT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

function textTable(ctx: RequestContext, columns: Shown[], rows: Record<string, CatCell>[]): string {
  const verbose = boolParam(ctx, 'v');
  const cells = rows.map((row) => columns.map((c) => render(row[c.column.name])));
  const width = columns.map((c, i) =>
    Math.max(verbose ? c.display.length : 0, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (values: (string | null)[], align: boolean) =>
    values
      .map((v, i) => {
        const text = v ?? '';
        const pad = ' '.repeat(Math.max(0, width[i]! - text.length));
        const last = i === values.length - 1;
        if (align && columns[i]!.column.right && pad.length > 0) return pad + text;
        return last ? text : text + pad;
      })
      .join(' ');
  const out: string[] = [];
  if (verbose)
    out.push(
      `${line(
        columns.map((c) => c.display),
        true,
      )}\n`,
    );
  for (const r of cells) out.push(`${line(r, true)}\n`);
  return out.join('');
}
