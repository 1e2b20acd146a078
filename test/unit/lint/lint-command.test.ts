import { describe, expect, it } from 'vitest';
import { type LintOptions, lintCommand, runLint } from '../../../src/cli/commands/lint.js';
import { ReportedError, UsageError } from '../../../src/core/errors.js';
import { bufferIO, cliContext, repoFile, templateInput, tempProject } from '../templates/support.js';

async function parse(argv: string[]): Promise<LintOptions> {
  let captured: LintOptions | undefined;
  const cmd = lintCommand(cliContext(bufferIO(), '/project'), async (o) => {
    captured = o;
  }).exitOverride();
  await cmd.parseAsync(argv, { from: 'user' });
  return captured!;
}

async function lint(cwd: string, paths: string[] = [], format: 'table' | 'json' = 'table') {
  const io = bufferIO();
  let code = 0;
  try {
    await runLint({ io, cwd, paths, format, minSeverity: 'info' });
  } catch (e) {
    if (!(e instanceof ReportedError)) throw e;
    code = e.exitCode;
  }
  return { code, out: io.out(), err: io.err() };
}

describe('eskeys lint: flags → options', () => {
  it.each<[string[], Partial<LintOptions>]>([
    [[], { paths: [], format: 'table', minSeverity: 'info', cwd: '/project' }],
    [['roles/a.json', 'b'], { paths: ['roles/a.json', 'b'] }],
    [['--format', 'json'], { format: 'json' }],
    [['--severity', 'error'], { minSeverity: 'error' }],
    [['--json'], { format: 'json' }],
    [['--json', '--format', 'json'], { format: 'json' }],
  ])('%j', async (argv, expected) => {
    expect(await parse(argv)).toMatchObject(expected);
  });

  it('rejects --json with another --format (exit 2)', async () => {
    await expect(parse(['--json', '--format', 'table'])).rejects.toThrow(
      new UsageError('--json contradicts --format table'),
    );
  });

  it('rejects an unknown format', async () => {
    await expect(parse(['--format', 'xml'])).rejects.toThrow(/Allowed choices are table, json/);
  });
});

