import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

let sb: Sandbox;
let dir: string;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, tls: true });
  dir = await mkdtemp(join(tmpdir(), 'eskeys-tls-'));
  await writeFile(join(dir, 'ca.pem'), sb.caCert!);
});
afterAll(async () => {
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

function status(...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'status', '--json', ...flags],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          ESKEYS_URL: sb.url,
          ESKEYS_USERNAME: 'elastic',
          ESKEYS_PASSWORD: sb.password,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('eskeys against an HTTPS cluster with a self-signed certificate', () => {
  it('refuses an unverifiable certificate by default: exit 3, one line naming the options', async () => {
    const r = await status();
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/TLS verification of https:\/\/127\.0\.0\.1:\d+ failed/);
    expect(r.stderr).toContain('--ca');
  });

  it('connects with the CA file (--ca)', async () => {
    const r = await status('--ca', 'ca.pem');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBeTypeOf('object');
  });

  it('connects with the CA fingerprint (--ca-fingerprint), in any hex spelling', async () => {
    const r = await status('--ca-fingerprint', sb.caFingerprint!.toLowerCase().replace(/:/g, ''));
    expect(r.code).toBe(0);
  });

  it('rejects a wrong fingerprint: exit 3', async () => {
    const r = await status('--ca-fingerprint', 'AB'.repeat(32));
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('does not match the configured CA fingerprint');
  });

  it('connects with --insecure only when asked, and warns', async () => {
    const r = await status('--insecure');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: TLS verification is OFF/);
  });
});
