import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type DoctorOptions, doctorCommand, runDoctor } from '../../../src/cli/commands/doctor.js';
import type { ConnectionSettings } from '../../../src/core/config/connection.js';
import { ReportedError } from '../../../src/core/errors.js';
import { fakeContext } from '../../support/fake-io.js';
import { MemoryLocalState, ScriptedCluster } from './support.js';

function project(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'eskeys-doctor-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const TEMPLATE = JSON.stringify({
  name: 'reader',
  role_descriptors: { r: { indices: [{ names: ['logs-*'], privileges: ['read'] }] } },
  outputs: { env_files: ['.env'] },
});
const ENV = {
  ESKEYS_URL: 'https://es.example:9200',
  ESKEYS_USERNAME: 'eskeys-admin',
  ESKEYS_PASSWORD: 's3cret-pw',
};

describe('doctor command', () => {
  it('parses its flags into options (the run seam)', async () => {
    const ctx = fakeContext({ cwd: '/nowhere' });
    let seen: DoctorOptions | undefined;
    const cmd = doctorCommand(ctx, async (o) => {
      seen = o;
    });
    await cmd.parseAsync(['-t', 'reader', '--json', '--env', 'prod', '--ca-fingerprint', 'AB'], {
      from: 'user',
    });
    expect(seen).toMatchObject({ template: 'reader', json: true, env: 'prod', caFingerprint: 'AB' });
  });

  it('resolves the connection from the environment, checks each template against the admin, exits by the worst failure', async () => {
    const cwd = project({ 'roles/reader.json': TEMPLATE });
    const ctx = fakeContext({ cwd, env: ENV });
    let settingsSeen: ConnectionSettings | undefined;
    // The role grants read on logs-a* only, which does not cover the template's logs-*.
    const admin = new ScriptedCluster({
      cluster: ['manage_api_key', 'monitor'],
      index: { 'logs-a*': ['read'] },
    });
    const error = await runDoctor({
      ctx,
      openCluster: async (s) => {
        settingsSeen = s;
        return admin;
      },
      local: new MemoryLocalState(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportedError);
    expect((error as ReportedError).exitCode).toBe(1);
    expect(settingsSeen?.url).toBe('https://es.example:9200');
    expect(settingsSeen?.sources.password).toBe('env:ESKEYS_PASSWORD');
    expect(ctx.io.out).toMatch(
      /✗ template reader +the admin lacks 1 of 1 privilege the template delegates: read on logs-\*/,
    );
    expect(ctx.io.out).not.toContain('s3cret-pw');
  });

  it('exits 0 with --json when nothing fails', async () => {
    const cwd = project({ 'roles/reader.json': TEMPLATE });
    const ctx = fakeContext({ cwd, env: ENV });
    const admin = new ScriptedCluster({
      cluster: ['manage_api_key', 'monitor'],
      index: { 'logs-*': ['read'] },
    });
    await runDoctor({ ctx, json: true, openCluster: async () => admin, local: new MemoryLocalState() });
    const doc = JSON.parse(ctx.io.out);
    expect(doc.exit_code).toBe(0);
    expect(doc.checks.find((c: { id: string }) => c.id === 'delegation.template:reader').status).toBe('ok');
  });
});
