import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { acquireRotationLock, sweepRotationLocks } from '../../../src/adapters/lock/file-lock.js';
import { LockedError } from '../../../src/core/errors.js';
import { compileForChild } from '../../support/compile-for-child.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eskeys-lock-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** A pid that belonged to a process of ours that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

async function plantLock(stateDir: string, file: string, holder: object, ageMs = 0): Promise<string> {
  const path = join(stateDir, 'locks', file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(holder));
  const t = new Date(Date.now() - ageMs);
  await utimes(path, t, t);
  return path;
}

describe('acquireRotationLock', () => {
  it('refuses a second acquire with LockedError naming pid, host and time, until released', async () => {
    const dir = await tempDir();
    const lock = await acquireRotationLock(dir, 'applylens-api@prod');
    const err = await caught(acquireRotationLock(dir, 'applylens-api@prod'));
    expect(err).toBeInstanceOf(LockedError);
    expect((err as LockedError).exitCode).toBe(4);
    expect(err.message).toMatch(
      new RegExp(
        `^rotation of applylens-api@prod is locked by pid ${process.pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; `,
      ),
    );
    await lock.release();
    const again = await acquireRotationLock(dir, 'applylens-api@prod');
    await again.release();
    await again.release(); // idempotent
  });

  it('keeps locks of different names independent', async () => {
    const dir = await tempDir();
    const a = await acquireRotationLock(dir, 'api@prod');
    const b = await acquireRotationLock(dir, 'api@staging');
    await Promise.all([a.release(), b.release()]);
  });

  it('creates the state folder 0700 and the lock file 0600, and leaves nothing after release', async () => {
    const dir = join(await tempDir(), 'state');
    const lock = await acquireRotationLock(dir, 'a/../b@prod');
    expect((await stat(join(dir, 'locks'))).mode & 0o777).toBe(0o700);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const files = await readdir(join(dir, 'locks'));
    expect(files).toEqual(['a%2f%2e%2e%2fb@prod.lock']);
    expect((await stat(join(dir, 'locks', files[0]!))).mode & 0o777).toBe(0o600);
    const holder = JSON.parse(await readFile(join(dir, 'locks', files[0]!), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), name: 'a/../b@prod' });
    await lock.release();
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('takes over a lock whose pid is dead on this host', async () => {
    const dir = await tempDir();
    await plantLock(dir, 'api@prod.lock', {
      pid: deadPid(),
      host: hostname(),
      since: 'x',
      name: 'api@prod',
      token: 't',
    });
    const lock = await acquireRotationLock(dir, 'api@prod');
    const holder = JSON.parse(await readFile(join(dir, 'locks', 'api@prod.lock'), 'utf8'));
    expect(holder.pid).toBe(process.pid);
    await lock.release();
  });

  it('respects a fresh lock from another host even if that pid is unknown here', async () => {
    const dir = await tempDir();
    await plantLock(dir, 'api@prod.lock', {
      pid: deadPid(),
      host: 'other-host',
      since: 'T0',
      name: 'api@prod',
      token: 't',
    });
    const err = await caught(acquireRotationLock(dir, 'api@prod'));
    expect(err).toBeInstanceOf(LockedError);
    expect(err.message).toContain('locked by pid');
    expect(err.message).toContain('on host other-host since T0');
  });

  it('takes over a lock from another host that was not refreshed for staleMs', async () => {
    const dir = await tempDir();
    const holder = { pid: 1, host: 'other-host', since: 'T0', name: 'api@prod', token: 't' };
    await plantLock(dir, 'api@prod.lock', holder, 11 * 60 * 1000);
    const lock = await acquireRotationLock(dir, 'api@prod');
    await lock.release();
    await plantLock(dir, 'api@prod.lock', holder, 2_000);
    await expect(acquireRotationLock(dir, 'api@prod', { staleMs: 5_000 })).rejects.toThrow(LockedError);
    await (await acquireRotationLock(dir, 'api@prod', { staleMs: 1_000 })).release();
  });

  it('ages out an unreadable lock file by its mtime only', async () => {
    const dir = await tempDir();
    const path = join(dir, 'locks', 'api@prod.lock');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'garbage');
    const err = await caught(acquireRotationLock(dir, 'api@prod', { staleMs: 60_000 }));
    expect(err.message).toMatch(/^rotation of api@prod is locked by an unknown process;/);
    const t = new Date(Date.now() - 120_000);
    await utimes(path, t, t);
    await (await acquireRotationLock(dir, 'api@prod', { staleMs: 60_000 })).release();
  });

  it('refreshes a held lock so a long rotation never looks stale', async () => {
    const dir = await tempDir();
    const lock = await acquireRotationLock(dir, 'api@prod', { staleMs: 600 });
    onTestFinished(() => lock.release());
    await new Promise((r) => setTimeout(r, 1_500));
    // Same pid (alive) and refreshed every 200 ms: still held although 1.5 s > staleMs.
    await expect(acquireRotationLock(dir, 'api@prod', { staleMs: 600 })).rejects.toThrow(LockedError);
  });

  it('does not remove a lock another process took over after this one went stale', async () => {
    const dir = await tempDir();
    const lock = await acquireRotationLock(dir, 'api@prod');
    const path = join(dir, 'locks', 'api@prod.lock');
    await writeFile(
      path,
      JSON.stringify({ pid: 1, host: 'other-host', since: 'T1', name: 'api@prod', token: 'theirs' }),
    );
    await lock.release();
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe('theirs');
  });
});

