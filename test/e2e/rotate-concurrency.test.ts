import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  envValue,
  makeProject,
  readProjectFile,
  runCli,
  statusKeys,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();

/** A slow restart hook keeps each rotation open long enough for the two to overlap. */
const slow = (env: string) => ({
  environments: {
    [env]: { outputs: { 'email-search': { restart: { command: 'sleep 4', timeout: '20s' } } } },
  },
});

describe('concurrent rotations of one key', { timeout: 120_000 }, () => {
  it('on one host (shared state folder): exactly one new key; the other exits 4 (lock)', async () => {
    const env = `c${Math.random().toString(36).slice(2, 8)}`;
    const dir = makeProject(sb, { files: { '.env': 'A=1\n', 'eskeys.config.json': slow(env) } });
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const results = await Promise.all([
      runCli(['rotate', '-t', 'email-search', '--env', env], dir),
      runCli(['rotate', '-t', 'email-search', '--env', env], dir),
    ]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 4]);
    expect(results.find((r) => r.code === 4)!.stderr).toMatch(/locked|another rotation|held/i);
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys).toHaveLength(2);
    expect(keys.map((k) => k.state).sort()).toEqual(['active', 'superseded']);
  });

  it('on two hosts (separate state folders, one cluster): the cluster-visible guard lets exactly one through', async () => {
    const env = `h${Math.random().toString(36).slice(2, 8)}`;
    const hostA = makeProject(sb, { files: { '.env': 'A=1\n', 'eskeys.config.json': slow(env) } });
    const hostB = makeProject(sb, { files: { '.env': 'B=1\n', 'eskeys.config.json': slow(env) } });
    expect((await runCli(['create', '-t', 'email-search', '--env', env], hostA)).code).toBe(0);
    const results = await Promise.all([
      runCli(['rotate', '-t', 'email-search', '--env', env], hostA),
      runCli(['rotate', '-t', 'email-search', '--env', env], hostB),
    ]);
    expect(results.map((r) => r.code).sort(), results.map((r) => r.stderr).join('\n')).toEqual([0, 4]);
    const loser = results.find((r) => r.code === 4)!;
    expect(loser.stderr + loser.stdout).toMatch(/another rotation/);
    const keys = (await statusKeys(hostA)).filter((k) => k.environment === env);
    const valid = keys.filter((k) => k.state !== 'invalidated');
    expect(valid.map((k) => k.state).sort()).toEqual(['active', 'superseded']);
    expect(valid.find((k) => k.state === 'active')!.generation).toBe(2);
  });

  it('two templates sharing one env file: a rollback of one undoes only its own variable, not the key the other published meanwhile', async () => {
    const env = `s${Math.random().toString(36).slice(2, 8)}`;
    const dir = makeProject(sb, {
      files: {
        '.env': '# shared\nAPP=1\n',
        'eskeys.config.json': {
          environments: {
            [env]: {
              outputs: {
                // email-a restarts slowly and then fails: it rolls back after email-b published.
                'email-a': { key_var: 'A_KEY', restart: { command: 'sleep 3; exit 1', timeout: '20s' } },
                'email-b': { key_var: 'B_KEY' },
              },
            },
          },
        },
      },
    });
    // Each clone owns its variables (one variable, one owner), in .env like the override says.
    for (const [n, v] of [
      ['email-a', 'A_KEY'],
      ['email-b', 'B_KEY'],
    ] as const) {
      writeTemplate(dir, 'roles/email-search.json', {
        name: n,
        outputs: { env_files: ['.env'], key_var: v, id_var: `${v}_ID` },
      });
    }
    // First keys without the failing restart (email-a's override applies from here on).
    expect((await runCli(['create', '-t', 'email-b', '--env', env], dir)).code).toBe(0);
    const cfg = JSON.parse(readProjectFile(dir, 'eskeys.config.json'));
    const restart = cfg.environments[env].outputs['email-a'].restart;
    delete cfg.environments[env].outputs['email-a'].restart;
    writeFileSync(join(dir, 'eskeys.config.json'), JSON.stringify(cfg));
    expect((await runCli(['create', '-t', 'email-a', '--env', env], dir)).code).toBe(0);
    cfg.environments[env].outputs['email-a'].restart = restart;
    writeFileSync(join(dir, 'eskeys.config.json'), JSON.stringify(cfg));
    const aBefore = envValue(readProjectFile(dir, '.env'), 'A_KEY');

    const slowA = runCli(['rotate', '-t', 'email-a', '--env', env], dir);
    await new Promise((r) => setTimeout(r, 1500)); // email-a has published and is restarting
    const b = await runCli(['rotate', '-t', 'email-b', '--env', env], dir);
    const a = await slowA;
    expect(b.code, b.stderr).toBe(0);
    expect(a.code).toBe(1); // restart failed: rolled back

    const text = readProjectFile(dir, '.env');
    const active = new Map(
      (await statusKeys(dir))
        .filter((k) => k.environment === env && k.state === 'active')
        .map((k) => [k.template, k]),
    );
    const idOf = (v: string | undefined) =>
      Buffer.from(v ?? '', 'base64')
        .toString('utf8')
        .split(':')[0];
    expect(active.get('email-b')!.generation).toBe(2);
    expect(idOf(envValue(text, 'B_KEY'))).toBe(active.get('email-b')!.id); // b's new key survived
    expect(envValue(text, 'A_KEY')).toBe(aBefore); // a's old key is back
    expect(active.get('email-a')!.generation).toBe(1);
    expect(text).toMatch(/^# shared\nAPP=1\n/);
  });
});
