import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode, InternalError } from '../../../src/core/errors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('exit codes', () => {
  it('are the documented ones (README "Exit codes")', () => {
    expect(ExitCode).toEqual({
      ok: 0,
      verificationFailed: 1,
      usage: 2,
      unavailable: 3,
      locked: 4,
      partialFailure: 5,
      internal: 70,
      cancelled: 130,
    });
    expect(new InternalError('x').exitCode).toBe(70);
  });

  // Every exit code comes from ExitCode or an error class, so a reader finds them all in one
  // place: no `new ReportedError(4)`, no `exitCode === 5`, no `: 70`.
  it.each(
    ['src/cli', 'src/core', 'src/adapters']
      .flatMap(sources)
      .filter((f) => f !== join('src/core', 'errors.ts')),
  )('%s names its exit codes', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const bare = text
      .split('\n')
      .map((line, i) => ({ line: line.trim(), n: i + 1 }))
      .filter(
        ({ line }) =>
          /ReportedError\(\d/.test(line) ||
          /StoppedError\(\d/.test(line) ||
          /exitCode\s*(===|!==|==|!=)\s*\d/.test(line) ||
          /exitCode\s*[:=?]+\s*\d/.test(line) ||
          /\?\s*(error\.exitCode|[\w.]+\.exitCode)\s*:\s*\d/.test(line) ||
          /:\s*70\b/.test(line),
      );
    expect(bare.map(({ line, n }) => `${file}:${n}: ${line}`)).toEqual([]);
  });
});