describe('acquireRotationLock across processes', () => {
  /** Compiles the lock adapter (and the errors it imports) to plain ESM that a child node can load. */
  async function compileLockModule(dir: string): Promise<string> {
    await compileForChild(dir, ['src/adapters/lock/file-lock.ts']);
    const racer = join(dir, 'racer.mjs');
    await writeFile(
      racer,
      `import { acquireRotationLock } from './src/adapters/lock/file-lock.js';
       const [stateDir, startAt] = process.argv.slice(2);
       while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
       try {
         const lock = await acquireRotationLock(stateDir, 'api@prod');
         console.log('won');
         await new Promise((r) => setTimeout(r, 1500));
         await lock.release();
       } catch (e) {
         console.log(e.code === 'locked' ? 'locked' : 'error ' + e.message);
       }`,
    );
    return racer;
  }

  function race(racer: string, stateDir: string, n: number): Promise<string[]> {
    const startAt = Date.now() + 1500;
    return Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<string>((resolve, reject) =>
            execFile(process.execPath, [racer, stateDir, String(startAt)], (err, stdout) =>
              err ? reject(err) : resolve(stdout.trim()),
            ),
          ),
      ),
    );
  }

  it('lets exactly one of several racing processes win', async () => {
    const dir = await tempDir();
    const racer = await compileLockModule(join(dir, 'code'));
    const results = await race(racer, join(dir, 'state'), 8);
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'locked')).toHaveLength(7);
  });

  it('lets exactly one of several racing processes take over a stale lock', async () => {
    const dir = await tempDir();
    const racer = await compileLockModule(join(dir, 'code'));
    const state = join(dir, 'state');
    await plantLock(state, 'api@prod.lock', {
      pid: deadPid(),
      host: hostname(),
      since: 'x',
      name: 'api@prod',
      token: 't',
    });
    const results = await race(racer, state, 8);
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'locked')).toHaveLength(7);
    expect(await readdir(join(state, 'locks'))).toEqual([]);
  });
});

describe('acquireRotationLock failures', () => {
  it('names the state folder when it cannot be created', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    const err = await caught(acquireRotationLock(join(dir, 'file', 'state'), 'api@prod'));
    expect(err.name).toBe('ConfigError');
    expect(err.message).toContain(join(dir, 'file', 'state', 'locks'));
  });
});

describe('sweepRotationLocks (recover and tick)', () => {
  it("removes a dead holder's lock and lock temp files older than 30 s; keeps live locks and fresh temp files", async () => {
    const dir = await tempDir();
    const me = { pid: process.pid, host: hostname(), since: 'x', name: 'live@prod', token: 't1' };
    await plantLock(dir, 'live@prod.lock', me);
    await plantLock(dir, 'dead@prod.lock', { ...me, pid: deadPid(), name: 'dead@prod', token: 't2' });
    await plantLock(dir, 'far@prod.lock', { ...me, host: 'another-host', name: 'far@prod', token: 't3' });
    await plantLock(dir, 'dead@prod.lock.t2.0a0b.tmp', me, 60_000);
    await plantLock(dir, 'live@prod.lock.takeover', me, 60_000);
    await plantLock(dir, 'live@prod.lock.t1.0c0d.tmp', me);

    const dry = await sweepRotationLocks(dir, { dryRun: true });
    expect(dry).toHaveLength(3);
    expect((await readdir(join(dir, 'locks'))).length).toBe(6);

    const removed = await sweepRotationLocks(dir);
    expect(removed).toEqual([
      expect.stringMatching(/^stale rotation lock .*\/dead@prod\.lock \(pid \d+ on host /),
      expect.stringMatching(/^leftover lock temp file .*\/dead@prod\.lock\.t2\.0a0b\.tmp$/),
      expect.stringMatching(/^leftover lock temp file .*\/live@prod\.lock\.takeover$/),
    ]);
    expect((await readdir(join(dir, 'locks'))).sort()).toEqual([
      'far@prod.lock',
      'live@prod.lock',
      'live@prod.lock.t1.0c0d.tmp',
    ]);
  });

  it('a state folder without locks: nothing to do', async () => {
    expect(await sweepRotationLocks(await tempDir())).toEqual([]);
  });
});
