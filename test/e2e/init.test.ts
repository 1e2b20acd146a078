/**
 * `eskeys init` without a terminal: the answers come from flags, the connection is tested as
 * doctor tests it (credentials from .eskeys.env, never asked), and the template it writes is
 * lint-clean and mints a key that does what was answered and nothing else.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envValue, makeProject, readProjectFile, runCli, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();

/** A project folder with only the admin credentials (.eskeys.env) and an empty roles/. */
function emptyProject(): string {
  return makeProject(sb, { templates: [] });
}

/** Files of the folder besides the admin credentials: what init wrote. */
function written(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    if (f === '.eskeys.env') continue;
    if (f === 'roles') out.push(...readdirSync(join(dir, 'roles')).map((r) => `roles/${r}`));
    else out.push(f);
  }
  return out.sort();
}

const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('eskeys init with flags', () => {
  it('writes a lint-clean template with the narrowest privileges and the project config; the key it mints reads and adds, and cannot delete', async () => {
    const dir = emptyProject();
    const r = await runCli(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read,create', '--yes'],
      dir,
    );
    expect(r.stderr).not.toMatch(/✗|failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote roles/applylens.json');
    expect(r.stdout).toContain('wrote eskeys.config.json');
    expect(written(dir)).toEqual(['eskeys.config.json', 'roles/applylens.json']);

    const t = JSON.parse(readProjectFile(dir, 'roles/applylens.json'));
    // "search/read" → read; "add documents" → create_doc (IndexPrivilege.CREATE_DOC: op_type
    // create only), never index or write.
    expect(t.role_descriptors.applylens).toEqual({
      indices: [{ names: ['applylens-*'], privileges: ['read', 'create_doc'] }],
    });
    expect(t.probes.allow).toEqual(['search', 'count', 'doc.get', 'doc.create']);
    expect(t.probes.deny).toEqual(
      expect.arrayContaining([
        'doc.delete',
        'index.delete',
        'index.put_settings',
        'aliases.update',
        'security.create_api_key',
      ]),
    );
    expect(t.outputs).toEqual({
      env_files: ['.env'],
      key_var: 'ELASTICSEARCH_API_KEY',
      id_var: 'ELASTICSEARCH_API_KEY_ID',
    });
    expect(JSON.parse(readProjectFile(dir, 'eskeys.config.json'))).toEqual({
      templates_dir: 'roles',
      state_dir: '.eskeys',
      environments: { default: { connection: { url: sb.url } } },
    });

    const lint = await runCli(['lint'], dir);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('1 template linted, 0 errors, 0 warnings');

    const create = await runCli(['create', '-t', 'applylens', '--yes'], dir);
    expect(create.code).toBe(0);
    const key = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY');
    expect(key).toBeTruthy();
    // Elasticsearch answers 403 to an action the key's role descriptors do not grant.
    expect((await sb.asKey(key!, 'DELETE', '/applylens-eskeys-probe/_doc/x')).status).toBe(403);
    expect((await sb.asKey(key!, 'DELETE', '/applylens-eskeys-probe')).status).toBe(403);
    expect((await sb.asKey(key!, 'GET', '/applylens-eskeys-probe/_search')).status).toBe(200);
  });

  it('--can streams grants create_doc + auto_configure; the key it mints passes verify against a real data stream', async () => {
    // The admin's index template makes every applylens-logs-* name a data stream on first write
    // (inside the admin role's applylens-*: an API key never holds more than its owner).
    expect(
      (
        await sb.admin('PUT', '/_index_template/applylens-logs', {
          index_patterns: ['applylens-logs-*'],
          data_stream: {},
          priority: 300,
        })
      ).status,
    ).toBe(200);
    const dir = emptyProject();
    const r = await runCli(
      ['init', '--name', 'shipper', '--index', 'applylens-logs-*', '--can', 'streams', '--yes'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(readProjectFile(dir, 'roles/shipper.json'));
    // create_doc grants indices:data/write/index:op_type/create; a new field in a stream needs
    // indices:admin/mapping/auto_put and a stream's creation indices:admin/auto_create, both in
    // auto_configure and neither in create_doc (docs/es-facts.md, "Learn: writes to data streams").
    expect(t.role_descriptors.shipper).toEqual({
      indices: [{ names: ['applylens-logs-*'], privileges: ['create_doc', 'auto_configure'] }],
    });
    expect(t.probes.allow).toEqual(['doc.create']);
    expect(t.probes.deny).toEqual(
      expect.arrayContaining([
        'search',
        'doc.get',
        'doc.index',
        'doc.delete',
        'index.delete',
        'data_stream.delete',
        'rollover',
      ]),
    );
    const lint = await runCli(['lint'], dir);
    expect(lint.stdout).toContain('1 template linted, 0 errors, 0 warnings');

    const create = await runCli(['create', '-t', 'shipper', '--yes'], dir);
    expect(create.code, create.stdout + create.stderr).toBe(0);
    const verify = await runCli(['verify', '-t', 'shipper', '--json'], dir);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const rows = JSON.parse(verify.stdout).results as { probe: string; verdict: string; got: string }[];
    expect(rows.find((row) => row.probe === 'allow doc.create')).toMatchObject({
      verdict: 'pass',
      got: '201',
    });
    expect(rows.find((row) => row.probe === 'deny data_stream.delete')).toMatchObject({
      verdict: 'pass',
      got: '403 security_exception',
    });
    expect(rows.every((row) => row.verdict === 'pass')).toBe(true);
  });

  it('--dry-run prints the template and writes nothing', async () => {
    const dir = emptyProject();
    const r = await runCli(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'pipelines', '--dry-run'],
      dir,
    );
    expect(r.code).toBe(0);
    // "ingest pipelines" → the cluster privilege manage_pipeline (cluster:admin/ingest/pipeline/*).
    expect(JSON.parse(r.stdout).role_descriptors.applylens).toEqual({ cluster: ['manage_pipeline'] });
    expect(written(dir)).toEqual([]);
  });

  it.each([
    { why: 'no --name', args: ['--index', 'applylens-*', '--can', 'read', '--yes'], flag: '--name' },
    { why: 'no --index', args: ['--name', 'applylens', '--can', 'read', '--yes'], flag: '--index' },
    { why: 'no --can', args: ['--name', 'applylens', '--index', 'applylens-*', '--yes'], flag: '--can' },
    {
      why: 'an unknown --can word',
      args: ['--name', 'applylens', '--index', 'applylens-*', '--can', 'read,everything', '--yes'],
      flag: '--can: unknown "everything"',
    },
    {
      why: 'a pattern matching every index',
      args: ['--name', 'applylens', '--index', '*', '--can', 'read', '--yes'],
      flag: '--index',
    },
    {
      why: 'an invalid template name',
      args: ['--name', 'Apply Lens', '--index', 'applylens-*', '--can', 'read', '--yes'],
      flag: '--name',
    },
    {
      why: 'no --yes',
      args: ['--name', 'applylens', '--index', 'applylens-*', '--can', 'read'],
      flag: '--yes',
    },
    {
      why: 'an env file outside the project',
      args: [
        '--name',
        'applylens',
        '--index',
        'applylens-*',
        '--can',
        'read',
        '--dotenv',
        '../elsewhere/.env',
        '--yes',
      ],
      flag: 'outputs.env_files: ',
    },
  ])('$why → exit 2, one line naming $flag, nothing written', async ({ args, flag }) => {
    const dir = emptyProject();
    const r = await runCli(['init', ...args], dir);
    expect(r.code).toBe(2);
    const lines = oneLine(r.stderr).filter((l) => !l.startsWith('✓'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(flag);
    expect(lines[0]).toMatch(/^eskeys: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(written(dir)).toEqual([]);
  });

  it('an existing template is never overwritten without --force; the config is kept as it is', async () => {
    const dir = emptyProject();
    const config = '{ "templates_dir": "roles" }\n';
    writeFileSync(join(dir, 'eskeys.config.json'), config);
    writeFileSync(join(dir, 'roles/applylens.json'), '{"mine": true}\n');
    const args = ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read', '--yes'];

    const refused = await runCli(args, dir);
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr).filter((l) => !l.startsWith('✓'))).toEqual([
      'eskeys: roles/applylens.json already exists; pass --force to overwrite it',
    ]);
    expect(readProjectFile(dir, 'roles/applylens.json')).toBe('{"mine": true}\n');

    const forced = await runCli([...args, '--force'], dir);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readProjectFile(dir, 'roles/applylens.json')).name).toBe('applylens');
    expect(readProjectFile(dir, 'eskeys.config.json')).toBe(config);
    expect(forced.stdout).toContain('kept eskeys.config.json as it is');
  });

  it('flags are checked before the template file and the cluster: a bad flag is one line without a connection test; --dry-run shows a taken name', async () => {
    const dir = emptyProject();
    writeFileSync(join(dir, 'roles/applylens.json'), '{"mine": true}\n');
    // An existing template does not hide a bad --can, and the cluster is not contacted for it.
    const badCan = await runCli(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read,frobnicate', '--yes'],
      dir,
    );
    expect(badCan.code).toBe(2);
    expect(oneLine(badCan.stderr)).toEqual([
      'eskeys: --can: unknown "frobnicate"; choose from read, create, streams, index, delete, indices, pipelines, ilm, templates',
    ]);
    const emptyCan = await runCli(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', '', '--yes'],
      dir,
    );
    expect(emptyCan.code).toBe(2);
    expect(oneLine(emptyCan.stderr)).toEqual([
      'eskeys: --can: choose at least one thing the application does',
    ]);
    // A dry run writes nothing, so it shows the template even though the name is taken.
    const dry = await runCli(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read', '--dry-run', '--no-check'],
      dir,
    );
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).name).toBe('applylens');
    expect(readProjectFile(dir, 'roles/applylens.json')).toBe('{"mine": true}\n');
  });

  it('a second template publishing to the same variable is refused with the init flags that fix it', async () => {
    const dir = emptyProject();
    const first = await runCli(
      ['init', '--name', 'one', '--index', 'applylens-*', '--can', 'read', '--yes'],
      dir,
    );
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(
      ['init', '--name', 'two', '--index', 'applylens-*', '--can', 'read', '--yes'],
      dir,
    );
    expect(second.code).toBe(2);
    const lines = oneLine(second.stderr).filter(
      (l) => l.startsWith('eskeys: ') && !l.startsWith('eskeys: warning'),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ELASTICSEARCH_API_KEY/);
    expect(lines[0]).toMatch(/\(init: --key-var NAME or --dotenv FILE\)$/);
    expect(existsSync(join(dir, 'roles/two.json'))).toBe(false);
  });

  it('the cluster unreachable → exit 3, one line, nothing written; --no-check writes without testing', async () => {
    const dir = emptyProject();
    const args = ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read', '--yes'];
    // Port 9 (discard) on loopback: nothing listens there.
    const down = await runCli([...args, '--url', 'http://127.0.0.1:9'], dir);
    expect(down.code).toBe(3);
    expect(oneLine(down.stderr)).toHaveLength(1);
    expect(down.stderr).toMatch(/^eskeys: connection check failed: /);
    expect(written(dir)).toEqual([]);

    const unchecked = await runCli([...args, '--url', 'http://127.0.0.1:9', '--no-check'], dir);
    expect(unchecked.code).toBe(0);
    expect(existsSync(join(dir, 'roles/applylens.json'))).toBe(true);
  });

  it('wrong admin credentials → exit 3 and nothing written; the password is never printed', async () => {
    const dir = emptyProject();
    const r = await runCli(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read', '--yes'],
      dir,
      { ESKEYS_PASSWORD: 'not-the-password-42' },
    );
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr + r.stdout).not.toContain('not-the-password-42');
    expect(written(dir)).toEqual([]);
  });

  it('never writes a credential into the files it creates', async () => {
    const dir = emptyProject();
    const r = await runCli(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read', '--yes'],
      dir,
    );
    expect(r.code).toBe(0);
    const creds = readFileSync(join(dir, '.eskeys.env'), 'utf8');
    const password = envValue(creds, 'ESKEYS_PASSWORD')!;
    for (const f of written(dir)) expect(readProjectFile(dir, f)).not.toContain(password);
    expect(r.stdout + r.stderr).not.toContain(password);
  });
});
