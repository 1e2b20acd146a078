import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EnvFileStore } from '../../../src/adapters/env-file/env-file-store.js';
import { parseEnv } from '../../../src/core/env-file/edit-env.js';
import { LockedError } from '../../../src/core/errors.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eskeys-envlock-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A lock file as eskeys writes it. */
function holder(pid: number, host: string): string {
  return `${JSON.stringify({ pid, host, since: '2026-12-01T00:00:00.000Z', token: 'abc' })}\n`;
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('close', r));
  return child.pid!;
}

describe('EnvFileStore edit lock', () => {
  it('two stores updating different variables of one file at once: neither update is lost', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), '# shared\nAPP=1\n');
    // The first writer is slow between writing its temp file and renaming it: without the
    // lock, the second reads the old text meanwhile and its rename drops the first key.
    const slow = new EnvFileStore({ cwd: dir, beforeRename: () => sleep(150) });
    const fast = new EnvFileStore({ cwd: dir });
    const first = slow.update('.env', { A_KEY: 'key-of-template-a' });
    await sleep(30);
    const second = fast.update('.env', { B_KEY: 'key-of-template-b' });
    await Promise.all([first, second]);
    const vars = parseEnv(await readFile(join(dir, '.env'), 'utf8'));
    expect(Object.fromEntries(vars)).toEqual({
      APP: '1',
      A_KEY: 'key-of-template-a',
      B_KEY: 'key-of-template-b',
    });
    expect((await readdir(dir)).sort()).toEqual(['.env']); // no lock or temp file left behind
  });

  it('waits for a live holder, then gives up with LockedError (exit 4) naming the holder and the lock file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'APP=1\n');
    // This test's own process is a live holder on this host.
    await writeFile(join(dir, '..env.eskeys-lock'), holder(process.pid, hostname()));
    const store = new EnvFileStore({ cwd: dir, lockWaitMs: 200 });
    const error = await store.update('.env', { KEY: 'v' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(4);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^env file \\.env is being edited by pid ${process.pid} on host ${hostname()} since 2026-12-01T00:00:00.000Z \\(lock \\.\\.env\\.eskeys-lock\\); retry once it has finished, or remove that file if no eskeys is running$`,
      ),
    );
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe('APP=1\n');
  });

  it('takes over at once the fresh lock of a process that is gone on this host', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'APP=1\n');
    await writeFile(join(dir, '..env.eskeys-lock'), holder(await deadPid(), hostname()));
    // lockWaitMs 0: no waiting at all, so only an immediate takeover lets the update through.
    const store = new EnvFileStore({ cwd: dir, lockWaitMs: 0 });
    await store.update('.env', { KEY: 'v' });
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe('APP=1\nKEY=v\n');
    expect(await readdir(dir)).toEqual(['.env']);
  });

  it.each([
    [
      'another host (its pid means nothing here)',
      holder(1, 'some-other-host'),
      /by pid 1 on host some-other-host since/,
    ],
    ['an older eskeys (a bare pid)', '4242\n', /by another eskeys process/],
    ['a half-written lock (empty)', '', /by another eskeys process/],
  ] as const)('a fresh lock of %s is never taken over on pid grounds', async (_name, content, who) => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'APP=1\n');
    await writeFile(join(dir, '..env.eskeys-lock'), content);
    const store = new EnvFileStore({ cwd: dir, lockWaitMs: 50 });
    const error = await store.update('.env', { KEY: 'v' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as Error).message).toMatch(who);
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe('APP=1\n');
  });

  it('takes over a stale lock (a process that died mid-edit)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'APP=1\n');
    const lock = join(dir, '..env.eskeys-lock');
    await writeFile(lock, '4242\n');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const store = new EnvFileStore({ cwd: dir, lockWaitMs: 200 });
    await store.update('.env', { KEY: 'v' });
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe('APP=1\nKEY=v\n');
    expect(await readdir(dir)).toEqual(['.env']);
  });
});

describe('EnvFileStore.sweepLeftovers (recover and tick)', () => {
  it("removes a dead holder's edit lock and every .<name>.eskeys-*.tmp beside the file, nothing else", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'APP=1\n');
    await writeFile(join(dir, '..env.eskeys-lock'), holder(await deadPid(), hostname()));
    await writeFile(join(dir, '..env.eskeys-999-0a1b2c.tmp'), 'KEY=planted-secret\n');
    await writeFile(join(dir, '..env.eskeys-lock-999-0a1b2c.tmp'), '');
    await writeFile(join(dir, '..other.eskeys-999-0a1b2c.tmp'), "another file's temp\n");
    const store = new EnvFileStore({ cwd: dir, lockWaitMs: 0 });
    expect(await store.sweepLeftovers('.env', { dryRun: true })).toHaveLength(3);
    const removed = await store.sweepLeftovers('.env');
    expect(removed).toEqual([
      expect.stringMatching(/^stale edit lock of \.env \(pid \d+ on host .* no longer running\)$/),
      'leftover temp file ..env.eskeys-999-0a1b2c.tmp (it may have held a key; removed unread)',
      'leftover temp file ..env.eskeys-lock-999-0a1b2c.tmp (it may have held a key; removed unread)',
    ]);
    expect(removed.join('\n')).not.toContain('planted-secret');
    expect((await readdir(dir)).sort()).toEqual(['..other.eskeys-999-0a1b2c.tmp', '.env']);
  });

  it('waits for a live edit and never removes its lock', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'APP=1\n');
    await writeFile(join(dir, '..env.eskeys-lock'), holder(process.pid, hostname()));
    const store = new EnvFileStore({ cwd: dir, lockWaitMs: 50 });
    await expect(store.sweepLeftovers('.env')).rejects.toBeInstanceOf(LockedError);
    expect((await readdir(dir)).sort()).toEqual(['..env.eskeys-lock', '.env']);
  });
});
