// doctor's local facts over the real filesystem (src/adapters/fs/local-state.ts): nothing is
// created or changed, env files are read with publish's own rules.

import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fsLocalState } from '../../../src/adapters/fs/local-state.js';

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'eskeys-local-state-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('fsLocalState', () => {
  it('a missing folder names its nearest existing ancestor; a file is not a folder', async () => {
    const root = folder();
    writeFileSync(join(root, 'plain'), 'x');
    const local = fsLocalState(root);
    expect(await local.directory(join(root, 'a', 'b'))).toEqual({
      exists: false,
      writable: false,
      ancestor: root,
      ancestorWritable: true,
    });
    expect(await local.directory(join(root, 'plain'))).toEqual({
      exists: true,
      notADirectory: true,
      writable: false,
    });
    expect(readdirSync(root)).toEqual(['plain']);
  });

  it('an env file: its text and mode; a missing one; a symlink refused unless followed', async () => {
    const root = folder();
    writeFileSync(join(root, '.env'), 'ELASTICSEARCH_API_KEY=abc\n');
    chmodSync(join(root, '.env'), 0o640);
    symlinkSync(join(root, '.env'), join(root, 'link.env'));
    mkdirSync(join(root, 'sub'));
    const local = fsLocalState(root);
    const env = await local.envFile(join(root, '.env'), false);
    expect([env.exists, env.text, env.mode]).toEqual([true, 'ELASTICSEARCH_API_KEY=abc\n', 0o640]);
    expect((await local.envFile(join(root, 'sub', '.env'), false)).exists).toBe(false);
    const link = await local.envFile(join(root, 'link.env'), false);
    expect(link.exists).toBe(true);
    expect(link.error).toBeDefined();
    expect((await local.envFile(join(root, 'link.env'), true)).text).toBe('ELASTICSEARCH_API_KEY=abc\n');
    expect(await local.fileMode(join(root, '.env'))).toBe(0o640);
    expect(await local.fileMode(join(root, 'none'))).toBeUndefined();
  });
});
