import { describe, expect, it } from 'vitest';
import { type MatrixOptions, matrixCommand, runMatrix } from '../../../src/cli/commands/matrix.js';
import { TemplateError, UsageError } from '../../../src/core/errors.js';
import { bufferIO, cliContext, repoFile, tempProject } from '../templates/support.js';

async function parse(argv: string[]): Promise<MatrixOptions> {
  let captured: MatrixOptions | undefined;
  const cmd = matrixCommand(cliContext(bufferIO(), '/p'), async (o) => {
    captured = o;
  }).exitOverride();
  await cmd.parseAsync(argv, { from: 'user' });
  return captured!;
}

function project() {
  return tempProject({
    'roles/email-search.json': repoFile('roles/email-search.json'),
    'roles/enhanced.json': repoFile('test/fixtures/templates/enhanced.json'),
    'roles/minimal-with-write.json': repoFile('test/fixtures/templates/minimal-with-write.json'),
  });
}

describe('eskeys matrix: flags → options', () => {
  it.each<[string[], Partial<MatrixOptions>]>([
    [['a.json', 'b.json'], { paths: ['a.json', 'b.json'], format: 'table' }],
    [['--format', 'markdown'], { format: 'markdown' }],
    [['--needed-from', 'a, b'], { neededFrom: ['a', 'b'] }],
    [['--json'], { format: 'json' }],
  ])('%j', async (argv, expected) => {
    expect(await parse(argv)).toMatchObject(expected);
  });

  it('rejects --json with another --format (exit 2)', async () => {
    await expect(parse(['--format', 'markdown', '--json'])).rejects.toThrow(
      new UsageError('--json contradicts --format markdown'),
    );
  });
});

describe('runMatrix', () => {
  it('renders a table with the needed column and flags contradictions', async () => {
    const io = bufferIO();
    await runMatrix({
      io,
      cwd: project(),
      paths: ['enhanced', 'minimal-with-write', 'email-search'],
      format: 'table',
      neededFrom: ['email-search'],
    });
    const lines = io.out().split('\n');
    expect(lines[0]).toMatch(
      /^operation\s+action\s+needed\?\s+enhanced\s+minimal-with-write\s+email-search$/,
    );
    expect(lines.find((l) => l.startsWith('doc.delete '))).toMatch(
      /indices:data\/write\/delete\s+no\s+✓\s+✓ forbidden !\s+✗ forbidden$/,
    );
    expect(lines.find((l) => l.startsWith('index.delete '))).toMatch(
      /no\s+✓ forbidden !\s+✗ forbidden\s+✗ forbidden$/,
    );
    expect(io.out()).toContain("! the template's own probe expects the opposite (see eskeys lint)");
    expect(io.out()).toContain('minimal-with-write allows what its own deny probes forbid: doc.delete\n');
    expect(io.out()).toContain(
      'minimal-with-write allows what email-search must not: doc.delete, bulk.delete, delete_by_query\n',
    );
  });

  it('renders Markdown', async () => {
    const io = bufferIO();
    await runMatrix({ io, cwd: project(), paths: ['email-search'], format: 'markdown' });
    const lines = io.out().split('\n');
    expect(lines[0]).toBe('| operation | action | email-search |');
    expect(lines[1]).toBe('| --- | --- | --- |');
    // roles/email-search.json: deny probe doc.delete, allow probe doc.index, none for doc.create.
    expect(lines).toContain('| `doc.delete` | `indices:data/write/delete` | ✗ forbidden |');
    expect(lines).toContain('| `doc.index` | `indices:data/write/index:op_type/index` | ✓ needed |');
    expect(lines).toContain('| `doc.create` | `indices:data/write/index:op_type/create` | ✓ |');
  });

  it('renders JSON with patterns and granting privileges', async () => {
    const io = bufferIO();
    await runMatrix({ io, cwd: project(), paths: ['minimal-with-write'], format: 'json' });
    const json = JSON.parse(io.out());
    const row = json.operations.find((o: { id: string }) => o.id === 'doc.delete');
    expect(row).toEqual({
      id: 'doc.delete',
      title: 'delete a document',
      scope: 'index',
      action: 'indices:data/write/delete',
      needed: null,
      templates: {
        'minimal-with-write': {
          allowed: true,
          patterns: ['gmail_emails-*'],
          granted_by: ['write'],
          probe: 'deny',
          declared: 'forbidden',
          contradicts_own_probe: true,
          violates_needed: false,
        },
      },
    });
    expect(json.needed_from).toEqual([]);
    expect(json.violations).toEqual([
      { template: 'minimal-with-write', allows_forbidden: ['doc.delete'], lacks_needed: [] },
    ]);
    expect(json.reference_violations).toEqual([]);
  });

  it('fails with every problem of invalid templates', async () => {
    const cwd = tempProject({
      'roles/x.json': { name: 'x', role_descriptors: { a: { cluster: ['monitr'] } } },
    });
    await expect(runMatrix({ io: bufferIO(), cwd, paths: [], format: 'table' })).rejects.toThrow(
      TemplateError,
    );
  });

  it('rejects --needed-from naming no given template', async () => {
    await expect(
      runMatrix({
        io: bufferIO(),
        cwd: project(),
        paths: ['email-search'],
        format: 'table',
        neededFrom: ['nope'],
      }),
    ).rejects.toThrow(new UsageError('--needed-from: "nope" is not one of the templates (email-search)'));
  });
});
