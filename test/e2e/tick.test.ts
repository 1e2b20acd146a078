import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlAuditLog } from '../../src/adapters/audit/jsonl-audit-log.js';
import {
  type CliRun,
  envValue,
  expectNoSecretLeak,
  makeProject,
  type RotationSandbox,
  readProjectFile,
  runCli,
  startRotationSandbox,
  statusKeys,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();
const DAY = 86_400_000;

/** A fresh environment name per test, so tests share the sandbox without seeing each other's keys. */
const newEnv = () => `t${Math.random().toString(36).slice(2, 8)}`;

/** A project whose `email-search` template publishes to .env (and worker/.env when `twoFiles`) in `env`. */
function project(
  env: string,
  opts: { twoFiles?: boolean; restart?: object; extra?: Record<string, object> } = {},
) {
  return makeProject(sb, {
    files: {
      '.env': 'APP=1\n',
      ...(opts.twoFiles ? { 'worker/.env': '# worker\nQUEUE=mail\n' } : {}),
      'eskeys.config.json': {
        environments: {
          [env]: {
            outputs: {
              'email-search': {
                env_files: opts.twoFiles ? ['.env', 'worker/.env'] : ['.env'],
                ...(opts.restart ? { restart: opts.restart } : {}),
              },
            },
          },
          ...opts.extra,
        },
      },
    },
  });
}

/**
 * Makes every key of `env` look `days` older, as if it had been minted then: creation and
 * expiration move back together (what a key of that age would show), straight in the sandbox's
 * state, which lives in this process.
 */
function age(s: RotationSandbox, env: string, days: number): void {
  for (const k of s.sandbox.state.apiKeys.all()) {
    if (k.metadata.environment !== env) continue;
    (k as { creation: number }).creation -= days * DAY;
    if (k.expiration !== null) k.expiration -= days * DAY;
  }
}

/** Valid keys of `env` as `[generation, state]`, newest first. */
async function keysOf(dir: string, env: string) {
  return (await statusKeys(dir))
    .filter((k) => k.environment === env && k.state !== 'invalidated' && k.state !== 'expired')
    .map((k) => [k.generation, k.state]);
}

const auditTypes = (dir: string) =>
  readProjectFile(dir, '.eskeys/audit.jsonl')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).event as { type: string; template?: string; environment?: string });

