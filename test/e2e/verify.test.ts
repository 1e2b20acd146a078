import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { RoleDescriptor } from '../../src/core/privileges/role.js';
import {
  leakedSecrets,
  mintKey,
  type ProbeSandbox,
  probeLeftovers,
  probeLeftoversOverHttp,
  startProbeSandbox,
  type TestKey,
} from '../support/sandbox-helpers.js';
import { usingRealCluster } from '../support/test-cluster.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/cli/bin.js');

const templateJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
const shipped = templateJson('roles/email-search.json');
const withWrite = templateJson('test/fixtures/probes/email-search-write.json');

let env: ProbeSandbox;
beforeAll(async () => {
  env = await startProbeSandbox();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => env.sandbox?.faults.clear());

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A project folder with the shipped template and the wrong `write` one, and a .env holding `key`. */
function project(key?: TestKey): string {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-verify-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'roles'));
  copyFileSync(join(ROOT, 'roles/email-search.json'), join(dir, 'roles/email-search.json'));
  copyFileSync(
    join(ROOT, 'test/fixtures/probes/email-search-write.json'),
    join(dir, 'roles/email-search-write.json'),
  );
  if (key)
    writeFileSync(
      join(dir, '.env'),
      `# app settings\nPORT=8080\nELASTICSEARCH_API_KEY=${key.encoded.reveal()}\n`,
    );
  return dir;
}

