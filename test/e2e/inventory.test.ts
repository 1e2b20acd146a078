/**
 * `eskeys inventory` end to end: the built CLI against the sandbox holding a mix of keys —
 * eskeys-managed ones (create + rotate), unmanaged ones minted by `elastic` and by a second
 * native user, a key with empty role descriptors, expired, invalidated and drifted ones —
 * checked in table, JSON and Markdown form, with --fail-on exit codes and no secret in output.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  type CliRun,
  makeProject,
  ROOT,
  runCli,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();
const ENV = 'prod';
const READER_PASSWORD = 'reader-password-e2e';
const METADATA_SECRET = 'hunter2-metadata-value';
/** Names of the keys this file seeds, by role in the story. */
const ids: Record<string, string> = {};
/** Secrets of keys minted straight on the sandbox (the proxy records only those minted through it). */
const directSecrets: string[] = [];

async function mint(as: 'elastic' | 'reader', body: Record<string, unknown>): Promise<string> {
  const auth =
    as === 'elastic' ? undefined : 'Basic ' + Buffer.from(`reader:${READER_PASSWORD}`).toString('base64');
  const r = auth
    ? await fetch(`${sb.sandbox.url}/_security/api_key`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, string> }))
    : ((await sb.admin('POST', '/_security/api_key', body)) as {
        status: number;
        body: Record<string, string>;
      });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  directSecrets.push(r.body.api_key!, r.body.encoded!);
  return r.body.id!;
}

const PROJECT_FILES = {
  '.env': 'ELASTICSEARCH_API_KEY=placeholder\n',
  'eskeys.config.json': { environments: { [ENV]: {} } },
};

/** A project for one test (removed after it). */
function project(): string {
  return makeProject(sb, { files: PROJECT_FILES });
}

/** The project the whole file shares (created in beforeAll, where makeProject cannot run). */
function sharedProject(): string {
  const d = mkdtempSync(join(tmpdir(), 'eskeys-inventory-'));
  mkdirSync(join(d, 'roles'));
  copyFileSync(join(ROOT, 'roles/email-search.json'), join(d, 'roles/email-search.json'));
  writeFileSync(
    join(d, '.eskeys.env'),
    `ESKEYS_URL=${sb.url}\nESKEYS_USERNAME=${ADMIN_USER}\nESKEYS_PASSWORD=${ADMIN_PASSWORD}\n`,
  );
  writeFileSync(join(d, '.env'), PROJECT_FILES['.env']);
  writeFileSync(join(d, 'eskeys.config.json'), JSON.stringify(PROJECT_FILES['eskeys.config.json']));
  return d;
}

/** Every output of the file's runs, for the final leak check. */
const allRuns: CliRun[] = [];
async function inventory(dir: string, ...args: string[]): Promise<CliRun> {
  const r = await runCli(['inventory', '--env', ENV, ...args], dir);
  allRuns.push(r);
  return r;
}

interface JsonKey {
  id: string;
  name: string;
  status: string;
  owner: { username: string; realm: string; realm_type: string | null };
  expiration: string | null;
  managed: { label: string; state: string; template: string } | null;
  privileges: { source: string; cluster: string[]; indices: { names: string[]; privileges: string[] }[] };
  owner_roles: string[] | null;
  metadata_keys: string[];
  findings: { rule: string; severity: string; message: string; explanation: string; alternative: string }[];
}
interface JsonDoc {
  generated_at: string;
  cluster: string;
  keys: JsonKey[];
  summary: {
    keys: number;
    valid: number;
    managed: number;
    unmanaged: number;
    findings: Record<string, number>;
    rules: { rule: string; severity: string; keys: number }[];
  };
  complete: boolean;
  limited_by_returned: boolean;
  templates_checked: boolean;
  notes: string[];
}

const rulesOf = (k: JsonKey | undefined) => (k?.findings ?? []).map((f) => `${f.severity}:${f.rule}`);

