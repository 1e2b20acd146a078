import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuditRecordReader } from '../../../src/adapters/audit/audit-record-reader.js';
import { JsonlAuditLog } from '../../../src/adapters/audit/jsonl-audit-log.js';
import { verifyAuditChain } from '../../../src/core/audit/audit-event.js';

async function tempLog() {
  const dir = await mkdtemp(join(tmpdir(), 'eskeys-audit-reader-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  let t = Date.parse('2026-11-22T10:00:00.000Z');
  const path = join(dir, 'audit.jsonl');
  const log = new JsonlAuditLog(path, {
    now: () => {
      t += 1000;
      return new Date(t);
    },
  });
  const append = (type: string, template = 'api') =>
    log.append({ type, template, environment: 'prod', actor: 'ops@host' });
  const breaks: { brokenAt: number; reason: string; entries: number }[] = [];
  const reader = new AuditRecordReader(path, (v) => breaks.push(v));
  const types = async () =>
    (await reader.read()).map((r) => `${r.type}:${r.template}${r.verified === false ? ' (unverified)' : ''}`);
  return { path, append, reader, breaks, types };
}

describe('AuditRecordReader', () => {
  it('reads what was appended since the last call, verified as a continuation of the chain', async () => {
    const { path, append, types, breaks } = await tempLog();
    expect(await types()).toEqual([]); // no log yet
    await append('review.due');
    await append('rotation.completed');
    expect(await types()).toEqual(['review.due:api', 'rotation.completed:api']);
    await append('review.completed', 'other');
    expect(await types()).toEqual(['review.due:api', 'rotation.completed:api', 'review.completed:other']);
    expect(await types()).toHaveLength(3); // nothing new: nothing re-read
    expect(breaks).toEqual([]);
    expect(verifyAuditChain(await readFile(path, 'utf8')).ok).toBe(true);
  });

  it('leaves a line still being written for the next call', async () => {
    const { path, append, types } = await tempLog();
    await append('review.due');
    const text = await readFile(path, 'utf8');
    await append('review.completed');
    const whole = await readFile(path, 'utf8');
    const second = whole.slice(text.length);
    await writeFile(path, text + second.slice(0, 20)); // half of the second line
    expect(await types()).toEqual(['review.due:api']);
    await appendFile(path, second.slice(20));
    expect(await types()).toEqual(['review.due:api', 'review.completed:api']);
  });

  it('trusts only the verified prefix: a forged line is reported once; what follows comes back unverified', async () => {
    const { path, append, types, breaks } = await tempLog();
    await append('review.due');
    expect(await types()).toHaveLength(1);
    await append('rotation.completed');
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('rotation.completed', 'review.completed');
    await writeFile(path, lines.join('\n'));
    await appendFile(path, '{"not":"an entry"}\n');
    expect(await types()).toEqual(['review.due:api', 'review.completed:api (unverified)']);
    expect(await types()).toEqual(['review.due:api', 'review.completed:api (unverified)']);
    // Lines appended after the break (a pass recording its reminder) are read, still unverified.
    await appendFile(path, `${lines[0]!.replace('"seq":1', '"seq":9')}\n`);
    expect(await types()).toEqual([
      'review.due:api',
      'review.completed:api (unverified)',
      'review.due:api (unverified)',
    ]);
    expect(breaks).toEqual([
      { brokenAt: 2, entries: 1, reason: 'hash does not match the content (the line was edited)' },
    ]);
  });

  it('reads a log that shrank (replaced or truncated) again from the start', async () => {
    const { path, append, types } = await tempLog();
    await append('review.due');
    await append('rotation.completed');
    expect(await types()).toHaveLength(2);
    const first = (await readFile(path, 'utf8')).split('\n')[0]!;
    await writeFile(path, `${first}\n`);
    expect(await types()).toEqual(['review.due:api']);
  });
});

describe('verifyAuditChain from a tip', () => {
  it('checks appended text as a continuation and numbers lines as in the whole file', async () => {
    const { path, append } = await tempLog();
    for (const t of ['a', 'b', 'c']) await append(t);
    const lines = (await readFile(path, 'utf8')).split('\n');
    const head = verifyAuditChain(`${lines[0]}\n`);
    const tip = { seq: head.entries, hash: head.lastHash! };
    expect(verifyAuditChain(`${lines[1]}\n${lines[2]}\n`, tip)).toMatchObject({ ok: true, entries: 3 });
    // The third line alone does not follow the first one.
    expect(verifyAuditChain(`${lines[2]}\n`, tip)).toMatchObject({ ok: false, entries: 1, brokenAt: 2 });
    expect(verifyAuditChain('', tip)).toEqual({ ok: true, entries: 1, lastHash: tip.hash });
  });
});
