import { describe, expect, it } from 'vitest';
import { doctorJson, renderDoctor } from '../../../src/cli/render/doctor.js';
import type { ConnectionSettings } from '../../../src/core/config/connection.js';
import { type DoctorInput, runDoctorChecks } from '../../../src/core/doctor/index.js';
import { AuthenticationError } from '../../../src/core/errors.js';
import { Secret } from '../../../src/core/secret.js';
import { validateTemplate } from '../../../src/core/templates/load-template.js';
import { MemoryLocalState, ScriptedCluster } from './support.js';

const PASSWORD = 'correct-horse-battery-staple';
const settings = (over: Partial<ConnectionSettings> = {}): ConnectionSettings => ({
  url: 'https://es.example:9200',
  auth: { kind: 'basic', username: 'eskeys-admin', password: new Secret(PASSWORD) },
  caFingerprint: 'AA'.repeat(32),
  insecure: false,
  sources: { url: 'env:ESKEYS_URL', username: 'file:.eskeys.env', password: 'file:.eskeys.env' },
  ...over,
});

const valid = validateTemplate({
  name: 'email-search',
  role_descriptors: {
    a: { cluster: ['monitor'], indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }] },
  },
}).value!;

const input = (over: Partial<DoctorInput> = {}): DoctorInput => ({
  environment: 'prod',
  config: { file: 'eskeys.config.json', errors: [], warnings: [], environments: ['prod'] },
  templates: [{ file: 'roles/email-search.json', template: valid, errors: [], warnings: [] }],
  connection: settings(),
  local: {
    root: '/srv/app',
    stateDir: '/srv/app/.eskeys',
    auditLog: '/srv/app/.eskeys/audit.jsonl',
    outputs: [],
    credentialFiles: [],
  },
  ...over,
});

const admin = () =>
  // The role grants read on gmail_*, which covers the template's gmail_emails-*.
  new ScriptedCluster({ cluster: ['manage_api_key', 'monitor'], index: { 'gmail_emails-*': ['read'] } });

describe('runDoctorChecks', () => {
  it('orders the checks by group, counts them and exits 0 on warnings only', async () => {
    const cluster = admin();
    const report = await runDoctorChecks(
      { openCluster: async () => cluster, local: new MemoryLocalState() },
      input({ connection: settings({ url: 'http://10.0.0.5:9200', caFingerprint: undefined }) }),
    );
    expect([...new Set(report.checks.map((c) => c.group))]).toEqual([
      'project',
      'connection',
      'identity',
      'cluster',
      'delegation',
      'local',
    ]);
    const tls = report.checks.find((c) => c.id === 'connection.tls')!;
    expect(tls.status).toBe('warn');
    expect(tls.message).toContain('plain http to 10.0.0.5');
    expect(report.exitCode).toBe(0);
    expect(cluster.closed).toBe(true);
  });

  it('a broken template fails with exit 2 naming file and field; its delegation is skipped', async () => {
    const report = await runDoctorChecks(
      { openCluster: async () => admin(), local: new MemoryLocalState() },
      input({
        templates: [
          {
            file: 'roles/broken.json',
            errors: [
              'roles/broken.json: /role_descriptors/app/cluster/0: unknown cluster privilege "monitr"',
            ],
            warnings: [],
          },
        ],
      }),
    );
    const t = report.checks.find((c) => c.id === 'project.template:roles/broken.json')!;
    expect(t.status).toBe('fail');
    expect(t.message).toBe(
      'roles/broken.json: /role_descriptors/app/cluster/0: unknown cluster privilege "monitr"',
    );
    expect(report.checks.find((c) => c.id === 'delegation.template:roles/broken.json')!.status).toBe('skip');
    expect(report.exitCode).toBe(2);
  });

  it('without connection settings the cluster checks are skipped and local checks still run', async () => {
    let opened = false;
    const report = await runDoctorChecks(
      {
        openCluster: async () => {
          opened = true;
          return admin();
        },
        local: new MemoryLocalState(),
      },
      input({ connection: { error: 'no cluster URL: pass --url, set ESKEYS_URL' } }),
    );
    expect(opened).toBe(false);
    expect(report.checks.find((c) => c.id === 'connection.settings')!.status).toBe('fail');
    expect(report.checks.find((c) => c.id === 'delegation.template:email-search')!.message).toBe(
      'no usable connection settings',
    );
    expect(report.checks.some((c) => c.group === 'local' && c.status === 'ok')).toBe(true);
    expect(report.exitCode).toBe(2);
  });

  it('renders an aligned checklist with fixes, and JSON with stable fields; never the password', async () => {
    const cluster = admin();
    cluster.identity = new AuthenticationError(`cluster ${cluster.url} rejected the admin credentials`, {
      answer: { status: 401, reason: 'unable to authenticate user [eskeys-admin]' },
    });
    const report = await runDoctorChecks(
      { openCluster: async () => cluster, local: new MemoryLocalState() },
      input({
        connection: settings({ insecure: true, caFingerprint: undefined, sources: { password: 'flag' } }),
      }),
    );
    const text = renderDoctor(report);
    expect(text).toContain('eskeys doctor: environment prod, cluster https://es.example:9200\n\nProject\n');
    expect(text).toMatch(/\n {2}✗ admin +the cluster rejected the admin credentials \(401\)/);
    expect(text).toMatch(/\n {2}! tls +https without certificate verification/);
    expect(text).toMatch(/\n {2}- version +the admin could not authenticate\n/);
    expect(text).toMatch(/\n +fix: check ESKEYS_USERNAME \/ ESKEYS_PASSWORD/);
    // Every message starts in the same column, after the widest title.
    const width = Math.max(...report.checks.map((c) => c.title.length));
    for (const c of report.checks) {
      expect(text).toContain(
        `  ${{ ok: '✓', warn: '!', fail: '✗', skip: '-' }[c.status]} ${c.title.padEnd(width)}  ${c.message}\n`,
      );
    }
    expect(text).toMatch(/\n1 failed, 2 warnings, \d+ ok, \d+ skipped\n$/);

    const json = doctorJson(report);
    expect(Object.keys(json)).toEqual(['environment', 'url', 'version', 'checks', 'summary', 'exit_code']);
    expect(json.exit_code).toBe(3);
    expect(Object.keys((json.checks as object[])[0]!)).toEqual([
      'id',
      'group',
      'status',
      'subject',
      'title',
      'message',
      'fix',
      'details',
    ]);
    expect(text + JSON.stringify(json)).not.toContain(PASSWORD);
  });
});
