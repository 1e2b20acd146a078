/**
 * `eskeys doctor` end to end: the built CLI against the sandbox (through the recording proxy of
 * rotate-support), with real native users and API keys created through the official client.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  type CliRun,
  makeProject,
  runCli,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

/** A file of this repository (the templates the tests derive from). */
function readProjectFileFromRepo(rel: string): string {
  return readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');
}

const sb = useRotationSandbox();

interface JsonCheck {
  id: string;
  group: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  subject: string | null;
  message: string;
  fix: string | null;
  details: string[];
}

function checksOf(r: CliRun): Record<string, JsonCheck> {
  const doc = JSON.parse(r.stdout) as { checks: JsonCheck[]; exit_code: number };
  expect(doc.exit_code).toBe(r.code);
  return Object.fromEntries(doc.checks.map((c) => [c.id, c]));
}

function expectAbsent(r: CliRun, ...secrets: string[]): void {
  for (const s of secrets) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

function elastic(): Client {
  return new Client({ node: sb.sandbox.url, auth: { username: 'elastic', password: sb.sandbox.password } });
}

describe('eskeys doctor against the sandbox', () => {
  it('a healthy setup passes: exit 0, every template delegable, the checklist grouped', async () => {
    const dir = makeProject(sb);
    const r = await runCli(['doctor'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    for (const heading of ['Project', 'Connection', 'Identity', 'Cluster', 'Delegation', 'Local state'])
      expect(r.stdout).toContain(`\n${heading}\n`);
    expect(r.stdout).toMatch(/✓ template email-search +roles\/email-search\.json: valid/);
    expect(r.stdout).toMatch(/✓ admin +eskeys-admin \(realm default_native, type native/);
    expect(r.stdout).toMatch(
      /✓ template email-search +the admin holds all 8 privileges the template delegates/,
    );
    expect(r.stdout).toMatch(/✓ version +Elasticsearch 8\.\d+\.\d+/);
    expect(r.stdout).toMatch(/\n0 failed, \d+ warnings?, \d+ ok, 0 skipped\n$/);
    expectAbsent(r, ADMIN_PASSWORD);

    const json = await runCli(['doctor', '--json'], dir);
    expect(json.code).toBe(0);
    const c = checksOf(json);
    expect(c['delegation.template:email-search']).toMatchObject({
      group: 'delegation',
      status: 'ok',
      subject: 'email-search',
    });
    expect(c['delegation.api_key_admin']!.status).toBe('ok');
  });

  it('an admin lacking privileges a template delegates fails delegation, naming template and privileges', async () => {
    const es = elastic();
    try {
      await es.security.putRole({
        name: 'doctor-partial',
        cluster: ['manage_api_key', 'monitor', 'manage_index_templates', 'manage_pipeline'],
        indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'create_index', 'view_index_metadata'] }],
      });
      await es.security.putUser({
        username: 'doctor-partial',
        password: 'doctor-partial-pw',
        roles: ['doctor-partial'],
      });
    } finally {
      await es.close();
    }
    const dir = makeProject(sb);
    const env = { ESKEYS_USERNAME: 'doctor-partial', ESKEYS_PASSWORD: 'doctor-partial-pw' };
    const r = await runCli(['doctor', '--json'], dir, env);
    expect(r.code, r.stderr).toBe(1);
    const c = checksOf(r)['delegation.template:email-search']!;
    expect(c.status).toBe('fail');
    expect(c.message).toBe(
      'the admin lacks 2 of 8 privileges the template delegates: cluster manage_ilm; index on gmail_emails-*',
    );
    expect(c.details.join(' ')).toMatch(
      /Elasticsearch would still create the key.*allow probes would then fail/,
    );
    const text = await runCli(['doctor'], dir, env);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/✗ template email-search +the admin lacks 2 of 8 privileges/);
    expect(text.stdout).toMatch(/fix: grant the admin's role cluster manage_ilm, index on gmail_emails-\*/);
    expectAbsent(r, 'doctor-partial-pw');
    expectAbsent(text, 'doctor-partial-pw');
  });

  it('wrong password: exit 3, the local checks still shown, the password never', async () => {
    const dir = makeProject(sb);
    const r = await runCli(['doctor'], dir, { ESKEYS_PASSWORD: 'not-the-password' });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/✗ admin +the cluster rejected the admin credentials \(401\)/);
    expect(r.stdout).toMatch(/- template email-search +the admin could not authenticate/);
    expect(r.stdout).toMatch(/\nLocal state\n {2}✓ state dir /);
    expect(r.stdout).toMatch(/✓ env files email-search/);
    expectAbsent(r, 'not-the-password', ADMIN_PASSWORD);
  });

  it('unreachable URL: exit 3 with the adapter message, project and local checks still run', async () => {
    const dir = makeProject(sb);
    const r = await runCli(['doctor', '--json'], dir, { ESKEYS_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(3);
    const c = checksOf(r);
    expect(c['connection.reachable']!.status).toBe('fail');
    expect(c['connection.reachable']!.message).toMatch(/cannot reach cluster http:\/\/127\.0\.0\.1:9/);
    expect(c['project.template:email-search']!.status).toBe('ok');
    expect(c['local.state_dir']!.status).toBe('ok');
    expect(c['identity.admin']!.status).toBe('skip');
  });

  it('a broken template is a failed check naming file and field (exit 2), not a crash', async () => {
    const dir = makeProject(sb, {
      templates: ['roles/email-search.json', 'roles/ci-verifier.json'],
      files: {
        'roles/ci-verifier.json': JSON.stringify({
          name: 'ci-verifier',
          role_descriptors: { app: { indices: [{ names: ['mail-*'], privileges: ['delete_indx'] }] } },
        }),
      },
    });
    const r = await runCli(['doctor', '--json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    const c = checksOf(r);
    expect(c['project.template:roles/ci-verifier.json']!.status).toBe('fail');
    expect(c['project.template:roles/ci-verifier.json']!.message).toMatch(
      /^roles\/ci-verifier\.json: \/role_descriptors\/app\/indices\/0\/privileges\/0: .*delete_indx/,
    );
    expect(c['delegation.template:roles/ci-verifier.json']!.status).toBe('skip');
    // The valid template is still checked against the cluster.
    expect(c['delegation.template:email-search']!.status).toBe('ok');
  });

  it("a template naming a privilege the cluster's major lacks fails delegation, naming privilege and version", async () => {
    // The rotation sandbox impersonates 8.19.3, whose ClusterPrivilegeResolver has no monitor_esql
    // (ga in 9.1; docs/es-facts.md, "Privileges per major"): a key naming it is refused with 400.
    const dir = makeProject(sb, { templates: ['roles/email-search.json'] });
    const ci = JSON.parse(readProjectFileFromRepo('roles/ci-verifier.json'));
    ci.role_descriptors['ci-verifier'].cluster = ['monitor', 'monitor_esql'];
    writeTemplate(dir, 'roles/ci-verifier.json', {
      name: 'esql-watch',
      role_descriptors: ci.role_descriptors,
    });
    const r = await runCli(['doctor', '--json'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const c = checksOf(r)['delegation.template:esql-watch']!;
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(
      /^the template names privileges Elasticsearch 8\.19\.\d+ does not have: cluster monitor_esql \(9\.x only\); the cluster refuses a key naming them$/,
    );
    expect(checksOf(r)['delegation.template:email-search']!.status).toBe('ok');
    expectAbsent(r, ADMIN_PASSWORD);
  });

  it('an API-key admin: the create/rotate failure, delegation skipped, the key never printed', async () => {
    const owner = new Client({
      node: sb.sandbox.url,
      auth: { username: ADMIN_USER, password: ADMIN_PASSWORD },
    });
    let encoded: string;
    try {
      encoded = (await owner.security.createApiKey({ name: 'doctor-admin-key' })).encoded;
    } finally {
      await owner.close();
    }
    const dir = makeProject(sb);
    writeFileSync(join(dir, '.eskeys.env'), `ESKEYS_URL=${sb.url}\nESKEYS_API_KEY=${encoded}\n`);
    const r = await runCli(['doctor', '--json'], dir);
    expect(r.code).toBe(1);
    const c = checksOf(r);
    expect(c['identity.admin']!.message).toMatch(
      /^API key doctor-admin-key \(id \S+\) owned by eskeys-admin/,
    );
    expect(c['identity.kind']!.status).toBe('fail');
    expect(c['identity.kind']!.message).toContain('create, rotate, tick and schedule cannot work');
    expect(c['identity.kind']!.fix).toContain('ESKEYS_USERNAME / ESKEYS_PASSWORD');
    expect(c['delegation.template:email-search']!.status).toBe('skip');
    const secret = Buffer.from(encoded, 'base64').toString('utf8').split(':')[1]!;
    expectAbsent(r, encoded, secret);
  });
});

describe('eskeys doctor on local state', () => {
  it('reads the real files: a world-readable env file, an open rotation, a tampered audit log', async () => {
    const plan = {
      v: 1,
      rotation: '20260501T100000Z-abcd1234',
      at: '2026-05-01T10:00:00.000Z',
      template: 'email-search',
      environment: 'default',
      step: 'plan',
      phase: 'done',
    };
    const dir = makeProject(sb, {
      files: {
        '.eskeys/journal/email-search@default.jsonl': `${JSON.stringify(plan)}\n`,
        '.eskeys/audit.jsonl': '{"seq":1,"not":"an audit entry"}\n',
      },
    });
    writeFileSync(join(dir, '.env'), 'PORT=8080\nELASTICSEARCH_API_KEY=placeholder-value\n', { mode: 0o644 });
    chmodSync(join(dir, '.env'), 0o644);
    chmodSync(join(dir, '.eskeys.env'), 0o600);
    const r = await runCli(['doctor', '--json'], dir);
    expect(r.code).toBe(1);
    const c = checksOf(r);
    expect(c['local.env_files:email-search']).toMatchObject({
      status: 'warn',
      message: '.env has mode 0644: other users can read the key (the next rotation narrows it to 0600)',
    });
    expect(c['local.journal']!.status).toBe('warn');
    expect(c['local.journal']!.message).toContain('email-search@default (stopped at plan:done');
    expect(c['local.audit']!.status).toBe('fail');
    expect(c['local.audit']!.message).toBe(
      '.eskeys/audit.jsonl: TAMPERED OR BROKEN at entry 1: not a well-formed audit entry',
    );
    expect(c['local.credentials:.eskeys.env']!.status).toBe('ok');
    expectAbsent(r, 'placeholder-value');
  });
});

describe('eskeys doctor over TLS', () => {
  let tls: Sandbox;
  beforeAll(async () => {
    tls = await startSandbox({ port: 0, tls: true });
  });
  afterAll(async () => {
    await tls?.close();
  });

  const project = () => {
    const dir = makeProject(sb, {
      files: { 'ca.pem': tls.caCert! },
    });
    writeFileSync(
      join(dir, '.eskeys.env'),
      `ESKEYS_URL=${tls.url}\nESKEYS_USERNAME=elastic\nESKEYS_PASSWORD=${tls.password}\n`,
      { mode: 0o600 },
    );
    return dir;
  };

  it('verified with --ca: TLS ok', async () => {
    const r = await runCli(['doctor', '--json', '--ca', 'ca.pem'], project());
    const c = checksOf(r);
    expect(c['connection.tls']).toMatchObject({ status: 'ok' });
    expect(c['connection.tls']!.message).toMatch(/^https, verified against CA file .*ca\.pem \(flag\)$/);
    expect(c['connection.reachable']!.status).toBe('ok');
    // The built-in superuser works, with a nudge towards a dedicated admin.
    expect(c['identity.admin']!.status).toBe('warn');
    expect(r.code).toBe(0);
    expectAbsent(r, tls.password);
  });

  it('--insecure warns (and still exits 0)', async () => {
    const r = await runCli(['doctor', '--insecure'], project());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/! tls +https without certificate verification \(--insecure\)/);
    expect(r.stdout).toMatch(/fix: verify the cluster instead: --ca FILE/);
    expect(r.stderr).toBe('');
  });

  it('an unverifiable certificate: exit 3 with the TLS explanation', async () => {
    const r = await runCli(['doctor', '--json'], project());
    expect(r.code).toBe(3);
    const c = checksOf(r);
    expect(c['connection.reachable']!.message).toMatch(
      /TLS verification of https:\/\/127\.0\.0\.1:\d+ failed/,
    );
  });
});

describe('eskeys doctor: keys another admin owns', () => {
  it("warns that managed keys of another user cannot be retired by this admin (only a key's owner may update it)", async () => {
    const dir = makeProject(sb, { files: { '.env': 'A=1\n' } });
    expect((await runCli(['create', '-t', 'email-search', '--yes'], dir)).code).toBe(0);
    expect(
      (
        await sb.admin('PUT', '/_security/user/doctor-second-admin', {
          password: 'doctor-second-pw',
          roles: ['eskeys-admin'],
        })
      ).status,
    ).toBe(200);
    const mine = checksOf(await runCli(['doctor', '--json'], dir))['cluster.api_keys']!;
    expect(mine.status).toBe('ok');
    const env = { ESKEYS_USERNAME: 'doctor-second-admin', ESKEYS_PASSWORD: 'doctor-second-pw' };
    const r = await runCli(['doctor', '--json'], dir, env);
    expect(r.code, r.stderr).toBe(0);
    const c = checksOf(r)['cluster.api_keys']!;
    expect(c.status).toBe('warn');
    expect(c.message).toMatch(
      new RegExp(
        `valid ones also belong to ${ADMIN_USER}, and Elasticsearch lets only a key's owner update it: rotating those as doctor-second-admin is refused before anything is minted`,
      ),
    );
    expect(c.fix).toMatch(/run eskeys as the owner of those keys/);
    expectAbsent(r, 'doctor-second-pw', ADMIN_PASSWORD);
  });
});
