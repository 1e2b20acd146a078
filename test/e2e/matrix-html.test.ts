import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, screenshot } from '../support/chromium.js';
import {
  activeOrExternal,
  all,
  attr,
  bodyRows,
  classes,
  headers,
  parseReport,
  text,
} from '../support/html-report.js';
import { colourCounts, decodePng } from '../support/png.js';
import { eskeys, project, REPO, repoFile } from './templates-cli.js';

/** The three email-search variants of the Markdown e2e test, with the reference column. */
const VARIANTS = [
  '--needed-from',
  'email-search',
  'test/fixtures/templates/original.json',
  'test/fixtures/templates/enhanced.json',
  'roles/email-search.json',
];

interface MatrixJson {
  templates: { name: string }[];
  operations: { id: string; action: string; templates: Record<string, { allowed: boolean }> }[];
}

describe('eskeys matrix --format html (built CLI)', () => {
  it('one parsed page: a matrix table with a row per operation, cells coloured and labelled as the JSON says', async () => {
    const r = await eskeys(['matrix', '--format', 'html', ...VARIANTS], REPO);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('<!DOCTYPE html>\n')).toBe(true);
    const { root, errors } = parseReport(r.stdout);
    expect(errors).toEqual([]);
    expect(activeOrExternal(root)).toEqual([]);
    expect(r.stdout).not.toMatch(/<script|https?:\/\//i);
    expect(all(root, 'style')).toHaveLength(1);
    expect(text(all(root, 'style')[0]!)).toContain('@media print');

    const matrix = all(root, 'table').find((t) => classes(t).includes('matrix'))!;
    expect(headers(matrix)).toEqual([
      'operation',
      'Elasticsearch action',
      'needed?',
      'original',
      'enhanced',
      'email-search',
    ]);
    for (const th of all(all(matrix, 'thead')[0]!, 'th')) expect(attr(th, 'scope')).toBe('col');

    // The same facts as the JSON form of the same matrix: one row per operation, in order, and
    // every cell says allowed or denied as the JSON does.
    const json = JSON.parse((await eskeys(['matrix', '--json', ...VARIANTS], REPO)).stdout) as MatrixJson;
    const rows = bodyRows(matrix);
    expect(rows.map((cells) => text(cells[0]!).split(' ')[0])).toEqual(json.operations.map((o) => o.id));
    rows.forEach((cells, i) => {
      const op = json.operations[i]!;
      expect(cells[0]!.tagName).toBe('th');
      expect(attr(cells[0]!, 'scope')).toBe('row');
      expect(text(cells[1]!)).toBe(op.action);
      ['original', 'enhanced', 'email-search'].forEach((name, t) => {
        expect(text(cells[3 + t]!)).toMatch(op.templates[name]!.allowed ? /^✓ allowed/ : /^✗ denied/);
      });
    });

    const row = (id: string) => rows.find((cells) => text(cells[0]!).startsWith(`${id} `))!;
    const cell = (id: string, column: number) => row(id)[column]!;
    // enhanced.json grants index deletion that its own deny probe forbids: unexpected, said in words.
    expect(classes(cell('index.delete', 4))).toEqual(['unexpected']);
    expect(text(cell('index.delete', 4))).toMatch(/^✓ allowed forbidden ! contradicts its probe/);
    // roles/email-search.json: refused what its deny probe forbids, granted what its allow probe needs.
    expect(classes(cell('doc.delete', 5))).toEqual(['expected']);
    expect(text(cell('doc.delete', 5))).toBe('✗ denied forbidden');
    expect(classes(cell('template.put', 5))).toEqual(['expected']);
    expect(text(cell('template.put', 5))).toMatch(/^✓ allowed needed by /);
    // original.json allows document deletion, which the email-search reference says it must not.
    expect(classes(cell('doc.delete', 3))).toEqual(['unexpected']);
    expect(text(cell('doc.delete', 3))).toMatch(/^✓ allowed ! against needed\?/);
    expect(text(row('doc.delete')[2]!)).toBe('no');
    // Access its probes do not mention keeps its plain colour.
    expect(classes(cell('security.invalidate_api_key', 3))).toEqual(['denied']);
    expect(text(cell('security.invalidate_api_key', 3))).toBe('✗ denied');
    expect(classes(cell('doc.create', 3))).toEqual(['allowed']);
    expect(text(cell('doc.create', 3))).toBe('✓ allowed by write on gmail_emails-*');

    // The legend names every colour in words.
    const legend = all(root, 'ul').find((u) => classes(u).includes('legend'))!;
    expect(all(legend, 'li').map((li) => text(all(li, 'span')[0]!))).toEqual([
      '✓ allowed',
      '✗ denied',
      'as declared',
      '! unexpected',
    ]);
    // Contradictions: the footnotes of the text form, as tables.
    const against = all(root, 'table').find((t) => text(all(t, 'caption')[0] ?? t) === 'Against needed?')!;
    const enhanced = bodyRows(against).find((cells) => text(cells[0]!) === 'enhanced')!;
    expect(text(enhanced[1]!)).toBe(
      'doc.delete, bulk.delete, delete_by_query, index.delete, index.put_settings, aliases.update',
    );
  });

  it('names from files are text, never markup: a `<script>` index pattern is shown escaped and runs nothing', async () => {
    const template = JSON.parse(repoFile('roles/email-search.json'));
    delete template.$schema;
    template.name = 'scripted';
    template.role_descriptors = {
      '<b>reader</b>': { indices: [{ names: ['<script>alert(1)</script>'], privileges: ['read'] }] },
    };
    template.probes = { allow: [], deny: [] };
    const dir = project({ 'roles/scripted.json': template });
    const r = await eskeys(['matrix', '--format', 'html'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/<script/i);
    expect(r.stdout).toContain('&lt;script&gt;alert(1)&lt;/');
    const { root, errors } = parseReport(r.stdout);
    expect(errors).toEqual([]);
    expect(activeOrExternal(root)).toEqual([]);
    const matrix = all(root, 'table').find((t) => classes(t).includes('matrix'))!;
    const search = bodyRows(matrix).find((cells) => text(cells[0]!).startsWith('search '))!;
    expect(text(search[2]!)).toBe('✓ allowed by read on <script>alert(1)</script>');
  });

  it('html contradicted by --json is bad usage: exit 2, one line, nothing on stdout', async () => {
    const r = await eskeys(['matrix', '--format', 'html', '--json'], REPO);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('eskeys: --json contradicts --format html\n');
  });

  it.skipIf(!hasChromium)(
    'renders in headless Chromium to a page that is not blank: the matrix colours are on it',
    { timeout: 120_000 },
    async () => {
      const r = await eskeys(['matrix', '--format', 'html', ...VARIANTS], REPO);
      expect(r.code, r.stderr).toBe(0);
      const dir = project({});
      const file = join(dir, 'matrix.html');
      writeFileSync(file, r.stdout);
      const png = decodePng(await screenshot(file));
      expect([png.width, png.height]).toEqual([1200, 1600]);
      const colours = colourCounts(png);
      expect(colours.size).toBeGreaterThan(20);
      // Backgrounds of src/cli/render/html.ts (REPORT_COLOURS), each filling cells of the matrix.
      for (const [state, hex] of [
        ['allowed', '#d6e6fb'],
        ['denied', '#e4e7ec'],
        ['expected', '#c9ecd2'],
        ['unexpected', '#f9c8c8'],
      ] as const)
        expect(colours.get(hex) ?? 0, `${state} ${hex}`).toBeGreaterThan(2_000);
    },
  );
  if (!hasChromium) console.log(`matrix-html: ${CHROMIUM} is not installed; the rendering test is skipped`);
});
