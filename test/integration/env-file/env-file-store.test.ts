import { execFileSync } from 'node:child_process';
import {
  chmod,
  chown,
  lstat,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EnvFileStore } from '../../../src/adapters/env-file/env-file-store.js';
import { EnvFileSyntaxError } from '../../../src/core/env-file/edit-env.js';
import { ConfigError } from '../../../src/core/errors.js';
import { Secret } from '../../../src/core/secret.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eskeys-envfile-'));
  onTestFinished(async () => {
    await execChattr('-i', dir).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

async function execChattr(flag: string, path: string): Promise<void> {
  execFileSync('chattr', [flag, path], { stdio: 'ignore' });
}

const mode = async (p: string) => (await stat(p)).mode & 0o777;
const isRoot = process.getuid?.() === 0;

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('EnvFileStore.read', () => {
  it('returns undefined for a missing file and the exact text (BOM, CRLF) otherwise', async () => {
    const dir = await tempDir();
    const store = new EnvFileStore({ cwd: dir });
    expect(await store.read('.env')).toBeUndefined();
    await writeFile(join(dir, '.env'), '\uFEFFA=1\r\n');
    expect(await store.read('.env')).toBe('\uFEFFA=1\r\n');
  });

  it('refuses a file that is not UTF-8 rather than corrupting it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), Buffer.from([0x41, 0x3d, 0xe9, 0x0a])); // "A=é" in Latin-1
    const err = await caught(new EnvFileStore({ cwd: dir }).read('.env'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('.env');
  });
});

describe('EnvFileStore.write', () => {
  it('creates a new file with mode 0600 and no previousMode', async () => {
    const dir = await tempDir();
    const res = await new EnvFileStore({ cwd: dir }).write('.env', 'A=1\n');
    expect(res).toEqual({});
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe('A=1\n');
    expect(await mode(join(dir, '.env'))).toBe(0o600);
  });

  it('narrows a wider existing file to 0600 and reports the old mode', async () => {
    const dir = await tempDir();
    const file = join(dir, '.env');
    await writeFile(file, 'A=0\n');
    await chmod(file, 0o644);
    const res = await new EnvFileStore({ cwd: dir }).write('.env', 'A=1\n');
    expect(res.previousMode).toBe(0o644);
    expect(await mode(file)).toBe(0o600);
  });

  it('keeps 0600 under a restrictive umask', async () => {
    const dir = await tempDir();
    const old = process.umask(0o277);
    try {
      await new EnvFileStore({ cwd: dir }).write('.env', 'A=1\n');
    } finally {
      process.umask(old);
    }
    expect(await mode(join(dir, '.env'))).toBe(0o600);
  });

  it('refuses a symlink, naming the file, and leaves the target alone', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'real.env'), 'A=0\n');
    await symlink('real.env', join(dir, '.env'));
    const store = new EnvFileStore({ cwd: dir });
    const attempts = [
      () => store.write('.env', 'A=1\n'),
      () => store.read('.env'),
      () => store.update('.env', { A: '1' }),
    ];
    for (const attempt of attempts) {
      const err = await caught(attempt());
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toMatch(/^env file \.env is a symbolic link/);
    }
    expect(await readFile(join(dir, 'real.env'), 'utf8')).toBe('A=0\n');
    expect(await readdir(dir)).toEqual(['.env', 'real.env']);
  });

  it('writes the target of a symlink atomically when told to follow it', async () => {
    const dir = await tempDir();
    const target = join(dir, 'shared', 'real.env');
    execFileSync('mkdir', [join(dir, 'shared')]);
    await writeFile(target, 'A=0\n', { mode: 0o640 });
    await symlink(target, join(dir, '.env'));
    const res = await new EnvFileStore({ cwd: dir }).write('.env', 'A=1\n', { followSymlinks: true });
    expect(res.previousMode).toBe(0o640);
    expect((await lstat(join(dir, '.env'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, '.env'))).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('A=1\n');
    expect(await mode(target)).toBe(0o600);
    expect(await readdir(join(dir, 'shared'))).toEqual(['real.env']);
  });

  it('leaves no temp file behind after success', async () => {
    const dir = await tempDir();
    const store = new EnvFileStore({ cwd: dir });
    for (let i = 0; i < 5; i++) await store.write('.env', `A=${i}\n`);
    expect(await readdir(dir)).toEqual(['.env']);
  });

  it('removes the temp file and keeps the old content when the write fails after the temp file exists', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'A=old\n');
    let sawTemp = '';
    const store = new EnvFileStore({
      cwd: dir,
      beforeRename: async (tmp) => {
        sawTemp = tmp;
        expect(await mode(tmp)).toBe(0o600);
        throw Object.assign(new Error('simulated'), { code: 'EIO' });
      },
    });
    const err = await caught(store.write('.env', 'A=new\n'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('cannot write env file .env: EIO');
    expect(sawTemp).toMatch(/\/\.\.env\.eskeys-\d+-[0-9a-f]{12}\.tmp$/);
    expect(await readdir(dir)).toEqual(['.env']);
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe('A=old\n');
  });

  it('names the file when its parent is a regular file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'not-a-dir'), 'x');
    const err = await caught(new EnvFileStore({ cwd: dir }).write('not-a-dir/.env', 'A=1\n'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('cannot inspect env file not-a-dir/.env: a parent of it is not a folder');
    expect(await readdir(dir)).toEqual(['not-a-dir']);
  });

  it.skipIf(isRoot)('names the file when its folder is read-only and leaves nothing behind', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'A=old\n');
    await chmod(dir, 0o500);
    onTestFinished(() => chmod(dir, 0o700));
    const err = await caught(new EnvFileStore({ cwd: dir }).write('.env', 'A=new\n'));
    expect(err.message).toBe('cannot write env file .env: permission denied');
    expect(await readdir(dir)).toEqual(['.env']);
  });

  it.runIf(isRoot)('names the file when its folder is immutable and leaves nothing behind', async (ctx) => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'A=old\n');
    try {
      await execChattr('+i', dir);
    } catch {
      ctx.skip(); // filesystem without attributes (e.g. overlayfs, tmpfs)
    }
    const err = await caught(new EnvFileStore({ cwd: dir }).write('.env', 'A=new\n'));
    expect(err.message).toBe('cannot write env file .env: permission denied');
    await execChattr('-i', dir);
    expect(await readdir(dir)).toEqual(['.env']);
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe('A=old\n');
  });

  it('never shows a concurrent reader a partial file', async () => {
    const dir = await tempDir();
    const file = join(dir, '.env');
    const size = 2 * 1024 * 1024;
    const contents = ['A', 'B', 'C'].map((c) => `BIG=${c.repeat(size)}\n`);
    await writeFile(file, contents[0]!);
    // The reader runs on another thread so its reads truly overlap the writes.
    const reader = new Worker(
      `const { readFileSync } = require('node:fs');
       const { parentPort, workerData } = require('node:worker_threads');
       let reads = 0, torn = 0, stop = false;
       parentPort.on('message', () => { stop = true; });
       (function loop() {
         for (let i = 0; i < 5; i++) {
           const t = readFileSync(workerData.file, 'latin1');
           reads++;
           const c = t[4];
           if (t.length !== workerData.size + 5 || t[t.length - 2] !== c || !t.startsWith('BIG=' + c)) torn++;
         }
         if (stop) parentPort.postMessage({ reads, torn }); else setImmediate(loop);
       })();`,
      { eval: true, workerData: { file, size } },
    );
    onTestFinished(() => reader.terminate().then(() => undefined));
    const store = new EnvFileStore({ cwd: dir });
    for (let i = 1; i <= 30; i++) await store.write('.env', contents[i % 3]!);
    const stats = new Promise<{ reads: number; torn: number }>((r) => reader.once('message', r));
    reader.postMessage('stop');
    const { reads, torn } = await stats;
    expect(reads).toBeGreaterThan(10);
    expect(torn).toBe(0);
  });
});

