import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { nodeOutputTargetFacts as facts } from '../../../src/adapters/env-file/output-target-facts.js';

function tmp(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'eskeys-facts-')));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('nodeOutputTargetFacts (real filesystem)', () => {
  it('a missing file under a symlinked folder resolves through the link', async () => {
    const root = tmp();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(await facts.canonical(join(root, 'link', 'sub', 'new.env'))).toBe(
      join(root, 'real', 'sub', 'new.env'),
    );
  });

  it('a dangling symlink resolves to where a write would land', async () => {
    const root = tmp();
    const elsewhere = tmp();
    symlinkSync(join(elsewhere, 'missing.env'), join(root, '.env'));
    expect(await facts.canonical(join(root, '.env'))).toBe(join(elsewhere, 'missing.env'));
  });

  it('reports a file, a folder and nothing', async () => {
    const root = tmp();
    writeFileSync(join(root, '.env'), 'A=1\n');
    mkdirSync(join(root, 'dir.env'));
    writeFileSync(join(root, 'bin.env'), Buffer.from([0xff, 0xfe, 0x00]));
    expect(await facts.inspect(join(root, '.env'))).toEqual({
      kind: 'file',
      text: 'A=1\n',
      ownershipKeepable: true,
    });
    expect(await facts.inspect(join(root, 'dir.env'))).toEqual({ kind: 'other' });
    expect(await facts.inspect(join(root, 'bin.env'))).toMatchObject({ kind: 'file', text: undefined });
    expect(await facts.inspect(join(root, 'none.env'))).toEqual({ kind: 'missing' });
  });
});
