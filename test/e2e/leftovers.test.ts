/**
 * Leftovers of rotations that died or were cut off: keys the cluster minted after eskeys gave up
 * on the create, edit locks of killed processes, temp files beside env files, lock temp files.
 * The built CLI against the sandbox; the sandbox's `executeLate` fault drops the client's
 * connection and runs the request later, when the test releases it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  envValue,
  makeProject,
  readProjectFile,
  runCli,
  statusKeys,
  useRotationSandbox,
} from './rotate-support.js';

const sb = useRotationSandbox();

let n = 0;
function project(): { dir: string; env: string } {
  const env = `l${++n}${Math.random().toString(36).slice(2, 6)}`;
  const dir = makeProject(sb, {
    files: {
      '.env': 'APP=1\n',
      'eskeys.config.json': {
        environments: { [env]: { outputs: { 'email-search': { env_files: ['.env'] } } } },
      },
    },
  });
  return { dir, env };
}

/** Whether the sandbox reports the key invalidated (GET /_security/api_key?id=). */
async function invalidated(id: string): Promise<boolean> {
  const r = await sb.admin('GET', `/_security/api_key?id=${encodeURIComponent(id)}`);
  expect(r.status).toBe(200);
  return (r.body as { api_keys: { invalidated: boolean }[] }).api_keys[0]!.invalidated;
}

/**
 * A rotation whose create the cluster executes only after eskeys gave up on it: returns the
 * orphan key's id (pending, valid, minted by this host for a rotation that never published).
 */
async function lateCreate(dir: string, env: string): Promise<string> {
  const first = await runCli(['create', '-t', 'email-search', '--env', env], dir);
  expect(first.code, first.stderr).toBe(0);
  sb.sandbox.faults.inject({ method: 'PUT', path: '/_security/api_key', executeLate: true });
  const cut = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
  // The create's connection was cut: the cluster is misbehaving, nothing was published.
  expect(cut.code, cut.stderr).toBe(3);
  expect(await sb.sandbox.faults.releaseHeld()).toEqual([200]);
  const pending = (await statusKeys(dir)).filter((k) => k.environment === env && k.state === 'pending');
  expect(pending).toHaveLength(1);
  expect(await invalidated(pending[0]!.id)).toBe(false);
  return pending[0]!.id;
}

describe('a create the cluster executed after eskeys gave up', { timeout: 120_000 }, () => {
  it("rotate names this host's own rotation and `eskeys recover`; recover invalidates the key and says so; the next rotate succeeds", async () => {
    const { dir, env } = project();
    const orphan = await lateCreate(dir, env);

    const blocked = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    expect(blocked.code, blocked.stderr).toBe(5);
    expect(blocked.stderr).not.toMatch(/another (host|rotation)|on that host/);
    expect(blocked.stderr).toMatch(/this host/);
    expect(blocked.stderr).toMatch(/eskeys recover/);

    const rec = await runCli(['recover'], dir);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(new RegExp(`email-search@${env}: invalidated key email-search@${env}#2 `));
    expect(rec.stdout).toMatch(/never published/);
    expect(await invalidated(orphan)).toBe(true);

    const again = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')).toBeDefined();
  });

  it('tick invalidates it too, and says so', async () => {
    const { dir, env } = project();
    const orphan = await lateCreate(dir, env);
    const tick = await runCli(['tick', '--env', env], dir);
    expect(tick.code, tick.stderr).toBe(0);
    expect(tick.stdout + tick.stderr).toMatch(new RegExp(`invalidated key email-search@${env}#2 `));
    expect(await invalidated(orphan)).toBe(true);
  });
});

/** The pid of a process that has exited (a killed eskeys, as far as its locks can tell). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('close', r));
  return child.pid!;
}

/** A lock file as eskeys writes it: its holder's pid, host and start time. */
function lockOf(pid: number, host = hostname()): string {
  return `${JSON.stringify({ pid, host, since: '2026-12-01T00:00:00.000Z', name: 'x', token: `t${pid}` })}\n`;
}