describe('eskeys tick', { timeout: 120_000 }, () => {
  it('rotates a key that is due, records the review reminder once, and a second tick is a no-op', async () => {
    const env = newEnv();
    const dir = project(env);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const first = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    age(sb, env, 91);

    const dry = await runCli(['tick', '--env', env, '--dry-run'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(
        `email-search@${env}  would rotate: email-search@${env}#1 is 91d old \\(rotate every 90d\\)`,
      ),
    );
    expect(dry.stdout).toMatch(/dry run: nothing was changed/);
    expect(envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')).toBe(first);
    expect(auditTypes(dir).filter((e) => e.type === 'review.due')).toEqual([]);

    const r = await runCli(['tick', '--env', env], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `email-search@${env}  rotated: email-search@${env}#2 replaces email-search@${env}#1 \\(email-search@${env}#1 is 91d old \\(rotate every 90d\\)\\); the old key stays valid until `,
      ),
    );
    expect(r.stdout).toMatch(/review due since .* \(reminder recorded in the audit log\)/);
    expect(r.stdout).toMatch(/^tick: 1 scope: 1 rotated, 1 review due; exit 0$/m);
    expect(r.stderr).toMatch(/→ verifying email-search@.*#2/);
    const second = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    expect(second).not.toBe(first);
    expect(await keysOf(dir, env)).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    // The same journal and audit trail as `eskeys rotate`.
    expect(auditTypes(dir).map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'rotation.started',
        'key.verified',
        'key.published',
        'key.retired',
        'rotation.completed',
        'review.due',
      ]),
    );
    expect(readProjectFile(dir, `.eskeys/journal/email-search@${env}.jsonl`)).toMatch(
      /"outcome":"completed"/,
    );

    // Idempotent: the next pass changes nothing and does not remind again in the same period.
    const again = await runCli(['tick', '--env', env, '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    const j = JSON.parse(again.stdout);
    expect(j.scopes).toHaveLength(1);
    expect(j.scopes[0]).toMatchObject({
      template: 'email-search',
      environment: env,
      status: 'up_to_date',
      exit_code: 0,
      new_key: null,
      revoked: [],
      current_key: { name: `email-search@${env}#2`, generation: 2 },
      rotation: { every: '90d', source: 'template', due: false, trigger: null },
      review: { every: '30d', due: true, reminded: false, last_completed_at: null },
      drift: null,
    });
    expect(j.exit_code).toBe(0);
    expect(envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')).toBe(second);
    expect(auditTypes(dir).filter((e) => e.type === 'review.due')).toHaveLength(1);
    expect(auditTypes(dir).filter((e) => e.type === 'rotation.started')).toHaveLength(2); // create + one rotation

    // A review.completed (what `eskeys review` writes) satisfies the reminder.
    await new JsonlAuditLog(join(dir, '.eskeys/audit.jsonl'), { now: () => new Date() }).append({
      type: 'review.completed',
      template: 'email-search',
      environment: env,
      actor: 'reviewer@host',
    });
    const sent = sb.requests.length;
    const reviewed = await runCli(['tick', '--env', env], dir);
    // Nothing to do costs one request: the query of the environment's managed keys.
    expect(sb.requests.slice(sent).map((q) => `${q.method} ${q.path.split('?')[0]}`)).toEqual([
      'POST /_security/_query/api_key',
    ]);
    expect(reviewed.code).toBe(0);
    expect(reviewed.stdout).toMatch(
      new RegExp(`email-search@${env}  up to date \\(next rotation in 89d 23h\\)\\n`),
    );
    expect(reviewed.stdout).not.toMatch(/review due/);
  });

  it('revokes superseded keys once their grace has passed (a cluster without expiration updates)', async () => {
    const old = await startRotationSandbox({ version: '8.12.2' });
    const runs: CliRun[] = [];
    const cli = async (args: string[], dir: string) => {
      const r = await runCli(args, dir);
      runs.push(r);
      return r;
    };
    try {
      const env = 'legacy';
      const dir = makeProject(old, {
        files: { '.env': 'A=1\n', 'eskeys.config.json': { environments: { [env]: {} } } },
      });
      expect((await cli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
      const first = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
      expect((await cli(['rotate', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
      const early = await cli(['tick'], dir);
      expect(early.code, early.stderr).toBe(0);
      expect(early.stdout).not.toMatch(/revoked/);
      // The grace (24h) is over: move revoke_after into the past.
      for (const k of old.sandbox.state.apiKeys.all()) {
        if (k.metadata.state === 'superseded') {
          old.sandbox.state.apiKeys.update(k, (r) => {
            r.metadata = { ...r.metadata, revoke_after: new Date(Date.now() - 60_000).toISOString() };
          });
        }
      }
      expect((await old.asKey(first, 'GET', '/_cluster/health')).status).toBe(200);
      const r = await cli(['tick'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        /email-search@legacy {2}up to date \(next rotation in 89d 23h\) · revoked email-search@legacy#1 \(grace over\)/,
      );
      expect((await old.asKey(first, 'GET', '/_cluster/health')).status).toBe(401);
      expect(auditTypes(dir).filter((e) => e.type === 'key.revoked')).toHaveLength(1);
      const again = await cli(['tick', '--json'], dir);
      expect(JSON.parse(again.stdout).scopes[0].revoked).toEqual([]);
      expectNoSecretLeak(old, dir, runs);
    } finally {
      await old.close();
    }
  });

  it('two ticks started at once on one host rotate a due key exactly once (the other is skipped: locked)', async () => {
    const env = newEnv();
    const dir = project(env, { restart: { command: 'sleep 3', timeout: '20s' } });
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    age(sb, env, 95);
    const [a, b] = await Promise.all([
      runCli(['tick', '--env', env], dir),
      runCli(['tick', '--env', env], dir),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const out = [a.stdout, b.stdout];
    expect(out.filter((o) => / rotated: /.test(o))).toHaveLength(1);
    expect(out.find((o) => !/ rotated: /.test(o))).toMatch(/skipped: locked|up to date/);
    expect(await keysOf(dir, env)).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
  });

  it('two ticks on two hosts (separate state folders, one cluster) rotate once: the cluster guard', async () => {
    const env = newEnv();
    const slow = { restart: { command: 'sleep 3', timeout: '20s' } };
    const hostA = project(env, slow);
    const hostB = project(env, slow);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], hostA)).code).toBe(0);
    age(sb, env, 95);
    const [a, b] = await Promise.all([
      runCli(['tick', '--env', env], hostA),
      runCli(['tick', '--env', env], hostB),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const out = [a.stdout, b.stdout];
    expect(out.filter((o) => / rotated: /.test(o))).toHaveLength(1);
    expect(out.find((o) => !/ rotated: /.test(o))).toMatch(
      /skipped: (a rotation is in progress|another host rotated first)|up to date/,
    );
    expect(await keysOf(hostA, env)).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
  });

  it('--concurrency rotates many templates side by side; two sharing one env file both end up with their new key', async () => {
    const env = newEnv();
    const dir = makeProject(sb, {
      files: {
        '.env': 'APP=1\n',
        'eskeys.config.json': {
          environments: {
            [env]: {
              outputs: {
                'email-search': { env_files: ['.env'] },
                // Shares .env with email-search, under its own variable.
                'email-a': { env_files: ['.env'], key_var: 'EMAIL_A_KEY', id_var: 'EMAIL_A_KEY_ID' },
                'email-b': { env_files: ['b/.env'] },
                'email-c': { env_files: ['c/.env'] },
              },
            },
          },
        },
      },
    });
    const names = ['email-search', 'email-a', 'email-b', 'email-c'];
    // Clones write their own file by default (one variable, one owner, in every environment).
    for (const n of names.slice(1)) {
      writeTemplate(dir, 'roles/email-search.json', {
        name: n,
        outputs: {
          env_files: [`${n}.env`],
          key_var: 'ELASTICSEARCH_API_KEY',
          id_var: 'ELASTICSEARCH_API_KEY_ID',
        },
      });
    }
    for (const n of names) expect((await runCli(['create', '-t', n, '--env', env], dir)).code).toBe(0);
    age(sb, env, 91);

    const r = await runCli(['tick', '--env', env, '--concurrency', '4', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const scopes = JSON.parse(r.stdout).scopes as { template: string; status: string }[];
    expect(scopes.map((x) => [x.template, x.status]).sort()).toEqual(names.map((n) => [n, 'rotated']).sort());
    for (const n of names) {
      expect(
        (await statusKeys(dir))
          .filter((k) => k.template === n && k.environment === env && k.state === 'active')
          .map((k) => k.generation),
      ).toEqual([2]);
    }
    // Every file holds its template's new key: nothing was lost to a concurrent write of .env.
    const active = new Map(
      (await statusKeys(dir))
        .filter((k) => k.environment === env && k.state === 'active')
        .map((k) => [k.template, k.id]),
    );
    const shared = readProjectFile(dir, '.env');
    for (const [template, file, v] of [
      ['email-search', '.env', 'ELASTICSEARCH_API_KEY'],
      ['email-a', '.env', 'EMAIL_A_KEY'],
      ['email-b', 'b/.env', 'ELASTICSEARCH_API_KEY'],
      ['email-c', 'c/.env', 'ELASTICSEARCH_API_KEY'],
    ] as const) {
      const value = envValue(readProjectFile(dir, file), v)!;
      const id = Buffer.from(value, 'base64').toString('utf8').split(':')[0];
      expect(id, `${file} ${v}`).toBe(active.get(template));
      expect((await sb.asKey(value, 'GET', '/_cluster/health')).status, `${file} ${v}`).toBe(200);
    }
    expect(shared).toMatch(/^APP=1$/m);
    const usage = await runCli(['tick', '--env', env, '--concurrency', '0'], dir);
    expect(usage).toMatchObject({
      code: 2,
      stderr: 'eskeys: --concurrency 0: expected a whole number from 1 to 64\n',
    });
  });

  it('recovers a crashed rotation first (rolled forward), then judges the scope on the recovered state', async () => {
    const env = newEnv();
    const dir = project(env, { twoFiles: true });
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    age(sb, env, 91);
    const crash = await runCli(['tick', '--env', env], dir, { ESKEYS_TEST_CRASH_AFTER: 'publish_file' });
    expect(crash.signal).toBe('SIGKILL');
    const newKey = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    expect(envValue(readProjectFile(dir, 'worker/.env'), 'ELASTICSEARCH_API_KEY')).not.toBe(newKey);

    const r = await runCli(['tick', '--env', env], dir);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^recovered email-search@${env} rotation \\S+ \\(interrupted at publish_file:done\\): rolled forward: the verified new key is in 1 of 2 env files; completing the publish .*published the new key to worker/\\.env`,
      ),
    );
    expect(r.stdout).toMatch(new RegExp(`email-search@${env}  up to date \\(next rotation in 89d 23h\\)`));
    expect(r.stdout).toMatch(/1 recovered; exit 0/);
    expect(envValue(readProjectFile(dir, 'worker/.env'), 'ELASTICSEARCH_API_KEY')).toBe(newKey);
    expect(await keysOf(dir, env)).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    expect((await runCli(['recover'], dir)).stdout).toMatch(/no interrupted rotation/);
  });

  it('recovers a rotation that crashed before verify (rolled back), then rotates the still-due key in the same pass', async () => {
    const env = newEnv();
    const dir = project(env);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    age(sb, env, 91);
    const before = readProjectFile(dir, '.env');
    const crash = await runCli(['tick', '--env', env], dir, { ESKEYS_TEST_CRASH_AFTER: 'create' });
    expect(crash.signal).toBe('SIGKILL');
    expect(readProjectFile(dir, '.env')).toBe(before);

    const r = await runCli(['tick', '--env', env, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.recovered).toEqual([
      expect.objectContaining({
        template: 'email-search',
        environment: env,
        outcome: 'rolled_back',
        decision: 'roll_back',
      }),
    ]);
    expect(j.scopes[0]).toMatchObject({ status: 'rotated', new_key: { name: `email-search@${env}#3` } });
    expect(await keysOf(dir, env)).toEqual([
      [3, 'active'],
      [1, 'superseded'],
    ]);
  });

  it('a missing key is reported (exit 0); --create-missing creates it like eskeys create', async () => {
    const env = newEnv();
    const dir = project(env);
    const r = await runCli(['tick', '--env', env], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `email-search@${env}  missing: no active key: run \`eskeys create -t email-search --env ${env}\`, or pass --create-missing`,
      ),
    );
    const c = await runCli(['tick', '--env', env, '--create-missing'], dir);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(
      new RegExp(`created email-search@${env}#1: no active key \\(--create-missing\\)`),
    );
    expect(envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')).toBeTruthy();
    expect(await keysOf(dir, env)).toEqual([[1, 'active']]);
  });

  it('a failing scope does not stop the others; the exit code is the most severe (unreachable 3 > verification 1)', async () => {
    const env = newEnv();
    const dir = project(env, {
      extra: { down: { connection: { credentials_file: '.eskeys.down.env' } } },
    });
    writeFileSync(join(dir, '.eskeys.down.env'), 'ESKEYS_URL=http://127.0.0.1:9\n');
    writeTemplate(dir, 'roles/email-search.json', {
      name: 'email-writer',
      outputs: { env_files: ['.env'], key_var: 'WRITER_ES_API_KEY', id_var: 'WRITER_ES_API_KEY_ID' },
    });
    for (const t of ['email-search', 'email-writer']) {
      expect((await runCli(['create', '-t', t, '--env', env], dir)).code).toBe(0);
    }
    // email-writer's template now grants `write` (which deletes documents) while its deny probes
    // still forbid doc.delete: its next rotation must fail verification.
    const file = join(dir, 'roles/email-writer.json');
    const t = JSON.parse(readFileSync(file, 'utf8'));
    t.role_descriptors['email-search'].indices[0].privileges.push('write');
    writeFileSync(file, JSON.stringify(t));
    age(sb, env, 91);

    const r = await runCli(['tick'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`email-search@${env} +rotated: `));
    expect(r.stdout).toMatch(
      new RegExp(
        `email-writer@${env} +failed: verification of email-writer@${env}#2 failed: doc\\.delete \\(deny\\).*; the new key was invalidated, consumers untouched`,
      ),
    );
    expect(r.stdout).toMatch(/email-search@down +failed: cannot reach cluster/);
    expect(r.stdout).toMatch(/email-writer@down +failed: cannot reach cluster/);
    expect(r.stdout).toMatch(/; exit 3$/m);
    const only = await runCli(['tick', '--env', env, '--template', 'email-writer'], dir);
    expect(only.code).toBe(1);
  });

  it('bad usage and config exit 2 before touching anything', async () => {
    const env = newEnv();
    const dir = project(env);
    for (const [args, message] of [
      [['tick', '--drift', 'sometimes'], /argument 'sometimes' is invalid/],
      [['tick', '--env', 'nowhere'], /unknown environment "nowhere"/],
      [['tick', '--template', 'nope'], /template nope not found/],
    ] as const) {
      const r = await runCli(args, dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const empty = makeProject(sb, { templates: [] });
    const r = await runCli(['tick'], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no templates in roles\//);
  });
});
