import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it, onTestFinished } from 'vitest';
import { JsonlAuditLog } from '../../../src/adapters/audit/jsonl-audit-log.js';
import type { AuditEvent } from '../../../src/core/audit/audit-event.js';
import { ConfigError, InternalError } from '../../../src/core/errors.js';
import { Secret } from '../../../src/core/secret.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eskeys-audit-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

class FakeClock {
  #t = Date.parse('2026-11-22T10:00:00.000Z');
  now(): Date {
    this.#t += 1000;
    return new Date(this.#t);
  }
}

const ev = (type: string, keyId: string): AuditEvent => ({
  type,
  template: 'api',
  environment: 'prod',
  keyId,
  actor: 'admin@host',
});

describe('JsonlAuditLog', () => {
  it('appends chained entries to a 0600 file that verifies', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state', 'audit.jsonl');
    const log = new JsonlAuditLog(path, new FakeClock());
    await log.append(ev('rotation.started', 'k1'));
    await log.append(ev('key.created', 'k2'));
    // A second instance (a later run) continues the same chain.
    await new JsonlAuditLog(path, new FakeClock()).append(ev('rotation.completed', 'k2'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const lines = (await readFile(path, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.seq, l.event.type])).toEqual([
      [1, 'rotation.started'],
      [2, 'key.created'],
      [3, 'rotation.completed'],
    ]);
    expect(lines[0].time).toBe('2026-11-22T10:00:01.000Z');
    const result = await JsonlAuditLog.verify(path);
    expect(result).toEqual({ ok: true, entries: 3, lastHash: lines[2].hash });
  });

  it('keeps the chain intact under concurrent appends from one process', async () => {
    const dir = await tempDir();
    const path = join(dir, 'audit.jsonl');
    const a = new JsonlAuditLog(path, new FakeClock());
    const b = new JsonlAuditLog(path, new FakeClock());
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(ev('key.verified', `k${i}`))),
    );
    expect(await JsonlAuditLog.verify(path)).toMatchObject({ ok: true, entries: 40 });
  });

