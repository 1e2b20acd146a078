/**
 * Leftovers of rotations that died or were cut off: keys the cluster minted after eskeys gave up
 * on the create, edit locks of killed processes, temp files beside env files, lock temp files.
 * The built CLI against the sandbox; the sandbox's `executeLate` fault drops the client's
 * connection and runs the request later, when the test releases it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  envValue,
  makeProject,
  readProjectFile,
  runCli,
  statusKeys,
  useRotationSandbox,
} from './rotate-support.js';

const sb = useRotationSandbox();

let n = 0;
function project(): { dir: string; env: string } {
  const env = `l${++n}${Math.random().toString(36).slice(2, 6)}`;
  const dir = makeProject(sb, {
    files: {
      '.env': 'APP=1\n',
      'eskeys.config.json': {
        environments: { [env]: { outputs: { 'email-search': { env_files: ['.env'] } } } },
      },
    },
  });
  return { dir, env };
}

/** Whether the sandbox reports the key invalidated (GET /_security/api_key?id=). */
async function invalidated(id: string): Promise<boolean> {
  const r = await sb.admin('GET', `/_security/api_key?id=${encodeURIComponent(id)}`);
  expect(r.status).toBe(200);
  return (r.body as { api_keys: { invalidated: boolean }[] }).api_keys[0]!.invalidated;
}

/**
 * A rotation whose create the cluster executes only after eskeys gave up on it: returns the
 * orphan key's id (pending, valid, minted by this host for a rotation that never published).
 */
async function lateCreate(dir: string, env: string): Promise<string> {
  const first = await runCli(['create', '-t', 'email-search', '--env', env], dir);
  expect(first.code, first.stderr).toBe(0);
  sb.sandbox.faults.inject({ method: 'PUT', path: '/_security/api_key', executeLate: true });
  const cut = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
  // The create's connection was cut: the cluster is misbehaving, nothing was published.
  expect(cut.code, cut.stderr).toBe(3);
  expect(await sb.sandbox.faults.releaseHeld()).toEqual([200]);
  const pending = (await statusKeys(dir)).filter((k) => k.environment === env && k.state === 'pending');
  expect(pending).toHaveLength(1);
  expect(await invalidated(pending[0]!.id)).toBe(false);
  return pending[0]!.id;
}

describe('a create the cluster executed after eskeys gave up', { timeout: 120_000 }, () => {
  it("rotate names this host's own rotation and `eskeys recover`; recover invalidates the key and says so; the next rotate succeeds", async () => {
    const { dir, env } = project();
    const orphan = await lateCreate(dir, env);

    const blocked = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    expect(blocked.code, blocked.stderr).toBe(5);
    expect(blocked.stderr).not.toMatch(/another (host|rotation)|on that host/);
    expect(blocked.stderr).toMatch(/this host/);
    expect(blocked.stderr).toMatch(/eskeys recover/);

    const rec = await runCli(['recover'], dir);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(new RegExp(`email-search@${env}: invalidated key email-search@${env}#2 `));
    expect(rec.stdout).toMatch(/never published/);
    expect(await invalidated(orphan)).toBe(true);

    const again = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')).toBeDefined();
  });

  it('tick invalidates it too, and says so', async () => {
    const { dir, env } = project();
    const orphan = await lateCreate(dir, env);
    const tick = await runCli(['tick', '--env', env], dir);
    expect(tick.code, tick.stderr).toBe(0);
    expect(tick.stdout + tick.stderr).toMatch(new RegExp(`invalidated key email-search@${env}#2 `));
    expect(await invalidated(orphan)).toBe(true);
  });
});