/** Leftovers of a killed eskeys in a project: returns the paths and the fake key a temp file holds. */
async function plantLeftovers(dir: string, env: string) {
  const dead = await deadPid();
  const locks = join(dir, '.eskeys/locks');
  mkdirSync(locks, { recursive: true });
  const paths = {
    editLock: join(dir, '..env.eskeys-lock'),
    envTemp: join(dir, `..env.eskeys-${dead}-0a1b2c3d4e5f.tmp`),
    rotationLock: join(locks, `email-search@${env}.lock`),
    lockTemp: join(locks, `email-search@${env}.lock.t${dead}.0a1b2c3d.tmp`),
    liveLock: join(locks, 'other@prod.lock'),
  };
  // What a killed publish leaves: a whole env file with a key in it, under a temp name.
  const planted = `ELASTICSEARCH_API_KEY=${Buffer.from(`planted-id:planted-secret-${dead}`).toString('base64')}`;
  writeFileSync(paths.envTemp, `APP=1\n${planted}\n`, { mode: 0o600 });
  writeFileSync(paths.editLock, lockOf(dead));
  writeFileSync(paths.rotationLock, lockOf(dead));
  writeFileSync(paths.lockTemp, lockOf(dead));
  const old = new Date(Date.now() - 60_000);
  utimesSync(paths.lockTemp, old, old);
  // A live holder (this test process): never touched.
  writeFileSync(paths.liveLock, lockOf(process.pid));
  return { paths, planted };
}