  it('writes concurrent appends of one log together, in call order, each durable when it resolves', async () => {
    const dir = await tempDir();
    const path = join(dir, 'audit.jsonl');
    const log = new JsonlAuditLog(path, new FakeClock());
    const seenAtResolve: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        log.append(ev('key.verified', `k${i}`)).then(async () => {
          // When a caller's append resolves, its own line is already in the file.
          const text = await readFile(path, 'utf8');
          seenAtResolve.push(text.includes(`"keyId":"k${i}"`) ? 1 : 0);
        }),
      ),
    );
    expect(seenAtResolve.every((x) => x === 1)).toBe(true);
    const keyIds = (await readFile(path, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).event.keyId);
    expect(keyIds).toEqual(Array.from({ length: 100 }, (_, i) => `k${i}`));
    expect(await JsonlAuditLog.verify(path)).toMatchObject({ ok: true, entries: 100 });
  });

  it('rejects only the bad event of a batch; the others are written', async () => {
    const dir = await tempDir();
    const path = join(dir, 'audit.jsonl');
    const log = new JsonlAuditLog(path, new FakeClock());
    const results = await Promise.allSettled([
      log.append(ev('key.created', 'k1')),
      log.append({ ...ev('key.created', 'k2'), details: { token: new Secret('s3cr3t') } as never }),
      log.append(ev('key.published', 'k3')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await JsonlAuditLog.verify(path)).toMatchObject({ ok: true, entries: 2 });
    expect(await readFile(path, 'utf8')).not.toContain('s3cr3t');
  });

  it('keeps the chain intact under concurrent appends from several processes', async () => {
    const dir = await tempDir();
    const code = join(dir, 'code');
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    for (const rel of [
      'src/adapters/audit/jsonl-audit-log.ts',
      'src/adapters/fs/atomic-write.ts',
      'src/adapters/lock/file-lock.ts',
      'src/adapters/lock/pid-alive.ts',
      'src/core/audit/audit-event.ts',
      'src/core/errors.ts',
      'src/core/secret.ts',
      'src/core/secrets/detect.ts',
    ]) {
      const out = ts.transpileModule(await readFile(join(root, rel), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const dest = join(code, rel.replace(/\.ts$/, '.js'));
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, out);
    }
    await writeFile(join(code, 'package.json'), '{"type":"module"}');
    await writeFile(
      join(code, 'writer.mjs'),
      `import { JsonlAuditLog } from './src/adapters/audit/jsonl-audit-log.js';
       const [path, who] = process.argv.slice(2);
       const log = new JsonlAuditLog(path, { now: () => new Date() });
       for (let i = 0; i < 15; i++) await log.append({ type: 'key.verified', actor: who, details: { i } });`,
    );
    const path = join(dir, 'audit.jsonl');
    await Promise.all(
      Array.from(
        { length: 4 },
        (_, w) =>
          new Promise<void>((resolve, reject) =>
            execFile(process.execPath, [join(code, 'writer.mjs'), path, `w${w}`], (err) =>
              err ? reject(err) : resolve(),
            ),
          ),
      ),
    );
    expect(await JsonlAuditLog.verify(path)).toMatchObject({ ok: true, entries: 60 });
  });

  it('refuses an event holding a secret and writes nothing', async () => {
    const dir = await tempDir();
    const path = join(dir, 'audit.jsonl');
    const log = new JsonlAuditLog(path, new FakeClock());
    const secret = 'ui2lp2axTNmsyakw9tvNnw-secret';
    await expect(
      log.append({ ...ev('key.created', 'k'), details: { key: new Secret(secret) as never } }),
    ).rejects.toThrow(InternalError);
    await expect(log.append({ ...ev('key.created', 'k'), details: { api_key: secret } })).rejects.toThrow(
      InternalError,
    );
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    await log.append(ev('key.created', 'k'));
    expect(await readFile(path, 'utf8')).not.toContain(secret);
  });

  it.each([
    ['an edited line', (l: string[]) => [l[0]!, l[1]!.replace('"k2"', '"kX"'), l[2]!], 2],
    ['a deleted line', (l: string[]) => [l[0]!, l[2]!], 2],
    ['reordered lines', (l: string[]) => [l[1]!, l[0]!, l[2]!], 1],
    ['an inserted line', (l: string[]) => [l[0]!, l[0]!, l[1]!, l[2]!], 2],
  ])('verify detects %s in the file', async (_name, change, brokenAt) => {
    const dir = await tempDir();
    const path = join(dir, 'audit.jsonl');
    const log = new JsonlAuditLog(path, new FakeClock());
    for (const k of ['k1', 'k2', 'k3']) await log.append(ev('key.created', k));
    const lines = (await readFile(path, 'utf8')).split(/(?<=\n)/);
    await writeFile(path, change(lines).join(''));
    expect(await JsonlAuditLog.verify(path)).toMatchObject({ ok: false, brokenAt });
  });

  it('reports a missing log as not ok', async () => {
    const dir = await tempDir();
    expect(await JsonlAuditLog.verify(join(dir, 'none.jsonl'))).toMatchObject({ ok: false, entries: 0 });
  });

  it('refuses to extend a log whose last line is incomplete', async () => {
    const dir = await tempDir();
    const path = join(dir, 'audit.jsonl');
    const log = new JsonlAuditLog(path, new FakeClock());
    await log.append(ev('key.created', 'k1'));
    const before = (await readFile(path, 'utf8')) + '{"seq":2,"ti';
    await writeFile(path, before);
    const err = await log.append(ev('key.created', 'k2')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`audit log ${path} ends with an incomplete line`);
    expect(await readFile(path, 'utf8')).toBe(before);
    // The queue keeps working after a failure.
    await writeFile(path, before.slice(0, before.lastIndexOf('\n') + 1));
    await log.append(ev('key.created', 'k2'));
    expect(await JsonlAuditLog.verify(path)).toMatchObject({ ok: true, entries: 2 });
  });

  it('handles lines longer than one read chunk', async () => {
    const dir = await tempDir();
    const path = join(dir, 'audit.jsonl');
    const log = new JsonlAuditLog(path, new FakeClock());
    await log.append({ ...ev('key.created', 'k1'), details: { note: 'x'.repeat(20_000) } });
    await log.append({ ...ev('key.created', 'k2'), details: { note: 'y'.repeat(50_000) } });
    await log.append(ev('key.created', 'k3'));
    expect(await JsonlAuditLog.verify(path)).toMatchObject({ ok: true, entries: 3 });
  });
});