/** A clean environment: nothing inherited but PATH, so no stray ESKEYS_* reaches the CLI. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...extra };
}

function cli(args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['--', BIN, ...args],
      { cwd, env: cliEnv(extraEnv), timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const descriptors = (t: { role_descriptors: Record<string, RoleDescriptor> }) => t.role_descriptors;

function expectNoSecrets(r: CliResult, keys: TestKey[]): void {
  const all = r.stdout + r.stderr;
  expect(leakedSecrets(all, keys)).toEqual([]);
  expect(all).not.toContain(env.password);
}

describe('eskeys verify (built CLI against the sandbox)', () => {
  it('passes the shipped email-search template with admin credentials and removes its canaries (exit 0)', async () => {
    const key = await mintKey(env.admin, descriptors(shipped));
    const dir = project(key);
    env.sandbox?.counters.reset();
    const r = await cli(['verify', '--template', 'email-search', '--format', 'json'], dir, env.adminEnv);
    expectNoSecrets(r, [key]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.passed).toBe(true);
    expect(report.access).toBe('admin');
    expect(report.key_source).toBe('the key in ELASTICSEARCH_API_KEY (.env)');
    expect(report.results).toHaveLength(shipped.probes.allow.length + shipped.probes.deny.length);
    expect(report.key_id).toBe(`…${key.id.slice(-4)}`);
    // The CLI adds no request of its own: probes + setup + teardown, all counted in the report.
    if (env.sandbox) expect(env.sandbox.counters.total()).toBe(report.requests);
    expect(report.requests).toBeLessThanOrEqual(report.results.length + 1 + 3);
    expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
  });

  it('--record appends the outcome to the audit log (never the key), which review then counts as evidence', async () => {
    const key = await mintKey(env.admin, descriptors(shipped));
    const dir = project(key);
    const r = await cli(['verify', '-t', 'email-search', '--json', '--record'], dir, env.adminEnv);
    expect(r.code, r.stderr).toBe(0);
    const log = readFileSync(join(dir, '.eskeys/audit.jsonl'), 'utf8');
    expect(log).not.toContain(key.encoded.reveal());
    const [entry] = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entry.event).toMatchObject({
      type: 'key.verified',
      template: 'email-search',
      environment: 'default',
      keyId: key.id,
      details: { by: 'eskeys verify', probes: shipped.probes.allow.length + shipped.probes.deny.length },
    });
    expect((await cli(['audit', 'verify'], dir)).code).toBe(0);
    const writeKey = await mintKey(env.admin, descriptors(withWrite));
    const failing = await cli(['verify', '-t', 'email-search-write', '--json', '--record'], dir, {
      ...env.adminEnv,
      ELASTICSEARCH_API_KEY: writeKey.encoded.reveal(),
    });
    expect(failing.code).toBe(1);
    const last = JSON.parse(
      readFileSync(join(dir, '.eskeys/audit.jsonl'), 'utf8').trim().split('\n').at(-1)!,
    );
    expect(last.event).toMatchObject({ type: 'key.verify_failed', template: 'email-search-write' });
    expect(last.event.details.failed).toContain('deny doc.delete');
    const review = await cli(['review', '-t', 'email-search', '--offline', '--format', 'json'], dir);
    const identity = JSON.parse(review.stdout).identities[0];
    expect(identity.evidence.audit.last_verified).toMatchObject({ type: 'key.verified', seq: 1 });
    expectNoSecrets(failing, [key, writeKey]);
    expect(readFileSync(join(dir, '.eskeys/audit.jsonl'), 'utf8')).not.toContain(writeKey.encoded.reveal());
  });

  it('runs key-only in CI (no admin credentials, key from the environment)', async () => {
    const key = await mintKey(env.admin, descriptors(shipped));
    const dir = project();
    const r = await cli(['verify', '-t', 'email-search', '--json'], dir, {
      ESKEYS_URL: env.url,
      ELASTICSEARCH_API_KEY: key.encoded.reveal(),
    });
    expectNoSecrets(r, [key]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.access).toBe('key-only');
    expect(report.key_source).toBe('the key in ELASTICSEARCH_API_KEY');
    expect(report.passed).toBe(true);
    expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
  });

  it('fails a template that grants write on its doc.delete deny probe, explaining why (exit 1)', async () => {
    const key = await mintKey(env.admin, descriptors(withWrite));
    const dir = project(key);
    const r = await cli(['verify', '--template', 'email-search-write', '--json'], dir, env.adminEnv);
    expectNoSecrets(r, [key]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const del = report.results.find((x: { probe: string }) => x.probe === 'deny doc.delete');
    expect(del.verdict).toBe('fail');
    expect(del.explanation).toContain(
      'granted by `write` on `gmail_emails-*`; use `index` or `create_doc` instead',
    );
    expect(r.stderr).toMatch(/^eskeys: \d+ of \d+ probes did not pass: .*deny doc\.delete/m);
    expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
  });

  it('exits 3 with a one-line message when the key was invalidated', async () => {
    const key = await mintKey(env.admin, descriptors(shipped));
    await env.admin.invalidateApiKeys([key.id]);
    const dir = project(key);
    const r = await cli(['verify', '--template', 'email-search'], dir, { ESKEYS_URL: env.url });
    expectNoSecrets(r, [key]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `eskeys: the key in ELASTICSEARCH_API_KEY (.env) was rejected: api key [${key.id}] has been invalidated\n`,
    );
  });

  it('prefers the key variable in the environment over the env file (and says which one it used)', async () => {
    const inFile = await mintKey(env.admin, descriptors(shipped));
    const inEnv = await mintKey(env.admin, descriptors(shipped));
    await env.admin.invalidateApiKeys([inEnv.id]);
    const dir = project(inFile);
    const r = await cli(['verify', '--template', 'email-search'], dir, {
      ESKEYS_URL: env.url,
      ELASTICSEARCH_API_KEY: inEnv.encoded.reveal(),
    });
    expectNoSecrets(r, [inFile, inEnv]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `eskeys: the key in ELASTICSEARCH_API_KEY was rejected: api key [${inEnv.id}] has been invalidated\n`,
    );
  });

  it('exits 3 when the admin credentials are rejected, after the key removed what it created', async () => {
    const key = await mintKey(env.admin, descriptors(shipped));
    const dir = project(key);
    const r = await cli(['verify', '--template', 'email-search', '--json'], dir, {
      ...env.adminEnv,
      ESKEYS_PASSWORD: 'wrong-password',
    });
    expectNoSecrets(r, [key]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^eskeys: cluster http:\/\/127\.0\.0\.1:\d+ rejected the admin credentials while DELETE /m,
    );
    expect(r.stderr).not.toContain('wrong-password');
    expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
  });

  it('exits 3 when the cluster is unreachable', async () => {
    const key = await mintKey(env.admin, descriptors(shipped));
    const dir = project(key);
    const r = await cli(['verify', '--template', 'email-search'], dir, { ESKEYS_URL: 'http://127.0.0.1:9' });
    expectNoSecrets(r, [key]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^eskeys: cannot reach cluster http:\/\/127\.0\.0\.1:9/);
  });

  it.each([
    ['both key sources', ['--key-env', 'X', '--env-file', '.env'], /either --key-env or --env-file/],
    ['an unknown template', [], /template "nope" not found/],
    ['a missing key variable', ['--key-env', 'NOT_SET'], /NOT_SET \(--key-env\) is not set/],
    ['a bad format', ['--format', 'xml'], /argument 'xml' is invalid/],
  ])('exits 2 on %s', async (_name, extra, message) => {
    const key = await mintKey(env.admin, descriptors(shipped));
    const dir = project(key);
    const template = _name === 'an unknown template' ? 'nope' : 'email-search';
    const r = await cli(['verify', '--template', template, ...extra], dir, { ESKEYS_URL: env.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expectNoSecrets(r, [key]);
  });

  it('reads the key from --env-file and stays key-only with --key-only even when admin credentials exist', async () => {
    const key = await mintKey(env.admin, descriptors(shipped));
    const dir = project();
    writeFileSync(join(dir, 'deploy.env'), `ELASTICSEARCH_API_KEY="${key.encoded.reveal()}"\n`);
    const r = await cli(
      ['verify', '-t', 'email-search', '--env-file', 'deploy.env', '--key-only', '--json'],
      dir,
      env.adminEnv,
    );
    expectNoSecrets(r, [key]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).access).toBe('key-only');
  });

  it("run as the installed executable, --env-file is eskeys' flag, not Node's (Node 20 would load or refuse the file itself)", async () => {
    // Node 20 reads `--env-file` anywhere on its command line (nodejs/node#54232): a missing file
    // made Node exit 9 ("node: deploy.env: not found") before eskeys ran, and an existing one was
    // loaded into eskeys' own environment. The bin's `#!/usr/bin/env -S node --` ends Node's options.
    const dir = project();
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        BIN,
        ['verify', '-t', 'email-search', '--env-file', 'missing.env', '--key-only'],
        { cwd: dir, env: { PATH: process.env.PATH ?? '', ESKEYS_URL: env.url } },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          }),
      ),
    );
    expect(r.stderr).not.toMatch(/^node:/m);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.env/);
  });

  it('exits 2 when the value is not an encoded API key, without echoing it', async () => {
    const dir = project();
    const raw = 'VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw';
    const r = await cli(['verify', '-t', 'email-search', '--key-env', 'APP_KEY'], dir, {
      ESKEYS_URL: env.url,
      APP_KEY: raw,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'eskeys: the key in APP_KEY is not an encoded API key (base64 of id:api_key, the "encoded" value Elasticsearch returns)\n',
    );
    expect(r.stdout + r.stderr).not.toContain('ui2lp2axTNmsyakw9tvNnw');
  });

  it('--output replaces an existing report whole, keeps its mode and leaves no temp file', async () => {
    const key = await mintKey(env.admin, descriptors(shipped));
    const dir = project(key);
    writeFileSync(join(dir, 'report.json'), 'stale\n');
    chmodSync(join(dir, 'report.json'), 0o640);
    const before = readdirSync(dir).sort();
    const r = await cli(
      ['verify', '--template', 'email-search', '--format', 'json', '--output', 'report.json'],
      dir,
      env.adminEnv,
    );
    expect(r.code).toBe(0);
    expectNoSecrets(r, [key]);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).passed).toBe(true);
    expect(statSync(join(dir, 'report.json')).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('writes JUnit XML with the testsuite/testcase/failure shape', async () => {
    const key = await mintKey(env.admin, descriptors(withWrite));
    const dir = project(key);
    const r = await cli(
      ['verify', '--template', 'email-search-write', '--format', 'junit', '--output', 'report.xml'],
      dir,
      env.adminEnv,
    );
    expect(r.code).toBe(1);
    expectNoSecrets(r, [key]);
    expect(r.stdout).toContain('deny doc.delete');
    const xml = readFileSync(join(dir, 'report.xml'), 'utf8');
    expect(leakedSecrets(xml, [key])).toEqual([]);
    const count = (tag: string) => xml.split(`<${tag}`).length - 1;
    const attr = (tag: string, name: string) => {
      const start = xml.indexOf(`<${tag} `);
      const head = xml.slice(start, xml.indexOf('>', start));
      const at = head.indexOf(` ${name}="`);
      return head.slice(at + name.length + 3, head.indexOf('"', at + name.length + 3));
    };
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(count('testsuites')).toBe(1);
    expect(count('testsuite ')).toBe(1);
    const total = withWrite.probes.allow.length + withWrite.probes.deny.length;
    expect(count('testcase')).toBe(total);
    expect(attr('testsuite', 'tests')).toBe(String(total));
    expect(attr('testsuite', 'failures')).toBe(String(count('failure')));
    expect(count('failure')).toBeGreaterThanOrEqual(1);
    expect(attr('testsuite', 'name')).toBe('eskeys.email-search-write (default)');
    expect(attr('testcase', 'classname')).toBe('eskeys.email-search-write');
    expect(xml).toContain('name="deny doc.delete"');
    expect(xml).toMatch(/<failure message="doc\.delete was allowed but must be denied" type="eskeys\.deny">/);
    expect(xml).toContain('granted by `write` on `gmail_emails-*`');
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  it.skipIf(usingRealCluster)(
    'removes every canary when interrupted with SIGINT mid-run (exit 130)',
    async () => {
      const key = await mintKey(env.admin, descriptors(withWrite));
      const dir = project(key);
      env.sandbox!.faults.inject({ path: /^\/(?!_sandbox)/, latencyMs: 200, times: 10_000 });
      env.sandbox!.counters.reset();
      const child: ChildProcess = spawn(
        'node',
        [BIN, 'verify', '--template', 'email-search-write', '--json'],
        {
          cwd: dir,
          env: cliEnv(env.adminEnv),
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => {
        stdout += d;
      });
      child.stderr!.on('data', (d) => {
        stderr += d;
      });
      const exited = new Promise<number>((resolve) =>
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0))),
      );
      // Interrupt once the run has created a canary (a throwaway template, policy or pipeline).
      const deadline = Date.now() + 10_000;
      while (probeLeftovers(env.sandbox!).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(probeLeftovers(env.sandbox!)).not.toEqual([]);
      child.kill('SIGINT');
      const code = await exited;
      env.sandbox?.faults.clear();
      expect(code).toBe(130);
      expect(stderr).toContain('interrupted by SIGINT');
      expect(leakedSecrets(stdout + stderr, [key])).toEqual([]);
      expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
    },
  );
});
