import { describe, expect, it } from 'vitest';
import { eskeys, REPO } from './templates-cli.js';

describe('eskeys matrix (built CLI)', () => {
  it('compares the original, enhanced and minimal keys in Markdown', async () => {
    const r = await eskeys(
      [
        'matrix',
        '--format',
        'markdown',
        '--needed-from',
        'email-search',
        'test/fixtures/templates/original.json',
        'test/fixtures/templates/enhanced.json',
        'roles/email-search.json',
      ],
      REPO,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('| operation | action | needed? | original | enhanced | email-search |');
    expect(lines).toContain('| `doc.delete` | `indices:data/write/delete` | no | ✓ | ✓ | ✗ forbidden |');
    expect(lines).toContain(
      '| `index.delete` | `indices:admin/delete` | no | ✗ forbidden | ✓ forbidden ! | ✗ forbidden |',
    );
    expect(lines).toContain(
      '| `template.put` | `indices:admin/index_template/put` | yes | ✗ | ✓ | ✓ needed |',
    );
    expect(r.stdout).toContain('- enhanced allows what its own deny probes forbid: index.delete\n');
    expect(r.stdout).toContain(
      '- enhanced allows what email-search must not: doc.delete, bulk.delete, delete_by_query, index.delete, index.put_settings, aliases.update\n',
    );
  });

  it('judges each template against its own probes: ingest-writer lacks nothing only email-search needs', async () => {
    const r = await eskeys(['matrix', 'email-search', 'ingest-writer'], REPO);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^operation\s+action\s+email-search\s+ingest-writer$/);
    // roles/email-search.json allows cluster.health; roles/ingest-writer.json declares nothing about it.
    expect(lines.find((l) => l.startsWith('cluster.health '))).toMatch(/\s✓ needed\s+✗$/);
    expect(lines.find((l) => l.startsWith('doc.create '))).toMatch(/\s✓\s+✓ needed$/);
    expect(lines.find((l) => l.startsWith('search '))).toMatch(/\s✓ needed\s+✗ forbidden$/);
    expect(r.stdout).not.toMatch(/lacks|allows what/);
  });

  it('prints JSON for every shipped template by default', async () => {
    const r = await eskeys(['matrix', '--format', 'json'], REPO);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.templates.map((t: { name: string }) => t.name)).toEqual([
      'ci-verifier',
      'dashboard-readonly',
      'email-search',
      'ingest-writer',
    ]);
    expect(json.operations.length).toBeGreaterThan(20);
  });

  it('exits 2 on an invalid template', async () => {
    const r = await eskeys(['matrix', 'test/fixtures/templates/typos.json'], REPO);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(4);
  });
});
