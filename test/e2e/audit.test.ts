import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { JsonlAuditLog } from '../../src/adapters/audit/jsonl-audit-log.js';

const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

function eskeys(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function projectWithLog(): Promise<{ dir: string; log: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'eskeys-audit-e2e-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const log = join(dir, '.eskeys', 'audit.jsonl');
  const audit = new JsonlAuditLog(log, { now: () => new Date('2026-11-22T12:00:00Z') });
  for (const [type, keyId] of [
    ['rotation.started', undefined],
    ['key.created', 'AbCdEfGhIjKlMnOpQrSt'],
    ['key.published', 'AbCdEfGhIjKlMnOpQrSt'],
    ['rotation.completed', 'AbCdEfGhIjKlMnOpQrSt'],
  ] as const) {
    await audit.append({ type, template: 'email-search', environment: 'prod', keyId, actor: 'ops@host' });
  }
  return { dir, log };
}

describe('eskeys audit', () => {
  it('verify: an intact chain exits 0 and says how many entries it checked', async () => {
    const { dir } = await projectWithLog();
    const r = await eskeys(['audit', 'verify'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\.eskeys\/audit\.jsonl: ok, 4 entries, chain intact/);
  });

  it('verify: an edited entry exits 1 naming the entry; --json carries the same verdict', async () => {
    const { dir, log } = await projectWithLog();
    const text = await readFile(log, 'utf8');
    await writeFile(log, text.replace('"key.published"', '"key.revoked"'));
    const r = await eskeys(['audit', 'verify'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/TAMPERED OR BROKEN at entry 3/);
    const j = await eskeys(['audit', 'verify', '--json'], dir);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('verify: a deleted entry breaks the chain', async () => {
    const { dir, log } = await projectWithLog();
    const lines = (await readFile(log, 'utf8')).split('\n');
    lines.splice(1, 1);
    await writeFile(log, lines.join('\n'));
    expect((await eskeys(['audit', 'verify'], dir)).code).toBe(1);
  });

  it('show: prints the entries as a table, --last limits them', async () => {
    const { dir } = await projectWithLog();
    const r = await eskeys(['audit', 'show', '--last', '2'], dir);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/key\.published\s+email-search@prod\s+AbCdEfGhIjKlMnOpQrSt\s+ops@host/);
  });

  it('a missing log and bad flags are one-line errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eskeys-audit-e2e-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const missing = await eskeys(['audit', 'verify'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no audit log');
    const bad = await eskeys(['audit', 'show', '--last', 'x'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--last must be a positive whole number');
  });
});