describe('stale locks and leftovers of a killed eskeys', { timeout: 120_000 }, () => {
  it('rotate takes over at once the env-file edit lock of a process that is gone', async () => {
    const { dir, env } = project();
    const first = await runCli(['create', '-t', 'email-search', '--env', env], dir);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(join(dir, '..env.eskeys-lock'), lockOf(await deadPid()));
    const r = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, '..env.eskeys-lock'))).toBe(false);
    expect((await statusKeys(dir)).filter((k) => k.environment === env).map((k) => k.state)).toEqual([
      'active',
      'superseded',
    ]);
  });

  it('a live process editing the env file: rotate exits 4 naming it, before any key is minted', async () => {
    const { dir, env } = project();
    const first = await runCli(['create', '-t', 'email-search', '--env', env], dir);
    expect(first.code, first.stderr).toBe(0);
    const before = readProjectFile(dir, '.env');
    // This test process is the live holder; the test-only knob cuts the 10 s wait to 100 ms.
    writeFileSync(join(dir, '..env.eskeys-lock'), lockOf(process.pid));
    const r = await runCli(['rotate', '-t', 'email-search', '--env', env], dir, {
      ESKEYS_TEST_LOCK_WAIT_MS: '100',
    });
    expect(r.code, r.stderr).toBe(4);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('eskeys: ') && !l.includes('warning:'));
    expect(errors).toEqual([
      `eskeys: env file .env is being edited by pid ${process.pid} on host ${hostname()} since 2026-12-01T00:00:00.000Z (lock ..env.eskeys-lock); retry once it has finished, or remove that file if no eskeys is running`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toMatch(/creating key/);
    expect((await statusKeys(dir)).filter((k) => k.environment === env).map((k) => k.state)).toEqual([
      'active',
    ]);
    expect(readProjectFile(dir, '.env')).toBe(before);
    expect(existsSync(join(dir, '..env.eskeys-lock'))).toBe(true);
  });

  it('recover removes stale locks, lock temp files and env temp files (unread, unprinted); a live lock stays', async () => {
    const { dir, env } = project();
    const { paths, planted } = await plantLeftovers(dir, env);
    const dry = await runCli(['recover', '--dry-run'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.match(/^would remove /gm)).toHaveLength(4);
    for (const p of Object.values(paths)) expect(existsSync(p), p).toBe(true);
    const r = await runCli(['recover'], dir);
    expect(r.code, r.stderr).toBe(0);
    for (const p of [paths.editLock, paths.envTemp, paths.rotationLock, paths.lockTemp]) {
      expect(existsSync(p), p).toBe(false);
    }
    expect(existsSync(paths.liveLock)).toBe(true);
    expect(r.stdout).toMatch(
      /^removed stale rotation lock \.eskeys\/locks\/email-search@\S+\.lock \(pid \d+ on host /m,
    );
    expect(r.stdout).toMatch(/^removed leftover lock temp file \.eskeys\/locks\/\S+\.tmp$/m);
    expect(r.stdout).toMatch(
      /^removed stale edit lock of \.env \(pid \d+ on host \S+ since 2026-12-01T00:00:00\.000Z, no longer running\)$/m,
    );
    expect(r.stdout).toMatch(
      /^removed leftover temp file \.\.env\.eskeys-\d+-0a1b2c3d4e5f\.tmp \(it may have held a key; removed unread\)$/m,
    );
    expect(r.stdout + r.stderr).not.toContain(planted.split('=')[1]);
    expect(readdirSync(dir).sort()).toEqual([
      '.env',
      '.eskeys',
      '.eskeys.env',
      'eskeys.config.json',
      'roles',
    ]);
  });

  it('every tick removes them too', async () => {
    const { dir, env } = project();
    const { paths, planted } = await plantLeftovers(dir, env);
    const r = await runCli(['tick', '--env', env], dir);
    expect(r.code, r.stderr).toBe(0);
    for (const p of [paths.editLock, paths.envTemp, paths.rotationLock, paths.lockTemp]) {
      expect(existsSync(p), p).toBe(false);
    }
    expect(existsSync(paths.liveLock)).toBe(true);
    expect(r.stderr).toMatch(/removed leftover temp file \.\.env\.eskeys-\d+-0a1b2c3d4e5f\.tmp/);
    expect(r.stdout + r.stderr).not.toContain(planted.split('=')[1]);
  });
});

/** Index templates, ILM policies and pipelines in the sandbox whose name carries the probe marker. */
function probeClusterResources(): string[] {
  const s = sb.sandbox.state;
  return [
    ...[...s.indexTemplates.keys()].map((n) => `index template ${n}`),
    ...[...s.ilmPolicies.keys()].map((n) => `ILM policy ${n}`),
    ...[...s.pipelines.keys()].map((n) => `ingest pipeline ${n}`),
  ]
    .filter((n) => n.includes('eskeys-probe-'))
    .sort();
}

describe('probe resources of a rotation that died during verify', { timeout: 120_000 }, () => {
  it("recover removes that run's index template, ILM policy and pipeline, and no other run's", async () => {
    const { dir, env } = project();
    // Another probe run's template (say, eskeys verify in CI right now): never touched.
    const other = await sb.admin('PUT', '/_index_template/eskeys-probe-00ff00ff00ff00ff-tpl', {
      index_patterns: ['eskeys-probe-00ff00ff00ff00ff-tpl-*'],
      priority: 999,
    });
    expect(other.status).toBe(200);
    // The teardown's deletes are held and then refused, so the resources outlive the process,
    // which is killed once all three deletes have reached the cluster.
    sb.sandbox.faults.inject({
      method: 'DELETE',
      path: /^\/_(index_template|ilm\/policy|ingest\/pipeline)\/eskeys-probe-/,
      latencyMs: 5000,
      status: 503,
      times: 3,
    });
    const crash = await runCli(
      ['create', '-t', 'email-search', '--env', env],
      dir,
      {},
      {
        when: () => sb.sandbox.faults.pending().length === 0,
        signal: 'SIGKILL',
      },
    );
    expect(crash.signal).toBe('SIGKILL');
    const left = probeClusterResources().filter((n) => !n.includes('00ff00ff00ff00ff'));
    expect(left.map((n) => n.replace(/eskeys-probe-[0-9a-f]+-/, 'eskeys-probe-<tag>-'))).toEqual([
      'ILM policy eskeys-probe-<tag>-ilm',
      'index template eskeys-probe-<tag>-tpl',
      'ingest pipeline eskeys-probe-<tag>-pipeline',
    ]);

    const r = await runCli(['recover'], dir);
    expect(r.code, r.stderr).toBe(0);
    for (const l of left) expect(r.stdout).toContain(`removed the probe leftover ${l}`);
    expect(probeClusterResources()).toEqual(['index template eskeys-probe-00ff00ff00ff00ff-tpl']);
    // The key of the dead rotation was rolled back.
    expect((await statusKeys(dir)).filter((k) => k.environment === env).map((k) => k.state)).toEqual([
      'invalidated',
    ]);
  });
});
