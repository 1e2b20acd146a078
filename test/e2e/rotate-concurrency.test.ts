import { describe, expect, it } from 'vitest';
import { makeProject, runCli, statusKeys, useRotationSandbox } from './rotate-support.js';

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
});
