import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMatrix, matrixViolations, referenceViolations } from '../../../src/core/matrix/matrix.js';
import { PROBE_OPERATION_IDS } from '../../../src/core/probes/catalogue.js';
import { parseTemplate } from '../../../src/core/templates/load-template.js';

const root = new URL('../../../', import.meta.url);
function load(path: string) {
  return { template: parseTemplate(readFileSync(new URL(path, root), 'utf8'), path).template, file: path };
}

const shipped = ['email-search', 'dashboard-readonly', 'ingest-writer', 'ci-verifier'].map((n) =>
  load(`roles/${n}.json`),
);

/** The allowed operations of each template as `op: ✓✗✓✗` strings, one char per template. */
function grid(matrix: ReturnType<typeof buildMatrix>): Record<string, string> {
  return Object.fromEntries(
    matrix.rows.map((r) => [r.op.id, r.cells.map((c) => (c.allowed ? '✓' : '✗')).join('')]),
  );
}

describe('permission matrix of the shipped templates', () => {
  const matrix = buildMatrix(shipped);

  it('has one row per probe operation and one column per template', () => {
    expect(matrix.rows.map((r) => r.op.id)).toEqual([...PROBE_OPERATION_IDS]);
    expect(matrix.templates.map((t) => t.name)).toEqual([
      'email-search',
      'dashboard-readonly',
      'ingest-writer',
      'ci-verifier',
    ]);
  });

  it('shows what each key can do (email-search, dashboard-readonly, ingest-writer, ci-verifier)', () => {
    expect(grid(matrix)).toEqual({
      'cluster.health': '✓✓✗✓',
      // GET / is cluster:monitor/main: `monitor` (cluster:monitor/*) grants it, as it grants health.
      'cluster.info': '✓✓✗✓',
      'cluster.put_settings': '✗✗✗✗',
      'template.put': '✓✗✗✗',
      'ilm.put': '✓✗✗✗',
      'pipeline.put': '✓✗✗✗',
      'security.create_api_key': '✗✗✗✗',
      'security.invalidate_api_key': '✗✗✗✗',
      search: '✓✓✗✗',
      count: '✓✓✗✗',
      'doc.get': '✓✓✗✗',
      'doc.index': '✓✗✗✗',
      'doc.create': '✓✗✓✗',
      'doc.update': '✓✗✗✗',
      'doc.delete': '✗✗✗✗',
      'bulk.delete': '✗✗✗✗',
      delete_by_query: '✗✗✗✗',
      'index.create': '✓✗✗✗',
      'index.delete': '✗✗✗✗',
      'index.get_settings': '✓✓✗✓',
      'index.put_settings': '✗✗✗✗',
      'index.get_mapping': '✓✓✗✓',
      'aliases.update': '✗✗✗✗',
      'data_stream.delete': '✗✗✗✗',
      rollover: '✗✗✗✗',
    });
  });

  it('no shipped template contradicts its own probes', () => {
    expect(matrix.rows.flatMap((r) => r.cells.filter((c) => c.contradictsOwnProbe))).toEqual([]);
  });

  it('judges each template against its own probes only: ingest-writer lacks nothing email-search needs', () => {
    // Regression (issue 15 item 6): merging every template's probes made ingest-writer "lack"
    // cluster.health, template.put, ... which only email-search's allow probes list.
    const m = buildMatrix([load('roles/email-search.json'), load('roles/ingest-writer.json')]);
    expect(matrixViolations(m)).toEqual([
      { template: 'email-search', allowsForbidden: [], lacksNeeded: [] },
      { template: 'ingest-writer', allowsForbidden: [], lacksNeeded: [] },
    ]);
    expect(m.neededFrom).toEqual([]);
    expect(m.rows.every((r) => r.needed === undefined && r.cells.every((c) => !c.violatesNeed))).toBe(true);
    // ingest-writer's probes: allow doc.create; deny search (roles/ingest-writer.json).
    const row = (id: string) => m.rows.find((r) => r.op.id === id)!.cells[1]!;
    expect(row('doc.create')).toMatchObject({
      allowed: true,
      expectation: 'allow',
      contradictsOwnProbe: false,
    });
    expect(row('search')).toMatchObject({ allowed: false, expectation: 'deny', contradictsOwnProbe: false });
    expect(row('cluster.health').expectation).toBeUndefined();
  });

  it('takes the needed column from one template on request', () => {
    const m = buildMatrix(shipped, ['email-search']);
    const needed = Object.fromEntries(m.rows.map((r) => [r.op.id, r.needed]));
    expect(needed).toMatchObject({
      'doc.index': 'yes',
      'doc.delete': 'no',
      'security.invalidate_api_key': undefined,
    });
    expect(m.neededFrom).toEqual(['email-search']);
  });
});

