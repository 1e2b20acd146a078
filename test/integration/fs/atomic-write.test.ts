import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeFileAtomic } from '../../../src/adapters/fs/atomic-write.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-atomic-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('writeFileAtomic', () => {
  it('replaces the file with the exact mode, whatever the umask', async () => {
    const dir = tempDir();
    const path = join(dir, 'out.env');
    writeFileSync(path, 'OLD=1\n', { mode: 0o644 });
    await writeFileAtomic(path, 'NEW=1\n', { mode: 0o640 });
    expect(readFileSync(path, 'utf8')).toBe('NEW=1\n');
    expect(statSync(path).mode & 0o7777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['out.env']);
  });

  it('lets the umask narrow the mode when asked (a document any command would write)', async () => {
    const dir = tempDir();
    const path = join(dir, 'review.md');
    await writeFileAtomic(path, '# review\n', { mode: 0o644, applyUmask: true });
    expect(statSync(path).mode & 0o7777).toBe(0o644 & ~process.umask());
  });

  it('writes the whole text to a hidden temp file beside the target, readable by the owner only, before the rename', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    let seen: { name: string; text: string; mode: number } | undefined;
    await writeFileAtomic(path, 'KEY=value\n', {
      mode: 0o600,
      beforeRename: (tmp) => {
        seen = { name: tmp, text: readFileSync(tmp, 'utf8'), mode: statSync(tmp).mode & 0o7777 };
        expect(() => statSync(path)).toThrow(); // not there yet
      },
    });
    expect(seen?.name).toMatch(/\/\.\.env\.eskeys-\d+-[0-9a-f]{12}\.tmp$/);
    expect(seen?.text).toBe('KEY=value\n');
    expect(seen?.mode).toBe(0o600);
  });

  it('replaces a symlink at the target instead of writing through it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'elsewhere'), 'untouched\n');
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'review.md'));
    await writeFileAtomic(join(dir, 'review.md'), '# review\n', { mode: 0o644, applyUmask: true });
    expect(readFileSync(join(dir, 'elsewhere'), 'utf8')).toBe('untouched\n');
    expect(statSync(join(dir, 'review.md')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'review.md'), 'utf8')).toBe('# review\n');
  });

  it('removes its temp file and throws the file-system error when the rename fails', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'review.md'));
    writeFileSync(join(dir, 'review.md', 'keep'), 'x');
    await expect(
      writeFileAtomic(join(dir, 'review.md'), '# review\n', { mode: 0o644 }),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/),
    });
    expect(readdirSync(dir)).toEqual(['review.md']);
  });

  it('throws the file-system error when the folder does not exist, leaving nothing behind', async () => {
    const dir = tempDir();
    await expect(writeFileAtomic(join(dir, 'missing', 'x'), 'x', { mode: 0o600 })).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});