describe('runLint', () => {
  it('lints roles/ when no path is given and exits 0 when clean', async () => {
    const cwd = tempProject({ 'roles/email-search.json': repoFile('roles/email-search.json') });
    const r = await lint(cwd);
    expect(r).toEqual({ code: 0, out: '1 template linted, 0 errors, 0 warnings, 0 info\n', err: '' });
  });

  it('exits 1 on error findings and explains each with a safer alternative', async () => {
    const cwd = tempProject({
      'roles/trap.json': repoFile('test/fixtures/templates/minimal-with-write.json'),
    });
    const r = await lint(cwd, ['trap']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('write-includes-delete');
    expect(r.out).toContain('roles/trap.json:10 /role_descriptors/app/indices/0/privileges/1');
    expect(r.out).toContain('instead: use `index` (index and update) or `create_doc` (append only)');
    expect(r.out).toContain(
      'deny probe "doc.delete": the template allows indices:data/write/delete on gmail_emails-* (granted by write)',
    );
    expect(r.out).toMatch(/1 template linted, 2 errors, 0 warnings, 0 info\n$/);
    // The file name differs from the template name: a validation warning on stderr.
    expect(r.err).toContain(
      'eskeys: warning: roles/trap.json: /name: template name "minimal-with-write" differs',
    );
  });

  it('exits 2 on invalid templates, lists every problem on stderr and still lints the valid ones', async () => {
    const cwd = tempProject({
      'roles/bad.json': templateInput({
        name: 'bad',
        role_descriptors: {
          app: { cluster: ['monitr'], indices: [{ names: ['a-*'], privileges: ['delete_indx'] }] },
        },
      }),
      'roles/broken.json': '{\n  "name": "broken",\n}\n',
      'roles/svc.json': templateInput({ probes: { allow: [], deny: [] } }),
    });
    const r = await lint(cwd);
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      'eskeys: roles/bad.json: /role_descriptors/app/cluster/0: unknown cluster privilege "monitr"; did you mean "monitor"?',
      'eskeys: roles/bad.json: /role_descriptors/app/indices/0/privileges/0: unknown index privilege "delete_indx"; did you mean "delete_index"?',
      'eskeys: roles/broken.json:3:1: invalid JSON: trailing comma before "}"',
    ]);
    expect(r.out).toContain('no-deny-probes');
    expect(r.out).toMatch(/1 template linted, 0 errors, 0 warnings, 1 info, 2 invalid \(see stderr\)\n$/);
  });

  it('renders JSON with findings, lines and a summary', async () => {
    const cwd = tempProject({ 'roles/enhanced.json': repoFile('test/fixtures/templates/enhanced.json') });
    const r = await lint(cwd, [], 'json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.summary).toEqual({ templates: 1, invalid: 0, error: 2, warning: 0, info: 0, suppressed: 0 });
    expect(json.templates[0].findings[0]).toMatchObject({
      rule: 'grant-all',
      severity: 'error',
      template: 'enhanced',
      file: 'roles/enhanced.json',
      path: '/role_descriptors/app/indices/0/privileges/0',
      line: 7,
    });
    expect(json.templates[0].findings[0].alternative).toBeTruthy();
  });

  it('reports invalid templates in JSON too', async () => {
    const cwd = tempProject({ 'roles/x.json': { name: 'x' } });
    const r = await lint(cwd, [], 'json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).templates).toEqual([
      {
        file: 'roles/x.json',
        valid: false,
        errors: [{ path: '', message: 'missing required field "role_descriptors"', line: 1, column: 1 }],
      },
    ]);
  });

  it('names a missing template with a suggestion (usage error)', async () => {
    const cwd = tempProject({ 'roles/email-search.json': repoFile('roles/email-search.json') });
    await expect(
      runLint({ io: bufferIO(), cwd, paths: ['email-serch'], format: 'table', minSeverity: 'info' }),
    ).rejects.toThrow(
      'template "email-serch" not found (no file email-serch and no roles/email-serch.json); did you mean "email-search"?',
    );
  });

  it('uses templates_dir from eskeys.config.json', async () => {
    const cwd = tempProject({
      'eskeys.config.json': { templates_dir: 'keys' },
      'keys/svc.json': templateInput(),
    });
    expect((await lint(cwd)).out).toBe('1 template linted, 0 errors, 0 warnings, 0 info\n');
  });

  it('counts findings accepted by lint.ignore without showing them', async () => {
    const cwd = tempProject({
      'roles/svc.json': templateInput({
        role_descriptors: { app: { indices: [{ names: ['logs-*'], privileges: ['read', 'delete_index'] }] } },
        probes: { allow: ['search'], deny: ['doc.delete'] },
        lint: { ignore: ['grant-delete-index'] },
      }),
    });
    const r = await lint(cwd);
    expect(r).toMatchObject({
      code: 0,
      out: '1 template linted, 0 errors, 0 warnings, 0 info, 1 ignored by lint.ignore\n',
    });
  });

  it('fails on an invalid eskeys.config.json before linting (exit 2)', async () => {
    const cwd = tempProject({
      'eskeys.config.json': { templates_dirr: 'x' },
      'roles/svc.json': templateInput(),
    });
    await expect(lint(cwd)).rejects.toThrow(
      'eskeys.config.json: /templates_dirr: unknown field "templates_dirr"; did you mean "templates_dir"?',
    );
  });

  it('exits 2 when two files declare the same template name', async () => {
    const cwd = tempProject({
      'roles/a.json': templateInput({ name: 'svc' }),
      'roles/b.json': templateInput({ name: 'svc' }),
    });
    const r = await lint(cwd);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'eskeys: template name "svc" is used by roles/a.json and roles/b.json; template names must be unique\n',
    );
  });

  it('warns about output overrides for templates that do not exist', async () => {
    const cwd = tempProject({
      'eskeys.config.json': { environments: { prod: { outputs: { svx: { env_files: ['.env.prod'] } } } } },
      'roles/svc.json': templateInput(),
    });
    const r = await lint(cwd);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      'eskeys: warning: eskeys.config.json: /environments/prod/outputs/svx: no template named "svx" in roles/; did you mean "svc"?\n',
    );
  });
});
