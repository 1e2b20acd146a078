import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EnvFileStore } from '../../../src/adapters/env-file/env-file-store.js';
import { parseEnv } from '../../../src/core/env-file/edit-env.js';
import { ConfigError } from '../../../src/core/errors.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eskeys-envlock-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

  it('waits for a live holder, then gives up with a one-line error naming the lock file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'APP=1\n');
    await writeFile(join(dir, '..env.eskeys-lock'), '4242\n');
    const store = new EnvFileStore({ cwd: dir, lockWaitMs: 200 });
    const error = await store.update('.env', { KEY: 'v' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^env file \.env is being edited by another eskeys process \(.*\/\.\.env\.eskeys-lock\); retry, or remove that file if no eskeys is running$/,
    );
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
