/**
 * The rotation invariants (docs/ROTATION.md, docs/RELIABILITY.md), each checked end to end with the built
 * CLI against the sandbox (the unit suite checks them step by step with fakes).
 */
import { describe, expect, it } from 'vitest';
import {
  type CliRun,
  envValue,
  expectNoSecretLeak,
  makeProject,
  readProjectFile,
  runCli,
  statusKeys,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();

interface SandboxKey {
  id: string;
  invalidated: boolean;
  expiration?: number;
  metadata: Record<string, unknown>;
}

async function adminKeys(): Promise<SandboxKey[]> {
  const r = await sb.admin('GET', '/_security/api_key?username=eskeys-admin');
  return (r.body as { api_keys: SandboxKey[] }).api_keys;
}

describe('rotation invariants, end to end', { timeout: 120_000 }, () => {
  it('every key eskeys creates is findable by its metadata (also after failures and a crash); at most two stay valid', async () => {
    const env = 'inv1';
    const dir = makeProject(sb, {
      files: { '.env': 'A=1\n', 'eskeys.config.json': { environments: { [env]: {} } } },
    });
    // Its own variable: two templates never write one variable of one env file.
    writeTemplate(dir, 'test/fixtures/probes/email-search-write.json', {
      name: 'email-search-write',
      outputs: { env_files: ['.env'], key_var: 'WRITER_ES_API_KEY' },
    });
    const runs: CliRun[] = [];
    const validCount = async () =>
      (await statusKeys(dir)).filter(
        (k) => k.environment === env && ['active', 'superseded', 'pending'].includes(k.state),
      ).length;
    runs.push(await runCli(['create', '-t', 'email-search', '--env', env], dir));
    for (let i = 0; i < 3; i++) {
      runs.push(await runCli(['rotate', '-t', 'email-search', '--env', env], dir));
      expect(runs.at(-1)!.code, runs.at(-1)!.stderr).toBe(0);
      expect(await validCount()).toBe(2);
    }
    runs.push(await runCli(['create', '-t', 'email-search-write', '--env', env], dir)); // fails verify
    runs.push(
      await runCli(['rotate', '-t', 'email-search', '--env', env], dir, {
        ESKEYS_TEST_CRASH_AFTER: 'create',
      }),
    );
    const listed = new Set((await statusKeys(dir)).map((k) => k.id));
    const all = await adminKeys();
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const k of all) {
      expect(k.metadata).toMatchObject({ managed_by: 'eskeys' });
      expect(listed.has(k.id), `key ${k.id} is not found by status`).toBe(true);
    }
    runs.push(await runCli(['recover'], dir));
    expect(await validCount()).toBe(2);
    expectNoSecretLeak(sb, dir, runs);
  });

  it('the old key is never invalidated before the new one passed verify and was published (--now with a failing verify)', async () => {
    const env = 'inv2';
    const dir = makeProject(sb, {
      files: { '.env': 'A=1\n', 'eskeys.config.json': { environments: { [env]: {} } } },
    });
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const oldKey = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    // The template now grants `write` (document delete): its deny probe fails, so --now must not kill the old key.
    writeTemplate(dir, 'test/fixtures/probes/email-search-write.json', { name: 'email-search' });
    const r = await runCli(['rotate', '-t', 'email-search', '--env', env, '--now', '--yes'], dir);
    expect(r.code).toBe(1);
    expect((await sb.asKey(oldKey, 'GET', '/_cluster/health')).status).toBe(200);
    expect(envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')).toBe(oldKey);
  });

  it('deny probes never touch data eskeys did not create for probing', async () => {
    const env = 'inv3';
    const dir = makeProject(sb, {
      files: { '.env': 'A=1\n', 'eskeys.config.json': { environments: { [env]: {} } } },
    });
    // A month of the user's mail, made by someone else.
    expect(
      (await sb.admin('PUT', '/gmail_emails-2025-10/_doc/m1?refresh=true', { subject: 'hello' })).status,
    ).toBe(201);
    sb.requests.length = 0;
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const probes = sb.requests.filter((q) => q.asApiKey);
    expect(probes.length).toBeGreaterThan(10);
    for (const q of probes) expect(q.path).not.toContain('gmail_emails-2025-10');
    const doc = await sb.admin('GET', '/gmail_emails-2025-10/_doc/m1');
    expect(doc.status).toBe(200);
  });
});
