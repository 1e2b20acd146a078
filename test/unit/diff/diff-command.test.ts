import { describe, expect, it } from 'vitest';
import { type DiffOptions, diffCommand, runDiff } from '../../../src/cli/commands/diff.js';
import { ReportedError, UsageError } from '../../../src/core/errors.js';
import {
  bufferIO,
  cliContext,
  descriptors,
  repoFile,
  templateInput,
  tempProject,
} from '../templates/support.js';

async function parse(argv: string[]): Promise<DiffOptions> {
  let captured: DiffOptions | undefined;
  const cmd = diffCommand(cliContext(bufferIO(), '/p'), async (o) => {
    captured = o;
  }).exitOverride();
  await cmd.parseAsync(argv, { from: 'user' });
  return captured!;
}

const noGit: DiffOptions['gitShow'] = () => Promise.reject(new Error('git not expected'));

async function diff(opts: Partial<DiffOptions> & Pick<DiffOptions, 'cwd' | 'templates'>) {
  const io = bufferIO();
  let code = 0;
  try {
    await runDiff({ io, format: 'text', gitShow: noGit, ...opts });
  } catch (e) {
    if (!(e instanceof ReportedError)) throw e;
    code = e.exitCode;
  }
  return { code, out: io.out(), err: io.err() };
}

describe('eskeys diff: flags → options', () => {
  it.each<[string[], Partial<DiffOptions>]>([
    [['old.json', 'new.json'], { templates: ['old.json', 'new.json'], format: 'text' }],
    [['roles/x.json', '--git', 'main'], { templates: ['roles/x.json'], git: 'main' }],
    [['a', 'b', '--format', 'json'], { format: 'json' }],
    [['a', 'b', '--json'], { format: 'json' }],
  ])('%j', async (argv, expected) => {
    expect(await parse(argv)).toMatchObject(expected);
  });

  it.each([
    [['only-one.json'], 'give OLD and NEW templates, or one template with --git REV'],
    [['a', 'b', 'c'], 'give OLD and NEW templates, or one template with --git REV'],
    [['a', 'b', '--git', 'HEAD'], 'with --git, give exactly one template'],
  ])('rejects %j', async (argv, message) => {
    await expect(parse(argv)).rejects.toThrow(new UsageError(message));
  });
});

describe('runDiff', () => {
  const oldT = templateInput({
    role_descriptors: descriptors(['read', 'index'], ['logs-*']),
    probes: { allow: [], deny: ['doc.delete'] },
  });
  const newT = templateInput({
    role_descriptors: descriptors(['read', 'index', 'delete_index'], ['logs-*']),
    probes: { allow: [], deny: ['doc.delete'] },
  });

  it('exits 1 and says what a widening change adds', async () => {
    const cwd = tempProject({ 'old.json': oldT, 'new.json': newT });
    const r = await diff({ cwd, templates: ['old.json', 'new.json'] });
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      [
        'svc: old.json → new.json',
        '!+ adds index privilege delete_index on logs-*',
        '!+ adds index.delete (indices:admin/delete) on logs-*',
        '!+ adds data_stream.delete (indices:admin/data_stream/delete) on logs-*',
        '!+ adds index actions on logs-*: indices:admin/data_stream/delete, indices:admin/delete',
        'this change ADDS access',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 for a narrowing change', async () => {
    const cwd = tempProject({ 'old.json': newT, 'new.json': oldT });
    const r = await diff({ cwd, templates: ['old.json', 'new.json'] });
    expect(r.code).toBe(0);
    expect(r.out).toContain(' - removes index privilege delete_index on logs-*');
    expect(r.out).toMatch(/this change adds no access\n$/);
  });

  it('reads the old version from git (REV = old, working tree = new)', async () => {
    const cwd = tempProject({ 'roles/svc.json': newT });
    const calls: [string, string][] = [];
    const gitShow: DiffOptions['gitShow'] = async (rev, abs) => {
      calls.push([rev, abs]);
      return JSON.stringify(oldT);
    };
    const r = await diff({ cwd, templates: ['svc'], git: 'HEAD~1', gitShow, format: 'json' });
    expect(calls).toEqual([['HEAD~1', `${cwd}/roles/svc.json`]]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.old.file).toBe('roles/svc.json@HEAD~1');
    expect(json.new.file).toBe('roles/svc.json');
    expect(json.adds_access).toBe(true);
    expect(json.changes[0]).toEqual({
      direction: 'added',
      kind: 'index-privilege',
      summary: 'adds index privilege delete_index on logs-*',
      widens: true,
      subject: 'delete_index',
      patterns: ['logs-*'],
    });
  });

  it('reads both versions from git with A..B', async () => {
    const cwd = tempProject({ 'roles/svc.json': newT });
    const versions: Record<string, unknown> = { v1: oldT, v2: oldT };
    const r = await diff({
      cwd,
      templates: ['roles/svc.json'],
      git: 'v1..v2',
      gitShow: async (rev) => JSON.stringify(versions[rev]),
    });
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toBe('svc: roles/svc.json@v1 → roles/svc.json@v2\nno changes in access or lifecycle\n');
  });

  it('exits 2 listing the problems of an invalid version', async () => {
    const cwd = tempProject({ 'old.json': oldT, 'new.json': { ...newT, expiration: 'forever' } });
    const r = await diff({ cwd, templates: ['old.json', 'new.json'] });
    expect(r.code).toBe(2);
    expect(r.err).toContain('eskeys: new.json: /expiration: ');
  });

  it('renders Markdown for pull requests', async () => {
    const cwd = tempProject({
      'old.json': repoFile('roles/email-search.json'),
      'new.json': repoFile('test/fixtures/templates/minimal-with-write.json'),
    });
    const r = await diff({ cwd, templates: ['old.json', 'new.json'], format: 'markdown' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('- ⚠️ adds doc.delete (`indices:data/write/delete`) on `gmail_emails-*`');
    expect(r.out).toMatch(/_this change ADDS access_\n$/);
  });
});
