import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { JsonlJournalStore } from '../../../src/adapters/journal/jsonl-journal-store.js';
import type { JournalEntry } from '../../../src/core/journal/journal-entry.js';
import { containsSecretLike } from '../../../src/core/secrets/detect.js';

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-journal-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const entry = (step: JournalEntry['step'], data: JournalEntry['data'] = {}): JournalEntry => ({
  v: 1,
  rotation: '20260601T000000Z-0a1b2c3d',
  at: '2026-06-01T00:00:00.000Z',
  template: 'email-search',
  environment: 'prod',
  step,
  phase: 'done',
  data,
});

describe('JsonlJournalStore', () => {
  it('appends one line per entry to <state>/journal/<template>@<env>.jsonl, mode 0600', async () => {
    const dir = stateDir();
    const store = new JsonlJournalStore(dir);
    await store.append(entry('plan', { files: ['/srv/app/.env'], keyVar: 'ELASTICSEARCH_API_KEY' }));
    await store.append(entry('create', { keyId: 'VuaCfGcBCdbkQm-e5aOx', keyName: 'email-search@prod#7' }));
    const file = join(dir, 'journal/email-search@prod.jsonl');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await store.readAll()).map((e) => e.step)).toEqual(['plan', 'create']);
    expect(await store.readAll({ template: 'email-search', environment: 'prod' })).toHaveLength(2);
    expect(await store.readAll({ template: 'other', environment: 'prod' })).toEqual([]);
  });

  it('skips a torn last line (crash mid-append)', async () => {
    const dir = stateDir();
    const store = new JsonlJournalStore(dir);
    await store.append(entry('plan'));
    appendFileSync(join(dir, 'journal/email-search@prod.jsonl'), '{"v":1,"rotation":"x","st');
    expect(await store.readAll()).toHaveLength(1);
  });

  it('accepts long template names (a name is not a secret)', async () => {
    const store = new JsonlJournalStore(stateDir());
    const long = 'the-ingest-service-of-the-data-platform-for-monthly-mail';
    await store.append({ ...entry('plan'), template: long, data: { keyName: `${long}@prod#1` } });
    expect(await store.readAll()).toHaveLength(1);
  });

  it('refuses a reason that carries something like an encoded key', async () => {
    const store = new JsonlJournalStore(stateDir());
    const encoded = Buffer.from('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw').toString('base64');
    await expect(store.append(entry('rollback', { reason: `oops ${encoded}` }))).rejects.toThrow(
      /looks like a secret/,
    );
  });

  it('refuses an encoded key in any field', async () => {
    const store = new JsonlJournalStore(stateDir());
    const encoded = Buffer.from('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw').toString('base64');
    await expect(store.append(entry('create', { keyName: encoded }))).rejects.toThrow(
      /never contain secrets/,
    );
  });

  it.each([
    ['a 20-character key id', 'VuaCfGcBCdbkQm-e5aOx', false],
    ['a long path', '/tmp/eskeys-rotate-aBcDeF/very/long/path/to/project/worker/.env', false],
    ['an encoded key', 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==', true],
  ])('containsSecretLike: %s', (_name, text, secret) => {
    expect(containsSecretLike(JSON.stringify({ x: text }))).toBe(secret);
  });
});
