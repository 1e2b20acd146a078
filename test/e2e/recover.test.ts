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
} from './rotate-support.js';

const sb = useRotationSandbox();

let n = 0;
/** A project with two env files for `email-search` in a fresh environment. */
function twoFileProject(restart?: object): { dir: string; env: string } {
  const env = `r${++n}${Math.random().toString(36).slice(2, 6)}`;
  const dir = makeProject(sb, {
    files: {
      '.env': 'APP=1\nELASTICSEARCH_API_KEY=x\n',
      'worker/.env': '# worker\nQUEUE=mail\n',
      'eskeys.config.json': {
        environments: {
          [env]: {
            outputs: {
              'email-search': { env_files: ['.env', 'worker/.env'], ...(restart ? { restart } : {}) },
            },
          },
        },
      },
    },
  });
  return { dir, env };
}

const journalOf = (dir: string, env: string) =>
  readProjectFile(dir, `.eskeys/journal/email-search@${env}.jsonl`);

describe('eskeys recover (after a simulated crash: ESKEYS_TEST_CRASH_AFTER, test-only)', {
  timeout: 120_000,
}, () => {
  it('nothing to do on a clean journal', async () => {
    const { dir } = twoFileProject();
    const r = await runCli(['recover'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no interrupted rotation/);
  });

  it('crash mid-publish (one of two files written): recover completes the publish and retires the old key', async () => {
    const { dir, env } = twoFileProject();
    const runs: CliRun[] = [];
    runs.push(await runCli(['create', '-t', 'email-search', '--env', env], dir));
    expect(runs[0]!.code, runs[0]!.stderr).toBe(0);
    const oldKey = envValue(readProjectFile(dir, 'worker/.env'), 'ELASTICSEARCH_API_KEY')!;
    const crash = await runCli(['rotate', '-t', 'email-search', '--env', env], dir, {
      ESKEYS_TEST_CRASH_AFTER: 'publish_file',
    });
    runs.push(crash);
    expect(crash.signal).toBe('SIGKILL');
    const newKey = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    expect(newKey).not.toBe(oldKey);
    expect(envValue(readProjectFile(dir, 'worker/.env'), 'ELASTICSEARCH_API_KEY')).toBe(oldKey);
    expect((await statusKeys(dir)).filter((k) => k.environment === env).map((k) => k.state)).toEqual([
      'pending',
      'active',
    ]);

    const dry = await runCli(['recover', '--dry-run'], dir);
    runs.push(dry);
    expect(dry.stdout).toMatch(/interrupted at publish_file:done/);
    expect(dry.stdout).toMatch(/\.env holds the new key; worker\/\.env holds the old key/);
    expect(dry.stdout).toMatch(
      /roll forward: the verified new key is in 1 of 2 env files; completing the publish/,
    );

    const rec = await runCli(['recover'], dir);
    runs.push(rec);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(/published the new key to worker\/\.env/);
    expect(envValue(readProjectFile(dir, 'worker/.env'), 'ELASTICSEARCH_API_KEY')).toBe(newKey);
    expect(readProjectFile(dir, 'worker/.env')).toMatch(/^# worker\nQUEUE=mail\n/);
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    expect(journalOf(dir, env)).toMatch(/"outcome":"recovered"/);
    expect((await runCli(['recover'], dir)).stdout).toMatch(/no interrupted rotation/);
    expectNoSecretLeak(sb, dir, runs);
  });

  it('crash after create (before verify): recover invalidates the new key; consumers untouched', async () => {
    const { dir, env } = twoFileProject();
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const before = [readProjectFile(dir, '.env'), readProjectFile(dir, 'worker/.env')];
    const crash = await runCli(['rotate', '-t', 'email-search', '--env', env], dir, {
      ESKEYS_TEST_CRASH_AFTER: 'create',
    });
    expect(crash.signal).toBe('SIGKILL');
    // The pending key blocks a rotation from another host (the cluster-visible guard) ...
    const other = makeProject(sb, {
      files: { 'eskeys.config.json': { environments: { [env]: {} } } },
    });
    const blocked = await runCli(['rotate', '-t', 'email-search', '--env', env], other);
    expect(blocked.code).toBe(4);
    expect(blocked.stderr).toMatch(/another rotation of email-search@.* is in progress/);
    // On this host, rotate points at recover (exit 5) instead of starting over.
    const again = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/interrupted rotation of email-search@.* run `eskeys recover` first/);
    // ... until recover on this host rolls it back.
    const rec = await runCli(['recover'], dir);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(/roll back: interrupted before the new key passed verification/);
    expect([readProjectFile(dir, '.env'), readProjectFile(dir, 'worker/.env')]).toEqual(before);
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [1, 'active'],
      [2, 'invalidated'],
    ]);
  });

  it('a rollback that cannot finish exits 5 naming eskeys recover, and recover completes it', async () => {
    const { dir, env } = twoFileProject({ command: 'exit 1', timeout: '5s' });
    // First key without the failing restart: create it in a project without the override.
    const plain = makeProject(sb, { files: { 'eskeys.config.json': { environments: { [env]: {} } } } });
    expect((await runCli(['create', '-t', 'email-search', '--env', env], plain)).code).toBe(0);
    sb.sandbox.faults.inject({ method: 'DELETE', path: '/_security/api_key', status: 503, times: 8 });
    const r = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    sb.sandbox.faults.clear();
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/rollback is incomplete .*run `eskeys recover`/);
    // the env files were restored before the invalidation was attempted
    expect(readProjectFile(dir, 'worker/.env')).toBe('# worker\nQUEUE=mail\n');
    const rec = await runCli(['recover'], dir);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(/roll back/);
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [1, 'active'],
      [2, 'invalidated'],
    ]);
  });
});
