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

const ENV_TEXT = [
  '# email-search API',
  'export PORT=8080',
  "ELASTICSEARCH_URL='http://localhost:9200'",
  '',
  'ELASTICSEARCH_API_KEY=placeholder # managed by eskeys',
  'DEBUG="app:*"',
  '',
].join('\r\n');

/** Deletes the managed keys of earlier tests so each test sees a fresh (template, env). */
async function freshEnvName(): Promise<string> {
  return `e${Math.random().toString(36).slice(2, 8)}`;
}

function projectWithEnv(envName: string, extra: Record<string, string | object> = {}) {
  return makeProject(sb, {
    files: {
      '.env': ENV_TEXT,
      'eskeys.config.json': { environments: { [envName]: {} } },
      ...extra,
    },
  });
}

/** Everything except the managed lines, to compare other content byte for byte. */
function otherLines(text: string): string {
  return text
    .split('\r\n')
    .filter((l) => !l.startsWith('ELASTICSEARCH_API_KEY'))
    .join('\r\n');
}

describe('eskeys create / rotate / status (built CLI against the sandbox)', { timeout: 120_000 }, () => {
  it('creates, rotates and reports: env file keeps other content byte for byte; old key superseded with a cluster-enforced end', async () => {
    const env = await freshEnvName();
    const dir = projectWithEnv(env);
    const runs: CliRun[] = [];
    const create = await runCli(['create', '-t', 'email-search', '--env', env], dir);
    runs.push(create);
    expect(create.code, create.stderr).toBe(0);
    expect(create.stdout).toMatch(new RegExp(`email-search@${env}#1 \\(…[\\w-]{4}\\) is live`));
    expect(create.stdout).toMatch(/permission matrix \(20 probes, all passed\)/);
    expect(create.stderr).toMatch(/→ creating key/);
    const afterCreate = readProjectFile(dir, '.env');
    expect(otherLines(afterCreate)).toBe(otherLines(ENV_TEXT));
    expect(afterCreate).toMatch(/^ELASTICSEARCH_API_KEY=\S+ # managed by eskeys\r$/m);
    const key1 = envValue(afterCreate, 'ELASTICSEARCH_API_KEY')!;
    expect((await sb.asKey(key1, 'GET', '/_cluster/health')).status).toBe(200);

    const rotate = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    runs.push(rotate);
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toMatch(/superseded; valid until \S+ \(enforced by the cluster expiration\)/);
    const afterRotate = readProjectFile(dir, '.env');
    expect(otherLines(afterRotate)).toBe(otherLines(ENV_TEXT));
    const key2 = envValue(afterRotate, 'ELASTICSEARCH_API_KEY')!;
    expect(key2).not.toBe(key1);
    // Both keys work during the grace period.
    expect((await sb.asKey(key1, 'GET', '/_cluster/health')).status).toBe(200);
    expect((await sb.asKey(key2, 'GET', '/_cluster/health')).status).toBe(200);

    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    const old = keys.find((k) => k.generation === 1)!;
    const graceEnd = Date.parse(old.superseded_until!);
    expect(Math.abs(graceEnd - (Date.now() + 24 * 3600_000))).toBeLessThan(60_000);
    expect(Math.abs(Date.parse(old.expiration!) - graceEnd)).toBeLessThan(5_000); // the cluster's clock sets it
    expect(keys[0]!.id).toBe(envValue(afterRotate, 'ELASTICSEARCH_API_KEY_ID'));

    const human = await runCli(['status', '--env', env], dir);
    runs.push(human);
    expect(human.stdout).toMatch(/superseded until/);
    expect(human.stdout).not.toContain(keys[0]!.id); // ids masked in human output
    expect(human.stdout).toContain(`…${keys[0]!.id.slice(-4)}`);

    const audit = readProjectFile(dir, '.eskeys/audit.jsonl');
    for (const type of ['rotation.started', 'key.created', 'key.verified', 'key.published', 'key.retired']) {
      expect(audit).toContain(`"${type}"`);
    }
    expectNoSecretLeak(sb, dir, runs);
  });

  it('a failed deny probe leaves env files untouched and no new valid key (exit 1)', async () => {
    const env = await freshEnvName();
    const dir = projectWithEnv(env);
    // Its own variable: two templates never write one variable of one env file.
    writeTemplate(dir, 'test/fixtures/probes/email-search-write.json', {
      name: 'email-search-write',
      outputs: { env_files: ['.env'], key_var: 'WRITER_ES_API_KEY' },
    });
    const runs: CliRun[] = [];
    runs.push(await runCli(['create', '-t', 'email-search-write', '--env', env], dir));
    expect(runs[0]!.code).toBe(1);
    expect(runs[0]!.stdout).toMatch(
      /verification of .* FAILED; the new key was invalidated and no env file was touched/,
    );
    expect(runs[0]!.stdout).toMatch(/doc\.delete .* FAIL/);
    expect(readProjectFile(dir, '.env')).toBe(ENV_TEXT);
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.state).toBe('invalidated');
    expectNoSecretLeak(sb, dir, runs);
  });

  it('--dry-run shows the plan, the privilege diff and a masked env diff, and changes nothing', async () => {
    const env = await freshEnvName();
    const dir = projectWithEnv(env);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const before = readProjectFile(dir, '.env');
    // Widen the template: the dry run must show it.
    writeTemplate(dir, 'roles/email-search.json', {
      role_descriptors: {
        'email-search': {
          cluster: ['monitor', 'manage_index_templates', 'manage_ilm', 'manage_pipeline'],
          indices: [
            {
              names: ['gmail_emails-*'],
              privileges: ['read', 'write', 'create_index', 'view_index_metadata'],
            },
          ],
        },
      },
    });
    const count = (await statusKeys(dir)).length;
    const dry = await runCli(['rotate', '-t', 'email-search', '--env', env, '--dry-run'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/\+ email-search: indices \[gmail_emails-\*\] write/);
    expect(dry.stdout).toMatch(/- email-search: indices \[gmail_emails-\*\] index/);
    expect(dry.stdout).toMatch(/-ELASTICSEARCH_API_KEY=\*\*\*\*/);
    expect(dry.stdout).toMatch(/dry run: nothing was changed/);
    expect(readProjectFile(dir, '.env')).toBe(before);
    expect((await statusKeys(dir)).length).toBe(count);
    const json = await runCli(['rotate', '-t', 'email-search', '--env', env, '--dry-run', '--json'], dir);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({ dry_run: true, template_changed: true, new_key: { generation: 2 } });
    expectNoSecretLeak(sb, dir, [dry, json]);
  });

  it('a failed restart restores the env files byte for byte and invalidates the new key', async () => {
    const env = await freshEnvName();
    const dir = projectWithEnv(env, { 'worker/.env': 'WORKER=1\n' });
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: {
        env_files: ['.env', 'worker/.env'],
        key_var: 'ELASTICSEARCH_API_KEY',
        id_var: 'ELASTICSEARCH_API_KEY_ID',
        restart: { command: 'echo "restarting with $ELASTICSEARCH_API_KEY"; exit 3', timeout: '10s' },
      },
    });
    const before = readProjectFile(dir, '.env');
    const beforeWorker = readProjectFile(dir, 'worker/.env');
    const r = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/restart command failed: .* exited 3/);
    expect(r.stdout).toContain('restarting with [redacted]'); // the child's output is scrubbed
    expect(readProjectFile(dir, '.env')).toBe(before);
    expect(readProjectFile(dir, 'worker/.env')).toBe(beforeWorker);
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [1, 'active'],
      [2, 'invalidated'],
    ]);
    expectNoSecretLeak(sb, dir, [r]);
  });

  it('a failing health check rolls back; the restart command gets the key in its environment, not argv', async () => {
    const env = await freshEnvName();
    const dir = projectWithEnv(env);
    writeTemplate(dir, 'roles/email-search.json', {
      outputs: {
        env_files: ['.env'],
        key_var: 'ELASTICSEARCH_API_KEY',
        id_var: 'ELASTICSEARCH_API_KEY_ID',
        restart: { command: 'printf %s "$ELASTICSEARCH_API_KEY_ID" > restarted-with.txt', timeout: '10s' },
        health_check: { url: 'http://127.0.0.1:9/health', timeout: '2s' },
      },
    });
    const r = await runCli(['create', '-t', 'email-search', '--env', env], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/health check failed: GET http:\/\/127\.0\.0\.1:9\/health failed/);
    expect(readProjectFile(dir, '.env')).toBe(ENV_TEXT);
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(readProjectFile(dir, 'restarted-with.txt')).toBe(keys[0]!.id);
    expect(keys[0]!.state).toBe('invalidated');
    expectNoSecretLeak(sb, dir, [r]);
  });

  it('rotate --now invalidates the old key immediately (and needs --yes without a terminal)', async () => {
    const env = await freshEnvName();
    const dir = projectWithEnv(env);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const oldKey = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    const refused = await runCli(['rotate', '-t', 'email-search', '--env', env, '--now'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/confirm with --yes/);
    const r = await runCli(['rotate', '-t', 'email-search', '--env', env, '--now', '--yes', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.retired).toEqual([expect.objectContaining({ action: 'invalidated' })]);
    expect((await sb.asKey(oldKey, 'GET', '/_cluster/health')).status).toBe(401);
    const newKey = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    expect((await sb.asKey(newKey, 'GET', '/_cluster/health')).status).toBe(200);
    expectNoSecretLeak(sb, dir, [refused, r]);
  });

  it('takes the template name as an argument: create NAME, rotate NAME --yes, verify NAME', async () => {
    const env = await freshEnvName();
    const dir = projectWithEnv(env);
    const create = await runCli(['create', 'email-search', '--env', env], dir);
    expect(create.code, create.stderr).toBe(0);
    const rotate = await runCli(['rotate', 'email-search', '--yes', '--env', env], dir);
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toMatch(new RegExp(`email-search@${env}#2 \\(…[\\w-]{4}\\) is live`));
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    const verify = await runCli(['verify', 'email-search', '--env', env, '--env-file', '.env'], dir);
    expect(verify.code, verify.stderr).toBe(0);
    const twice = await runCli(['rotate', 'email-search', '-t', 'other', '--yes', '--env', env], dir);
    expect(twice).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'eskeys: template given twice: "email-search" as argument and "other" with --template; give one\n',
    });
    expectNoSecretLeak(sb, dir, [create, rotate, verify, twice]);
  });

  it('create refuses when a key exists; rotate --grace must be a duration', async () => {
    const env = await freshEnvName();
    const dir = projectWithEnv(env);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const again = await runCli(['create', '-t', 'email-search', '--env', env], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has an active key .*use `eskeys rotate`/);
    const bad = await runCli(['rotate', '-t', 'email-search', '--env', env, '--grace', 'soon'], dir);
    expect(bad.code).toBe(2);
    const noTemplate = await runCli(['rotate'], dir);
    expect(noTemplate.code).toBe(2);
    expect(noTemplate.stderr).toMatch(/--template is required \(one of: email-search\)/);
  });

  it('Ctrl-C during the restart hook: the rotation completes (rolled forward), says so, exit 0', async () => {
    const env = `i${Math.random().toString(36).slice(2, 8)}`;
    const dir = makeProject(sb, {
      files: {
        '.env': 'A=1\n',
        'eskeys.config.json': {
          environments: {
            [env]: { outputs: { 'email-search': { restart: { command: 'sleep 2', timeout: '20s' } } } },
          },
        },
      },
    });
    expect((await runCli(['create', '-t', 'email-search', '--env', env, '--yes'], dir)).code).toBe(0);
    const r = await runCli(
      ['rotate', '-t', 'email-search', '--env', env, '--yes'],
      dir,
      {},
      {
        when: /restarting: sleep 2/,
        signal: 'SIGINT',
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: interrupted after the new key was published: the rotation was completed, not rolled back/,
    );
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
  });
});
