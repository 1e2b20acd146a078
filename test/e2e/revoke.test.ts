import { describe, expect, it } from 'vitest';
import {
  type CliRun,
  envValue,
  expectNoSecretLeak,
  makeProject,
  readProjectFile,
  runCli,
  startRotationSandbox,
  statusKeys,
  useRotationSandbox,
} from './rotate-support.js';

const sb = useRotationSandbox();

function project() {
  const env = `v${Math.random().toString(36).slice(2, 8)}`;
  const dir = makeProject(sb, {
    files: { '.env': 'A=1\n', 'eskeys.config.json': { environments: { [env]: {} } } },
  });
  return { dir, env };
}

/** Waits until the superseded key's grace (superseded_until) has passed, whatever the machine's load. */
async function untilPassed(dir: string, env: string): Promise<void> {
  const old = (await statusKeys(dir)).find((k) => k.environment === env && k.state === 'superseded')!;
  const wait = Date.parse(old.superseded_until!) - Date.now() + 300;
  if (wait > 0) await new Promise((res) => setTimeout(res, wait));
}

describe('eskeys revoke', { timeout: 120_000 }, () => {
  it('on 8.13+ the cluster itself ends a superseded key at the end of its grace', async () => {
    const { dir, env } = project();
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const first = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    const r = await runCli(['rotate', '-t', 'email-search', '--env', env, '--grace', '8s'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect((await sb.asKey(first, 'GET', '/_cluster/health')).status).toBe(200);
    await untilPassed(dir, env);
    expect((await sb.asKey(first, 'GET', '/_cluster/health')).status).toBe(401);
    const due = await runCli(['revoke', '--due', '--env', env, '--yes'], dir);
    expect(due.stdout).toMatch(/no superseded key is past its grace period/);
  });

  it('before 8.13 (no expiration update) --due invalidates superseded keys once their grace has passed, not before', async () => {
    const old = await startRotationSandbox({ version: '8.12.2' });
    try {
      const env = 'legacy';
      const dir = makeProject(old, {
        files: { '.env': 'A=1\n', 'eskeys.config.json': { environments: { [env]: {} } } },
      });
      const runs: CliRun[] = [];
      runs.push(await runCli(['create', '-t', 'email-search', '--env', env], dir));
      const first = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
      runs.push(await runCli(['rotate', '-t', 'email-search', '--env', env, '--grace', '8s'], dir));
      expect(runs[1]!.code, runs[1]!.stderr).toBe(0);
      expect(runs[1]!.stderr).toMatch(/cannot update key expirations \(before 8\.13\)/);
      expect(runs[1]!.stdout).toMatch(/run `eskeys revoke --due` after that/);
      const early = await runCli(['revoke', '--due', '--env', env, '--yes'], dir);
      runs.push(early);
      expect(early.stdout).toMatch(/no superseded key is past its grace period/);
      await untilPassed(dir, env);
      expect((await old.asKey(first, 'GET', '/_cluster/health')).status).toBe(200);
      const due = await runCli(['revoke', '--due', '--env', env, '--yes', '--json'], dir);
      runs.push(due);
      expect(due.code, due.stderr).toBe(0);
      expect(JSON.parse(due.stdout).revoked).toEqual([
        expect.objectContaining({ name: `email-search@${env}#1` }),
      ]);
      expect((await old.asKey(first, 'GET', '/_cluster/health')).status).toBe(401);
      expect(readProjectFile(dir, '.eskeys/audit.jsonl')).toMatch(/"key\.revoked"/);
      expectNoSecretLeak(old, dir, runs);
    } finally {
      await old.close();
    }
  });

  it('never revokes the only active key without --force; needs --yes without a terminal', async () => {
    const { dir, env } = project();
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    const [active] = (await statusKeys(dir)).filter((k) => k.environment === env);
    const refused = await runCli(['revoke', '--id', active!.id, '--yes'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/only active key of email-search@.*rotate --now/);
    const noYes = await runCli(['revoke', '--id', active!.id, '--force'], dir);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/needs confirmation; pass --yes/);
    const dry = await runCli(
      ['revoke', '--template', 'email-search', '--env', env, '--force', '--dry-run'],
      dir,
    );
    expect(dry.stdout).toMatch(/would revoke:\n {2}email-search@\w+#1/);
    const forced = await runCli(['revoke', '--id', active!.id, '--force', '--yes'], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/revoked email-search@.*#1/);
    expect((await statusKeys(dir)).find((k) => k.id === active!.id)!.state).toBe('invalidated');
  });

  it('usage errors: no selector, two selectors, unknown or unmanaged ids', async () => {
    const { dir } = project();
    expect((await runCli(['revoke'], dir)).code).toBe(2);
    expect((await runCli(['revoke', '--due', '--id', 'x'], dir)).stderr).toMatch(/exclude each other/);
    const unknown = await runCli(['revoke', '--id', 'nope', '--yes'], dir);
    expect(unknown.code).toBe(2);
    const created = await sb.admin('POST', '/_security/api_key', { name: 'hand-made' });
    const id = (created.body as { id: string }).id;
    const unmanaged = await runCli(['revoke', '--id', id, '--yes'], dir);
    expect(unmanaged.code).toBe(2);
    expect(unmanaged.stderr).toMatch(/is not managed by eskeys/);
  });
});

describe('eskeys status / list', { timeout: 120_000 }, () => {
  it('filters by template and environment; --all adds invalidated keys; list is an alias', async () => {
    const { dir, env } = project();
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    expect((await runCli(['rotate', '-t', 'email-search', '--env', env, '--now', '--yes'], dir)).code).toBe(
      0,
    );
    const valid = await runCli(['status', '--env', env, '--json'], dir);
    expect(JSON.parse(valid.stdout).keys.map((k: { state: string }) => k.state)).toEqual(['active']);
    const all = await runCli(['list', '--env', env, '--all', '--json'], dir);
    expect(JSON.parse(all.stdout).keys.map((k: { state: string }) => k.state)).toEqual([
      'active',
      'invalidated',
    ]);
    const other = await runCli(['status', '--template', 'nothing-here', '--env', env], dir);
    expect(other.stdout).toMatch(/no valid managed keys for template nothing-here/);
    const human = await runCli(['status', '--env', env, '--all'], dir);
    expect(human.stdout).toMatch(/template@env\s+gen\s+name\s+id\s+age\s+expires\s+state\s+review/);
  });
});