describe('EnvFileStore.update', () => {
  const KEY = 'VnVhQ0NJc0JaRmRxLWdmRzlkS0c6dWlfX0tYUk5ScEdFbkVUUFdLdm1xZw==';

  it('reveals secrets only into the file and keeps the rest byte for byte', async () => {
    const dir = await tempDir();
    const before = '# app\r\nexport PORT=80\r\nELASTICSEARCH_API_KEY="old" # managed\r\n';
    await writeFile(join(dir, '.env'), before, { mode: 0o600 });
    const res = await new EnvFileStore({ cwd: dir }).update('.env', {
      ELASTICSEARCH_API_KEY: new Secret(KEY),
      ELASTICSEARCH_API_KEY_ID: 'abc',
    });
    const expected = `# app\r\nexport PORT=80\r\nELASTICSEARCH_API_KEY="${KEY}" # managed\r\nELASTICSEARCH_API_KEY_ID=abc\r\n`;
    expect(res.before).toBe(before);
    expect(res.after).toBe(expected);
    expect(res.result).toMatchObject({
      updated: ['ELASTICSEARCH_API_KEY'],
      appended: ['ELASTICSEARCH_API_KEY_ID'],
    });
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(expected);
    expect(await readdir(dir)).toEqual(['.env']);
  });

  it('creates a missing file', async () => {
    const dir = await tempDir();
    const res = await new EnvFileStore({ cwd: dir }).update('.env', { K: new Secret(KEY) });
    expect(res.before).toBeUndefined();
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(`K=${KEY}\n`);
    expect(await mode(join(dir, '.env'))).toBe(0o600);
  });

  it('does not rewrite a file whose values are already current', async () => {
    const dir = await tempDir();
    const file = join(dir, '.env');
    await writeFile(file, 'K=v\n', { mode: 0o600 });
    const ino = (await stat(file)).ino;
    const res = await new EnvFileStore({ cwd: dir }).update('.env', { K: 'v' });
    expect(res.result.unchanged).toEqual(['K']);
    expect((await stat(file)).ino).toBe(ino);
  });

  it('refuses a broken env file with ConfigError naming the path and line, file unchanged', async () => {
    const dir = await tempDir();
    const file = join(dir, 'conf', '.env');
    execFileSync('mkdir', [join(dir, 'conf')]);
    const before = 'A=1\nELASTICSEARCH_API_KEY="unterminated\nB=2\n';
    await writeFile(file, before, { mode: 0o644 });
    const { mtimeMs, ino } = await stat(file);
    const err = await caught(
      new EnvFileStore({ cwd: dir }).update('conf/.env', { ELASTICSEARCH_API_KEY: new Secret(KEY) }),
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(EnvFileSyntaxError);
    expect(err.message).toMatch(/^conf\/\.env: line 2: .*ELASTICSEARCH_API_KEY/);
    expect(err.message).not.toContain(KEY);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await stat(file)).toMatchObject({ mtimeMs, ino });
    expect(await mode(file)).toBe(0o644);
    expect(await readdir(join(dir, 'conf'))).toEqual(['.env']);
  });
});