let dir: string;
beforeAll(async () => {
  // A second native user who mints keys of its own.
  expect(
    (
      await sb.admin('PUT', '/_security/role/reader', {
        cluster: ['monitor', 'manage_own_api_key'],
        indices: [{ names: ['logs-*'], privileges: ['read'] }],
      })
    ).status,
  ).toBe(200);
  expect(
    (await sb.admin('PUT', '/_security/user/reader', { password: READER_PASSWORD, roles: ['reader'] }))
      .status,
  ).toBe(200);
  ids.adminInherits = await mint('elastic', { name: 'legacy-admin-key' });
  ids.readerInherits = await mint('reader', { name: 'reader-dashboard', expiration: '30d' });
  ids.writer = await mint('elastic', {
    name: 'ci-writer',
    expiration: '30d',
    role_descriptors: { w: { indices: [{ names: ['gmail_emails-*'], privileges: ['write'] }] } },
    metadata: { team: 'ci', db_password: METADATA_SECRET },
  });
  ids.expired = await mint('elastic', { name: 'already-expired', expiration: '0s' });
  ids.revoked = await mint('elastic', {
    name: 'revoked-key',
    role_descriptors: { r: { cluster: ['all'] } },
  });
  expect((await sb.admin('DELETE', '/_security/api_key', { ids: [ids.revoked] })).status).toBe(200);
  // A managed-looking key of a template this project does not have.
  ids.orphan = await mint('elastic', {
    name: 'retired-svc@prod#4',
    expiration: '60d',
    role_descriptors: { r: { indices: [{ names: ['retired-*'], privileges: ['read'] }] } },
    metadata: {
      managed_by: 'eskeys',
      template: 'retired-svc',
      environment: 'prod',
      template_hash: 'sha256:gone',
      generation: 4,
      created_by: 'ops@old-host',
      rotation_id: 'r-old',
      state: 'active',
      rotate_every: '90d',
      grace: '24h',
      review_every: '30d',
    },
  });

  dir = sharedProject();
  const create = await runCli(['create', '-t', 'email-search', '--env', ENV], dir);
  expect(create.code, create.stderr).toBe(0);
  const rotate = await runCli(['rotate', '-t', 'email-search', '--env', ENV], dir);
  expect(rotate.code, rotate.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eskeys inventory (built CLI against the sandbox)', { timeout: 120_000 }, () => {
  it('JSON: every valid key of every owner, managed or not, with privileges and findings', async () => {
    const r = await inventory(dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonDoc;
    const byName = (n: string) => doc.keys.find((k) => k.name === n);
    expect(doc.complete).toBe(true);
    expect(doc.limited_by_returned).toBe(true);
    expect(doc.templates_checked).toBe(true);
    expect(doc.cluster).toBe(sb.url);
    const names = doc.keys.map((k) => k.name).sort();
    expect(names).toEqual(
      [
        'ci-writer',
        'email-search@prod#1',
        'email-search@prod#2',
        'legacy-admin-key',
        'reader-dashboard',
        'retired-svc@prod#4',
      ].sort(),
    );
    expect(doc.summary).toMatchObject({ keys: 6, valid: 6, managed: 3, unmanaged: 3 });

    const legacy = byName('legacy-admin-key')!;
    expect(legacy.owner).toEqual({ username: 'elastic', realm: 'reserved', realm_type: 'reserved' });
    expect(legacy.expiration).toBeNull();
    expect(legacy.privileges.source).toBe('owner');
    expect(legacy.owner_roles).toEqual(['superuser']);
    expect(rulesOf(legacy)).toContain('critical:inherits-owner-privileges');
    expect(rulesOf(legacy)).toContain('critical:grant-all');
    expect(rulesOf(legacy)).toContain('medium:no-expiration');

    const reader = byName('reader-dashboard')!;
    expect(reader.owner).toEqual({ username: 'reader', realm: 'default_native', realm_type: 'native' });
    expect(reader.owner_roles).toEqual(['reader']);
    expect(reader.privileges.indices).toEqual([
      { names: ['logs-*'], privileges: ['read'], allow_restricted_indices: false, dls: false, fls: false },
    ]);
    // manage_own_api_key: from 9.4 the key can clone itself with no expiration (high, conservative).
    expect(rulesOf(reader)).toEqual([
      'high:inherits-owner-privileges',
      'high:security-privilege-on-service-key',
    ]);

    const writer = byName('ci-writer')!;
    expect(writer.privileges.source).toBe('own');
    expect(writer.metadata_keys).toEqual(['team', 'db_password']);
    expect(rulesOf(writer)).toEqual(['high:secret-in-metadata', 'high:write-includes-delete']);

    const current = byName('email-search@prod#2')!;
    expect(current.managed).toMatchObject({
      label: 'email-search@prod#2',
      state: 'active',
      template: 'email-search',
    });
    expect(rulesOf(current)).toEqual([]);
    expect(byName('email-search@prod#1')!.managed!.state).toBe('superseded');
    expect(rulesOf(byName('retired-svc@prod#4'))).toEqual(['medium:template-missing']);

    for (const k of doc.keys) {
      for (const f of k.findings) {
        expect(f.explanation.length).toBeGreaterThan(0);
        expect(f.alternative.length).toBeGreaterThan(0);
      }
    }
    expect(r.stdout).not.toContain(METADATA_SECRET);
  });

  it('--all adds the expired and the invalidated key, without access findings', async () => {
    const r = await inventory(dir, '--json', '--all');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonDoc;
    const expired = doc.keys.find((k) => k.id === ids.expired)!;
    const revoked = doc.keys.find((k) => k.id === ids.revoked)!;
    expect(expired.status).toBe('expired');
    expect(revoked.status).toBe('invalidated');
    expect(revoked.findings).toEqual([]);
    expect(doc.summary).toMatchObject({ keys: 8, valid: 6 });
  });

  it('table: one line per key, findings per rule with why and instead, totals; exit 0 by default', async () => {
    const r = await inventory(dir);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+NAME\s+OWNER\s+CREATED\s+AGE\s+EXPIRES\s+MANAGED\s+FINDINGS\s+PRIVILEGES$/,
    );
    const line = (name: string) => lines.find((l) => l.includes(` ${name} `)) ?? '';
    expect(line('legacy-admin-key')).toMatch(
      /elastic \(reserved\).*never\s+unmanaged\s+critical inherits-owner-privileges \+\d+\s+inherits owner's: cluster: all/,
    );
    expect(line('reader-dashboard')).toMatch(
      /reader \(default_native\).*high inherits-owner-privileges \+1\s+inherits owner's: cluster: monitor,manage_own_api_key; logs-\*: read/,
    );
    expect(line('email-search@prod#2')).toMatch(/email-search@prod#2 active\s+-\s+cluster: monitor,/);
    expect(line('email-search@prod#1')).toMatch(/email-search@prod#1 superseded/);
    expect(r.stdout).not.toContain('already-expired');
    expect(r.stdout).not.toContain('revoked-key');
    expect(r.stdout).toMatch(
      /^CRITICAL\s+inherits-owner-privileges: 1 key \(legacy-admin-key \(…[\w-]{4}\)\)$/m,
    );
    expect(r.stdout).toMatch(/^\s+why: a key created without role_descriptors/m);
    expect(r.stdout).toMatch(/^\s+instead: mint a replacement with explicit role_descriptors/m);
    expect(r.stdout).toMatch(
      /^6 keys \(6 valid, 0 expired, 0 invalidated; 3 managed, 3 unmanaged\); findings: \d+ critical/m,
    );
    // Full ids stay out of the human table (masked like status does).
    expect(r.stdout).not.toContain(ids.adminInherits);
    expect(r.stderr).toBe('');
  });

  it('markdown: a report with the keys, every finding, findings by rule and totals', async () => {
    const r = await inventory(dir, '--format', 'markdown');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# API key inventory\n/);
    expect(r.stdout).toContain('- Scope: valid keys (not invalidated, not expired)');
    expect(r.stdout).toContain('| Key | Owner | Created | Expires | Managed | Privileges | Findings |');
    expect(r.stdout).toMatch(
      /\| ci-writer \(`…[\w-]{4}`\) \| elastic \(reserved\) \|.*\*\*high\*\* secret-in-metadata: metadata field db\\_password named like a secret \(value not shown\)<br>\*\*high\*\* write-includes-delete/,
    );
    expect(r.stdout).toMatch(
      /## Findings by rule\n\n\| Severity \| Rule \| Keys \| Why it matters \| Safer alternative \|/,
    );
    expect(r.stdout).toMatch(/\| critical \| inherits-owner-privileges \| 1 \|/);
    expect(r.stdout).toContain('## Totals');
    // Index patterns stay literal: privileges in code spans, `*` and `_` escaped in prose.
    expect(r.stdout).toContain("| `inherits owner's: cluster: all; *: all;");
    expect(r.stdout).toContain('index privilege "write" on gmail\\_emails-\\* also grants document delete');
    expect(r.stdout).not.toContain(METADATA_SECRET);
  });

  it('--fail-on: exit 1 when a finding is at or above the threshold, 0 when none is', async () => {
    const critical = await inventory(dir, '--fail-on', 'critical');
    expect(critical.code).toBe(1);
    expect(critical.stderr).toMatch(/^eskeys: \d+ findings? at or above critical \(--fail-on critical\)$/m);
    expect(critical.stdout).toContain('legacy-admin-key');
    const managedOnly = await inventory(dir, '--managed', '--fail-on', 'high', '--json');
    expect(managedOnly.code, managedOnly.stderr).toBe(0);
    expect((JSON.parse(managedOnly.stdout) as JsonDoc).keys.map((k) => k.name).sort()).toEqual([
      'email-search@prod#1',
      'email-search@prod#2',
      'retired-svc@prod#4',
    ]);
    const medium = await inventory(dir, '--managed', '--fail-on', 'medium');
    expect(medium.code).toBe(1);
  });

  it('pages through the query API: a small page size lists the same keys, each once', async () => {
    const whole = JSON.parse((await inventory(dir, '--json', '--all')).stdout) as JsonDoc;
    const paged = JSON.parse((await inventory(dir, '--json', '--all', '--page-size', '2')).stdout) as JsonDoc;
    expect(paged.keys.map((k) => k.id)).toEqual(whole.keys.map((k) => k.id));
    expect(new Set(paged.keys.map((k) => k.id)).size).toBe(8);
    expect(paged.summary).toEqual(whole.summary);
  });

  it('outside a project: no template checks, said in JSON, no terminal warning', async () => {
    const bare = makeProject(sb, { templates: [] });
    rmSync(join(bare, 'roles'), { recursive: true });
    const r = await runCli(['inventory'], bare);
    const json = await runCli(['inventory', '--json'], bare);
    allRuns.push(r, json);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(json.stdout) as JsonDoc;
    expect(doc.templates_checked).toBe(false);
    expect(doc.notes).toContain('template checks skipped: no roles/ directory');
  });

  it('filters by owner and by managed/unmanaged', async () => {
    const reader = JSON.parse((await inventory(dir, '--json', '--owner', 'reader')).stdout) as JsonDoc;
    expect(reader.keys.map((k) => k.name)).toEqual(['reader-dashboard']);
    const unmanaged = JSON.parse((await inventory(dir, '--json', '--unmanaged')).stdout) as JsonDoc;
    expect(unmanaged.keys.map((k) => k.name).sort()).toEqual([
      'ci-writer',
      'legacy-admin-key',
      'reader-dashboard',
    ]);
    const tpl = JSON.parse((await inventory(dir, '--json', '-t', 'email-search')).stdout) as JsonDoc;
    expect(tpl.keys.map((k) => k.name).sort()).toEqual(['email-search@prod#1', 'email-search@prod#2']);
  });

  it('reports template drift once the template in roles/ changes', async () => {
    const drifted = project();
    writeTemplate(drifted, 'roles/email-search.json', {
      role_descriptors: {
        'email-search': {
          cluster: ['monitor'],
          indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }],
        },
      },
    });
    const doc = JSON.parse((await inventory(drifted, '--json', '--managed')).stdout) as JsonDoc;
    const current = doc.keys.find((k) => k.name === 'email-search@prod#2')!;
    expect(rulesOf(current)).toEqual(['medium:template-drift']);
    expect(current.findings[0]!.message).toContain('template email-search changed since this key was minted');
  });

  it('skips template checks, saying so, when a template is invalid', async () => {
    const broken = project();
    writeFileSync(join(broken, 'roles', 'broken.json'), '{"name": "broken"');
    const r = await inventory(broken, '--managed');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/eskeys: warning: template checks skipped: roles\/broken\.json invalid/);
    expect(r.stdout).not.toContain('template-missing');
  });

  it('says the inventory is partial when the admin can list only its own keys', async () => {
    const own = makeProject(sb, {
      files: {
        '.eskeys.env': `ESKEYS_URL=${sb.url}\nESKEYS_USERNAME=reader\nESKEYS_PASSWORD=${READER_PASSWORD}\n`,
        'eskeys.config.json': { environments: { [ENV]: {} } },
      },
    });
    const r = await inventory(own, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonDoc;
    expect(doc.complete).toBe(false);
    expect(doc.keys.map((k) => k.name)).toEqual(['reader-dashboard']);
    expect(doc.notes[0]).toMatch(
      /^partial inventory: the admin identity has neither read_security nor manage_api_key/,
    );
    const table = await inventory(own);
    expect(table.stderr).toMatch(/eskeys: warning: partial inventory/);
  });

  it('bad usage exits 2; a wrong password or an unreachable cluster exits 3, one line each', async () => {
    const both = await inventory(dir, '--managed', '--unmanaged');
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('eskeys: --managed and --unmanaged exclude each other\n');
    const sev = await inventory(dir, '--fail-on', 'severe');
    expect(sev.code).toBe(2);
    const wrong = await inventory(dir, '--password', 'not-the-password');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).not.toContain('not-the-password');
    const down = await inventory(dir, '--url', 'http://127.0.0.1:9');
    expect(down.code).toBe(3);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('never prints a key secret, a password or a metadata value', () => {
    const texts = allRuns.flatMap((r) => [r.stdout, r.stderr]);
    const forbidden = [...directSecrets, ...sb.secrets, METADATA_SECRET, READER_PASSWORD, ADMIN_PASSWORD];
    expect(forbidden.length).toBeGreaterThan(10);
    for (const s of forbidden)
      for (const t of texts) expect(t.includes(s), `a secret of ${s.length} chars leaked`).toBe(false);
  });
});