describe('the email-search story: original, enhanced, minimal-with-write, minimal', () => {
  const inputs = [
    load('test/fixtures/templates/original.json'),
    load('test/fixtures/templates/enhanced.json'),
    load('test/fixtures/templates/minimal-with-write.json'),
    load('roles/email-search.json'),
  ];
  const matrix = buildMatrix(inputs, ['email-search']);

  it('shows that only the minimal key denies document and index deletes', () => {
    const g = grid(matrix);
    expect(g['doc.delete']).toBe('✓✓✓✗');
    expect(g['index.delete']).toBe('✗✓✗✗');
    expect(g['index.put_settings']).toBe('✗✓✗✗');
    expect(g['aliases.update']).toBe('✗✓✗✗');
  });

  it('explains cells: patterns and the granting privileges', () => {
    const row = matrix.rows.find((r) => r.op.id === 'doc.delete')!;
    expect(row.needed).toBe('no');
    expect(row.cells.map((c) => c.grantedBy)).toEqual([['write'], ['all'], ['write'], []]);
    expect(row.cells[2]).toMatchObject({
      patterns: ['gmail_emails-*'],
      expectation: 'deny',
      contradictsOwnProbe: true,
    });
  });

  it('flags what each template allows although its own deny probes forbid it', () => {
    // enhanced grants all (so index.delete) and denies index.delete in its probes;
    // minimal-with-write grants write (so doc.delete) and denies doc.delete.
    expect(matrixViolations(matrix)).toEqual([
      { template: 'original', allowsForbidden: [], lacksNeeded: [] },
      { template: 'enhanced', allowsForbidden: ['index.delete'], lacksNeeded: [] },
      { template: 'minimal-with-write', allowsForbidden: ['doc.delete'], lacksNeeded: [] },
      { template: 'email-search', allowsForbidden: [], lacksNeeded: [] },
    ]);
  });

  it('flags, against the reference email-search, what each template allows but must not, and lacks but needs', () => {
    expect(referenceViolations(matrix)).toEqual([
      {
        template: 'original',
        allowsForbidden: ['doc.delete', 'bulk.delete', 'delete_by_query'],
        lacksNeeded: ['template.put', 'ilm.put', 'pipeline.put', 'index.get_settings', 'index.get_mapping'],
      },
      {
        template: 'enhanced',
        allowsForbidden: [
          'doc.delete',
          'bulk.delete',
          'delete_by_query',
          'index.delete',
          'index.put_settings',
          'aliases.update',
        ],
        lacksNeeded: [],
      },
      {
        template: 'minimal-with-write',
        allowsForbidden: ['doc.delete', 'bulk.delete', 'delete_by_query'],
        lacksNeeded: [],
      },
      { template: 'email-search', allowsForbidden: [], lacksNeeded: [] },
    ]);
  });

  it('marks a conflict when templates disagree about an operation', () => {
    const m = buildMatrix(inputs, ['original', 'enhanced', 'minimal-with-write', 'email-search']);
    // email-search allows index.create, none denies it; original denies index.delete like email-search.
    expect(m.rows.find((r) => r.op.id === 'index.delete')?.needed).toBe('no');
    const conflicting = buildMatrix(
      [load('roles/email-search.json'), load('roles/dashboard-readonly.json')],
      ['email-search', 'dashboard-readonly'],
    ).rows.find((r) => r.op.id === 'doc.index');
    expect(conflicting?.needed).toBe('conflict');
  });
});