describe('EnvFileStore with a dangling symlink', () => {
  it('says the link target is missing', async () => {
    const dir = await tempDir();
    await symlink('nowhere.env', join(dir, '.env'));
    const err = await caught(new EnvFileStore({ cwd: dir }).write('.env', 'A=1\n', { followSymlinks: true }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('env file .env is a symbolic link to a missing file');
    expect(await readdir(dir)).toEqual(['.env']);
  });
});

describe('EnvFileStore: mode and ownership of the replacement', () => {
  it('writes with the requested mode (0640 for a consumer in the file group)', async () => {
    const dir = await tempDir();
    const f = join(dir, '.env');
    await writeFile(f, 'A=1\n', { mode: 0o600 });
    await new EnvFileStore({ cwd: dir }).update('.env', { K: 'v' }, { mode: 0o640 });
    expect(await mode(f)).toBe(0o640);
  });

  it.runIf(isRoot)(
    'keeps the owner and group of an existing file (running as root for an app user)',
    async () => {
      const dir = await tempDir();
      const f = join(dir, '.env');
      await writeFile(f, 'A=1\n', { mode: 0o640 });
      await chown(f, 4321, 4322);
      await new EnvFileStore({ cwd: dir }).update('.env', { K: 'v' }, { mode: 0o640 });
      const st = await stat(f);
      expect([st.uid, st.gid, st.mode & 0o777]).toEqual([4321, 4322, 0o640]);
    },
  );
});
