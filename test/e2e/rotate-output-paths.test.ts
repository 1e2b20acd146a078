import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  envValue,
  makeProject,
  readProjectFile,
  runCli,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';
const ENV = 'APP_NAME=mail\nELASTICSEARCH_API_KEY=old-key-value\n';

/** A folder outside the project (a stand-in for /etc), removed after the test. */
function outsideDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-outside-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the CLI and asserts it sent no request that mints a key (refusals come before minting). */
async function runRefused(args: string[], dir: string) {
  const seen = sb.requests.length;
  const r = await runCli(args, dir);
  const minted = sb.requests
    .slice(seen)
    .filter((q) => /_security\/api_key/.test(q.path) && q.method !== 'GET');
  expect(minted).toEqual([]);
  return r;
}

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('eskeys rotate writes only env files inside the project or a declared output root', () => {
  it('an absolute env file outside the project (a passwd-like file): exit 2 naming template and file, nothing written, no key', async () => {
    const outside = outsideDir();
    const victim = join(outside, 'passwd');
    writeFileSync(victim, PASSWD, { mode: 0o644 });
    const dir = makeProject(sb, { files: { '.env': ENV } });
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: { env_files: [victim], key_var: 'ELASTICSEARCH_API_KEY' },
    });
    const r = await runRefused(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toContain('email-search');
    expect(r.stderr).toContain(victim);
    expect(r.stderr).toMatch(/outside the project/);
    expect(readFileSync(victim, 'utf8')).toBe(PASSWD);
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it.each([
    ['create', ['create', '-t', 'email-search', '--yes']],
    ['tick --create-missing', ['tick', '--create-missing']],
  ])('%s goes through the same check: exit 2, nothing written', async (_verb, args) => {
    const outside = outsideDir();
    const victim = join(outside, 'passwd');
    writeFileSync(victim, PASSWD);
    const dir = makeProject(sb);
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: { env_files: [victim], key_var: 'ELASTICSEARCH_API_KEY' },
    });
    const r = await runRefused(args, dir);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/email-search: outputs\.env_files: .*passwd is outside the project/);
    expect(readFileSync(victim, 'utf8')).toBe(PASSWD);
  });

  it('a relative env file climbing out of the project (../x): exit 2, nothing written', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    const name = `eskeys-escape-${Math.random().toString(36).slice(2, 8)}.env`;
    const escaped = join(dir, '..', name);
    onTestFinished(() => rmSync(escaped, { force: true }));
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: { env_files: [`../${name}`], key_var: 'ELASTICSEARCH_API_KEY' },
    });
    const r = await runRefused(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/outside the project/);
    expect(() => statSync(escaped)).toThrow();
  });

  it('a followed symlink inside the project pointing outside it: exit 2, judged by its target', async () => {
    const outside = outsideDir();
    const target = join(outside, 'app.env');
    writeFileSync(target, ENV);
    const dir = makeProject(sb);
    symlinkSync(target, join(dir, '.env'));
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: { env_files: ['.env'], key_var: 'ELASTICSEARCH_API_KEY', follow_symlinks: true },
    });
    const r = await runRefused(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toContain(target);
    expect(readFileSync(target, 'utf8')).toBe(ENV);
  });

  it('output_roots in eskeys.config.json allows a folder outside the project (relative to the config)', async () => {
    const outside = outsideDir();
    const target = join(outside, 'app.env');
    writeFileSync(target, ENV, { mode: 0o600 });
    const dir = makeProject(sb, {
      files: { 'eskeys.config.json': { output_roots: [outside] } },
    });
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: { env_files: [target], key_var: 'ELASTICSEARCH_API_KEY' },
    });
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(envValue(readFileSync(target, 'utf8'), 'ELASTICSEARCH_API_KEY')).not.toBe('old-key-value');
  });

  it('an existing target that is not an env file: exit 2 naming the file and the first bad line, never its content', async () => {
    const text = 'APP_NAME=mail\n# a comment\n\nexport OTHER=1\nroot:x:0:0:root:/root:/bin/bash\nZ=2\n';
    const dir = makeProject(sb, { files: { '.env': text } });
    const r = await runRefused(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/\.env: line 5: /);
    expect(r.stderr).not.toContain('root:x');
    expect(readProjectFile(dir, '.env')).toBe(text);
  });

  it('a multi-line quoted value is part of an env file, not a bad line', async () => {
    const text = 'CERT="-----BEGIN-----\nMIIB\n-----END-----"\nELASTICSEARCH_API_KEY=old\n';
    const dir = makeProject(sb, { files: { '.env': text } });
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readProjectFile(dir, '.env')).toContain('CERT="-----BEGIN-----\nMIIB\n-----END-----"\n');
  });

  it('outputs.mode 0640 makes the env file group-readable (a consumer in the file group)', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    chmodSync(join(dir, '.env'), 0o600);
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: { env_files: ['.env'], key_var: 'ELASTICSEARCH_API_KEY', mode: '0640' },
    });
    const before = statSync(join(dir, '.env'));
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    const after = statSync(join(dir, '.env'));
    expect(after.mode & 0o777).toBe(0o640);
    expect([after.uid, after.gid]).toEqual([before.uid, before.gid]);
  });
});

