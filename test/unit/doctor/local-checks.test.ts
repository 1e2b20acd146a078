import { describe, expect, it } from 'vitest';
import { type DoctorCheck, type LocalInput, localChecks } from '../../../src/core/doctor/index.js';
import type { JournalEntry } from '../../../src/core/journal/journal-entry.js';
import { MemoryLocalState } from './support.js';

const ROOT = '/srv/app';
const base = (over: Partial<LocalInput> = {}): LocalInput => ({
  root: ROOT,
  stateDir: `${ROOT}/.eskeys`,
  auditLog: `${ROOT}/.eskeys/audit.jsonl`,
  outputs: [
    {
      template: 'email-search',
      envFiles: [`${ROOT}/.env`],
      keyVar: 'ELASTICSEARCH_API_KEY',
      idVar: 'ELASTICSEARCH_API_KEY_ID',
      followSymlinks: false,
    },
  ],
  credentialFiles: [],
  ...over,
});
const byId = (checks: readonly DoctorCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

const entry = (rotation: string, step: JournalEntry['step'], phase: JournalEntry['phase']): JournalEntry => ({
  v: 1,
  rotation,
  at: `2026-05-01T00:00:0${step.length % 10}Z`,
  template: 'email-search',
  environment: 'prod',
  step,
  phase,
});

describe('localChecks', () => {
  it('a fresh project: nothing exists yet, everything can be created', async () => {
    const local = new MemoryLocalState();
    local.dirs.set(`${ROOT}/.eskeys`, {
      exists: false,
      writable: false,
      ancestor: ROOT,
      ancestorWritable: true,
    });
    const c = byId(await localChecks(local, base()));
    expect(Object.values(c).map((x) => [x.id, x.status])).toEqual([
      ['local.state_dir', 'ok'],
      ['local.journal', 'ok'],
      ['local.audit', 'ok'],
      ['local.env_files:email-search', 'ok'],
    ]);
    expect(c['local.state_dir']!.message).toBe(
      '.eskeys does not exist yet; the first rotation creates it (mode 0700)',
    );
    expect(c['local.env_files:email-search']!.message).toBe(
      '.env does not exist yet (created with mode 0600)',
    );
  });

  it('a state folder that cannot be created fails', async () => {
    const local = new MemoryLocalState();
    local.dirs.set(`${ROOT}/.eskeys`, {
      exists: false,
      writable: false,
      ancestor: ROOT,
      ancestorWritable: false,
    });
    const c = byId(await localChecks(local, base()))['local.state_dir']!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('cannot be created');
  });

  it('an interrupted rotation warns and points at eskeys recover', async () => {
    const local = new MemoryLocalState();
    local.entries = [
      entry('r1', 'plan', 'done'),
      entry('r1', 'finish', 'done'),
      entry('r2', 'plan', 'done'),
      entry('r2', 'create', 'done'),
    ];
    local.audit = { ok: true, entries: 3 };
    const c = byId(await localChecks(local, base()))['local.journal']!;
    expect(c.status).toBe('warn');
    expect(c.message).toMatch(/^1 rotation did not finish: email-search@prod \(stopped at create:done/);
    expect(c.fix).toContain('eskeys recover');
  });

  it('a broken audit chain fails; a missing log fails only when rotations are on record', async () => {
    const local = new MemoryLocalState();
    local.audit = {
      ok: false,
      entries: 4,
      brokenAt: 5,
      reason: 'hash does not match the content (the line was edited)',
    };
    expect(byId(await localChecks(local, base()))['local.audit']!.message).toBe(
      '.eskeys/audit.jsonl: TAMPERED OR BROKEN at entry 5: hash does not match the content (the line was edited)',
    );
    local.audit = { ok: false, entries: 0, reason: 'no audit log at /srv/app/.eskeys/audit.jsonl' };
    expect(byId(await localChecks(local, base()))['local.audit']!.status).toBe('ok');
    local.entries = [entry('r1', 'plan', 'done'), entry('r1', 'finish', 'done')];
    const c = byId(await localChecks(local, base()))['local.audit']!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('missing or empty although the journal records rotations');
  });

  it("env files: a group-readable file matches a template's outputs.mode 0640; a file that is not an env file fails with its line", async () => {
    const local = new MemoryLocalState();
    local.envFiles.set(`${ROOT}/.env`, { exists: true, text: 'ELASTICSEARCH_API_KEY=abc\n', mode: 0o640 });
    const withMode = (mode: number) => base({ outputs: [{ ...base().outputs[0]!, mode }] });
    expect(byId(await localChecks(local, withMode(0o640)))['local.env_files:email-search']!.status).toBe(
      'ok',
    );
    const wide = byId(await localChecks(local, base()))['local.env_files:email-search']!;
    expect([wide.status, wide.fix]).toEqual(['warn', 'chmod 600 .env']);

    local.envFiles.set(`${ROOT}/.env`, {
      exists: true,
      text: 'A=1\nroot:x:0:0:root:/root:/bin/bash\n',
      mode: 0o600,
    });
    const c = byId(await localChecks(local, base()))['local.env_files:email-search']!;
    expect(c.status).toBe('fail');
    expect(c.message).toBe(
      '.env: line 2: not blank, a comment or [export] NAME=value, so this is not an env file',
    );
  });

  it('env files: a world-readable one warns, one publish cannot rewrite fails, both named', async () => {
    const local = new MemoryLocalState();
    local.envFiles.set(`${ROOT}/.env`, { exists: true, text: 'ELASTICSEARCH_API_KEY=abc\n', mode: 0o644 });
    let c = byId(await localChecks(local, base()))['local.env_files:email-search']!;
    expect(c.status).toBe('warn');
    expect(c.message).toBe(
      '.env has mode 0644: other users can read the key (the next rotation narrows it to 0600)',
    );
    expect(c.fix).toBe('chmod 600 .env');

    local.envFiles.set(`${ROOT}/.env`, {
      exists: true,
      text: 'ELASTICSEARCH_API_KEY="unterminated\n',
      mode: 0o600,
    });
    c = byId(await localChecks(local, base()))['local.env_files:email-search']!;
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/^\.env: line 1: /);

    local.envFiles.set(`${ROOT}/.env`, {
      exists: true,
      error:
        'env file .env is a symbolic link; eskeys does not write through links unless told to follow them',
    });
    c = byId(await localChecks(local, base()))['local.env_files:email-search']!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('symbolic link');
  });

  it('a healthy env file reports whether it already holds the key, never its value', async () => {
    const local = new MemoryLocalState();
    local.envFiles.set(`${ROOT}/.env`, {
      exists: true,
      text: 'PORT=8080\nELASTICSEARCH_API_KEY=c2VjcmV0LWtleS12YWx1ZQ==\n',
      mode: 0o600,
    });
    const checks = await localChecks(local, base());
    expect(byId(checks)['local.env_files:email-search']!.message).toBe('.env holds ELASTICSEARCH_API_KEY');
    expect(JSON.stringify(checks)).not.toContain('c2VjcmV0LWtleS12YWx1ZQ');
  });

  it('no env files at all warns that the key would be delivered nowhere', async () => {
    const local = new MemoryLocalState();
    const checks = await localChecks(
      local,
      base({ outputs: [{ template: 'ci', envFiles: [], keyVar: 'K', followSymlinks: false }] }),
    );
    expect(byId(checks)['local.env_files:ci']!.status).toBe('warn');
  });

  it('a credentials file readable by others warns', async () => {
    const local = new MemoryLocalState();
    local.modes.set(`${ROOT}/.eskeys.env`, 0o644);
    const c = byId(await localChecks(local, base({ credentialFiles: [`${ROOT}/.eskeys.env`] })))[
      'local.credentials:.eskeys.env'
    ]!;
    expect(c.status).toBe('warn');
    expect(c.fix).toBe('chmod 600 .eskeys.env');
  });
});
