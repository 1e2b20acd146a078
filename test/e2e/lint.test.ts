import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eskeys, project, REPO, repoFile } from './templates-cli.js';

describe('eskeys lint (built CLI)', () => {
  it('lints the shipped roles/ clean with no arguments', async () => {
    const r = await eskeys(['lint'], REPO);
    expect(r).toEqual({ code: 0, stdout: '4 templates linted, 0 errors, 0 warnings, 0 info\n', stderr: '' });
  });

  it('exits 1 on the minimal-with-write trap, naming rule, template, line and JSON path', async () => {
    const r = await eskeys(['lint', 'test/fixtures/templates/minimal-with-write.json'], REPO);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /error\s+write-includes-delete\s+minimal-with-write\s+test\/fixtures\/templates\/minimal-with-write\.json:10 \/role_descriptors\/app\/indices\/0\/privileges\/1\s+index privilege "write" on gmail_emails-\* also grants document delete/,
    );
    expect(r.stdout).toMatch(/error\s+deny-probe-allowed\s+minimal-with-write/);
  });

  it('exits 2 on invalid templates with one line per problem and no stack trace', async () => {
    const cwd = project({
      'roles/typos.json': repoFile('test/fixtures/templates/typos.json'),
      'roles/broken.json': '{\n  "name": "broken"\n  "role_descriptors": {}\n}\n',
    });
    const r = await eskeys(['lint'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      "eskeys: roles/broken.json:3:3: invalid JSON: unexpected character \"\"\"; expected ',' or '}' after a property",
      'eskeys: roles/typos.json: /descripton: unknown field "descripton"; did you mean "description"?',
      'eskeys: roles/typos.json: /role_descriptors/app/cluster/0: unknown cluster privilege "monitr"; did you mean "monitor"?',
      'eskeys: roles/typos.json: /role_descriptors/app/indices/0/privileges/1: unknown index privilege "delete_indx"; did you mean "delete_index"?',
      'eskeys: roles/typos.json: /probes/deny/0: unknown probe operation "doc.delet"; did you mean "doc.delete"?',
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('warns (exit 0) when a template uses a privilege only some Elasticsearch majors know', async () => {
    // monitor_esql is ga in 9.1 and unknown to 8.19 (docs/es-facts.md, "Privileges per major").
    const template = JSON.parse(repoFile('roles/ci-verifier.json'));
    template.name = 'esql-watch';
    template.role_descriptors['ci-verifier'].cluster = ['monitor', 'monitor_esql'];
    const cwd = project({ 'roles/esql-watch.json': `${JSON.stringify(template, null, 2)}\n` });
    const r = await eskeys(['lint'], cwd);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /warning\s+privilege-not-in-every-major\s+esql-watch\s+roles\/esql-watch\.json:\d+ \/role_descriptors\/ci-verifier\/cluster\/1\s+cluster privilege "monitor_esql" exists only in Elasticsearch 9\.x; 8\.x refuses it as unknown/,
    );
    expect(r.stdout).toContain('1 template linted, 0 errors, 1 warning');
  });

  it('prints JSON with --format json', async () => {
    const r = await eskeys(['lint', '--format', 'json', 'test/fixtures/templates/enhanced.json'], REPO);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.templates[0].findings.map((f: { rule: string }) => f.rule)).toEqual([
      'grant-all',
      'deny-probe-allowed',
    ]);
  });

  it('prints the same JSON with --json as with --format json', async () => {
    const file = 'test/fixtures/templates/enhanced.json';
    const viaFlag = await eskeys(['lint', '--json', file], REPO);
    const viaFormat = await eskeys(['lint', '--format', 'json', file], REPO);
    expect(viaFlag.code).toBe(1);
    expect(viaFlag.stderr).toBe('');
    expect(JSON.parse(viaFlag.stdout).templates[0].findings.map((f: { rule: string }) => f.rule)).toEqual([
      'grant-all',
      'deny-probe-allowed',
    ]);
    expect(viaFlag.stdout).toBe(viaFormat.stdout);
  });

  it('exits 2 on --json with a contradicting --format, in one line', async () => {
    const r = await eskeys(['lint', '--json', '--format', 'table'], REPO);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'eskeys: --json contradicts --format table\n' });
  });

  it('exits 2 on an unknown format', async () => {
    const r = await eskeys(['lint', '--format', 'xml'], REPO);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--format <format>' argument 'xml' is invalid");
  });

  it('never loads the Elasticsearch client, prompts or the scheduler (static import graph of the lint verb)', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
        else external.add(spec);
      }
    };
    visit(path.join(REPO, 'dist/cli/commands/lint.js'));
    expect([...external].filter((s) => /@elastic|@inquirer|node-cron|dotenv/.test(s))).toEqual([]);
    expect([...seen].filter((f) => f.includes('/adapters/'))).toEqual([]);
  });

  it('lint, matrix and diff honour --config and ESKEYS_CONFIG (templates_dir beside the config file)', async () => {
    const cwd = project({
      'deploy/eskeys.config.json': '{"templates_dir": "keys"}',
      'deploy/keys/email-search.json': repoFile('roles/email-search.json'),
    });
    const lint = await eskeys(['lint', '--config', 'deploy/eskeys.config.json'], cwd);
    expect(lint).toMatchObject({ code: 0, stdout: '1 template linted, 0 errors, 0 warnings, 0 info\n' });
    const matrix = await eskeys(['matrix', '--format', 'json'], cwd, {
      ESKEYS_CONFIG: 'deploy/eskeys.config.json',
    });
    expect(matrix.code).toBe(0);
    expect(JSON.parse(matrix.stdout).templates.map((t: { name: string }) => t.name)).toEqual([
      'email-search',
    ]);
    const diff = await eskeys(
      ['diff', '--config', 'deploy/eskeys.config.json', 'email-search', 'email-search'],
      cwd,
    );
    expect(diff.code).toBe(0);
    // Without the flag the working directory has no roles/: the usual usage error.
    const none = await eskeys(['lint'], cwd);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/roles\/ does not exist/);
    const missing = await eskeys(['lint', '--config', 'nope.json'], cwd);
    expect(missing).toMatchObject({ code: 2, stderr: 'eskeys: config file nope.json does not exist\n' });
  });
});