describe('eskeys doctor runs the same output check', () => {
  it('an env file outside the project fails local.env_files with the message rotate would give', async () => {
    const outside = outsideDir();
    const dir = makeProject(sb);
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: { env_files: [join(outside, 'app.env')], key_var: 'ELASTICSEARCH_API_KEY' },
    });
    const r = await runCli(['doctor', '--json'], dir);
    expect(r.code).not.toBe(0);
    const out = JSON.parse(r.stdout) as { checks: { id: string; status: string; message: string }[] };
    const hit = out.checks.find((c) => c.id === 'local.env_files:email-search');
    expect(hit?.status).toBe('fail');
    expect(hit?.message).toMatch(
      /^template email-search: outputs\.env_files: .*app\.env is outside the project folder/,
    );
  });
});

describe('one variable, one owner', () => {
  /** Two templates that both write ELASTICSEARCH_API_KEY into .env (the second only in prod). */
  function twoOwners(): string {
    const dir = makeProject(sb, {
      files: {
        '.env': ENV,
        'eskeys.config.json': {
          environments: { prod: { outputs: { 'mail-reader': { env_files: ['.env'] } } } },
        },
      },
    });
    writeTemplate(dir, 'roles/email-search.json', {
      name: 'mail-reader',
      outputs: { env_files: ['.env.reader'], key_var: 'ELASTICSEARCH_API_KEY' },
    });
    return dir;
  }

  it('rotate refuses before minting (exit 2) naming both templates, the file and the variable', async () => {
    const dir = twoOwners();
    // The config declares environments, so a run without a terminal names one (issue 10 item 8).
    const r = await runRefused(['rotate', '-t', 'email-search', '--env', 'default', '--yes'], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/email-search/);
    expect(r.stderr).toMatch(/mail-reader/);
    expect(r.stderr).toMatch(/ELASTICSEARCH_API_KEY/);
    expect(r.stderr).toMatch(/\.env\b/);
    expect(readProjectFile(dir, '.env')).toBe(ENV);
  });

  it('lint reports it as an error naming both templates, the file and the variable (exit 1)', async () => {
    const dir = twoOwners();
    const r = await runCli(['lint', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      conflicts: { variable: string; env_file: string; templates: string[] }[];
      summary: { error: number };
    };
    expect(out.conflicts).toEqual([
      expect.objectContaining({
        variable: 'ELASTICSEARCH_API_KEY',
        env_file: '.env',
        templates: ['email-search', 'mail-reader'],
      }),
    ]);
    expect(out.summary.error).toBeGreaterThanOrEqual(1);
  });

  it('doctor fails the check', async () => {
    const dir = twoOwners();
    const r = await runCli(['doctor', '--json'], dir);
    expect(r.code).not.toBe(0);
    const out = JSON.parse(r.stdout) as { checks: { id: string; status: string; message: string }[] };
    const hit = out.checks.find((c) => c.id === 'project.output-variables');
    expect(hit?.status).toBe('fail');
    expect(hit?.message).toMatch(/email-search.*mail-reader|mail-reader.*email-search/);
  });

  it('the plan shows whose key the variable holds now (a key of another template copied in by hand)', async () => {
    const env = `h${Math.random().toString(36).slice(2, 8)}`;
    const dir = makeProject(sb, {
      files: { '.env': ENV, 'eskeys.config.json': { environments: { [env]: {} } } },
    });
    writeTemplate(dir, 'roles/email-search.json', {
      name: 'mail-reader',
      outputs: { env_files: ['reader.env'], key_var: 'READER_KEY' },
    });
    expect((await runCli(['create', '-t', 'mail-reader', '--env', env, '--yes'], dir)).code).toBe(0);
    const readerKey = envValue(readProjectFile(dir, 'reader.env'), 'READER_KEY')!;
    writeFileSync(join(dir, '.env'), `ELASTICSEARCH_API_KEY=${readerKey}\n`);

    const json = await runCli(['create', '-t', 'email-search', '--env', env, '--dry-run', '--json'], dir);
    expect(json.code, json.stderr).toBe(0);
    const holders = JSON.parse(json.stdout).holders as {
      file: string;
      variable: string;
      holder: string;
      description: string;
    }[];
    expect(holders).toEqual([
      expect.objectContaining({ file: '.env', variable: 'ELASTICSEARCH_API_KEY', holder: 'other' }),
    ]);
    expect(holders[0]!.description).toMatch(new RegExp(`^mail-reader@${env}#1 \\(`));

    const human = await runCli(['create', '-t', 'email-search', '--env', env, '--dry-run'], dir);
    expect(human.stdout).toMatch(
      new RegExp(`holds now: +\\.env ELASTICSEARCH_API_KEY: mail-reader@${env}#1 `),
    );
  });
});
